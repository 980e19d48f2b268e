"""Text functions: LEN, LEFT, RIGHT, MID, TRIM, UPPER, LOWER, TEXT, FIND, CONCAT, CONCATENATE,
VALUE, T.

Values become text as Excel writes them in a formula: numbers with up to 15
significant digits (``2.3``, ``1E+20``), TRUE/FALSE in capitals, blank as "".  An error
in any argument is the answer (the first one in argument order)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .._values import (
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    error_mask,
    is_vec,
    text_to_number,
    to_text1,
    to_texts,
    with_errors,
)
from ._args import MISSING, error_column, int_arg, native, single
from .numfmt import format_value

_MAX_TEXT = 32767


def _map(ctx, f, x, *counts) -> Any:
    """Apply ``f(text, *counts)`` per row; errors of ``x`` first, then of the counts."""
    x = single(ctx, x)
    conv = [int_arg(ctx, c) for c in counts]
    nums = [v for v, _ in conv]
    errs = [e for _, e in conv]
    vec = is_vec(x) or any(is_vec(v) for v in nums)
    if not vec:
        if isinstance(x, XLErr):
            return x
        for e in errs:
            if e is not None:
                return e[0]
        return f(to_text1(x), *nums)
    n = ctx.n
    xo = as_object(x, n)
    cols = [np.broadcast_to(np.asarray(v, dtype=np.float64), (n,)).tolist() for v in nums]
    out = np.empty(n, dtype=object)
    bad = error_mask(xo)
    out[bad] = xo[bad]
    for e in errs:
        if e is not None:
            e = np.broadcast_to(e, (n,))
            hit = np.equal(out, None) & np.not_equal(e, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
            out[hit] = e[hit]
    seen: dict[tuple[Any, ...], Any] = {}  # a column repeats its values: each (value, counts) once
    for i in np.flatnonzero(np.equal(out, None)).tolist():  # type: ignore[call-overload]  # numpy stubs: no None operand
        v = xo[i]
        key = (type(v), v, *[c[i] for c in cols])
        got = seen.get(key, seen)
        if got is seen:
            got = seen[key] = f(to_text1(v), *key[2:])
        out[i] = got
    return out


def _numbers(out: Any) -> Any:
    if is_vec(out) and not error_mask(out).any():
        return out.astype(np.float64)
    return out


@native("LEN")
def LEN(ctx, x):
    """LEN counts UTF-16 code units, as Excel does (an emoji is 2)."""
    return _numbers(_map(ctx, lambda s: float(len(s.encode("utf-16-le")) // 2), x))


def _left(s: str, k: float) -> Any:
    return VALUE if k < 0 else s[: int(k)]


def _right(s: str, k: float) -> Any:
    return VALUE if k < 0 else (s[max(len(s) - int(k), 0) :] if k else "")


def _mid(s: str, start: float, k: float) -> Any:
    if start < 1 or k < 0:
        return VALUE
    return s[int(start) - 1 : int(start) - 1 + int(k)]


@native("LEFT")
def LEFT(ctx, x, n=1.0):
    return _map(ctx, _left, x, 1.0 if n is MISSING else n)


@native("RIGHT")
def RIGHT(ctx, x, n=1.0):
    return _map(ctx, _right, x, 1.0 if n is MISSING else n)


@native("MID")
def MID(ctx, x, start, n):
    return _map(ctx, _mid, x, start, n)


@native("TRIM")
def TRIM(ctx, x):
    """TRIM removes spaces (character 32 only) at both ends and doubles inside."""
    return _map(ctx, lambda s: re.sub(" +", " ", s.strip(" ")), x)


@native("UPPER")
def UPPER(ctx, x):
    return _map(ctx, str.upper, x)


@native("LOWER")
def LOWER(ctx, x):
    return _map(ctx, str.lower, x)


@native("T")
def T(ctx, x):
    x = single(ctx, x)
    one = lambda v: v if isinstance(v, str) else ""  # noqa: E731 - errors are str too
    if is_vec(x):
        return np.array([one(v) for v in as_object(x, ctx.n)], dtype=object)
    return one(x)


@native("TEXT")
def TEXT(ctx, x, fmt):
    """TEXT(value, format); the format may differ from row to row (``IF(k=2,"0%","0.00%")``)."""
    fmt = single(ctx, fmt)
    x = single(ctx, x)

    def one(v: Any, f: Any) -> Any:
        if isinstance(v, XLErr):
            return v
        if isinstance(f, XLErr):
            return f
        if v is None:
            v = 0.0
        if isinstance(v, str):
            num = text_to_number(v)
            v = v if num is None else num
        return format_value(v, to_text1(f))

    if not is_vec(fmt) and not is_vec(x):
        return one(x, fmt)
    if not is_vec(fmt) and isinstance(fmt, XLErr):
        return fmt
    xo = as_object(x, ctx.n) if is_vec(x) else [x] * ctx.n
    fo = as_object(fmt, ctx.n) if is_vec(fmt) else [fmt] * ctx.n
    out = np.empty(ctx.n, dtype=object)
    seen: dict[tuple[Any, ...], Any] = {}  # a column repeats its values: format each once
    for i, (v, f) in enumerate(zip(xo, fo)):
        key = (type(v), v, f) if not isinstance(v, XLErr) and not isinstance(f, XLErr) else None
        if key is None or (got := seen.get(key, seen)) is seen:
            got = one(v, f)
            if key is not None:
                seen[key] = got
        out[i] = got
    return out


def _find(needle: str, within: str, start: float) -> Any:
    """FIND: 1-based position of ``needle`` in ``within`` from ``start``, case-sensitive,
    counted in UTF-16 code units as Excel does; #VALUE! when absent."""
    if start < 1:
        return VALUE
    if within.isascii() and needle.isascii():  # one code unit per character
        k = int(start) - 1
        if k > len(within):
            return VALUE
        j = within.find(needle, k)
        return VALUE if j < 0 else float(j + 1)
    units = within.encode("utf-16-le")
    k = int(start) - 1
    if 2 * k > len(units):
        return VALUE
    i = units.find(needle.encode("utf-16-le"), 2 * k)
    while i >= 0 and i % 2:  # a match must start on a code unit
        i = units.find(needle.encode("utf-16-le"), i + 1)
    return VALUE if i < 0 else float(i // 2 + 1)


@native("FIND")
def FIND(ctx, needle, within, start=1.0):
    needle = single(ctx, needle)
    start = 1.0 if start is MISSING else start
    if is_vec(needle):
        raise Unsupported("FIND text that changes from row to row")
    if isinstance(needle, XLErr):
        return needle
    text = to_text1(needle)
    return _numbers(_map(ctx, lambda s, k: _find(text, s, k), within, start))


@native("CONCAT", refs=True)
def CONCAT(ctx, *args):
    """CONCAT: every cell of a range, row by row, then the next argument."""
    parts = []
    for a in args:
        if isinstance(a, Rng):
            if a.per_row:
                parts.append(_join_rows(a))
            else:
                err = a.first_error()
                parts.append(err if err is not None else "".join(to_text1(v) for v in a.flat_obj))
        else:
            parts.append(None if a is MISSING else a)
    return _concat(ctx, parts)


def _join_rows(a: Rng) -> np.ndarray:
    out = np.empty(a.obj.shape[0], dtype=object)
    for i, row in enumerate(a.obj):
        err = next((v for v in row if isinstance(v, XLErr)), None)
        out[i] = err if err is not None else "".join(to_text1(v) for v in row)
    return out


@native("CONCATENATE")
def CONCATENATE(ctx, *args):
    return _concat(ctx, [single(ctx, a) for a in args])


def _concat(ctx, parts) -> Any:
    out: Any = ""
    for p in parts:
        out = concat2(ctx, out, p)
    if is_vec(out):
        long = np.array([isinstance(v, str) and not isinstance(v, XLErr) and len(v) > _MAX_TEXT for v in out])
        return with_errors(out, error_column(long)) if long.any() else out
    return VALUE if isinstance(out, str) and not isinstance(out, XLErr) and len(out) > _MAX_TEXT else out


def concat2(ctx, a: Any, b: Any) -> Any:
    """``a & b`` (the first error wins)."""
    if not is_vec(a) and not is_vec(b):
        if isinstance(a, XLErr):
            return a
        if isinstance(b, XLErr):
            return b
        return to_text1(a) + to_text1(b)
    ao, bo = as_object(a, ctx.n), as_object(b, ctx.n)
    (ta, ea), (tb, eb) = to_texts(ao), to_texts(bo)
    out = np.empty(len(ao), dtype=object)
    out[:] = (
        [x + y for x, y in zip(ta.tolist(), tb.tolist())] if not (ea.any() or eb.any()) else _joined(ta, ea, tb, eb)
    )
    return out


def _joined(ta, ea, tb, eb) -> list:
    return [x if e else y if f else x + y for x, e, y, f in zip(ta.tolist(), ea.tolist(), tb.tolist(), eb.tolist())]


@native("VALUE")
def VALUE_(ctx, x):
    """VALUE: a number stays, a text that reads as a number/date/time becomes it, the
    empty text and TRUE/FALSE are #VALUE!, a blank cell is 0."""

    def one(v: Any) -> Any:
        if isinstance(v, XLErr):
            return v
        if v is None:
            return 0.0
        if isinstance(v, (bool, np.bool_)):
            return VALUE
        if isinstance(v, str):
            f = text_to_number(v)
            return VALUE if f is None else f
        return float(v)

    x = single(ctx, x)
    if is_vec(x):
        if x.dtype.kind == "f":
            return np.nan_to_num(x, nan=0.0)
        return _numbers(np.array([one(v) for v in as_object(x, ctx.n)], dtype=object))
    return one(x)
