"""Read and edit the VBA project (``vbaProject.bin``) of the xlwings workbook template.

A VBA project is a compound file (MS-CFB) whose ``VBA/dir`` stream lists the modules and
where each module's source starts in its stream; sources and ``dir`` are compressed with
the MS-OVBA algorithm (2.4.1). :func:`replace_module_source` puts new source code into an
existing module the way VBA-purging tools do: the module stream becomes the compressed
source alone, its ``MODULEOFFSET`` in ``dir`` becomes 0, and the compiled p-code is
dropped. xlwings' templates already ship a ``_VBA_PROJECT`` stream of version ``0xFFFF``
without a performance cache (that is how xlwings inserts its own module), which tells
Office to compile from source when the workbook is opened.

Reading uses :mod:`olefile`; writing uses :func:`xlreport.excel.cfb.write_compound_file`.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from xlreport.errors import TemplateError
from xlreport.excel.cfb import write_compound_file

__all__ = [
    "VbaModule",
    "add_module",
    "compress",
    "decompress",
    "list_modules",
    "read_module_source",
    "replace_module_source",
]

CHUNK = 4096
_PROJECTVERSION = 0x0009
_PROJECTCODEPAGE = 0x0003
_MODULESTREAMNAME = 0x001A
_MODULEOFFSET = 0x0031
_MODULENAME = 0x0019
_PROJECTMODULES = 0x000F
_TERMINATOR = struct.pack("<HI", 0x0010, 0)  # the end of the dir stream (2.3.4.2)


# ------------------------------------------------------------------ MS-OVBA compression


def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into a chunk (MS-OVBA 2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    pos = 0
    seen: dict[bytes, list[int]] = {}

    def remember(upto: int) -> None:
        for i in range(max(remember.done, 0), upto):  # type: ignore[attr-defined]
            if i + 3 <= n:
                seen.setdefault(chunk[i : i + 3], []).append(i)
        remember.done = upto  # type: ignore[attr-defined]

    remember.done = 0  # type: ignore[attr-defined]
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            remember(pos)
            best_len, best_off = 0, 0
            bits = _bit_count(pos)
            max_len = min((0xFFFF >> bits) + 3, n - pos)
            for start in reversed(seen.get(chunk[pos : pos + 3], [])[-256:]):
                length = 0
                while length < max_len and chunk[start + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - start
                    if length == max_len:
                        break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK:  # incompressible: a raw chunk of exactly 4096 bytes
        return struct.pack("<H", (CHUNK - 1) | 0x3000) + chunk.ljust(CHUNK, b"\x00")
    return struct.pack("<H", (len(out) + 2 - 3) | 0x3000 | 0x8000) + bytes(out)


def compress(data: bytes) -> bytes:
    """MS-OVBA CompressedContainer of ``data``."""
    out = bytearray(b"\x01")
    for i in range(0, len(data), CHUNK):
        out += _compress_chunk(data[i : i + CHUNK])
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The bytes of an MS-OVBA CompressedContainer."""
    if not data or data[0] != 1:
        raise TemplateError("VBA stream is not compressed as MS-OVBA requires (no 0x01 signature)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        if (header >> 12) & 0x7 != 0b011:
            raise TemplateError(f"VBA stream: bad chunk signature at byte {pos}")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos : pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                (token,) = struct.unpack_from("<H", data, pos)
                pos += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


# ------------------------------------------------------------------ the dir stream


@dataclass(frozen=True)
class VbaModule:
    name: str
    stream: str
    offset: int  # where the compressed source starts in the module stream
    offset_at: int  # position of the MODULEOFFSET value in the decompressed dir stream


def _records(dir_data: bytes) -> list[tuple[int, int, bytes]]:
    """(id, position of data, data) of each record in a decompressed dir stream."""
    out = []
    pos = 0
    while pos + 6 <= len(dir_data):
        rid, size = struct.unpack_from("<HI", dir_data, pos)
        if rid == _PROJECTVERSION:  # Reserved=4 then 4+2 bytes of version
            size = 6
        out.append((rid, pos + 6, dir_data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


def _codepage(dir_data: bytes) -> str:
    for rid, _, data in _records(dir_data):
        if rid == _PROJECTCODEPAGE:
            return f"cp{struct.unpack('<H', data)[0]}"
    return "cp1252"


def list_modules(dir_data: bytes) -> list[VbaModule]:
    """The modules named in a decompressed dir stream."""
    codepage = _codepage(dir_data)
    modules = []
    name = stream = ""
    for rid, at, data in _records(dir_data):
        if rid == _MODULENAME:
            name = data.decode(codepage)
        elif rid == _MODULESTREAMNAME:
            stream = data.decode(codepage)
        elif rid == _MODULEOFFSET:
            modules.append(VbaModule(name, stream, struct.unpack("<I", data)[0], at))
    return modules


def _open(project: bytes) -> dict[str, bytes]:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(project))
    except OSError as exc:
        raise TemplateError(f"the VBA project is not a compound file: {exc}") from None
    with ole:
        return {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}


def _module(streams: dict[str, bytes], name: str) -> tuple[bytes, VbaModule]:
    dir_data = decompress(streams["VBA/dir"])
    for module in list_modules(dir_data):
        if module.name == name:
            return dir_data, module
    known = ", ".join(m.name for m in list_modules(dir_data))
    raise TemplateError(f"the VBA project has no module {name!r} (it has {known})")


def read_module_source(project: bytes, name: str) -> str:
    """The source code of module ``name`` (CRLF line ends, as stored)."""
    streams = _open(project)
    dir_data, module = _module(streams, name)
    code = decompress(streams[f"VBA/{module.stream}"][module.offset :])
    return code.decode(_codepage(dir_data))


def replace_module_source(project: bytes, name: str, code: str) -> bytes:
    """A copy of the VBA project with module ``name``'s source replaced by ``code``.

    The module keeps its ``Attribute VB_...`` header lines (from the old source) unless
    ``code`` brings its own; line ends become CRLF as VBA stores them.
    """
    streams = _open(project)
    dir_data, module = _module(streams, name)
    codepage = _codepage(dir_data)
    old = decompress(streams[f"VBA/{module.stream}"][module.offset :]).decode(codepage)
    lines = code.replace("\r\n", "\n").split("\n")
    if not lines[0].startswith("Attribute VB_"):
        header = [ln for ln in old.split("\r\n") if ln.startswith("Attribute VB_")]
        lines = header + lines
    text = "\r\n".join(lines).rstrip("\r\n") + "\r\n"
    try:
        encoded = text.encode(codepage)
    except UnicodeEncodeError as exc:
        raise TemplateError(f"module {name}: {exc}; VBA source is stored in {codepage}") from None
    patched = bytearray(dir_data)
    struct.pack_into("<I", patched, module.offset_at, 0)
    streams["VBA/dir"] = compress(bytes(patched))
    streams[f"VBA/{module.stream}"] = compress(encoded)
    return write_compound_file(streams)


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def add_module(project: bytes, name: str, code: str) -> bytes:
    """A copy of the VBA project with a new standard module ``name`` holding ``code``.

    The module is added as xlwings adds its own module to its templates: source only
    (``MODULEOFFSET`` 0, no p-code, which Office compiles on opening since the project's
    ``_VBA_PROJECT`` stream carries no performance cache). The records follow MS-OVBA
    2.3.4.2.3.2 (``MODULE``), the project's module count is raised, and the ``PROJECT``
    and ``PROJECTwm`` streams name the module, as the VBA editor writes them.
    """
    streams = _open(project)
    dir_data = decompress(streams["VBA/dir"])
    codepage = _codepage(dir_data)
    if any(m.name.lower() == name.lower() for m in list_modules(dir_data)):
        raise TemplateError(f"the VBA project already has a module {name!r}")
    if not dir_data.endswith(_TERMINATOR):
        raise TemplateError("the VBA project's dir stream does not end as MS-OVBA requires")
    counts = [(at, data) for rid, at, data in _records(dir_data) if rid == _PROJECTMODULES]
    if len(counts) != 1:
        raise TemplateError("the VBA project's dir stream has no PROJECTMODULES record")
    at, data = counts[0]
    mbcs, unicode = name.encode(codepage), name.encode("utf-16-le")
    module = b"".join(
        (
            _record(_MODULENAME, mbcs),
            _record(0x0047, unicode),  # MODULENAMEUNICODE
            _record(_MODULESTREAMNAME, mbcs),
            _record(0x0032, unicode),
            _record(0x001C, b""),  # MODULEDOCSTRING, then its unicode form
            _record(0x0048, b""),
            _record(_MODULEOFFSET, struct.pack("<I", 0)),
            _record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            _record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
            _record(0x0021, b""),  # MODULETYPE: procedural (a standard module)
            _record(0x002B, b""),  # the module's terminator
        )
    )
    patched = bytearray(dir_data[: -len(_TERMINATOR)] + module + _TERMINATOR)
    struct.pack_into("<H", patched, at, struct.unpack("<H", data)[0] + 1)
    streams["VBA/dir"] = compress(bytes(patched))
    lines = code.replace("\r\n", "\n").split("\n")
    if not lines[0].startswith("Attribute VB_Name"):
        lines.insert(0, f'Attribute VB_Name = "{name}"')
    text = "\r\n".join(lines).rstrip("\r\n") + "\r\n"
    try:
        streams[f"VBA/{name}"] = compress(text.encode(codepage))
    except UnicodeEncodeError as exc:
        raise TemplateError(f"module {name}: {exc}; VBA source is stored in {codepage}") from None
    streams["PROJECT"] = _project_with_module(streams["PROJECT"], name, codepage)
    wm = streams.get("PROJECTwm")
    if wm is not None and wm.endswith(b"\x00\x00"):
        streams["PROJECTwm"] = wm[:-2] + mbcs + b"\x00" + unicode + b"\x00\x00" + b"\x00\x00"
    return write_compound_file(streams)


def _project_with_module(stream: bytes, name: str, codepage: str) -> bytes:
    """The PROJECT stream (MS-OVBA 2.3.1) with ``Module=name`` after the last module line
    and the module's line in ``[Workspace]``."""
    lines = stream.decode(codepage).split("\r\n")
    kinds = ("Module=", "Document=", "Class=", "BaseClass=", "Package=")
    last = max((i for i, ln in enumerate(lines) if ln.startswith(kinds)), default=-1)
    if last < 0:
        raise TemplateError("the VBA project's PROJECT stream lists no modules")
    lines.insert(last + 1, f"Module={name}")
    if "[Workspace]" in lines:
        end = lines.index("[Workspace]") + 1
        while end < len(lines) and lines[end]:
            end += 1
        lines.insert(end, f"{name}=0, 0, 0, 0, C")
    return "\r\n".join(lines).encode(codepage)
