"""The command line's contract with scripts: exit codes and one-line errors."""

from __future__ import annotations

import pytest

from xlreport.cli import main


def test_usage_error_exits_2_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err


def test_bad_option_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--format", "xml"]) == 2
    assert "'xml' is not one of" in capsys.readouterr().err


def test_xlreport_error_is_one_line_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["targets", "--plan", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: --plan 'nope' is not a known plan id")
    assert "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "xlreport 0.1.0"


@pytest.mark.parametrize("module", ["xlreport", "xlreport.cli"])
def test_runs_as_a_module(module: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "xlreport 0.1.0")
