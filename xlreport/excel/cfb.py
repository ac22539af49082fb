"""Write a Compound File Binary (MS-CFB, version 3) file from a set of streams.

A ``vbaProject.bin`` is such a file. :mod:`olefile` reads them but can only rewrite a
stream with one of the same size, so the add-in workbook's VBA project (whose module
source changes size) is written here from scratch: 512-byte sectors, streams under 4096
bytes in the mini stream (64-byte sectors), one FAT, one mini FAT, and each storage's
children in a red-black tree ordered as MS-CFB 2.6.4 requires (shorter names first, then
by upper-cased name). Up to 109 FAT sectors (about 7 MB), which is plenty for a VBA
project; larger content raises :class:`~xlreport.errors.OutputError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from xlreport.errors import OutputError

__all__ = ["write_compound_file"]

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
TYPE_STORAGE, TYPE_STREAM, TYPE_ROOT = 1, 2, 5
RED, BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    index: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    clsid: bytes = bytes(16)


def _order_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def _build_tree(entries: list[_Entry], depth: int, red_depth: int) -> int:
    """Balanced tree of ``entries`` (sorted); nodes on the deepest level are red."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = RED if depth == red_depth and red_depth > 0 else BLACK
    node.left = _build_tree(entries[:mid], depth + 1, red_depth)
    node.right = _build_tree(entries[mid + 1 :], depth + 1, red_depth)
    return node.index


def _tree_depth(n: int) -> int:
    depth = 0
    while n > 0:
        n //= 2
        depth += 1
    return depth - 1  # depth of the deepest node of a balanced tree of n nodes


def _pad(data: bytes, size: int) -> bytes:
    return data + bytes(-len(data) % size)


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _dir_entry(e: _Entry, size: int) -> bytes:
    encoded = e.name.encode("utf-16-le")
    if len(encoded) > 62:
        raise OutputError(f"compound file entry name {e.name!r} is longer than 31 characters")
    name = encoded + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        e.kind,
        e.color,
        e.left,
        e.right,
        e.child,
        e.clsid,
        0,
        0,
        0,
        e.start,
        size,
    )


def write_compound_file(streams: dict[str, bytes], clsids: dict[str, bytes] | None = None) -> bytes:
    """The bytes of a compound file holding ``streams`` (paths such as ``"VBA/dir"``).

    Storages are created from the paths; ``clsids`` may give a storage's CLSID by path
    (``""`` for the root).
    """
    clsids = clsids or {}
    root = _Entry("Root Entry", TYPE_ROOT, clsid=clsids.get("", bytes(16)))
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts[:-1]):
            sub = "/".join(parts[: depth + 1])
            node = node.children.setdefault(
                part, _Entry(part, TYPE_STORAGE, clsid=clsids.get(sub, bytes(16)))
            )
        node.children[parts[-1]] = _Entry(parts[-1], TYPE_STREAM, data=bytes(data))

    # Number entries depth-first, then link each storage's children into a tree.
    ordered: list[_Entry] = []

    def visit(e: _Entry) -> None:
        e.index = len(ordered)
        ordered.append(e)
        for child in sorted(e.children.values(), key=lambda c: _order_key(c.name)):
            visit(child)

    visit(root)
    for e in ordered:
        kids = sorted(e.children.values(), key=lambda c: _order_key(c.name))
        e.child = _build_tree(kids, 0, _tree_depth(len(kids))) if kids else NOSTREAM

    # Small streams go to the mini stream, large ones to regular sectors.
    small = [e for e in ordered if e.kind == TYPE_STREAM and len(e.data) < MINI_CUTOFF]
    large = [e for e in ordered if e.kind == TYPE_STREAM and len(e.data) >= MINI_CUTOFF]
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        if not e.data:
            e.start = ENDOFCHAIN
            continue
        count = -(-len(e.data) // MINI_SECTOR)
        e.start = len(mini_fat)
        mini_fat.extend([0] * count)
        _chain(mini_fat, e.start, count)
        mini_stream += _pad(e.data, MINI_SECTOR)

    body = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        count = -(-len(data) // SECTOR)
        first = len(fat)
        fat.extend([0] * count)
        _chain(fat, first, count)
        body.extend(_pad(data, SECTOR))
        return first

    for e in large:
        e.start = place(e.data)
    root.start = place(bytes(mini_stream))
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    mini_fat_bytes += struct.pack("<I", FREESECT) * (-len(mini_fat) % (SECTOR // 4))
    first_mini_fat = place(mini_fat_bytes) if mini_fat else ENDOFCHAIN
    mini_fat_sectors = len(mini_fat_bytes) // SECTOR if mini_fat else 0

    entries = [_dir_entry(e, len(e.data) if e is not root else len(mini_stream)) for e in ordered]
    unused = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *[NOSTREAM] * 3, bytes(16), 0, 0, 0, 0, 0
    )
    entries += [unused] * (-len(entries) % (SECTOR // 128))
    first_dir = place(b"".join(entries))

    # The FAT covers every sector, its own included.
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise OutputError("the VBA project is too large for this writer (over 109 FAT sectors)")
    first_fat = len(fat)
    fat.extend([FATSECT] * fat_sectors)
    fat.extend([FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat)))
    body.extend(b"".join(struct.pack("<I", v) for v in fat))

    difat = list(range(first_fat, first_fat + fat_sectors))
    difat += [FREESECT] * (109 - len(difat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        SIGNATURE,
        bytes(16),
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        fat_sectors,
        first_dir,
        0,
        MINI_CUTOFF,
        first_mini_fat,
        mini_fat_sectors,
        ENDOFCHAIN,
        0,
    ) + b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return header + bytes(body)
