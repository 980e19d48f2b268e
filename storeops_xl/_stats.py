"""Statistics the judgements rest on: Wilson intervals and medians over rows with enough data.

A rate from a handful of visits says nothing: 2 bounces out of 2 visits is "100 %", and its
95 % interval runs from 34 % to 100 %.  The funnel diagnosis, hot candidates and P4P advice
use :func:`wilson` to tell a real gap from chance and :func:`sampled_median` to build the
shop's own benchmarks from rows with enough sample.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

__all__ = ["MIN_ROWS", "sampled_median", "wilson", "z_score"]

#: Fewest rows with enough sample for a median to be the shop's benchmark.
MIN_ROWS = 10


def z_score(confidence: np.ndarray) -> np.ndarray:
    """Two-sided normal quantile for each confidence (0.9 → 1.645); 0 or blank → 0 (no interval)."""
    c = np.clip(np.nan_to_num(np.asarray(confidence, dtype=np.float64)), 0.0, 0.9999)
    levels, inverse = np.unique(c, return_inverse=True)  # a column holds one setting: quantile once
    z = np.array([NormalDist().inv_cdf(0.5 + x / 2) if x > 0 else 0.0 for x in levels])
    return z[inverse].reshape(c.shape)


def wilson(successes: np.ndarray, trials: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) of successes ÷ trials; NaN where trials ≤ 0.

    Examples
    --------
    >>> lo, hi = wilson(np.array([2.0]), np.array([2.0]), np.array([1.96]))
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2)
    (0.34, 1.0)
    """
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = np.clip(k / n, 0.0, 1.0)
        z2 = z * z
        den = 1 + z2 / n
        mid = (p + z2 / (2 * n)) / den
        half = z * np.sqrt(np.maximum(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / den
        lo, hi = np.clip(mid - half, 0.0, 1.0), np.clip(mid + half, 0.0, 1.0)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def sampled_median(values: np.ndarray, sample: np.ndarray, min_sample: float, min_rows: int = MIN_ROWS) -> float:
    """Median of ``values`` over rows whose ``sample`` ≥ ``min_sample`` (NaN when fewer than
    ``min_rows`` such rows).

    Examples
    --------
    >>> sampled_median(np.arange(12.0), np.full(12, 100.0), 100)
    5.5
    >>> bool(np.isnan(sampled_median(np.arange(12.0), np.full(12, 5.0), 100)))
    True
    """
    v = np.asarray(values, dtype=np.float64)
    s = np.asarray(sample, dtype=np.float64)
    ok = np.isfinite(v) & (s >= min_sample)
    return float(np.median(v[ok])) if ok.sum() >= min_rows else float("nan")
