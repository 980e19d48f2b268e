"""Logical functions: IF, IFS, IFERROR, IFNA, AND, OR, XOR, NOT, TRUE, FALSE."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._values import (
    NA,
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    error_mask,
    is_vec,
    merge_errors,
    truth,
    type_masks,
    with_errors,
)
from ._args import MISSING, native, single

_OMITTED = object()  # value_if_false not given at all: IF answers FALSE


def _branch(x: Any) -> Any:
    return 0.0 if x is MISSING else x


@native("IF")
def IF(ctx, cond, a=True, b=_OMITTED):
    """IF: a scalar condition returns the chosen branch as it is (a reference stays one)."""
    c, ce = truth(single(ctx, cond))
    a = _branch(a)
    b = False if b is _OMITTED else _branch(b)
    if not is_vec(c):
        return with_errors(a if c else b, ce)
    return with_errors(where(c, single(ctx, a), single(ctx, b), ctx.n), ce)


def where(c: np.ndarray, a: Any, b: Any, n: int) -> np.ndarray:
    """``a`` where ``c`` else ``b``, keeping a numeric dtype when both sides have it."""
    ka, kb = _kind(a), _kind(b)
    if ka == "O" or kb == "O" or ka != kb:
        return np.where(c, as_object(a, n), as_object(b, n))
    return np.where(c, a, b)


def _kind(x: Any) -> str:
    if is_vec(x):
        return "O" if x.dtype == object else x.dtype.kind
    if isinstance(x, (bool, np.bool_)):
        return "b"
    if isinstance(x, (int, float)):
        return "f"
    return "O"


@native("IFERROR")
def IFERROR(ctx, x, alt):
    return _if_error(ctx, x, alt, lambda v: isinstance(v, XLErr))


@native("IFNA")
def IFNA(ctx, x, alt):
    return _if_error(ctx, x, alt, lambda v: isinstance(v, XLErr) and v == "#N/A")


def _if_error(ctx, x, alt, hit) -> Any:
    x, alt = single(ctx, x), _branch(alt)
    if not is_vec(x):
        return alt if hit(x) else x
    o = as_object(x, ctx.n)
    m = error_mask(o)
    if m.any():
        m &= np.fromiter((hit(v) for v in o), bool, len(o))
    if not m.any():
        return x
    return np.where(m, as_object(single(ctx, alt), ctx.n), o)


@native("IFS")
def IFS(ctx, *args):
    if not args or len(args) % 2:
        raise Unsupported("IFS needs condition/value pairs")
    out: Any = NA
    for cond, val in reversed(list(zip(args[0::2], args[1::2]))):
        out = IF(ctx, cond, val, out)
    return out


@native("NOT")
def NOT(ctx, x):
    t, e = truth(single(ctx, x))
    return with_errors(~t if is_vec(t) else (not t), e)


@native("TRUE")
def TRUE(ctx):
    return True


@native("FALSE")
def FALSE(ctx):
    return False


# --------------------------------------------------------------------------- AND / OR / XOR
def _logicals(ctx, a: Any) -> tuple[Any, Any, Any]:
    """(how many logical values, how many TRUE, first error) of one AND/OR argument.

    In a reference only numbers and TRUE/FALSE count (text and blanks are skipped, errors
    propagate); a typed value must be a number, TRUE/FALSE or the text "TRUE"/"FALSE"."""
    if isinstance(a, Rng):
        bools = type_masks(a.flat_obj)["bool"].reshape(a.obj.shape)
        nums = ~np.isnan(a.num)
        true = (nums & (np.nan_to_num(a.num) != 0)) | (bools & (a.obj == True))  # noqa: E712 - elementwise
        if a.per_row:
            return (nums | bools).sum(axis=1), true.sum(axis=1), a.row_errors()
        return int((nums | bools).sum()), int(true.sum()), a.first_error()
    if a is MISSING:
        return 1, 0, None
    if a is None:
        return 0, 0, None
    t, e = truth(a)
    if is_vec(a):
        present = (
            np.not_equal(as_object(a, len(a)), None)  # type: ignore[call-overload]  # numpy stubs: no None operand
            if a.dtype == object
            else ~np.isnan(a)
            if a.dtype.kind == "f"
            else np.ones(len(a), bool)
        )
        return present.astype(int), (t & present).astype(int), e
    return 1, int(bool(t)), None if e is None else e[0]


def _logic(ctx, args, decide):
    count: Any = 0
    true: Any = 0
    errs = []
    for a in args:
        c, t, e = _logicals(ctx, a)
        count = count + c
        true = true + t
        if e is not None:
            errs.append(e if is_vec(e) else np.array([e], dtype=object))
    err = merge_errors(*errs)
    none = count == 0
    out = decide(true, count)
    if is_vec(none) or is_vec(out):
        none = np.broadcast_to(none, (ctx.n,))
        out = np.broadcast_to(out, (ctx.n,)).astype(bool)
        if none.any():
            vals = np.full(ctx.n, None, dtype=object)
            vals[none] = VALUE
            err = merge_errors(err, vals)
        return with_errors(out, err)
    if err is not None and err[0] is not None and len(err) == 1:
        return err[0]
    if none:
        return with_errors(VALUE, err) if err is not None else VALUE
    return with_errors(bool(out), err)


@native("AND", refs=True)
def AND(ctx, *args):
    return _logic(ctx, args, lambda t, c: t == c)


@native("OR", refs=True)
def OR(ctx, *args):
    return _logic(ctx, args, lambda t, c: t > 0)


@native("XOR", refs=True)
def XOR(ctx, *args):
    return _logic(ctx, args, lambda t, c: t % 2 == 1)
