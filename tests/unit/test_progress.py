"""Progress measures with hand-computed expectations (the arithmetic is in the comments).

The plan figures come from the embedded dataset (the source documents); the other cases
use small synthetic frames built in ``progress_builders``.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from progress_builders import dataset, milestone, obs, progress, target

from xlreport.data import load_embedded_dataset
from xlreport.errors import ProgressError
from xlreport.frames import observations_frame, targets_frame
from xlreport.progress import METHODS, STATUSES, compute_progress, progress_for_target

AS_OF = date(2024, 12, 31)


@pytest.fixture(scope="module")
def embedded() -> pd.DataFrame:
    ds = load_embedded_dataset()
    return compute_progress(targets_frame(ds), observations_frame(ds), AS_OF)


# ----------------------------------------------------------------- the plans' own figures


def test_shanghai_nev_needs_38_percent_a_year(embedded: pd.DataFrame) -> None:
    row = embedded.loc["shanghai-highend-2025.nev-output"]
    # 238,600 vehicles (2020) to more than 1.2 million (2025): (1.2e6 / 238600) ** (1/5) - 1
    assert row["required_cagr"] == pytest.approx((1.2e6 / 238_600) ** (1 / 5) - 1, rel=1e-12)
    assert round(row["required_cagr"], 4) == 0.3813  # 38.1%/yr
    assert row["required_cagr_from"] == "2020"
    # the only actual is the baseline itself: no trend to assess
    assert row["status"] == "not assessable"
    assert row["status_reason"] == "only the baseline is known"
    # nothing after the baseline: the share of the way is unknown, not 0
    assert math.isnan(row["share_achieved"])
    assert (
        "needs 38.1%/yr from 2020 to reach more than 1.2 million vehicles by 2025"
        in (row["explanation"])
    )


def test_ic_more_than_double_is_414_bn_and_14_9_percent(embedded: pd.DataFrame) -> None:
    row = embedded.loc["shanghai-highend-2025.ic-scale"]
    assert row["target_value"] == 414e9  # "more than double" 207 bn: 2 * 207e9
    assert row["required_cagr"] == pytest.approx((414 / 207) ** (1 / 5) - 1, rel=1e-12)
    assert round(row["required_cagr"], 4) == 0.1487  # 14.9%/yr
    assert "14.9%/yr from 2020" in row["explanation"]
    assert not row["met"]  # 207 bn (2020) is not above 414 bn


def test_lingang_output_needs_7_4_percent_from_2023(embedded: pd.DataFrame) -> None:
    row = embedded.loc["lingang-2025.industrial-output"]
    assert row["latest_value"] == 433.3e9
    assert row["latest_period"] == "2023"
    assert row["latest_source_id"] == "chinadaily-2024-05-25-lingang"
    assert row["latest_published"] == pd.Timestamp("2024-05-25")
    assert row["latest_growth_yoy"] == 0.225  # stated by the document
    # needs (500 / 433.3) ** (1/2) - 1 = 0.0742 from 2023 to 2025
    assert row["required_cagr_from_now"] == pytest.approx((500 / 433.3) ** 0.5 - 1, rel=1e-12)
    assert round(row["required_cagr_from_now"], 4) == 0.0742
    assert "needs 7.4%/yr to 2025" in row["explanation"]
    # no baseline: the reference is the earliest value, 2022 derived as 433.3 / 1.225
    b22 = 433.3e9 / 1.225
    assert row["share_basis"] == "no_baseline"
    assert row["reference_period"] == "2022"
    assert row["reference_value"] == pytest.approx(b22, rel=1e-12)
    assert row["share_achieved"] == pytest.approx(433.3 / 500, rel=1e-12)  # A/T = 0.8666
    assert "86.7% of the 500 bn CNY target" in row["explanation"]
    # grew 22.5% in one year; needs (500e9 / b22) ** (1/3) - 1 = 12.2%/yr from 2022
    assert row["actual_cagr"] == pytest.approx(0.225, rel=1e-12)
    req = (500e9 / b22) ** (1 / 3) - 1
    assert row["required_cagr"] == pytest.approx(req, rel=1e-12)
    assert row["growth_ratio"] == pytest.approx(0.225 / req, rel=1e-12)  # 1.84 >= 0.95
    # ... but that growth is one year-on-year rate (2022 is derived from it): one observed
    # year, no Eurostat class (docs/methods.md, thin evidence)
    assert row["evidence"] == "one year-on-year rate" and row["observed_years"] == 1
    assert row["status"] == "not assessable" and row["eurostat_class"] is None
    assert row["status_reason"] == "one year-on-year rate only, no observed trend"
    assert row["explanation"].startswith("not assessable: one year-on-year rate only")
    # the trend continued to 2025: 433.3 * 1.225 ** 2 = 650.2 bn
    assert row["anticipated_value"] == pytest.approx(433.3e9 * 1.225**2, rel=1e-12)
    # anticipated gap relative to the whole distance: (500 - 650.2) / (500 - 353.7) < 0
    gap = (500e9 - 433.3e9 * 1.225**2) / (500e9 - b22)
    assert row["anticipated_gap"] == pytest.approx(gap, rel=1e-12)
    # time at the latest figure: 2022 -> 2023 of 2022 -> 2025 is one third
    assert row["time_elapsed_at_latest"] == pytest.approx(1 / 3, rel=1e-12)
    # time at the as-of date 2024-12-31 (2024.0 on the axis): (2024 - 2022) / 3
    assert row["time_elapsed"] == pytest.approx(2 / 3, rel=1e-12)


def test_lingang_cutting_edge_single_observation(embedded: pd.DataFrame) -> None:
    row = embedded.loc["lingang-2025.cutting-edge-scale"]
    # nearly 340 bn (2021) vs about 600 bn (2025): (600 / 340) ** (1/4) - 1 = 0.1526
    assert row["required_cagr_from_now"] == pytest.approx((600 / 340) ** 0.25 - 1, rel=1e-12)
    assert round(row["required_cagr_from_now"], 4) == 0.1526
    assert row["status"] == "not assessable"
    assert row["status_reason"] == "a single figure, no trend yet"
    assert row["latest_qualifier"] == "nearly" and row["target_qualifier"] == "about"
    assert "nearly 340 bn CNY" in row["explanation"]
    assert math.isnan(row["actual_cagr"])
    # "nearly 340 bn" is at most 340 bn, below the band 600 * 0.95 = 570 bn: not met (yet)
    assert row["met"] is False or not row["met"]
    assert "upper bound" in row["met_detail"]


def test_lower_bound_baseline_makes_the_multiple_target_a_lower_bound(
    embedded: pd.DataFrame,
) -> None:
    row = embedded.loc["shanghai-highend-2025.biomedicine-scale"]
    assert row["target_value"] == 1.2e12  # 2 * "more than 600 bn"
    assert pd.isna(row["met"])  # neither proven nor disproven
    assert "the target is a lower bound" in row["met_detail"]


def test_before_publication_nothing_is_known() -> None:
    ds = load_embedded_dataset()
    # the Lin-gang figures were published on 2024-05-25
    early = compute_progress(targets_frame(ds), observations_frame(ds), date(2024, 5, 24))
    row = early.loc["lingang-2025.industrial-output"]
    assert pd.isna(row["latest_value"])
    assert row["status"] == "not assessable"
    assert row["status_reason"] == "no figure published yet"


def test_statuses_and_methods_come_from_the_documented_vocabulary(
    embedded: pd.DataFrame,
) -> None:
    assert set(embedded["status"]) <= set(STATUSES)
    assert set(embedded["method"]) <= set(METHODS)
    assert embedded["explanation"].str.len().min() > 10
    assert not embedded["explanation"].str.contains("\n").any()


def test_scalar_function_gives_the_same_row_for_every_target(embedded: pd.DataFrame) -> None:
    ds = load_embedded_dataset()
    tf, of = targets_frame(ds), observations_frame(ds)
    for tid in embedded.index:
        one = progress_for_target(tid, tf, of, AS_OF)
        assert one["target_id"] == tid
        expected = embedded.loc[tid].to_dict()
        assert one.keys() - {"target_id"} == expected.keys()
        for key, value in expected.items():
            if pd.isna(value) if not isinstance(value, str) else False:
                assert pd.isna(one[key]), (tid, key)
            else:
                assert one[key] == value, (tid, key)


# ----------------------------------------------------------------- synthetic cases


def test_rising_target_on_track_with_linear_path_and_anticipation() -> None:
    # B = 100 (2020), T = 200 (2025), A = 140 (2022)
    row = progress([target()], [obs("p.t", "2022", 140.0)]).iloc[0]
    assert row["share_achieved"] == pytest.approx(0.4)  # (140 - 100) / (200 - 100)
    assert row["time_elapsed_at_latest"] == pytest.approx(0.4)  # (2022 - 2020) / (2025 - 2020)
    # at the as-of date 2024-12-31 (2024.0 on the axis): (2024 - 2020) / 5
    assert row["time_elapsed"] == pytest.approx(0.8)
    assert row["deadline_passed"] is False or not row["deadline_passed"]
    assert row["expected_value"] == pytest.approx(140.0)  # 100 + 100 * 0.4
    assert row["gap_to_path"] == pytest.approx(0.0)
    g = 1.4**0.5 - 1  # 0.1832
    r = 2 ** (1 / 5) - 1  # 0.1487
    assert row["actual_cagr"] == pytest.approx(g)
    assert row["required_cagr"] == pytest.approx(r)
    assert row["growth_ratio"] == pytest.approx(g / r)  # 1.232
    assert row["status"] == "on track"
    assert row["explanation"].startswith("on track: grew 18.3%/yr from 2020, 14.9%/yr needed")
    assert row["evidence"] == "2 observed years"  # the 2020 baseline and 2022
    assert row["anticipated_value"] == pytest.approx(140 * (1 + g) ** 3)  # 274.4
    assert row["anticipated_gap"] == pytest.approx((200 - 140 * (1 + g) ** 3) / 100)
    assert row["met"] is False or not row["met"]


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (130.0, "moderate progress"),  # (1.3 ** 0.5 - 1) / (2 ** 0.2 - 1) = 0.1402 / 0.1487 = 0.943
        (115.0, "insufficient progress"),  # 0.0724 / 0.1487 = 0.487
        (90.0, "moving away"),  # -0.0513 / 0.1487 < 0
    ],
)
def test_eurostat_classes(actual: float, status: str) -> None:
    row = progress([target()], [obs("p.t", "2022", actual)]).iloc[0]
    ratio = ((actual / 100) ** 0.5 - 1) / (2**0.2 - 1)
    assert row["growth_ratio"] == pytest.approx(ratio)
    assert row["status"] == status == row["eurostat_class"]


def test_falling_target_share_and_growth() -> None:
    # at most 50 by 2025 from 100 in 2020; 80 in 2022
    t = target(comparator="at_most", value=50.0)
    row = progress([t], [obs("p.t", "2022", 80.0)]).iloc[0]
    assert row["share_achieved"] == pytest.approx(0.4)  # (80 - 100) / (50 - 100)
    req = 0.5**0.2 - 1  # -0.1294
    act = 0.8**0.5 - 1  # -0.1056
    assert row["required_cagr"] == pytest.approx(req)
    assert row["growth_ratio"] == pytest.approx(act / req)  # 0.816
    assert row["status"] == "moderate progress"
    up = progress([t], [obs("p.t", "2022", 110.0)]).iloc[0]
    assert up["status"] == "moving away"  # rose while it must fall
    done = progress([t], [obs("p.t", "2023", 45.0)]).iloc[0]
    assert done["status"] == "met" and done["met"]  # 45 <= 50
    assert done["method"] == "comparator on latest actual"


def test_at_least_target_below_its_baseline_falls_back_to_the_comparator() -> None:
    # at least 80 by 2025 from 100 in 2020: the baseline already met it; now 70
    t = target(value=80.0)
    row = progress([t], [obs("p.t", "2022", 70.0)]).iloc[0]
    assert math.isnan(row["growth_ratio"])
    assert row["status"] == "moving away"
    assert row["method"] == "comparator on latest actual"


def test_range_met_at_low_and_fully_at_high() -> None:
    t = target(
        comparator="range",
        value=None,
        low=3.0,
        high=5.0,
        unit="clusters",
        baseline_value=None,
        baseline_period=None,
    )
    low = progress([t], [obs("p.t", "2024", 4.0, unit="clusters")]).iloc[0]
    assert low["met"] and not low["fully_met"]
    assert low["status"] == "met"
    assert low["met_detail"].startswith("met at the low end: 4 clusters ≥ 3")
    high = progress([t], [obs("p.t", "2024", 5.0, unit="clusters")]).iloc[0]
    assert high["met"] and high["fully_met"]
    assert high["met_detail"].startswith("fully met")
    # 1 (2022) and 2 (2023): needs (3/1) ** (1/3) - 1 = 0.4422 from 2022, grew 100%
    short = progress(
        [t], [obs("p.t", "2022", 1.0, unit="clusters"), obs("p.t", "2023", 2.0, unit="clusters")]
    ).iloc[0]
    assert short["required_cagr"] == pytest.approx(3 ** (1 / 3) - 1)
    assert short["actual_cagr"] == pytest.approx(1.0)
    assert short["status"] == "on track"
    assert short["met_detail"].startswith("not yet met: 2 clusters < low end 3")


def test_about_uses_the_tolerance_band_and_the_target_override() -> None:
    t = target(comparator="about", value=600.0)
    final = [obs("p.t", "2025", 575.0, published=date(2026, 3, 1))]
    as_of = date(2026, 6, 30)
    # |575 - 600| = 25 <= 0.05 * 600 = 30: met
    assert progress([t], final, as_of).iloc[0]["met"]
    # with 3%: 25 > 18 = 0.03 * 600, and the deadline figure is in: not met
    row = progress([t], final, as_of, tolerance=0.03).iloc[0]
    assert not row["met"] and row["status"] == "not met"
    assert row["method"] == "comparator at deadline"
    assert row["met_detail"].startswith("not met: 575 CNY below 600 CNY ± 3.0%")
    # the target's own tolerance (10%) overrides the default
    own = progress(
        [target(comparator="about", value=600.0, tolerance=0.10)], final, as_of, tolerance=0.03
    ).iloc[0]
    assert own["met"] and own["tolerance_used"] == 0.10


def test_cumulative_target_sums_annual_flows_inside_the_plan_period() -> None:
    t = target(
        kind="cumulative",
        comparator="more_than",
        value=1000.0,
        unit="enterprises",
        baseline_value=None,
        baseline_period=None,
    )
    flows = [
        obs("p.t", "2020", 999.0, unit="enterprises"),  # before the plan: not counted
        obs("p.t", "2021", 200.0, unit="enterprises"),
        obs("p.t", "2022", 250.0, unit="enterprises"),
        obs("p.t", "2023-YTD03", 40.0, unit="enterprises"),  # superseded by the half year
        obs("p.t", "2023-YTD06", 100.0, unit="enterprises"),
    ]
    row = progress([t], flows).iloc[0]
    assert row["latest_value"] == 550.0  # 200 + 250 + 100
    assert row["latest_period"] == "2023-YTD06"
    assert row["share_basis"] == "plan_start"
    assert row["reference_value"] == 0.0 and row["reference_period"] == "2020"
    assert row["share_achieved"] == pytest.approx(0.55)  # 550 / 1000
    assert row["time_elapsed_at_latest"] == pytest.approx(0.5)  # (2022.5 - 2020) / 5
    assert row["pace_ratio"] == pytest.approx(1.1)  # 0.55 / 0.5
    assert row["status"] == "on track" and row["method"] == "linear-path pace"


def test_cumulative_running_total_plus_later_flows_and_met_at_deadline() -> None:
    t = target(
        kind="cumulative",
        comparator="at_least",
        value=1000.0,
        unit="projects",
        baseline_value=None,
        baseline_period=None,
    )
    rows = [
        obs("p.t", "2021", 300.0, unit="projects"),  # inside the running total: not added
        obs("p.t", "2022", 480.0, unit="projects", cumulative=True),  # 2021-2022 together
        obs("p.t", "2023", 200.0, unit="projects"),
    ]
    row = progress([t], rows).iloc[0]
    assert row["latest_value"] == 680.0  # 480 + 200
    final = [
        *rows,
        obs("p.t", "2025", 1100.0, unit="projects", cumulative=True, published=date(2026, 2, 1)),
    ]
    done = progress([t], final, date(2026, 3, 1)).iloc[0]
    assert done["latest_value"] == 1100.0
    assert done["met"] and done["status"] == "met"
    assert done["method"] == "comparator at deadline"


def test_cumulative_target_without_plan_start_is_not_assessable() -> None:
    t = target(
        kind="cumulative", value=100.0, unit="projects", baseline_value=None, baseline_period=None
    )
    row = progress([t], [obs("p.t", "2023", 30.0, unit="projects")], start_year=None).iloc[0]
    assert row["status"] == "not assessable"
    assert "start year is unknown" in row["status_reason"]


@pytest.mark.parametrize(
    ("as_of", "reported", "status", "met"),
    [
        (date(2025, 6, 30), True, "done", True),  # completed 2025-02, due by 2025: on time
        (date(2025, 6, 30), False, "pending", None),
        (date(2025, 12, 31), False, "pending", None),  # due that very day
        (date(2026, 1, 1), False, "unconfirmed", None),  # no news is not "behind"
        (date(2025, 2, 28), True, "pending", None),  # the report came out on 2025-03-01
    ],
)
def test_milestones(as_of: date, reported: bool, status: str, met: bool | None) -> None:
    report = [obs("p.t", "2025-02", 1.0, unit="items", published=date(2025, 3, 1))]
    row = progress([milestone()], report if reported else [], as_of).iloc[0]
    assert row["status"] == status and row["met"] is met
    assert row["method"] == "milestone date"
    assert row["explanation"].startswith(status)
    assert row["met_detail"] == (
        "completion reported (2025-02, on time)" if met else "no report of completion"
    )


def test_year_to_date_series_gives_month_value_growth_and_full_year() -> None:
    t = target(baseline_value=None, baseline_period=None, value=300.0)
    rows = [
        obs("p.t", "2023", 150.0),
        obs("p.t", "2023-YTD03", 40.0),
        obs("p.t", "2024-YTD01", 10.0, published=date(2024, 2, 15)),
        obs("p.t", "2024-YTD02", 25.0, published=date(2024, 3, 15)),
        obs("p.t", "2024-YTD03", 45.0, published=date(2024, 4, 15)),
    ]
    row = progress([t], rows, date(2024, 4, 30)).iloc[0]
    assert row["latest_period"] == "2024-YTD03" and row["latest_value"] == 45.0
    assert row["month_value"] == 20.0  # March alone: 45 - 25
    assert row["latest_growth_yoy"] == pytest.approx(0.125)  # 45 / 40 - 1
    assert row["latest_full_year_value"] == 150.0
    assert row["latest_full_year_period"] == "2023"
    # the measures compare full years with the annual target, not a quarter's output
    assert row["assessed_period"] == "2023" and row["assessed_value"] == 150.0
    january = progress([t], rows, date(2024, 2, 28)).iloc[0]
    assert january["month_value"] == 10.0  # January's own value is YTD01
    assert math.isnan(january["latest_growth_yoy"])  # no 2023-YTD01 to compare with


def test_stated_growth_is_kept_and_never_turned_into_a_value() -> None:
    t = target(baseline_value=None, baseline_period=None)
    rows = [obs("p.t", "2023", 100.0), obs("p.t", "2024", None, growth_yoy=0.1)]
    row = progress([t], rows, date(2025, 1, 31)).iloc[0]
    assert row["latest_value"] == 100.0 and row["latest_period"] == "2023"


def test_revision_changes_the_latest_value_between_two_dates() -> None:
    rows = [
        obs("p.t", "2023", 140.0, published=date(2024, 3, 1)),
        obs("p.t", "2023", 150.0, published=date(2024, 9, 1)),
    ]
    before = progress([target()], rows, date(2024, 6, 30)).iloc[0]
    after = progress([target()], rows, date(2024, 12, 31)).iloc[0]
    assert before["latest_value"] == 140.0
    assert before["latest_published"] == pd.Timestamp("2024-03-01")
    assert after["latest_value"] == 150.0
    assert after["latest_published"] == pd.Timestamp("2024-09-01")
    assert after["actual_cagr"] == pytest.approx(1.5 ** (1 / 3) - 1)  # 100 -> 150 in 3 years


def test_upper_bound_actual_cannot_prove_an_at_least_target() -> None:
    t = target(value=500.0)
    nearly = [obs("p.t", "2025", 520.0, qualifier="upper_bound", published=date(2026, 2, 1))]
    row = progress([t], nearly, date(2026, 3, 1)).iloc[0]
    assert pd.isna(row["met"])
    assert row["status"] == "not assessable"
    assert row["met_detail"].startswith("not proven")
    exact = progress([t], [{**nearly[0], "qualifier": "exact"}], date(2026, 3, 1)).iloc[0]
    assert exact["met"] and exact["status"] == "met"


def test_deadline_passed_before_the_final_figure_is_published() -> None:
    # synthetic: B = 100 (2020), T = 200 (2025); 190 for 2024, read on 2026-01-15
    row = progress([target()], [obs("p.t", "2024", 190.0)], date(2026, 1, 15)).iloc[0]
    assert row["status"] == "awaiting final figure" and row["met"] is None
    assert bool(row["deadline_passed"]) and row["time_elapsed"] == 1.0  # capped
    # anticipated: 190 * (1.9 ** (1/4)) ** 1 = 190 * 1.1741 = 223.1 >= 200: likely met
    assert row["anticipated_value"] == pytest.approx(190 * 1.9**0.25)
    assert row["outlook"] == "likely met"
    assert row["explanation"].startswith("deadline passed; 2025 figure not yet published")
    assert "latest 2024: 190 CNY, 90.0% of the way from the 2020 baseline" in row["explanation"]
    assert row["explanation"].endswith("the 2020-24 trend would reach it")


def test_not_assessable_without_actuals() -> None:
    row = progress([target()], []).iloc[0]
    assert row["status"] == "not assessable"
    assert row["method"] == "none (data missing)"
    assert row["explanation"].startswith("not assessable: no figure published yet")
    assert row["required_cagr"] == pytest.approx(2**0.2 - 1)  # known from the baseline alone


def test_observation_found_by_target_id_when_the_indicator_is_shared() -> None:
    a = target("p.a", indicator="shared")
    b = target("p.b", indicator="shared", value=300.0)
    row = progress([a, b], [obs("shared", "2022", 140.0, target_id="p.a")])
    assert row.loc["p.a", "latest_value"] == 140.0
    assert row.loc["p.b", "latest_value"] == 140.0  # same indicator, same series


def test_bad_inputs_raise_clear_errors() -> None:
    ds = dataset([target()], [obs("p.t", "2022", 140.0)])
    tf, of = targets_frame(ds), observations_frame(ds)
    with pytest.raises(ProgressError, match=r"tolerance 1\.5 is not a fraction"):
        compute_progress(tf, of, AS_OF, tolerance=1.5)
    with pytest.raises(ProgressError, match="unknown target 'nope'"):
        progress_for_target("nope", tf, of, AS_OF)
    with pytest.raises(ProgressError, match=r"lacks column.*deadline_time"):
        compute_progress(tf.drop(columns="deadline_time"), of, AS_OF)
    usd = dataset([target()], [obs("p.t", "2022", 140.0, unit="USD")])
    with pytest.raises(ProgressError, match=r"unit .USD. differs from target p\.t.s unit .CNY."):
        compute_progress(targets_frame(usd), observations_frame(usd), AS_OF)
