"""Benchmark: how well and how fast ``xlreport data draft`` proposes plan data.

Run:  .venv/bin/python bench/bench_draft.py [--seeds DIR] [--show-misses] [--repeat 5]

Quality. Each document is drafted and its items are compared with a hand-made answer:

- development set: the five seed documents (``shared/seeds/``, found beside the
  repository or given with ``--seeds``), against the embedded dataset
  (``xlreport/data/dataset.toml``, made by hand from them): every target of the
  document's plan and every observation it reports, except derived ones (a figure
  computed from a growth rate is not in the text). The publication date given to the
  drafter is the source's ``published`` (None where the dataset says it is unknown);
- held-out sets: the synthetic news items (written for the purpose) of
  ``tests/data/draft/heldout/`` (scored once before any change made for them, then used
  for development: see docs/drafting.md), ``tests/data/draft/heldout3/`` (the same, in
  another house style) and ``tests/data/draft/heldout2/`` (written before the changes
  made for the first set and never tuned on), against their ``.expected.toml``.

An expected item and a drafted one match when kind (target or observation), unit and
year (a target's deadline year, an observation's period end year) agree and the value
agrees within 0.5% (low and high for ranges; the growth rate for a growth-only
observation; no value for a milestone). Matching is one to one. Precision = matched /
drafted, recall = matched / expected, per document and overall.

Speed. A 5,000-word announcement (the seeds' sentences, repeated) is drafted as text and
as HTML; the times are shown as ratios to a baseline in the same process: splitting the
same text into words with a regular expression (one pass over the text, the least any
drafter must do). The goal is under 1 s for the whole draft.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlreport.data import load_embedded_dataset  # noqa: E402
from xlreport.draft import DraftItem, draft_file, draft_text  # noqa: E402
from xlreport.period import Period  # noqa: E402

DRAFT_DATA = ROOT / "tests" / "data" / "draft"
TOLERANCE = 0.005


@dataclass(frozen=True)
class Expected:
    kind: str
    value: float | None
    low: float | None
    high: float | None
    growth: float | None
    unit: str | None
    year: int
    label: str


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if b == 0:
        return a == 0
    return abs(a - b) <= TOLERANCE * abs(b)


def item_year(item: DraftItem) -> int | None:
    if item.kind == "target":
        return int(item.deadline[:4]) if item.deadline else None
    return Period.parse(item.period).end.year if item.period else None


def matches(exp: Expected, item: DraftItem) -> bool:
    if item.kind != exp.kind or item.unit != exp.unit or item_year(item) != exp.year:
        return False
    if exp.low is not None:
        return _close(item.low, exp.low) and _close(item.high, exp.high)
    if exp.value is not None:
        return _close(item.value, exp.value)
    if exp.growth is not None:
        return item.value is None and _close(item.growth_yoy, exp.growth)
    return item.value is None and item.low is None and item.unit is None  # milestone


def score(
    expected: list[Expected], items: list[DraftItem]
) -> tuple[int, list[Expected], list[DraftItem]]:
    free = list(items)
    missed: list[Expected] = []
    hit = 0
    for exp in expected:
        found = next((it for it in free if matches(exp, it)), None)
        if found is None:
            missed.append(exp)
        else:
            free.remove(found)
            hit += 1
    return hit, missed, free


def seed_cases(seeds: Path) -> list[tuple[str, Path, date | None, list[Expected]]]:
    ds = load_embedded_dataset()
    cases = []
    for source in ds.sources:
        path = seeds / source.file
        expected: list[Expected] = []
        for t in ds.targets:
            if t.source_id != source.id:
                continue
            expected.append(
                Expected(
                    "target",
                    t.value if t.low is None else None,
                    t.low,
                    t.high,
                    None,
                    t.unit,
                    t.deadline_date.year,
                    t.id,
                )
            )
        for o in ds.observations:
            if o.source_id != source.id or o.derived:
                continue
            expected.append(
                Expected(
                    "observation",
                    o.value,
                    None,
                    None,
                    o.growth_yoy if o.value is None else None,
                    o.unit,
                    o.period_obj.end.year,
                    o.id,
                )
            )
        cases.append((source.file, path, source.published, expected))
    return cases


def heldout_cases(folder: Path) -> list[tuple[str, Path, date | None, list[Expected]]]:
    cases = []
    for answer in sorted(folder.glob("*.expected.toml")):
        stem = answer.name.removesuffix(".expected.toml")
        doc = next(p for p in folder.iterdir() if p.stem == stem and p.suffix in (".txt", ".html"))
        raw: dict[str, Any] = tomllib.loads(answer.read_text(encoding="utf-8"))
        expected = [
            Expected(
                e["kind"],
                e.get("value"),
                e.get("low"),
                e.get("high"),
                e.get("growth_yoy"),
                e.get("unit"),
                int(e["year"]),
                " ".join(
                    str(x)
                    for x in (
                        e["kind"],
                        e.get("value", e.get("low", e.get("growth_yoy"))),
                        e.get("unit"),
                        e["year"],
                    )
                ),
            )
            for e in raw["items"]
        ]
        cases.append((doc.name, doc, date.fromisoformat(raw["published"]), expected))
    return cases


def describe(item: DraftItem) -> str:
    v = item.value if item.low is None else f"{item.low}-{item.high}"
    g = f" g={item.growth_yoy}" if item.growth_yoy is not None else ""
    return f"{item.kind} {v} {item.unit} {item.deadline or item.period}{g}: {item.quote[:70]!r}"


def run_set(
    title: str, cases: list[tuple[str, Path, date | None, list[Expected]]], show: bool
) -> tuple[float, float]:
    print(f"\n{title}")
    print(
        f"{'document':<40} {'expected':>8} {'drafted':>8} {'matched':>8} "
        f"{'precision':>10} {'recall':>8}"
    )
    total_e = total_d = total_m = 0
    for name, path, published, expected in cases:
        items = list(draft_file(path, published=published).items)
        hit, missed, extra = score(expected, items)
        total_e += len(expected)
        total_d += len(items)
        total_m += hit
        p = hit / len(items) if items else 1.0
        r = hit / len(expected) if expected else 1.0
        print(f"{name[:40]:<40} {len(expected):>8} {len(items):>8} {hit:>8} {p:>10.3f} {r:>8.3f}")
        if show:
            for exp in missed:
                print(f"    missed: {exp.label}")
            for it in extra:
                print(f"    extra:  {describe(it)}")
    p = total_m / total_d if total_d else 1.0
    r = total_m / total_e if total_e else 1.0
    print(f"{'overall':<40} {total_e:>8} {total_d:>8} {total_m:>8} {p:>10.3f} {r:>8.3f}")
    return p, r


def best_of(repeat: int, fn: Any) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speed(seeds: Path, repeat: int) -> float:
    from xlreport.draft.document import text_from_html

    body = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    text = body
    while len(text.split()) < 5000:
        text += "\n\n" + body
    words = len(text.split())
    html = (
        "<html><head><style>p{}</style><script>var x=1;</script></head><body>"
        + "".join(f"<p>{para}</p>" for para in text.split("\n\n"))
        + "</body></html>"
    )
    base = best_of(repeat, lambda: re.findall(r"\S+", text))
    t_text = best_of(repeat, lambda: draft_text(text, published=date(2024, 5, 25)))
    t_html = best_of(repeat, lambda: draft_text(text_from_html(html), published=date(2024, 5, 25)))
    print(f"\nSpeed: a {words:,}-word announcement (best of {repeat})")
    print(f"{'what':<44} {'seconds':>9} {'x baseline':>11}")
    print(f"{'baseline: split into words (regex)':<44} {base:>9.4f} {1.0:>11.1f}")
    print(f"{'draft the text':<44} {t_text:>9.4f} {t_text / base:>11.1f}")
    print(f"{'draft the page (HTML text + draft)':<44} {t_html:>9.4f} {t_html / base:>11.1f}")
    verdict = "under" if max(t_text, t_html) < 1.0 else "OVER"
    print(f"goal: under 1 s for the whole draft: {verdict} ({max(t_text, t_html):.3f} s)")
    return max(t_text, t_html)


def worst_cases(repeat: int) -> None:
    """Hostile input at the size limit: the time stays bounded (linear in the size)."""
    from xlreport.draft.document import MAX_BYTES
    from xlreport.errors import DraftInputError

    cases = {
        "figures without a full stop": "The city will build 40 stations by 2026, ",
        "digits and commas": "1,",
        "numbers and spaces": " 12 ",
        "comparator words": "about more than at least ",
        "full stops only": ". ",
    }
    base_text = "x " * (MAX_BYTES // 2)
    base = best_of(repeat, lambda: re.findall(r"\S+", base_text))
    print(f"\nHostile input of {MAX_BYTES // (1024 * 1024)} MB (the size limit; best of {repeat})")
    print(f"{'input':<44} {'seconds':>9} {'x baseline':>11}  outcome")
    for name, unit in cases.items():
        text = (unit * (MAX_BYTES // len(unit) + 1))[:MAX_BYTES]
        outcome = ""

        def run(text: str = text) -> None:
            nonlocal outcome
            try:
                outcome = f"{len(draft_text(text).items)} items"
            except DraftInputError as exc:
                outcome = f"refused: {str(exc)[:40]}"

        t = best_of(repeat, run)
        print(f"{name:<44} {t:>9.3f} {t / base:>11.1f}  {outcome}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.seeds.is_dir():
        print(f"no seed folder at {args.seeds}: give --seeds DIR", file=sys.stderr)
        return 2
    run_set(
        "Development set: the five seeds against the embedded dataset",
        seed_cases(args.seeds),
        args.show_misses,
    )
    run_set(
        "First held-out set, synthetic (tests/data/draft/heldout): scored once unseen, "
        "then used for development",
        heldout_cases(DRAFT_DATA / "heldout"),
        args.show_misses,
    )
    run_set(
        "Third held-out set, synthetic (tests/data/draft/heldout3): scored once unseen, "
        "then used for development",
        heldout_cases(DRAFT_DATA / "heldout3"),
        args.show_misses,
    )
    run_set(
        "Held-out set, synthetic (tests/data/draft/heldout2): never tuned on",
        heldout_cases(DRAFT_DATA / "heldout2"),
        args.show_misses,
    )
    speed(args.seeds, args.repeat)
    worst_cases(max(1, args.repeat // 2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
