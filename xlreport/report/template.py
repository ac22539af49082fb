"""Report templates: a declarative TOML file (layout and theme), validated by pydantic.

:func:`load_template` accepts a name (``default``: ``templates/default.toml``, or a file
of that name in one of the ``folders`` it is given: the App gives
``<data_dir>/templates``) or a path. Every problem in a template is
listed at once in one :class:`~xlreport.errors.TemplateError`: the key path, what is
wrong and what is accepted. Keys are documented in ``docs/templates.md``.
"""

from __future__ import annotations

import importlib.util
import io
import re
import stat
import struct
import tomllib
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from xlreport.errors import Problem, TemplateError, shown
from xlreport.report.columns import COLUMNS

__all__ = [
    "BUILTIN_TEMPLATE_DIR",
    "MAX_LOGO_BYTES",
    "SHEET_KINDS",
    "Template",
    "check_logo",
    "find_template",
    "load_template",
]


def _builtin_template_dir() -> Path:
    """The repository's ``templates/`` folder: installed from a wheel, the package
    ``xlreport._templates`` (pyproject.toml maps the folder to it); from a checkout or an
    editable install, the folder itself."""
    spec = importlib.util.find_spec("xlreport._templates")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "default.toml").is_file():
                return Path(location).resolve()
    return Path(__file__).resolve().parents[2] / "templates"


#: The templates shipped with xlreport.
BUILTIN_TEMPLATE_DIR = _builtin_template_dir()

SHEET_KINDS = (
    "cover",
    "summary",
    "plans",
    "charts",
    "currency",
    "changes",
    "sources",
    "observations",
)

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
#: A logo is a small picture; a bigger file is refused before it is read.
MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_TEMPLATE_BYTES = 1024 * 1024
#: Excel's limit for a header or footer, control codes included.
MAX_FOOTER = 255
#: The footer :func:`xlreport.report.tables.set_print` writes, with the longest date.
_FOOTER_FRAME = "&L&8, as of 2200-12-31&R&8Page &P of &N"
#: Sheet names the report itself uses besides the template's sheets.
_RESERVED_TITLES = frozenset({"history", "xlr_chart_data"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportInfo(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
    title: str = Field(min_length=1, max_length=120)
    subtitle: str = ""

    @field_validator("title")
    @classmethod
    def _footer_fits(cls, v: str) -> str:
        # the footer repeats the title, each '&' doubled; Excel allows 255 characters
        room = MAX_FOOTER - len(_FOOTER_FRAME)
        if len(v.replace("&", "&&")) > room:
            raise ValueError(
                f"the title is printed in every page's footer, which holds at most "
                f"{room} characters of it ('&' counts twice): shorten it"
            )
        return v

    author: str = "xlreport"
    company: str = ""
    method_notes: tuple[str, ...] = ()
    #: the summary warns when the newest figure is older than this (0: never)
    data_age_warning_months: int = Field(default=12, ge=0, le=600)


class SheetSpec(_Strict):
    kind: Literal[
        "cover", "summary", "plans", "charts", "currency", "changes", "sources", "observations"
    ]
    title: str = Field(default="", max_length=31)

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        if _SHEET_TITLE_BAD.search(v):
            raise ValueError("a sheet title cannot contain [ ] : * ? / \\ or control characters")
        if v.startswith("'") or v.endswith("'"):
            raise ValueError("a sheet title cannot begin or end with an apostrophe (')")
        if v.strip().lower() in _RESERVED_TITLES:
            raise ValueError(f"{v!r} is a name Excel or the report uses itself: choose another")
        return v


class PlanSheets(_Strict):
    columns: tuple[str, ...] = Field(min_length=1)
    sort: tuple[str, ...] = ()
    title_prefix: str = Field(default="", max_length=10)
    #: columns that start a new printed page (the first of each group of details)
    new_page_before: tuple[str, ...] = ()

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in v if c not in COLUMNS]
        if unknown:
            raise ValueError(
                f"unknown column(s) {', '.join(map(repr, unknown))}; "
                f"known columns: {', '.join(COLUMNS)}"
            )
        dupes = sorted({c for c in v if v.count(c) > 1})
        if dupes:
            raise ValueError(f"column(s) listed twice: {', '.join(dupes)}")
        return v

    @field_validator("new_page_before")
    @classmethod
    def _new_page_before(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in v if c not in COLUMNS]
        if bad:
            raise ValueError(
                f"unknown column(s) {', '.join(map(repr, bad))}: use keys of plan_sheets.columns"
            )
        return v

    @field_validator("sort")
    @classmethod
    def _sort(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [s for s in v if s.lstrip("-") not in COLUMNS]
        if bad:
            raise ValueError(
                f"unknown sort key(s) {', '.join(map(repr, bad))}: use a column key, "
                "with a leading '-' for descending order"
            )
        return v


class ChartOptions(_Strict):
    max_line_charts: int = Field(default=12, ge=0, le=200)
    width: int = Field(default=640, ge=200, le=2000)
    height: int = Field(default=320, ge=150, le=1500)


class StatusStyle(_Strict):
    value: str = Field(min_length=1)
    label: str = Field(min_length=1)
    fill: Colour
    font: Colour


class NumberFormats(_Strict):
    money: str = Field(default='#,##0.0,,," bn"', min_length=1)
    money_report: str = Field(default='#,##0.00,,," bn"', min_length=1)
    percent: str = Field(default="0.0%", min_length=1)
    count: str = Field(default="#,##0", min_length=1)
    number: str = Field(default="#,##0.0##", min_length=1)
    years: str = Field(default="0.000", min_length=1)
    rate: str = Field(default="0.0000", min_length=1)
    date: str = Field(default="yyyy-mm-dd", min_length=1)
    datetime: str = Field(default="yyyy-mm-dd hh:mm", min_length=1)


class Colours(_Strict):
    title: Colour = "#1F3864"
    header_fill: Colour = "#1F3864"
    header_font: Colour = "#FFFFFF"
    accent: Colour = "#2E75B6"
    muted: Colour = "#595959"
    data_bar: Colour = "#5B9BD5"
    chart_series: tuple[Colour, ...] = ("#2E75B6", "#C55A11", "#548235", "#7030A0", "#BF9000")


class Theme(_Strict):
    font_name: str = Field(default="Calibri", min_length=1, max_length=31)
    font_size: float = Field(default=10, ge=6, le=20)
    title_size: float = Field(default=18, ge=8, le=40)
    table_style: str = Field(default="Table Style Medium 2", pattern=r"^Table Style \w+ \d+$")
    logo: str = ""
    paper: Literal["A4", "A3", "letter", "legal"] = "A4"
    orientation: Literal["landscape", "portrait"] = "landscape"
    fit_to_width: bool = True
    colours: Colours = Colours()
    number_formats: NumberFormats = NumberFormats()
    statuses: tuple[StatusStyle, ...] = ()


class Template(_Strict):
    report: ReportInfo
    sheets: tuple[SheetSpec, ...] = Field(min_length=1)
    plan_sheets: PlanSheets
    charts: ChartOptions = ChartOptions()
    theme: Theme = Theme()
    #: where the template was read from; relative file names (logo) resolve against it
    folder: Path = Field(default=Path("."), exclude=True)

    @field_validator("sheets")
    @classmethod
    def _sheets(cls, v: tuple[SheetSpec, ...]) -> tuple[SheetSpec, ...]:
        kinds = [s.kind for s in v]
        dupes = sorted({k for k in kinds if kinds.count(k) > 1})
        if dupes:
            raise ValueError(f"sheet kind(s) listed twice: {', '.join(dupes)}")
        # Excel compares sheet names without regard to case: "Data" and "data" clash
        titles = [(s.title or s.kind.capitalize()).lower() for s in v if s.kind != "plans"]
        clash = sorted({t for t in titles if titles.count(t) > 1})
        if clash:
            raise ValueError(f"sheet title(s) used twice (Excel ignores case): {', '.join(clash)}")
        return v

    @property
    def logo_path(self) -> Path | None:
        return (self.folder / self.theme.logo) if self.theme.logo else None

    def sheet_title(self, kind: str) -> str:
        for s in self.sheets:
            if s.kind == kind:
                return s.title or kind.capitalize()
        return kind.capitalize()

    def has_sheet(self, kind: str) -> bool:
        return any(s.kind == kind for s in self.sheets)


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _png_problem(data: bytes) -> str | None:
    """Why ``data`` is not a whole PNG file: every chunk's CRC checked, IHDR to IEND."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "it does not start like a PNG file"
    pos, first = 8, True
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return "it is cut short (a chunk runs past the end)"
        body = data[pos + 4 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(body) != crc:
            return f"its {kind.decode('latin-1')!r} chunk is damaged (checksum)"
        if first and kind != b"IHDR":
            return "it has no IHDR header chunk"
        first = False
        if kind == b"IEND":
            return None
        pos = end
    return "it is cut short (no IEND chunk)"


def _jpeg_problem(data: bytes) -> str | None:
    if not data.startswith(b"\xff\xd8\xff"):
        return "it does not start like a JPEG file"
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "it is cut short (no end-of-image marker)"
    return None


def check_logo(path: Path, allowed: list[Path]) -> str | None:
    """Why the file at ``path`` cannot be a report's logo, or None when it can.

    A template may come from someone else, so its logo is untrusted: only a regular file
    under one of the ``allowed`` folders (the template's own, xlreport's templates), of
    at most :data:`MAX_LOGO_BYTES` (checked before reading: a sparse 1.5 GB file is
    refused at once), whose content is a whole PNG or JPEG that xlsxwriter's own image
    parser reads (the parser the report uses).
    """
    try:
        real = path.resolve(strict=True)
        st = real.stat()
    except (OSError, RuntimeError):
        return (
            f"file {shown(path.name)} does not exist; give a PNG or JPEG path relative to "
            'the template, or "" for no logo'
        )
    if not any(real.is_relative_to(folder) for folder in allowed):
        return (
            f"{shown(path.name)} is outside the template's folder: a logo must be a file in "
            "the template's folder (or below it)"
        )
    if not stat.S_ISREG(st.st_mode):
        return f"{shown(path.name)} is not a regular file"
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return f"{shown(path.name)} is not a .png or .jpg image"
    if st.st_size > MAX_LOGO_BYTES:
        return (
            f"{shown(path.name)} is {st.st_size / 1024 / 1024:,.1f} MB; a logo may be at most "
            f"{MAX_LOGO_BYTES // 1024 // 1024} MB"
        )
    try:
        with open(real, "rb") as fh:  # never more than the bound, even if it grew
            data = fh.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        return f"cannot read {shown(path.name)}: {exc.strerror or exc}"
    is_png = path.suffix.lower() == ".png"
    why = _png_problem(data) if is_png else _jpeg_problem(data)
    if why is None:
        try:
            from xlsxwriter.image import Image

            image = Image(io.BytesIO(data))
            if image.image_type.lower() not in ("png", "jpeg") or not (
                image.width > 0 and image.height > 0
            ):
                why = "its size or type cannot be read"
        except Exception as exc:  # xlsxwriter's parser: struct errors, unsupported format
            why = f"it cannot be read ({type(exc).__name__})"
    if why is not None:
        kind = "PNG" if is_png else "JPEG"
        return f"{shown(path.name)} is not a valid {kind} image: {why}; save it again as {kind}"
    return None


def _check_files(raw: dict[str, Any], folder: Path) -> list[Problem]:
    theme = raw.get("theme")
    logo = theme.get("logo") if isinstance(theme, dict) else None
    if not isinstance(logo, str) or not logo:
        return []
    allowed = [folder.resolve(), BUILTIN_TEMPLATE_DIR]
    why = check_logo(folder / logo, allowed)
    return [Problem("theme.logo", why)] if why else []


def parse_template(raw: dict[str, Any], folder: Path, *, origin: str) -> Template:
    """Validate a template's raw mapping; raise TemplateError listing every problem."""
    problems: list[Problem] = []
    template: Template | None = None
    try:
        template = Template.model_validate({**raw, "folder": folder})
    except ValidationError as exc:
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (see docs/templates.md for the keys a template may use)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append(Problem(_loc(err["loc"]), msg))
    problems += _check_files(raw, folder)
    if problems or template is None:
        count = len(problems)
        lines = [f"template {origin}: {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  {p}" for p in problems]
        lines.append("Fix the template (keys are documented in docs/templates.md).")
        raise TemplateError("\n".join(lines))
    return template


DEFAULT_TEMPLATE = "default"


def find_template(name_or_path: str | Path | None, folders: Sequence[Path] = ()) -> Path:
    """The file of a template given by name or path (``None``: ``default``); a name is
    looked up in ``folders`` first, then among the built-in templates."""
    spec = str(name_or_path) if name_or_path is not None else DEFAULT_TEMPLATE
    path = Path(spec).expanduser()
    if path.suffix == ".toml" or path.parent != Path(".") or path.is_file():
        if not path.is_file():
            raise TemplateError(f"template file {path} does not exist; give a .toml file path")
        return path
    search = [*folders, BUILTIN_TEMPLATE_DIR]
    for folder in search:
        candidate = folder / f"{spec}.toml"
        if candidate.is_file():
            return candidate
    known = sorted({p.stem for d in search if d.is_dir() for p in d.glob("*.toml")})
    raise TemplateError(
        f"no template named {spec!r}; known templates: {', '.join(known) or 'none'}; "
        "or give the path of a .toml file"
    )


def load_template(
    name_or_path: str | Path | None = None, *, folders: Sequence[Path] = ()
) -> Template:
    """Find (see :func:`find_template`), read and validate a template."""
    path = find_template(name_or_path, folders)
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(
                f"template {path} is larger than {MAX_TEMPLATE_BYTES // 1024} KB: "
                "a template is a short TOML file"
            )
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template {path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read template {path}: {exc}") from None
    return parse_template(raw, path.parent.resolve(), origin=str(path))
