"""Reading announcements: text from saved pages, encodings, and the bounds (synthetic input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlreport.draft import draft_text
from xlreport.draft.document import read_document, text_from_html
from xlreport.draft.extraction import MAX_SENTENCE, MAX_SENTENCES, split_sentences
from xlreport.errors import DraftInputError, UnsafeFileError


def test_inline_elements_run_on_and_blocks_end_lines() -> None:
    page = (
        "<html><head><title>T</title><style>p {color: red}</style></head><body>"
        "<script>document.write('reach 9 billion yuan by 2030.')</script>"
        "<h1>Plan for 2030</h1><p>Output should reach <b>100</b> billion&nbsp;yuan by "
        "<a href='#'>2030</a>.</p><ul><li>First item.</li><li>Second item.</li></ul>"
        "<noscript>Enable JS</noscript></body></html>"
    )
    text = text_from_html(page)
    assert text.split("\n") == [
        "Plan for 2030",
        "Output should reach 100 billion yuan by 2030.",
        "First item.",
        "Second item.",
    ]
    (item,) = draft_text(text).items
    assert (item.value, item.deadline) == (100e9, "2030")  # the script's figure is gone


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Output will reach 5 billion euros by 2026 in Köln.".encode("utf-8-sig"), "utf-8-sig"),
        ("Output will reach 5 billion euros by 2026 in Köln.".encode("utf-16"), "utf-16"),
    ],
)
def test_unicode_encodings_are_read(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text == data.decode(encoding) and not doc.html
    (item,) = draft_text(doc.text).items
    assert (item.value, item.unit) == (5e9, "EUR")


def test_size_limit_reads_only_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("The city will build 40 stations by 2026.\n" * 100, encoding="utf-8")
    with pytest.raises(DraftInputError, match=r"^big\.txt: over"):
        read_document(path, max_bytes=1000)
    assert read_document(path, max_bytes=10_000).text.count("\n") == 100


def test_draft_input_errors_are_unsafe_file_errors() -> None:
    assert issubclass(DraftInputError, UnsafeFileError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DraftInputError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_html_is_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "saved"
    path.write_text("<!DOCTYPE html><html><body><p>Hello.</p></body></html>", encoding="utf-8")
    doc = read_document(path)
    assert doc.html and doc.text == "Hello."


def test_long_sentences_are_cut_and_too_many_refused() -> None:
    text = "word " * 2000  # 10,000 characters, no full stop
    pieces = split_sentences(text)
    assert all(e - s <= MAX_SENTENCE for s, e, _ in pieces)
    assert "".join(text[s:e] + " " for s, e, _ in pieces).split() == text.split()
    with pytest.raises(DraftInputError, match="more than 20,000 sentences"):
        split_sentences("Yes. " * (MAX_SENTENCES + 1))


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Zhang said output rose. No. 5 is next."
    assert [text[s:e] for s, e, _ in split_sentences(text)] == [
        "Mr. Zhang said output rose.",
        "No. 5 is next.",
    ]
