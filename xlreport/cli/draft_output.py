"""``xlreport data draft``: draft each file, then print or write JSON, or write the workbook."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import typer

from xlreport.draft import Draft, draft_file, item_json, write_draft_workbook
from xlreport.errors import DataError, OutputError
from xlreport.fsio import write_atomically
from xlreport.model import ID_HELP, ID_PATTERN

__all__ = ["draft_json", "run_draft"]

_C1 = re.compile(r"[\u0080-\u009f\u2028\u2029]")


def draft_json(drafts: list[Draft]) -> str:
    """One file: a list of items. Several: an object of file name -> list of items."""
    if len(drafts) == 1:
        data: object = [item_json(i) for i in drafts[0].items]
    else:
        data = {d.name: [item_json(i) for i in d.items] for d in drafts}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # json escapes C0 controls; escape C1 controls too, so no quote can steer a terminal
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


def run_draft(
    files: list[Path], *, source_id: str | None, published: date | None, fmt: str, out: Path | None
) -> None:
    fmt = fmt.lower()
    if fmt not in ("json", "xlsx"):
        raise DataError(f"--format {fmt!r}: use json or xlsx")
    if source_id is not None:
        if len(files) != 1:
            raise DataError("--source-id names one source: give one FILE with it")
        if not re.match(ID_PATTERN, source_id):
            raise DataError(f"--source-id {source_id!r}: {ID_HELP}")
    if fmt == "xlsx" and (out is None or out.suffix.lower() != ".xlsx"):
        raise OutputError("--format xlsx needs --out FILE.xlsx")
    drafts = [draft_file(f, published=published) for f in files]
    count = sum(len(d.items) for d in drafts)
    if fmt == "xlsx":
        assert out is not None
        written = write_draft_workbook(
            out, drafts, published=published, source_ids=[source_id] if source_id else None
        )
        typer.echo(f"Wrote {written}: {count} drafted rows to review (yellow, with quotes).")
        return
    text = draft_json(drafts)
    if out is None:
        typer.echo(text, nl=False)
        return

    def produce(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomically(out, produce)
    typer.echo(f"Wrote {out}: {count} drafted items.")
