"""Schedule configuration: a TOML file of ``[[schedule]]`` tables, validated by pydantic.

::

    [[schedule]]
    name = "monthly"            # letters, digits and hyphens; names the output files
    day_of_month = 1            # 1-28: the day of the following month the report is due
    time = "06:00"              # HH:MM, 24-hour clock, in `timezone`
    timezone = "Asia/Shanghai"  # IANA name
    destination = "/srv/share/reports"   # relative paths are relative to this file
    keep = 12                   # retention: keep the files of the last 12 months
    template = "default"        # or templates = ["default", "board"]
    plans = ["lingang-2025"]    # default: every plan
    currency = "USD"
    pdf = false
    start = "2026-01"           # first month to produce; see docs/scheduling.md

Unknown keys are refused; every problem is reported at once with its location.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from xlreport.errors import DataError, Problem, ScheduleError
from xlreport.period import Month

__all__ = [
    "ScheduleConfig",
    "ScheduleConfigError",
    "ScheduleSpec",
    "load_schedule_config",
    "parse_schedule_config",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_SLUG_BAD = re.compile(r"[^A-Za-z0-9-]+")


class ScheduleConfigError(ScheduleError):
    """A schedule file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"schedule file {source}: {count} {noun}; fix and run again"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


def slug_of_template(template: str) -> str:
    """The part of an output file name that tells templates apart (``board`` for board.toml)."""
    is_path = any(c in template for c in "/\\.")
    stem = Path(template).stem if is_path else template
    return _SLUG_BAD.sub("-", stem).strip("-") or "template"


class ScheduleSpec(BaseModel):
    """One ``[[schedule]]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="letters, digits and hyphens; starts every output file name")
    day_of_month: int = Field(ge=1, le=28, description="day of the following month, 1-28")
    time: str = Field(description="HH:MM in the schedule's timezone")
    timezone: str = Field(description="IANA time zone name, e.g. Asia/Shanghai")
    destination: Path = Field(description="folder the finished reports are copied to")
    keep: int = Field(default=12, ge=1, le=1200, description="months of reports to keep")
    templates: list[str] = Field(default_factory=lambda: ["default"], min_length=1)
    plans: list[str] | None = Field(default=None, description="plan ids; default: all")
    currency: str = Field(default="USD", description="report currency (ISO code)")
    pdf: bool = Field(default=False, description="also copy a PDF of each report")
    start: str | None = Field(default=None, description="first month to produce, YYYY-MM")

    @model_validator(mode="before")
    @classmethod
    def _template_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "template" in data:
            data = dict(data)
            if "templates" in data:
                raise ValueError("give either 'template' or 'templates', not both")
            single = data.pop("template")
            data["templates"] = [single] if isinstance(single, str) else single
        return data

    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                f"{v!r} is not a schedule name: use letters, digits and hyphens "
                "(up to 64, no spaces or underscores), e.g. 'monthly' or 'board-pack'"
            )
        return v

    @field_validator("time")
    @classmethod
    def _check_time(cls, v: str) -> str:
        if not _TIME.match(v):
            raise ValueError(f"{v!r} is not a time: write HH:MM on a 24-hour clock, e.g. '06:00'")
        return v

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{v!r} is not an IANA time zone: write e.g. 'Asia/Shanghai', 'Europe/Paris' "
                "or 'UTC'"
            ) from None
        return v

    @field_validator("currency")
    @classmethod
    def _check_currency(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError(f"{v!r} is not a currency code: write three capitals, e.g. 'USD'")
        return v

    @field_validator("start")
    @classmethod
    def _check_start(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            return str(Month.parse(v))
        except DataError:
            raise ValueError(f"{v!r} is not a month: write YYYY-MM, e.g. '2026-01'") from None

    @field_validator("templates")
    @classmethod
    def _check_templates(cls, v: list[str]) -> list[str]:
        slugs = [slug_of_template(t) for t in v]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            raise ValueError(
                f"templates {v} give the same file name part {dupes}: rename one template"
            )
        return v

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])

    @property
    def clock(self) -> dt_time:
        return dt_time(self.hour, self.minute)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class ScheduleConfig(BaseModel):
    """The whole schedule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schedule: list[ScheduleSpec] = Field(min_length=1)

    @field_validator("schedule")
    @classmethod
    def _unique_names(cls, v: list[ScheduleSpec]) -> list[ScheduleSpec]:
        names = [s.name for s in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"schedule names must be unique; repeated: {', '.join(dupes)}")
        return v

    def find(self, name: str) -> ScheduleSpec:
        for spec in self.schedule:
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.schedule)
        raise ScheduleError(f"no schedule named {name!r} in the file; known: {known}")


def _location(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    parts: list[str] = []
    items = raw.get("schedule") if isinstance(raw.get("schedule"), list) else None
    for i, part in enumerate(loc):
        if isinstance(part, int) and i == 1 and loc[0] == "schedule":
            name = ""
            if items is not None and part < len(items) and isinstance(items[part], dict):
                n = items[part].get("name")
                name = f" ({n!r})" if isinstance(n, str) else ""
            parts[-1] = f"[[schedule]] #{part + 1}{name}"
        elif isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts) if parts else "(file)"


def _friendly(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key: remove it or check its spelling (see docs/scheduling.md)"
    if kind == "missing":
        return "required key is missing"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def parse_schedule_config(text: str, *, source: str, base_dir: Path) -> ScheduleConfig:
    """Parse and validate TOML text; relative destinations are resolved against ``base_dir``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleConfigError(source, [Problem("(file)", f"not valid TOML: {exc}")]) from None
    if "schedule" in raw and isinstance(raw["schedule"], dict):
        problem = Problem("schedule", "write [[schedule]] (double brackets), one per schedule")
        raise ScheduleConfigError(source, [problem])
    try:
        config = ScheduleConfig.model_validate(raw)
    except ValidationError as exc:
        problems = [Problem(_location(e["loc"], raw), _friendly(dict(e))) for e in exc.errors()]
        raise ScheduleConfigError(source, problems) from None
    resolved = [
        s
        if s.destination.is_absolute()
        else s.model_copy(update={"destination": (base_dir / s.destination).resolve()})
        for s in config.schedule
    ]
    return ScheduleConfig(schedule=resolved)


def load_schedule_config(path: str | Path) -> ScheduleConfig:
    """Read a schedule file; raises :class:`ScheduleConfigError` naming the file and problems."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScheduleConfigError(
            str(path), [Problem("(file)", "file not found: check the --config path")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScheduleConfigError(str(path), [Problem("(file)", f"cannot read: {exc}")]) from None
    return parse_schedule_config(text, source=str(path), base_dir=path.resolve().parent)
