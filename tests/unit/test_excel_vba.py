"""MS-OVBA compression and the compound-file writer, checked against independent readers
(oletools' decompressor, olefile) and the real xlwings template."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlreport.errors import OutputError, TemplateError
from xlreport.excel.cfb import write_compound_file
from xlreport.excel.vba import (
    add_module,
    compress,
    decompress,
    list_modules,
    read_module_source,
    replace_module_source,
)
from xlreport.excel.workbook import read_template

with warnings.catch_warnings():  # oletools 0.60 uses a pyparsing API deprecated since 3.3
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import decompress_stream


def _oletools(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


TEXT = st.text(alphabet="Sub End ()\r\n'\"=.,_abcxyz0123456789", max_size=12000)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_compressed_text_decompresses_to_itself_with_oletools(text: str) -> None:
    data = text.encode("cp1252")
    packed = compress(data)
    assert _oletools(packed) == data
    assert decompress(packed) == data


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=9000))
def test_any_bytes_round_trip_up_to_raw_chunk_padding(data: bytes) -> None:
    # An incompressible chunk is stored raw, padded with zeros to 4096 bytes (MS-OVBA
    # 2.4.1.3.10), so only the last chunk may come back longer, with zeros.
    out = _oletools(compress(data))
    assert out[: len(data)] == data and set(out[len(data) :]) <= {0}


def test_repetitive_text_is_really_compressed() -> None:
    data = b'RunPython "import xlreport"\r\n' * 300  # 8,700 bytes
    assert len(compress(data)) < len(data) / 5


def test_decompress_agrees_with_oletools_on_xlwings_streams() -> None:
    plan = read_template()
    ole = olefile.OleFileIO(io.BytesIO(plan.vba_project))
    for path in ("VBA/dir", "VBA/xlwings"):
        raw = ole.openstream(path).read()
        assert decompress(raw) == _oletools(raw)
    with pytest.raises(TemplateError, match="no 0x01 signature"):
        decompress(b"\x00abc")


@pytest.mark.parametrize("count", [1, 5, 40])
def test_compound_files_round_trip_through_olefile(count: int) -> None:
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 20000]
    streams = {
        f"S{i % 3}/stream-{i}": bytes([i % 251]) * sizes[i % len(sizes)] for i in range(count)
    }
    streams["PROJECT"] = b"ID=..."
    ole = olefile.OleFileIO(io.BytesIO(write_compound_file(streams)))
    found = {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}
    assert found == streams


def test_compound_file_names_are_limited_to_31_characters() -> None:
    with pytest.raises(OutputError, match="longer than 31 characters"):
        write_compound_file({"x" * 32: b""})


def test_replacing_a_module_keeps_the_rest_of_the_project() -> None:
    project = read_template().vba_project
    assert "Sub SampleCall()" in read_module_source(project, "Module1")
    new = replace_module_source(project, "Module1", 'Sub Hello()\n    MsgBox "hi"\nEnd Sub\n')
    assert read_module_source(new, "Module1") == (
        'Attribute VB_Name = "Module1"\r\nSub Hello()\r\n    MsgBox "hi"\r\nEnd Sub\r\n'
    )
    # every other module's source is unchanged
    assert read_module_source(new, "xlwings") == read_module_source(project, "xlwings")
    with pytest.raises(TemplateError, match="no module 'Module9'"):
        replace_module_source(project, "Module9", "")
    with pytest.raises(TemplateError, match="cp1252"):
        replace_module_source(project, "Module1", "' 亿\n")


def test_a_new_module_is_added_as_xlwings_adds_its_own() -> None:
    project = read_template().vba_project
    code = "Function Twice(x)\n    Twice = 2 * x\nEnd Function\n"
    new = add_module(project, "xlwings_udfs", code)
    assert read_module_source(new, "xlwings_udfs") == (
        'Attribute VB_Name = "xlwings_udfs"\r\nFunction Twice(x)\r\n    Twice = 2 * x\r\n'
        "End Function\r\n"
    )
    ole = olefile.OleFileIO(io.BytesIO(new))
    dir_data = decompress(ole.openstream("VBA/dir").read())
    modules = {m.name: m for m in list_modules(dir_data)}
    # the template's six modules and the new one, which (like xlwings' own module in
    # the template) is source only: its source starts at offset 0, no compiled p-code
    assert list(modules) == [
        "ThisWorkbook", "Sheet1", "Module1", "Sheet2", "xlwings", "Dictionary", "xlwings_udfs",
    ]  # fmt: skip
    assert modules["xlwings_udfs"].offset == 0 == modules["xlwings"].offset
    # PROJECTMODULES (id 0x000F, size 2) counts 7: b"\x0f\x00" + size + count
    assert b"\x0f\x00\x02\x00\x00\x00\x07\x00" in dir_data
    project_text = ole.openstream("PROJECT").read().decode("cp1252")
    assert "\r\nClass=Dictionary\r\nModule=xlwings_udfs\r\nName=" in project_text
    assert "\r\nxlwings_udfs=0, 0, 0, 0, C\r\n" in project_text
    name_map = ole.openstream("PROJECTwm").read()
    assert name_map.endswith(b"xlwings_udfs\x00" + "xlwings_udfs".encode("utf-16-le") + b"\x00" * 4)
    # every other module is unchanged
    for name in ("Module1", "xlwings", "Dictionary", "ThisWorkbook"):
        assert read_module_source(new, name) == read_module_source(project, name)
    with pytest.raises(TemplateError, match="already has a module 'xlwings_udfs'"):
        add_module(new, "xlwings_udfs", code)


def test_the_template_is_what_xlwings_quickstart_standalone_makes(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from xlwings.cli import main; main()",
            "quickstart",
            "--standalone",
            "demo",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    plan = read_template()
    assert plan.template.name == "quickstart_standalone.xlsm"
    with zipfile.ZipFile(tmp_path / "demo" / "demo.xlsm") as zf:
        assert zf.read("xl/vbaProject.bin") == plan.vba_project
    assert [k for k, _ in plan.conf_rows][:6] == [
        "Interpreter_Win",
        "Interpreter_Mac",
        "PYTHONPATH",
        "Conda Path",
        "Conda Env",
        "UDF Modules",
    ]
