"""Reading an announcement: plain text or a web page saved from a browser, within bounds.

The text of a page is taken with Beautiful Soup (``beautifulsoup4``, with Python's own
``html.parser`` so that no compiled parser is needed): scripts, styles, templates and the
page head are dropped, block elements (paragraphs, headings, list items, table rows, line
breaks) end a line, and inline elements run on, so a sentence split by ``<b>`` stays whole.
Every offset the drafter reports is into this extracted text, which is returned with the
items so that a reviewer (or a test) can check ``text[start:end] == quote``.

Bounds, all checked before any parsing: at most :data:`MAX_BYTES` are read (a longer
file is refused, not truncated); a file with NUL bytes or mostly control characters is
refused as binary; text must be UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030
(Chinese) that decodes cleanly and reads as Chinese; anything else is refused with how to
fix it. Each refusal is one :class:`~xlreport.errors.DraftInputError` naming the file.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from xlreport.errors import DraftInputError

__all__ = ["MAX_BYTES", "Document", "read_document", "text_from_html"]

#: The largest announcement read: a long press release is under 100 KB of text.
MAX_BYTES = 2 * 1024 * 1024

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "br",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "blockquote",
        "pre",
        "figcaption",
        "figure",
        "dd",
        "dt",
        "dl",
        "main",
        "aside",
        "hr",
        "title",
        "td",
        "th",
    ]
)
_DROPPED = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
_MAGIC = {
    b"%PDF": "a PDF: convert it to text first (pdftotext FILE.pdf FILE.txt)",
    b"PK\x03\x04": "a zip file (an Office document?): save it as text or HTML first",
    b"\xd0\xcf\x11\xe0": "an old Office document: save it as text or HTML first",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
}


_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]{2,}")


@dataclass(frozen=True, slots=True)
class Document:
    """An announcement's text as read, with its name for messages."""

    name: str
    text: str
    html: bool


def _looks_html(path: Path, head: str) -> bool:
    if path.suffix.lower() in (".html", ".htm", ".xhtml", ".mhtml"):
        return True
    start = head.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in start


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DraftInputError(f"{name}: broken UTF-16 text ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    # Latin-1 or Windows text also "decodes" as GB18030, into lone ideographs between
    # ASCII letters; Chinese is written in runs of them
    wide = sum(1 for c in text if ord(c) > 127)
    in_runs = sum(len(r) for r in _CJK_RUN.findall(text))
    if wide and in_runs >= 0.6 * wide:
        return text
    raise DraftInputError(
        f"{name}: not UTF-8 text (nor Chinese GB18030); save it as UTF-8 "
        "(a browser's 'Save page as', or an editor's 'Save with encoding: UTF-8') and try again"
    )


def _check_binary(name: str, data: bytes) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DraftInputError(f"{name}: this is {what}, not text or HTML")
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DraftInputError(f"{name}: a binary file (it holds NUL bytes), not text or HTML")
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and control > 0.05 * len(sample):
        raise DraftInputError(f"{name}: a binary file (control bytes), not text or HTML")


def text_from_html(markup: str) -> str:
    """The readable text of a page: scripts and styles dropped, one line per block."""
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.append("\n")
    raw = soup.get_text()
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in raw.split("\n")]
    return "\n".join(line for line in lines if line)


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read ``path`` as an announcement, or raise DraftInputError saying why not."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DraftInputError(f"{path}: no such file; give the path of a .txt or .html file")
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DraftInputError(
            f"{name}: over {max_bytes // (1024 * 1024)} MB, far longer than an announcement; "
            "draft the article itself (save just its page or copy its text into a file)"
        )
    if not data.strip():
        raise DraftInputError(f"{name}: the file is empty; nothing to draft")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _check_binary(name, data)
    text = _decode(name, data)
    if _looks_html(path, text[:2000]):
        extracted = text_from_html(text)
        if not extracted.strip():
            raise DraftInputError(
                f"{name}: the page has no text once scripts and styles are dropped "
                "(a page built by JavaScript? save it after it has loaded, or copy its text)"
            )
        return Document(name, extracted, True)
    return Document(name, text, False)
