"""The wheel a user installs carries what the program reads at run time: the packages,
the embedded dataset and the shipped report templates."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "xlreport").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"] == {"xlreport._templates": "templates"}


@pytest.mark.slow
def test_an_installed_wheel_finds_its_default_template(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("xlreport_plans-*.whl")  # the distribution's name on PyPI
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "site")
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = z.read(meta).decode("utf-8")
    assert "\nName: xlreport-plans\n" in metadata
    assert "\nLicense-Expression: BSD-3-Clause\n" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert {"xlreport/_templates/default.toml", "xlreport/_templates/logo.png"} <= names
    assert "xlreport/data/dataset.toml" in names
    # the Office add-in's files, served by `xlreport addin serve` from the package itself
    static = {
        f"xlreport/addin/static/{n}"
        for n in ("taskpane.html", "taskpane.js", "functions.js", "taskpane.css", "help.html")
    }
    assert static <= names, sorted(static - names)
    # the unpacked wheel first on the path, away from the checkout: its own template
    code = (
        "import xlreport.report.template as t; tpl = t.load_template(); "
        "print(t.__file__); print(tpl.folder); print((tpl.folder / 'logo.png').is_file())"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "XLREPORT_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    site = str((tmp_path / "site").resolve())
    assert out[0].startswith(site)  # the module came from the wheel, not the checkout
    assert out[1] == str(Path(site) / "xlreport" / "_templates")
    assert out[2] == "True"


def test_license_file_is_the_bsd_3_clause_licence_the_metadata_names() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License\n\nCopyright (c) 2026, xlreport developers\n")
    assert "3. Neither the name of the copyright holder nor the names of its" in text
    assert "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS" in text
