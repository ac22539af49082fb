"""Every one of the 36 targets of the embedded dataset at three as-of dates.

Each expectation is worked out by hand from the source documents' figures (the arithmetic
is in the comments), not copied from the engine. The dates:

* 2024-06-30: every figure of the dataset is public (the latest, Lin-gang's 2023 figures,
  appeared on 2024-05-25); the 2025 deadlines are ahead;
* 2025-12-31: the 2025 deadlines fall on this very day, so none has *passed*; the Tesla
  storage milestone (due 2024-12-31) has;
* 2026-12-01: every 2025 deadline has passed and no 2025 figure is in the dataset.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from xlreport.data import load_embedded_dataset
from xlreport.frames import observations_frame, targets_frame
from xlreport.progress import HEADLINE_GROUPS, STATUSES, compute_progress

D1, D2, D3 = date(2024, 6, 30), date(2025, 12, 31), date(2026, 12, 1)
NA = "not assessable"
AW = "awaiting final figure"
NAN = math.nan

# Lin-gang cutting-edge scale: "nearly 340 bn" (2021) of "about 600 bn" (2025), no baseline:
# share = A / T = 340 / 600 = 0.56667. Met? "nearly 340" is at most 340 bn, below the band's
# low end 600 * (1 - 0.05) = 570 bn: not (yet) met, so False before the deadline.
CUT_SHARE = 340 / 600
# Lin-gang industrial output: 433.3 bn (2023) of 500 bn, no baseline: A / T = 0.8666. The
# 2022 reference is derived from the 2023 growth (433.3 / 1.225), so the trend is one
# year-on-year rate: no Eurostat class. Anticipated 2025 value 433.3 * 1.225 ** 2 = 650.2 bn
# >= 500 bn: "likely met" once the deadline has passed.
OUT_SHARE = 433.3 / 500
# IC, AI and NEV output: only the 2020 baseline (207 bn, 220 bn, 238,600) is known; the share
# of the way is unknown (NaN). "More than" 2 x 207 bn = 414 bn: 207 bn is not above it, so
# met is False before the deadline ("not yet met") and unknown (None) after it.
# Biomedicine: "more than 600 bn" against "more than double" (a lower-bound target of
# 1.2 tn or more): neither proven nor disproven, None at every date.

NONE4 = (NA, None, NAN, None)  # no figure at all: not assessable, unknown, no share


def _same(row: tuple[str, bool | None, float, str | None]) -> dict[date, tuple]:
    return {D1: row, D2: row, D3: row}


EXPECTED: dict[str, dict[date, tuple[str, bool | None, float, str | None]]] = {
    # ---- Lin-gang 14th FYP (deadline 2025, plan 2021-25)
    "lingang-2025.core-tech-projects": _same(NONE4),  # no count published
    "lingang-2025.high-tech-enterprises": _same(NONE4),
    "lingang-2025.innovation-platforms": _same(NONE4),
    "lingang-2025.cutting-edge-scale": {
        D1: (NA, False, CUT_SHARE, None),  # a single figure, no trend
        D2: (NA, False, CUT_SHARE, None),
        D3: (AW, None, CUT_SHARE, None),  # no trend, so no outlook
    },
    "lingang-2025.industrial-output": {
        D1: (NA, False, OUT_SHARE, None),  # one year-on-year rate: no class
        D2: (NA, False, OUT_SHARE, None),
        D3: (AW, None, OUT_SHARE, "likely met"),  # 650.2 bn >= 500 bn
    },
    "lingang-2025.industrial-clusters": _same(NONE4),
    "lingang-2025.high-standard-opening": {
        D1: ("pending", None, NAN, None),
        D2: ("pending", None, NAN, None),  # due by 2025: 2025-12-31 is still in time
        D3: ("unconfirmed", None, NAN, None),  # no report: unknown, not "behind"
    },
    # ---- Shanghai high-end industries 2021-25
    "shanghai-highend-2025.high-level-projects": _same(NONE4),
    "shanghai-highend-2025.industrial-investment": _same(NONE4),
    "shanghai-highend-2025.ic-scale": {
        D1: (NA, False, NAN, None),  # only the 2020 baseline
        D2: (NA, False, NAN, None),
        D3: (AW, None, NAN, None),
    },
    "shanghai-highend-2025.biomedicine-scale": {
        D1: (NA, None, NAN, None),
        D2: (NA, None, NAN, None),
        D3: (AW, None, NAN, None),
    },
    "shanghai-highend-2025.ai-scale": {
        D1: (NA, False, NAN, None),  # 220 bn is not above 2 x 220 bn = 440 bn
        D2: (NA, False, NAN, None),
        D3: (AW, None, NAN, None),
    },
    "shanghai-highend-2025.key-clusters": _same(NONE4),
    "shanghai-highend-2025.display-value": _same(NONE4),
    "shanghai-highend-2025.smart-sensors-value": _same(NONE4),
    "shanghai-highend-2025.software-revenue": _same(NONE4),
    "shanghai-highend-2025.medical-devices-value": _same(NONE4),
    "shanghai-highend-2025.nev-output": {
        D1: (NA, False, NAN, None),  # 238,600 is not more than 1.2 million
        D2: (NA, False, NAN, None),
        D3: (AW, None, NAN, None),
    },
    "shanghai-highend-2025.nev-industry-value": _same(NONE4),
    "shanghai-highend-2025.knowledge-services-share": _same(NONE4),
    # ---- Shanghai future industries (deadline 2030; no figure at all)
    "shanghai-future-2030.output": _same(NONE4),
    "shanghai-future-2030.tech-colleges": _same(NONE4),
    "shanghai-future-2030.innovation-centers": _same(NONE4),
    "shanghai-future-2030.clusters": _same(NONE4),
    "shanghai-future-2030.pioneering-areas": _same(NONE4),
    "shanghai-future-2030.core-components": _same(NONE4),
    "shanghai-future-2030.high-end-products": _same(NONE4),
    "shanghai-future-2030.chinese-standards": _same(NONE4),
    "shanghai-future-2030.leading-enterprises": _same(NONE4),
    "shanghai-future-2030.eco-led-enterprises": _same(NONE4),
    "shanghai-future-2030.tech-centers": _same(NONE4),
    "shanghai-future-2030.high-tech-enterprises": _same(NONE4),
    "shanghai-future-2030.leading-clusters-2035": _same(("pending", None, NAN, None)),
    # ---- Lin-gang pioneering industries to 2030
    "lingang-pioneer-2030.output": _same(NONE4),
    "lingang-pioneer-2030.icv-zone": {  # due by 2025
        D1: ("pending", None, NAN, None),
        D2: ("pending", None, NAN, None),
        D3: ("unconfirmed", None, NAN, None),
    },
    "lingang-pioneer-2030.tesla-storage": {  # due 2024-12-31
        D1: ("pending", None, NAN, None),
        D2: ("unconfirmed", None, NAN, None),
        D3: ("unconfirmed", None, NAN, None),
    },
}


@pytest.fixture(scope="module")
def tables() -> dict[date, pd.DataFrame]:
    ds = load_embedded_dataset()
    tf, of = targets_frame(ds), observations_frame(ds)
    return {d: compute_progress(tf, of, d) for d in (D1, D2, D3)}


def test_the_table_covers_all_36_targets(tables: dict[date, pd.DataFrame]) -> None:
    assert len(EXPECTED) == 36
    for frame in tables.values():
        assert set(frame.index) == set(EXPECTED)


@pytest.mark.parametrize("as_of", [D1, D2, D3], ids=str)
@pytest.mark.parametrize("target_id", sorted(EXPECTED))
def test_status_met_share_outlook(
    tables: dict[date, pd.DataFrame], target_id: str, as_of: date
) -> None:
    status, met, share, outlook = EXPECTED[target_id][as_of]
    row = tables[as_of].loc[target_id]
    assert row["status"] == status
    assert row["met"] is met
    if math.isnan(share):
        assert math.isnan(row["share_achieved"])
    else:
        assert row["share_achieved"] == pytest.approx(share, rel=1e-12)
    assert row["outlook"] == outlook if outlook else row["outlook"] is None


def test_deadline_passed_and_the_as_of_clock(tables: dict[date, pd.DataFrame]) -> None:
    out = "lingang-2025.industrial-output"
    # deadline 2025 = 2025-12-31: not passed on that day, passed in 2026
    assert [bool(tables[d].loc[out, "deadline_passed"]) for d in (D1, D2, D3)] == [
        False,
        False,
        True,
    ]
    assert bool(tables[D2].loc["lingang-pioneer-2030.tesla-storage", "deadline_passed"])
    # the clock runs from the 2022 reference point to 2025.0: 2024-06-30 is 2023.5 on the
    # axis, so (2023.5 - 2022) / 3 = 0.5; at the 2023 figure (2023 - 2022) / 3 = 1/3
    assert tables[D1].loc[out, "time_elapsed"] == pytest.approx(0.5)
    assert tables[D1].loc[out, "time_elapsed_at_latest"] == pytest.approx(1 / 3)
    assert tables[D3].loc[out, "time_elapsed"] == 1.0  # capped at 1 after the deadline
    # the IC baseline (2020) to 2025: (2023.5 - 2020) / 5 = 0.7
    assert tables[D1].loc["shanghai-highend-2025.ic-scale", "time_elapsed"] == pytest.approx(0.7)
    # no figure, but the plan runs 2021-25: from 2020.0, (2023.5 - 2020) / 5 = 0.7
    assert tables[D1].loc["shanghai-highend-2025.display-value", "time_elapsed"] == (
        pytest.approx(0.7)
    )


def test_explanations_lead_with_the_state_and_stay_short(
    tables: dict[date, pd.DataFrame],
) -> None:
    for frame in tables.values():
        assert set(frame["status"]) <= set(STATUSES)
        assert frame["explanation"].str.len().max() <= 160
        for status, text in zip(frame["status"], frame["explanation"], strict=True):
            lead = "deadline passed" if status == AW else status
            assert text.startswith(lead), text
            for code in ("no_baseline", "plan_start", "upper_bound", "at_least", "A/T"):
                assert code not in text, text
    out = tables[D3].loc["lingang-2025.industrial-output"]
    assert out["explanation"] == (
        "deadline passed; 2025 figure not yet published; latest 2023: 433.3 bn CNY, "
        "86.7% of the 500 bn CNY target; its 2023 growth (+22.5%) would reach it"
    )
    assert out["evidence"] == "one year-on-year rate"
    cut = tables[D3].loc["lingang-2025.cutting-edge-scale"]
    assert "nearly 340 bn CNY" in cut["explanation"]
    assert cut["latest_qualifier"] == "nearly" and cut["target_qualifier"] == "about"
    ic = tables[D1].loc["shanghai-highend-2025.ic-scale"]
    assert ic["explanation"].startswith("not assessable: only the 2020 baseline is known")
    counts = tables[D3].loc["shanghai-future-2030.clusters"]
    assert counts["explanation"] == "not assessable: no figure published yet"


def test_headline_tiles_as_of_december_2026(tables: dict[date, pd.DataFrame]) -> None:
    counts = tables[D3]["status"].value_counts()
    tiles = {k: int(sum(counts.get(s, 0) for s in v)) for k, v in HEADLINE_GROUPS.items()}
    # awaiting: cutting-edge, industrial output, IC, biomedicine, AI, NEV output = 6;
    # unconfirmed: high-standard opening, ICV zone, Tesla storage = 3; pending: the 2035
    # clusters = 1; the other 26 have no figure at all
    assert tiles == {
        "met": 0,
        "on track": 0,
        "behind": 0,
        "awaiting final figure": 6,
        "unconfirmed": 3,
        "pending": 1,
        "not assessable": 26,
    }
    assert sum(tiles.values()) == 36
