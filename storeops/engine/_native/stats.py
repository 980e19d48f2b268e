"""Statistical functions: AVERAGE, COUNT, COUNTA, COUNTBLANK, MIN, MAX, MEDIAN, LARGE,
SMALL, RANK, RANK.EQ, NORM.S.INV."""

from __future__ import annotations

import warnings
from statistics import NormalDist
from typing import Any

import numpy as np

from .._values import DIV0, NA, NUM, Rng, Unsupported, XLErr, is_vec, merge_errors, with_errors
from ._agg import Numbers, finish, gather, per_row_matrix
from ._args import MISSING, native, num_arg, numeric_fn, range_arg, single


def _reduce(ctx, args, fixed_fn, row_fn, counting: bool = False) -> Any:
    nums = gather(args, counting)
    if nums.matrix is None:
        return finish(fixed_fn(nums.flat), nums)
    mat = per_row_matrix(nums, ctx.n)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return finish(row_fn(mat, (~np.isnan(mat)).sum(axis=1)), nums)


def _pick(out: np.ndarray, empty: np.ndarray, fill: Any) -> np.ndarray:
    if not empty.any():
        return out
    o = out.astype(object)
    o[empty] = fill
    return o


@native("AVERAGE", refs=True)
def AVERAGE(ctx, *args):
    return _reduce(
        ctx,
        args,
        lambda a: float(a.mean()) if a.size else DIV0,
        lambda m, c: _pick(np.nansum(m, axis=1) / np.maximum(c, 1), c == 0, DIV0),
    )


@native("MIN", refs=True)
def MIN(ctx, *args):
    return _reduce(
        ctx, args, lambda a: float(a.min()) if a.size else 0.0, lambda m, c: np.where(c > 0, np.nanmin(m, axis=1), 0.0)
    )


@native("MAX", refs=True)
def MAX(ctx, *args):
    return _reduce(
        ctx, args, lambda a: float(a.max()) if a.size else 0.0, lambda m, c: np.where(c > 0, np.nanmax(m, axis=1), 0.0)
    )


@native("MEDIAN", refs=True)
def MEDIAN(ctx, *args):
    return _reduce(
        ctx,
        args,
        lambda a: float(np.median(a)) if a.size else NUM,
        lambda m, c: _pick(np.nanmedian(m, axis=1), c == 0, NUM),
    )


@native("COUNT", refs=True)
def COUNT(ctx, *args):
    return _reduce(ctx, args, lambda a: float(a.size), lambda m, c: c.astype(np.float64), counting=True)


@native("COUNTA", refs=True)
def COUNTA(ctx, *args):
    """COUNTA: cells that are not empty (a formula's "" counts), and every typed value."""
    fixed: Any = 0
    rows: Any = 0
    for a in args:
        if isinstance(a, Rng):
            filled = np.not_equal(a.obj, None)
            if a.per_row:
                rows = rows + filled.sum(axis=1)
            else:
                fixed += int(filled.sum())
        elif is_vec(a):
            rows = rows + (np.not_equal(a, None) if a.dtype == object else ~np.isnan(a) if a.dtype.kind == "f" else 1)
        elif a is not None:
            fixed += 1
    out = rows + fixed
    return out.astype(np.float64) if is_vec(out) else float(out)


@native("COUNTBLANK", refs=True)
def COUNTBLANK(ctx, rng):
    """COUNTBLANK: empty cells and cells holding the empty text."""
    r = range_arg(rng)
    o = r.obj
    blank = np.equal(o, None) | np.equal(o, "")
    if r.per_row:
        return blank.sum(axis=1).astype(np.float64)
    return float(blank.sum() + r.blank_rows * r.shape[1])


# --------------------------------------------------------------------------- k-th value, rank
def _data(ctx, array) -> tuple[np.ndarray, XLErr | None]:
    nums: Numbers = gather([array])
    if nums.matrix is not None:
        raise Unsupported("LARGE/SMALL/RANK over values that change from row to row")
    err = nums.errors
    return np.sort(nums.flat), (err[0] if err is not None else None)


def _kth(largest: bool):
    def run(ctx, array, k):
        kv, ke = num_arg(ctx, k)
        vals, err = _data(ctx, array)
        n = vals.size
        k_arr = np.nan_to_num(np.atleast_1d(np.asarray(kv, dtype=np.float64)), nan=0.0)  # NaN: k is an error
        # Excel: k < 1 or k > n is #NUM!; a fractional k counts down (SMALL) or, for
        # LARGE, as SMALL(n - k + 1) does (cached values of Excel confirm both)
        pos = np.floor(n - k_arr + 1) if largest else np.floor(k_arr)
        bad = (k_arr < 1) | (k_arr > n) | (pos < 1) | (pos > n)
        frac = k_arr != np.floor(k_arr)
        if (frac & ~bad & (k_arr > n - 1)).any():
            raise Unsupported("LARGE/SMALL with a fractional k near the count")
        out = vals[np.clip(pos.astype(np.int64) - 1, 0, max(n - 1, 0))] if n else np.zeros(len(k_arr))
        res = _pick(out.astype(np.float64), bad, NUM)
        errs = merge_errors(ke, None if err is None else np.array([err], dtype=object))
        if not is_vec(kv):
            return with_errors(res[0], errs)
        return with_errors(res, errs)

    return run


LARGE = native("LARGE", refs=True)(_kth(True))
SMALL = native("SMALL", refs=True)(_kth(False))


@native("RANK", "RANK.EQ", refs=True)
def RANK(ctx, x, ref, order=MISSING):
    """RANK: the position of ``x`` among the numbers of ``ref`` (ties share a rank)."""
    if not isinstance(ref, Rng):
        raise Unsupported("RANK needs a range")
    xv, xe = num_arg(ctx, single(ctx, x) if isinstance(x, Rng) else x)
    o = 0.0 if order is MISSING else num_arg(ctx, order)[0]
    if is_vec(o):
        raise Unsupported("RANK order that changes from row to row")
    vals, err = _data(ctx, ref)
    xa = np.atleast_1d(np.asarray(xv, dtype=np.float64))
    if o:
        rank = np.searchsorted(vals, xa, "left") + 1
    else:
        rank = vals.size - np.searchsorted(vals, xa, "right") + 1
    out = _pick(rank.astype(np.float64), ~np.isin(xa, vals), NA)
    errs = merge_errors(xe, None if err is None else np.array([err], dtype=object))
    return with_errors(out if is_vec(xv) else out[0], errs)


def _norm_s_inv(p):
    """The standard normal quantile (Wichura's AS 241, as LibreOffice and Python compute it);
    #NUM! outside 0 < p < 1."""
    a = np.asarray(p, dtype=np.float64)
    flat = a.reshape(-1)
    out = np.full(flat.shape, np.nan)
    ok = (flat > 0) & (flat < 1)
    levels, inverse = np.unique(flat[ok], return_inverse=True)  # a column holds few levels
    out[ok] = np.array([NormalDist().inv_cdf(float(x)) for x in levels])[inverse] if len(levels) else []
    out = out.reshape(a.shape)
    return out if np.ndim(out) else float(out)


NORM_S_INV = native("NORM.S.INV", "NORMSINV")(numeric_fn(_norm_s_inv))
