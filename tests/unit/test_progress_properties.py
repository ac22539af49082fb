"""Invariants of the progress measures (hypothesis), on synthetic targets."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from progress_builders import obs, progress, target

AS_OF = date(2030, 1, 1)
amounts = st.floats(min_value=1.0, max_value=1e12, allow_nan=False, allow_infinity=False)


def _row(
    b: float, t: float, a: float, year: str = "2023", comparator: str = "at_least"
) -> pd.Series:
    tg = target(value=t, baseline_value=b, comparator=comparator)
    return progress([tg], [obs("p.t", year, a, published=date(2029, 1, 1))], AS_OF).iloc[0]


@settings(max_examples=40, deadline=None)
@given(b=amounts, t=amounts)
def test_share_is_zero_at_the_baseline_and_one_at_the_target(b: float, t: float) -> None:
    if abs(t - b) < 1e-6 * max(t, b):
        return
    comparator = "at_least" if t > b else "at_most"
    assert _row(b, t, b, comparator=comparator)["share_achieved"] == pytest.approx(0, abs=1e-12)
    assert _row(b, t, t, comparator=comparator)["share_achieved"] == pytest.approx(1, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(b=amounts, t=amounts, a1=amounts, a2=amounts)
def test_share_moves_with_the_actual_towards_the_target(
    b: float, t: float, a1: float, a2: float
) -> None:
    if abs(t - b) < 1e-6 * max(t, b) or a1 == a2:
        return
    lo, hi = sorted((a1, a2))
    s_lo, s_hi = _row(b, t, lo)["share_achieved"], _row(b, t, hi)["share_achieved"]
    # rising targets: more is closer; falling targets: less is closer
    assert (s_hi >= s_lo) if t > b else (s_hi <= s_lo)
    assert s_hi != s_lo or hi - lo < 1e-9 * hi


@settings(max_examples=40, deadline=None)
@given(b=amounts, g=st.floats(min_value=-0.5, max_value=1.0), t=amounts)
def test_anticipated_value_is_the_baseline_trend_at_the_deadline(
    b: float, g: float, t: float
) -> None:
    # an actual on the path B * (1 + g) ** 3 (2020 -> 2023) has actual CAGR g, and the
    # anticipated value extrapolated from it equals B * (1 + g) ** (2025 - 2020)
    a = b * (1 + g) ** 3
    row = _row(b, t, a)
    assert row["actual_cagr"] == pytest.approx(g, rel=1e-9, abs=1e-12)
    assert row["anticipated_value"] == pytest.approx(b * (1 + g) ** 5, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(b=amounts, t=amounts, a=amounts)
def test_required_growth_from_now_reaches_the_target_exactly(b: float, t: float, a: float) -> None:
    row = _row(b, t, a)
    # two years remain (2023 -> 2025)
    assert a * (1 + row["required_cagr_from_now"]) ** 2 == pytest.approx(t, rel=1e-9)
    # and the required CAGR from the baseline reaches it in five
    assert b * (1 + row["required_cagr"]) ** 5 == pytest.approx(t, rel=1e-9)
