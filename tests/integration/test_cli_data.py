"""``xlreport data template|validate|import|export`` against a real SQLite store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from io_workbooks import good_rows, write_csv_folder, write_rows_workbook

from xlreport.cli.app import main
from xlreport.data import load_embedded_dataset
from xlreport.io import read_dataset
from xlreport.settings import get_settings
from xlreport.store import Store


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _db_file() -> Path:
    return get_settings().data_dir / "xlreport.sqlite3"


def test_template_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "data", "template", str(tmp_path / "plan.xlsx"))
    assert code == 0 and "Wrote the data-entry workbook" in out
    code, out, _ = _run(capsys, "data", "validate", str(tmp_path / "plan.xlsx"))
    assert code == 0
    assert "plan.xlsx: no problems (0 sources, 0 plans, 0 targets, 0 observations, 0 rates)" in out


def test_validate_lists_problems_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = good_rows()
    rows["Targets"][1][6] = "abc"
    rows["Observations"][1][8] = "25/05/2024"
    path = write_rows_workbook(tmp_path / "bad.xlsx", rows)
    code, _, err = _run(capsys, "data", "validate", str(path))
    assert code == 1
    assert err.startswith("Error: bad.xlsx: 2 problems found; nothing was written\n")
    assert "  Targets!G2: 'abc' is not a number" in err
    assert "  Observations!I2: '25/05/2024' is not a date: use a date cell or YYYY-MM-DD" in err
    assert not _db_file().exists()  # validate never creates the database


def test_import_needs_an_initialised_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_rows_workbook(tmp_path / "good.xlsx", good_rows())
    code, _, err = _run(capsys, "data", "import", str(path))
    assert code == 1 and "run `xlreport init` first" in err


def test_import_is_all_or_nothing_and_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    with Store.open() as store:
        before = store.revision()
    good = write_rows_workbook(tmp_path / "good.xlsx", good_rows())
    code, out, _ = _run(capsys, "data", "import", str(good))
    assert code == 0
    # 1 source + 1 plan + 2 targets + 1 observation are new
    assert "5 inserted, 0 updated, 0 unchanged" in out
    with Store.open() as store:
        after_first = store.revision()
        stored = store.load_dataset()
    assert after_first > before
    assert {"plan-a.output", "plan-a.projects"} <= {t.id for t in stored.targets}

    code, out, _ = _run(capsys, "data", "import", str(good))
    assert code == 0 and "0 inserted, 0 updated, 5 unchanged" in out
    with Store.open() as store:
        assert store.revision() == after_first

    rows = good_rows()
    rows["Targets"][2][6] = "2,000"  # a change that would be an update...
    rows["Observations"][1][6] = "bn yuan"  # ...but another row is bad: nothing is written
    bad = write_rows_workbook(tmp_path / "bad.xlsx", rows)
    code, _, err = _run(capsys, "data", "import", str(bad))
    assert code == 1
    assert "Observations!G2: unknown unit 'bn yuan'" in err
    with Store.open() as store:
        assert store.revision() == after_first
        projects = next(t for t in store.load_dataset().targets if t.id == "plan-a.projects")
    assert projects.value == 1000.0


def test_references_may_point_into_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    embedded = load_embedded_dataset()
    target = next(t for t in embedded.targets if t.unit == "CNY" and t.kind.value == "level")
    rows = {name: [header] for name, (header, *_) in good_rows().items()}
    rows["Observations"].append(
        [
            "obs-new",
            target.indicator,
            target.id,
            "2026",
            "1 trillion",
            None,
            "CNY",
            target.source_id,
            date(2027, 2, 1),
        ]
    )
    folder = write_csv_folder(tmp_path / "csv", rows)
    code, out, _ = _run(capsys, "data", "validate", str(folder))
    assert code == 0 and "references checked against the database" in out
    code, out, _ = _run(capsys, "data", "import", str(folder))
    assert code == 0 and "1 inserted, 0 updated, 0 unchanged" in out
    with Store.open() as store:
        obs = {o.id: o for o in store.load_dataset().observations}
    assert obs["obs-new"].value == 1e12 and obs["obs-new"].published == date(2027, 2, 1)


@pytest.mark.parametrize("name", ["export.xlsx", "export-csv"])
def test_export_round_trips_through_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    assert _run(capsys, "init")[0] == 0
    good = write_rows_workbook(tmp_path / "good.xlsx", good_rows())
    assert _run(capsys, "data", "import", str(good))[0] == 0
    out_path = tmp_path / name
    code, out, _ = _run(capsys, "data", "export", str(out_path))
    assert code == 0 and out.startswith(f"Wrote {out_path}")
    with Store.open() as store:
        original = store.load_dataset()
    assert read_dataset(out_path) == original

    # into a second, empty database: same data comes back out
    monkeypatch.setenv("XLREPORT_DATABASE_URL", f"sqlite:///{tmp_path / 'second.sqlite3'}")
    get_settings.cache_clear()
    with Store.open() as store:
        store.init()
    code, out, _ = _run(capsys, "data", "import", str(out_path))
    assert code == 0 and "0 updated" in out
    with Store.open() as store:
        assert store.load_dataset() == original


def test_export_as_of_keeps_only_published_observations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "init")[0] == 0
    out_path = tmp_path / "early.xlsx"
    code, _, _ = _run(capsys, "data", "export", str(out_path), "--as-of", "2022-12-31")
    assert code == 0
    exported = read_dataset(out_path)
    expected = [
        o.id for o in load_embedded_dataset().observations if o.published <= date(2022, 12, 31)
    ]
    assert [o.id for o in exported.observations] == expected
    assert len(exported.targets) == len(load_embedded_dataset().targets)
    code, _, err = _run(capsys, "data", "export", str(out_path), "--as-of", "31/12/2022")
    assert code == 1 and "is not a date: write YYYY-MM-DD" in err


def test_export_embedded_without_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "data", "export", "--embedded", str(tmp_path / "e.xlsx"))
    assert code == 0 and "36 targets" in out
    assert read_dataset(tmp_path / "e.xlsx") == load_embedded_dataset()
    assert not _db_file().exists()
    code, _, err = _run(capsys, "data", "export", str(tmp_path / "e.ods"))
    assert code == 1 and "give a name ending in .xlsx" in err
