"""Information functions: ISBLANK, ISNUMBER, ISTEXT, ISNONTEXT, ISLOGICAL, ISERROR,
ISERR, ISNA, N, NA."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._values import NA as _NA
from .._values import XLErr, error_mask, is_vec, type_masks
from ._args import native, single


def _test(ctx, x: Any, one, float_col, other_col) -> Any:
    """Apply ``one`` to each value; float and other numeric columns take shortcuts."""
    x = single(ctx, x)
    if not is_vec(x):
        return one(x)
    if x.dtype.kind == "f":
        return float_col(x)
    if x.dtype != object:
        return other_col(x)
    return np.fromiter((one(v) for v in x), bool, len(x))


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) and v == v


def _is_text(v: Any) -> bool:
    return isinstance(v, str) and not isinstance(v, XLErr)


@native("ISBLANK")
def ISBLANK(ctx, x):
    return _test(ctx, x, lambda v: v is None, np.isnan, lambda c: np.zeros(len(c), bool))


@native("ISNUMBER")
def ISNUMBER(ctx, x):
    return _test(ctx, x, _is_number, lambda c: ~np.isnan(c), lambda c: np.full(len(c), c.dtype.kind in "iu"))


@native("ISTEXT")
def ISTEXT(ctx, x):
    return _test(ctx, x, _is_text, lambda c: np.zeros(len(c), bool), lambda c: np.zeros(len(c), bool))


@native("ISNONTEXT")
def ISNONTEXT(ctx, x):
    return _test(ctx, x, lambda v: not _is_text(v), lambda c: np.ones(len(c), bool), lambda c: np.ones(len(c), bool))


@native("ISLOGICAL")
def ISLOGICAL(ctx, x):
    return _test(
        ctx,
        x,
        lambda v: isinstance(v, (bool, np.bool_)),
        lambda c: np.zeros(len(c), bool),
        lambda c: np.full(len(c), c.dtype == bool),
    )


@native("ISERROR")
def ISERROR(ctx, x):
    return error_mask(single(ctx, x))


@native("ISERR")
def ISERR(ctx, x):
    return _test(
        ctx,
        x,
        lambda v: isinstance(v, XLErr) and v != "#N/A",
        lambda c: np.zeros(len(c), bool),
        lambda c: np.zeros(len(c), bool),
    )


@native("ISNA")
def ISNA(ctx, x):
    return _test(
        ctx,
        x,
        lambda v: isinstance(v, XLErr) and v == "#N/A",
        lambda c: np.zeros(len(c), bool),
        lambda c: np.zeros(len(c), bool),
    )


def _n1(v: Any) -> Any:
    if isinstance(v, XLErr):
        return v
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if _is_number(v):
        return float(v)
    return 0.0  # text and blank


@native("N")
def N(ctx, x):
    """N: a number stays, TRUE/FALSE is 1/0, text and blank are 0, an error stays."""
    x = single(ctx, x)
    if not is_vec(x):
        return _n1(x)
    if x.dtype.kind == "f":
        return np.nan_to_num(x, nan=0.0)
    if x.dtype.kind in "biu":
        return x.astype(np.float64)
    kinds = type_masks(x)
    if not (error_mask(x).any() or kinds["bool"].any()):
        out = np.zeros(len(x))
        out[kinds["num"]] = x[kinds["num"]].astype(np.float64)
        return np.nan_to_num(out, nan=0.0)
    return np.array([_n1(v) for v in x], dtype=object)


@native("NA")
def NA(ctx):
    return _NA
