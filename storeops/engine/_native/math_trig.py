"""Math functions: SUM, PRODUCT, SUMPRODUCT, ROUND, ROUNDUP, ROUNDDOWN, INT, TRUNC, ABS,
SIGN, MOD, POWER, SQRT."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._values import DIV0, NUM, VALUE, Unsupported, is_vec, type_masks
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


@native("SUMPRODUCT", nodes=True)
def SUMPRODUCT(ctx, *nodes):
    """SUMPRODUCT of arrays of one size, its arguments evaluated as arrays
    (``SUMPRODUCT(A1:C1*D1:F1)``, :mod:`storeops.engine._arrays`): text, blank and TRUE/FALSE
    elements count as 0, errors are the answer (element by element, the first argument's
    first), sizes that differ #VALUE!.  Ranges of several rows that move with the row are
    evaluated row by row."""
    from .._arrays import moving_block  # the array evaluator uses the operators, which use this module

    if not nodes:
        raise Unsupported("SUMPRODUCT without arguments")
    try:
        return _sumproduct(ctx, nodes)
    except Unsupported as exc:
        if ctx.n == 1 or not moving_block(exc):
            raise
    one = [
        _sumproduct(type(ctx)(ctx.book, ctx.sheet, ctx.rows[i : i + 1], ctx.base, ctx.udfs, ctx.col), nodes)
        for i in range(ctx.n)
    ]
    if all(isinstance(v, float) for v in one):
        return np.array(one)
    return np.array(one, dtype=object)


def _sumproduct(ctx, nodes) -> Any:
    from .._arrays import evaluate
    from .._formula import Node

    arrs = []
    for node in nodes:
        if node.kind in ("num", "str", "bool"):  # a typed value reads as a number
            v, e = num_arg(ctx, ctx._eval(node))
            if e is not None:
                return e[0]
            arrs.append(evaluate(ctx, Node("num", (v,))))
        else:
            arrs.append(evaluate(ctx, node))
    m = max(a.obj.shape[0] for a in arrs)
    flats = [np.ascontiguousarray(a.obj).reshape(a.obj.shape[0], -1) for a in arrs]
    bads = [_error_mask(f) for f in flats]
    if len({a.shape for a in arrs}) > 1:  # the first argument's first error, else #VALUE!
        out = np.empty(m, dtype=object)
        out.fill(VALUE)  # np.full would store the text, not the error
        for f, bad in reversed(list(zip(flats, bads))):
            e = _first_per_row(f, bad, m)
            out = np.where(np.equal(e, None), out, e)  # type: ignore[call-overload]  # numpy stubs: no None operand
        return out[0] if m == 1 else out
    size = flats[0].shape[1]
    errs = np.full((m, size), None, dtype=object)
    for f, bad in reversed(list(zip(flats, bads))):  # element by element, the first argument's error
        if bad.any():
            errs = np.where(np.broadcast_to(bad, (m, size)), np.broadcast_to(f, (m, size)), errs)
    first = _first_per_row(errs, np.not_equal(errs, None), m)  # type: ignore[call-overload]  # numpy stubs: no None operand
    prod = np.ones((m, size))
    for f in flats:
        prod = prod * _numbers(f)
    total = prod.sum(axis=1)
    row_errs = first if np.not_equal(first, None).any() else None  # type: ignore[call-overload]  # numpy stubs: no None operand
    return finish_numbers(float(total[0]) if m == 1 else total, row_errs)


def _error_mask(o: np.ndarray) -> np.ndarray:
    m = type_masks(o.reshape(-1))
    return (~(m["num"] | m["str"] | m["bool"] | m["none"])).reshape(o.shape)


def _first_per_row(o: np.ndarray, mask: np.ndarray, m: int) -> np.ndarray:
    """The first masked element of each row (``None`` where there is none)."""
    mask = np.broadcast_to(mask, (m, o.shape[1]))
    o = np.broadcast_to(o, (m, o.shape[1]))
    out = np.full(m, None, dtype=object)
    rows = np.flatnonzero(mask.any(axis=1))
    out[rows] = o[rows, np.argmax(mask[rows], axis=1)]
    return out


def _numbers(o: np.ndarray) -> np.ndarray:
    """The numbers of an object block, 0 for anything else."""
    m = type_masks(o.reshape(-1))["num"].reshape(o.shape)
    out = np.zeros(o.shape)
    out[m] = o[m].astype(np.float64)
    return np.nan_to_num(out, nan=0.0)
