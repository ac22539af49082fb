"""The add-in's JavaScript, tested with Node's built-in runner (``node --test`` in
``addin-tests/``, mocks from Microsoft's ``office-addin-mock``), run from pytest so a
failing JavaScript test fails CI. The functions.json and the manifest the tests read are
the ones this Python code writes, so the JavaScript is checked against the real catalog."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from xlreport.addin.manifest import build_manifest
from xlreport.addin.metadata import build_metadata

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "addin-tests"
BASE = "https://localhost:8443"


def _node_modules() -> Path:
    modules = TESTS / "node_modules"
    if not (modules / "office-addin-mock").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is not installed: run scripts/setup.sh (installs node and npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TESTS, check=True)
    return modules


def test_node_tests_pass(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run scripts/setup.sh")
    _node_modules()
    functions = tmp_path / "functions.json"
    functions.write_text(json.dumps(build_metadata()), encoding="utf-8")
    manifest = tmp_path / "manifest.xml"
    manifest.write_text(build_manifest(BASE), encoding="utf-8")
    env = {
        **os.environ,
        "XLREPORT_TEST_FUNCTIONS_JSON": str(functions),
        "XLREPORT_TEST_MANIFEST": str(manifest),
        "XLREPORT_TEST_BASE": BASE,
    }
    done = subprocess.run(
        [node, "--test"], cwd=TESTS, env=env, capture_output=True, text=True, timeout=300
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-6000:]
    counts = {k: int(v) for k, v in re.findall(r"^# (pass|fail|skipped) (\d+)$", report, re.M)}
    assert counts["fail"] == 0 and counts["skipped"] == 0, report[-3000:]
    assert counts["pass"] >= 15, report[-3000:]
