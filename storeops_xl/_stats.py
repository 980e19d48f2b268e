"""Statistics the judgements rest on: Wilson intervals and medians over rows with enough data.

A rate from a handful of visits says nothing: 2 bounces out of 2 visits is "100 %", and its
95 % interval runs from 34 % to 100 %.  The funnel diagnosis, hot candidates and P4P advice
use :func:`wilson` to tell a real gap from chance and :func:`sampled_median` to build the
shop's own benchmarks from rows with enough sample.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

__all__ = [
    "MIN_ROWS",
    "beyond",
    "beyond_native",
    "clip_confidence",
    "clip_confidence_native",
    "sampled_median",
    "wilson",
    "wilson_native",
    "wilson_p",
    "z_native",
    "z_score",
]

#: Fewest rows with enough sample for a median to be the shop's benchmark.
MIN_ROWS = 10


def z_score(confidence: np.ndarray) -> np.ndarray:
    """Two-sided normal quantile for each confidence (0.9 → 1.645); 0 or blank → 0 (no interval).

    The confidence is clipped to 0–0.9999 (:func:`clip_confidence`); the quantile is
    ``NORM.S.INV(0.5+c/2)``, as the native twins compute it (:func:`z_native`).
    """
    c = clip_confidence(confidence)
    levels, inverse = np.unique(c, return_inverse=True)  # a column holds one setting: quantile once
    z = np.array([NormalDist().inv_cdf(0.5 + x / 2) if x > 0 else 0.0 for x in levels])
    return z[inverse].reshape(c.shape)


def clip_confidence(confidence: np.ndarray) -> np.ndarray:
    """The confidence as used: blank → 0, clipped to 0–0.9999 (``MIN(0.9999,MAX(0,c))``)."""
    return np.clip(np.nan_to_num(np.asarray(confidence, dtype=np.float64)), 0.0, 0.9999)


def clip_confidence_native(c: str) -> str:
    """:func:`clip_confidence` as a native formula over a number expression ``c``."""
    return f"MIN(0.9999,MAX(0,{c}))"


def z_native(c: str) -> str:
    """:func:`z_score` as a native formula over the clipped confidence expression ``c``.

    >>> z_native("C")
    'IF(C>0,_xlfn.NORM.S.INV(0.5+C/2),0)'
    """
    return f"IF({c}>0,_xlfn.NORM.S.INV(0.5+{c}/2),0)"


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
    with np.errstate(divide="ignore", invalid="ignore"):
        return wilson_p(np.clip(k / n, 0.0, 1.0), n, z)


def wilson_p(p: np.ndarray, n: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval (low, high) of a rate ``p`` (clipped to 0–1) measured over ``n``;
    NaN where ``n`` ≤ 0.  Computed in the order of :func:`wilson_native`'s formula, so the
    native twins print the same digits."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    n = np.asarray(n, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        den = 1 + z * z / n
        mid = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(np.maximum(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / den
        lo, hi = np.clip(mid - half, 0.0, 1.0), np.clip(mid + half, 0.0, 1.0)
    bad = ~(n > 0)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


def wilson_native(p: str, n: str, z: str, high: bool) -> str:
    """:func:`wilson_p`'s low (or high) bound as a native formula over the expressions
    ``p`` (a rate already clipped to 0–1), ``n`` (> 0) and ``z`` (cell references or
    parenthesised expressions).

    >>> wilson_native("P", "N", "Z", True)
    'MIN(1,MAX(0,(P+Z*Z/(2*N))/(1+Z*Z/N)+Z*SQRT(MAX(P*(1-P)/N+Z*Z/(4*N*N),0))/(1+Z*Z/N)))'
    """
    den = f"(1+{z}*{z}/{n})"
    mid = f"({p}+{z}*{z}/(2*{n}))/{den}"
    half = f"{z}*SQRT(MAX({p}*(1-{p})/{n}+{z}*{z}/(4*{n}*{n}),0))/{den}"
    return f"MIN(1,MAX(0,{mid}{'+' if high else '-'}{half}))"


def beyond(p: np.ndarray, n: np.ndarray, z: np.ndarray, bench: np.ndarray, above: bool) -> np.ndarray:
    """True where the whole Wilson interval of the rate ``p`` over ``n`` lies below ``bench``
    (``above``: above it) — the gap is not chance.  ``z`` 0 judges ``p`` alone.

    The interval is the set of rates π with n·(p − π)² ≤ z²·π·(1 − π), so the test needs no
    interval: ``p`` on the far side of ``bench`` and n·(p − b)² > z²·b·(1 − b).  One product
    per side, the same in the native twins (:func:`beyond_native`).

    >>> bool(beyond(np.array(0.0), np.array(200.0), np.array(1.645), np.array(0.03), above=False)[()])
    True
    >>> bool(beyond(np.array(0.0), np.array(20.0), np.array(1.645), np.array(0.03), above=False)[()])
    False
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    n, z, b = (np.asarray(x, dtype=np.float64) for x in (n, z, bench))
    side = p > b if above else p < b
    with np.errstate(invalid="ignore", over="ignore"):
        d = p - b
        far = n * (d * d) > z * z * b * (1 - b)
    out: np.ndarray = (z == 0) | ((n > 0) & side & far)
    return out


def beyond_native(p: str, n: str, z: str, bench: str, above: bool) -> str:
    """:func:`beyond` as a native condition over the expressions ``p`` (clipped), ``n``, ``z``
    and ``bench``.

    >>> beyond_native("P", "N", "Z", "B", above=False)
    'OR(Z=0,AND(N>0,P<B,N*((P-B)*(P-B))>Z*Z*B*(1-B)))'
    """
    side = f"{p}>{bench}" if above else f"{p}<{bench}"
    return f"OR({z}=0,AND({n}>0,{side},{n}*(({p}-{bench})*({p}-{bench}))>{z}*{z}*{bench}*(1-{bench})))"


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
