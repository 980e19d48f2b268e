"""Benchmark the vectorised functions against the SPEC §9 targets.

* CTR over 1,000,000 (clicks, impressions) pairs: target ≤ 20 ms;
* TITLE_SCORE over the 365 real titles of ``tests/fixtures/Products-2026-09-19.csv``
  repeated to 20,000: target ≥ 20,000 titles/s — cached (repeated titles hit the cache,
  as in a real recalculation) and uncached (cache cleared, every title made distinct);
* TITLE_KEYWORDS guessing the keywords of those 20,000 distinct titles from the 500 real
  keywords of ``getKeywords-2026-09-19.csv`` (no target; it runs once per recalculation).

Run: ``.venv/bin/python bench/functions.py``.  Prints each figure and its ratio to the target.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import storeops_xl as core  # noqa: E402
from storeops.importers.datamanager import read_export  # noqa: E402
from storeops_xl import titles  # noqa: E402

CTR_TARGET_S = 0.020
TITLES_TARGET = 20_000


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_ctr() -> None:
    rng = np.random.default_rng(0)
    impressions = rng.integers(0, 50_000, 1_000_000).astype(np.float64)
    clicks = np.floor(impressions * rng.random(1_000_000) * 0.05)
    core.ctr(clicks, impressions)
    t = best_of(5, lambda: core.ctr(clicks, impressions))
    print(
        f"CTR 1,000,000 对 pairs (numpy float64): {t * 1000:.1f} ms  "
        f"目标 target ≤ {CTR_TARGET_S * 1000:.0f} ms  → {CTR_TARGET_S / t:.2f}× target"
    )
    as_lists = [[float(c)] for c in clicks[:1_000_000]], [[float(i)] for i in impressions[:1_000_000]]
    t2 = best_of(2, lambda: core.ctr(*as_lists))
    print(
        f"CTR 1,000,000 对 pairs as xlwings lists of lists: {t2 * 1000:.1f} ms (conversion included, "
        f"{CTR_TARGET_S / t2:.2f}× target)"
    )


def bench_titles() -> None:
    real = read_export(ROOT / "tests" / "fixtures" / "Products-2026-09-19.csv").frame["title"].tolist()
    n = 20_000
    repeated = (real * (n // len(real) + 1))[:n]
    distinct = [f"{t} M{i}" for i, t in enumerate(repeated)]
    kw = "walking shoes; sneakers; breathable"
    core.title_score(repeated[:50], kw)

    titles.clear_cache()
    t_first = best_of(1, lambda: core.title_score(repeated, kw))
    t_cached = best_of(3, lambda: core.title_score(repeated, kw))

    def uncached(data, k):
        titles.clear_cache()
        return core.title_score(data, k)

    t_unc_kw = best_of(3, lambda: uncached(distinct, kw))
    t_unc = best_of(3, lambda: uncached(distinct, None))
    kw_frame = read_export(ROOT / "tests" / "fixtures" / "getKeywords-2026-09-19.csv").frame
    shop, weights = kw_frame["keyword"].tolist(), kw_frame["impressions"].tolist()
    t_guess = best_of(3, lambda: core.title_keywords(distinct, None, shop, weights))
    print(f"TITLE_KEYWORDS {n:,} distinct titles × {len(shop)} shop keywords: {n / t_guess:,.0f} titles/s")
    for label, t in [
        (f"365 real titles ×→ {n:,}, first call (each distinct title analysed once)", t_first),
        (f"{n:,} titles, cached (second call)", t_cached),
        (f"{n:,} distinct titles, uncached, with keywords", t_unc_kw),
        (f"{n:,} distinct titles, uncached, no keywords", t_unc),
    ]:
        rate = n / t
        print(
            f"TITLE_SCORE {label}: {rate:,.0f} titles/s  目标 target ≥ {TITLES_TARGET:,}  "
            f"→ {rate / TITLES_TARGET:.2f}× target"
        )


if __name__ == "__main__":
    bench_ctr()
    bench_titles()
