"""Math functions: SUM, PRODUCT, SUMPRODUCT, ROUND, ROUNDUP, ROUNDDOWN, INT, TRUNC, ABS,
SIGN, MOD, POWER, SQRT."""

from __future__ import annotations

import warnings

import numpy as np

from .._values import DIV0, NUM, VALUE, Rng, Unsupported, is_vec, merge_errors, type_masks
from ._agg import finish, gather
from ._args import finish_numbers, native, num_arg, numeric_fn


# --------------------------------------------------------------------------- rounding
def _to15(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to 15 significant digits, the precision Excel rounds on (so
    ROUND(2.675,2) is 2.68 although the double 2.675 is a little less)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        mag = np.floor(np.log10(np.abs(np.where(x == 0, 1.0, x))))
        scale = np.power(10.0, 14 - mag)
        out = np.round(x * scale) / scale
    return np.where(np.isfinite(out) & (np.abs(x) < 1e300), out, x)


def _round_with(how):
    def run(x, d=0.0):
        d = np.trunc(d)
        up = np.power(10.0, np.abs(d))  # divide by a power of ten, never multiply by 0.01
        a = _to15(np.where(d >= 0, np.abs(x) * up, np.abs(x) / up))
        out = np.sign(x) * np.where(d >= 0, how(a) / up, how(a) * up)
        return float(out) if np.ndim(out) == 0 else out

    return run


ROUND = native("ROUND")(numeric_fn(_round_with(lambda a: np.floor(a + 0.5))))
ROUNDUP = native("ROUNDUP")(numeric_fn(_round_with(np.ceil)))
ROUNDDOWN = native("ROUNDDOWN")(numeric_fn(_round_with(np.floor)))
TRUNC = native("TRUNC")(numeric_fn(_round_with(np.floor)))
INT = native("INT")(numeric_fn(lambda x: np.floor(x) if is_vec(x) else float(np.floor(x))))
ABS = native("ABS")(numeric_fn(lambda x: np.abs(x) if is_vec(x) else abs(float(x))))
SIGN = native("SIGN")(numeric_fn(lambda x: np.sign(x) if is_vec(x) else float(np.sign(x))))


def _mod(a, b):
    """MOD: the remainder with the divisor's sign; MOD(n, 0) is #DIV/0!."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    out = a - b * np.floor(a / np.where(b == 0, 1.0, b))
    zero = np.broadcast_to(b == 0, np.shape(out))
    err = np.full(np.shape(out) or (1,), None, dtype=object)
    err[np.atleast_1d(zero)] = DIV0
    if np.ndim(out) == 0:
        return float(out), err if err[0] is not None else None
    return out, err if zero.any() else None


MOD = native("MOD")(numeric_fn(_mod, checked=True))


def power(a, b):
    """x^y with Excel's answers where there is no real result: 0^0 and a negative base
    with a fractional power are #NUM!, 0 to a negative power is #DIV/0!."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.power(a, b)
    zero_neg = np.broadcast_to((a == 0) & (b < 0), np.shape(out))
    bad = np.broadcast_to(((a == 0) & (b == 0)) | ((a < 0) & (b != np.trunc(b))) | ~np.isfinite(out), np.shape(out))
    err = np.full(np.shape(out) or (1,), None, dtype=object)
    err[np.atleast_1d(bad)] = NUM
    err[np.atleast_1d(zero_neg)] = DIV0
    if np.ndim(out) == 0:
        return float(out), err if err[0] is not None else None
    return out, err if (bad | zero_neg).any() else None


POWER = native("POWER")(numeric_fn(power, checked=True))
SQRT = native("SQRT")(numeric_fn(lambda x: power(x, 0.5), checked=True))


# --------------------------------------------------------------------------- sums
@native("SUM", refs=True)
def SUM(ctx, *args):
    nums = gather(args)
    total = float(nums.flat.sum()) if nums.fixed else 0.0
    mat = nums.matrix
    if mat is not None:
        total = np.nansum(mat, axis=1) + total
    return finish(total, nums)


@native("PRODUCT", refs=True)
def PRODUCT(ctx, *args):
    nums = gather(args)
    flat = nums.flat
    mat = nums.matrix
    if mat is None:
        return finish(float(np.prod(flat)) if flat.size else 0.0, nums)
    has = (~np.isnan(mat)).sum(axis=1) + flat.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = np.nanprod(mat, axis=1) * (np.prod(flat) if flat.size else 1.0)
    return finish(np.where(has > 0, out, 0.0), nums)


@native("SUMPRODUCT", refs=True)
def SUMPRODUCT(ctx, *args):
    """SUMPRODUCT of blocks of one size: text and TRUE/FALSE count as 0, errors are the
    answer (element by element, the first argument's first), sizes that differ #VALUE!."""
    blocks = []
    for a in args:
        if isinstance(a, Rng):
            if a.per_row:
                raise Unsupported("SUMPRODUCT over ranges that move with the row")
            blocks.append(a)
        elif is_vec(a):
            raise Unsupported("SUMPRODUCT of a value that changes from row to row")
        else:
            v, e = num_arg(ctx, a)
            if e is not None:
                return e[0]
            blocks.append(Rng(np.array([[v]], dtype=object), np.array([[v]], dtype=np.float64)))
    if not blocks:
        raise Unsupported("SUMPRODUCT without arguments")
    shapes = {b.shape for b in blocks}
    if len(shapes) > 1:
        for b in blocks:
            if b.first_error() is not None:
                return b.first_error()
        return VALUE
    stored = max(b.obj.shape[0] for b in blocks)
    blocks = [b.padded(stored) for b in blocks]
    errs = [_errors_of(b) for b in blocks]
    if any(e is not None for e in errs):
        first = merge_errors(*errs)
        hit = np.flatnonzero(np.not_equal(first, None))
        if hit.size:
            return first[hit[0]]
    prod = np.ones(blocks[0].flat_num.size)
    for b in blocks:
        prod = prod * np.nan_to_num(b.flat_num, nan=0.0)
    return finish_numbers(float(prod.sum()), None)


def _errors_of(b: Rng):
    if b.first_error() is None:
        return None
    o = b.flat_obj
    m = type_masks(o)
    bad = ~(m["num"] | m["str"] | m["bool"] | m["none"])
    out = np.full(o.size, None, dtype=object)
    out[bad] = o[bad]
    return out
