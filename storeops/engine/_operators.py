"""Excel's operators over a formula group: ``+ - * / ^``, the comparisons and ``&``.

Arithmetic converts with :func:`~storeops.engine._values.to_num` (the left operand's
error wins); division by zero is ``#DIV/0!``; a power with no real result (0^0, a
negative base with a fractional power) is ``#NUM!``, 0 to a negative power ``#DIV/0!``;
a result too large for a double is ``#NUM!``.  Comparisons order numbers < texts <
TRUE/FALSE, compare texts case-insensitively, and read a blank as 0, "" or FALSE
(whatever the other side is).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ._native._args import finish_numbers
from ._native.math_trig import power
from ._values import DIV0, Unsupported, XLErr, as_object, is_vec, merge_errors, to_num, type_masks

_SORTABLE = re.compile(r"^[a-z0-9 ]*$")  # texts whose order is the same in Excel and in code points


def arithmetic(op: str, x: Any, y: Any) -> Any:
    xv, xe = to_num(x)
    yv, ye = to_num(y)
    errs = merge_errors(xe, ye)
    with np.errstate(all="ignore"):
        if op == "+":
            out = xv + yv
        elif op == "-":
            out = xv - yv
        elif op == "*":
            out = xv * yv
        elif op == "/":
            yarr = np.asarray(yv, dtype=np.float64)
            out = np.asarray(xv, dtype=np.float64) / np.where(yarr == 0, 1.0, yarr)
            zero = yarr == 0
            if np.any(zero):
                z = np.full(np.shape(out) or (1,), None, dtype=object)
                z[np.broadcast_to(zero, z.shape)] = DIV0
                errs = merge_errors(errs, z)
        elif op == "^":
            out, pe = power(xv, yv)
            errs = merge_errors(errs, pe)
        else:
            raise Unsupported(op)
    if isinstance(out, np.ndarray) and out.ndim == 0:
        out = float(out)
    return finish_numbers(out, errs)


def _cmp_key(v: Any) -> tuple[int, Any]:
    """Excel ordering: numbers < text < booleans; blank acts as 0, "" or FALSE."""
    if isinstance(v, (bool, np.bool_)):
        return (2, bool(v))
    if isinstance(v, str):
        return (1, v.casefold())
    if v is None:
        return (-1, None)
    f = float(v)
    if math.isnan(f):
        return (-1, None)
    return (0, f)


_BLANK_AS = {0: 0.0, 1: "", 2: False}


def compare1(op: str, x: Any, y: Any) -> Any:
    if isinstance(x, XLErr):
        return x
    if isinstance(y, XLErr):
        return y
    kx, ky = _cmp_key(x), _cmp_key(y)
    if kx[0] == -1 and ky[0] == -1:
        kx = ky = (0, 0.0)
    elif kx[0] == -1:
        kx = (ky[0], _BLANK_AS[ky[0]])
    elif ky[0] == -1:
        ky = (kx[0], _BLANK_AS[kx[0]])
    if op == "=":
        return kx == ky
    if op == "<>":
        return kx != ky
    if kx[0] == ky[0] == 1 and not (_SORTABLE.match(kx[1]) and _SORTABLE.match(ky[1])):
        raise Unsupported("ordering texts with characters Excel sorts its own way")
    if op == "<":
        return kx < ky
    if op == ">":
        return kx > ky
    if op == "<=":
        return kx <= ky
    return kx >= ky


_NUMERIC = {
    "=": np.equal,
    "<>": np.not_equal,
    "<": np.less,
    ">": np.greater,
    "<=": np.less_equal,
    ">=": np.greater_equal,
}


def _is_num(x: Any) -> bool:
    if is_vec(x):
        return x.dtype.kind in "fiu"
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _plain_scalar(v: Any) -> bool:
    """A text or a number (not an error, a boolean or NaN): what :func:`scalar_equal` compares with."""
    if isinstance(v, str):
        return not isinstance(v, XLErr)
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def scalar_equal(op: str, column: np.ndarray, value: Any) -> np.ndarray | None:
    """``column = value`` (or ``<>``) over an object column for one text or number, as
    :func:`compare1` answers it cell by cell: texts compare case-insensitively, a blank
    (None, NaN) counts as "" or 0, numbers never equal texts or booleans, an error stays
    the error.  ``None`` when the column holds other kinds of values.

    Examples
    --------
    >>> col = np.array([None, "", "a", "A", 0.0, float("nan"), False], dtype=object)
    >>> scalar_equal("=", col, "").tolist(), scalar_equal("=", col, "a").tolist()
    ([True, True, False, False, False, True, False], [False, False, True, True, False, False, False])
    >>> scalar_equal("<>", col, 0).tolist()
    [False, True, True, True, False, False, True]
    """
    m = type_masks(column)
    err = ~(m["num"] | m["str"] | m["bool"] | m["none"])
    if err.any() and not all(isinstance(v, XLErr) for v in column[err]):
        return None
    eq = np.zeros(len(column), bool)
    blank = m["none"].copy()
    num = m["num"]
    if num.any():
        f = column[num].astype(np.float64)
        nan = np.isnan(f)
        blank[num] = nan
        if not isinstance(value, str):
            eq[num] = ~nan & (f == float(value))
    if isinstance(value, str):
        strs = m["str"]
        if strs.any():
            codes, uniq = pd.factorize(column[strs])
            target = value.casefold()
            eq[strs] = np.array([u.casefold() == target for u in uniq], bool)[codes]
        if value == "":
            eq |= blank
    elif float(value) == 0.0:
        eq |= blank
    out = eq if op == "=" else ~eq
    if err.any():
        out = out.astype(object)
        out[err] = column[err]
    return out


def _numbers_and_blanks(col: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(numbers with blanks as 0, error mask) of an object column holding only numbers,
    blanks and errors (``None`` otherwise)."""
    m = type_masks(col)
    if m["str"].any() or m["bool"].any():
        return None
    err = ~(m["num"] | m["none"])
    if err.any() and not all(isinstance(v, XLErr) for v in col[err]):
        return None
    f = np.zeros(len(col))
    f[m["num"]] = col[m["num"]].astype(np.float64)
    return np.nan_to_num(f, nan=0.0), err


def _compare_numbers(op: str, xo: np.ndarray, yo: np.ndarray) -> np.ndarray | None:
    """:func:`compare1` over two object columns of numbers and blanks (a blank counts as 0,
    the first error wins), vectorised; ``None`` when either holds texts or booleans."""
    a = _numbers_and_blanks(xo)
    b = _numbers_and_blanks(yo) if a is not None else None
    if a is None or b is None:
        return None
    out = _NUMERIC[op](a[0], b[0])
    if a[1].any() or b[1].any():
        out = out.astype(object)
        out[b[1]] = yo[b[1]]
        out[a[1]] = xo[a[1]]
    return out


def _equal_texts(op: str, xo: np.ndarray, yo: np.ndarray) -> np.ndarray | None:
    """``=``/``<>`` of two object columns of texts and blanks (``S7=AI7``) as :func:`compare1`
    answers it cell by cell — texts case-insensitively, a blank as "" — without a call per
    cell; ``None`` when either column holds anything else (numbers, booleans, errors)."""
    kx, ky = type_masks(xo), type_masks(yo)
    if not ((kx["str"] | kx["none"]).all() and (ky["str"] | ky["none"]).all()):
        return None
    a = [v.casefold() if isinstance(v, str) else "" for v in xo.tolist()]
    b = [v.casefold() if isinstance(v, str) else "" for v in yo.tolist()]
    out = np.fromiter(map(str.__eq__, a, b), dtype=bool, count=len(a))
    return out if op == "=" else ~out


def compare(op: str, x: Any, y: Any, n: int) -> Any:
    if not is_vec(x) and not is_vec(y):
        return compare1(op, x, y)
    if _is_num(x) and _is_num(y):  # numbers (blank = 0) on both sides
        xv = np.nan_to_num(np.asarray(x, float), nan=0.0)
        yv = np.nan_to_num(np.asarray(y, float), nan=0.0)
        return _NUMERIC[op](xv, yv)
    # blank test on a float column: H7="" is TRUE for blanks only
    if isinstance(y, str) and y == "" and is_vec(x) and x.dtype.kind == "f" and op in ("=", "<>"):
        m = np.isnan(x)
        return m if op == "=" else ~m
    if isinstance(x, str) and x == "" and is_vec(y) and y.dtype.kind == "f" and op in ("=", "<>"):
        m = np.isnan(y)
        return m if op == "=" else ~m
    if op in ("=", "<>"):  # a column against one text or number (H7="", I7="成交 Won"): vectorised
        column, value = (x, y) if is_vec(x) and _plain_scalar(y) else (y, x) if _plain_scalar(x) else (None, None)
        if isinstance(column, np.ndarray) and column.dtype == object:
            equal = scalar_equal(op, column, value)
            if equal is not None:
                return equal
    xo, yo = as_object(x, n), as_object(y, n)
    fast = _compare_numbers(op, xo, yo)
    if fast is None and op in ("=", "<>"):
        fast = _equal_texts(op, xo, yo)
    if fast is not None:
        return fast
    out = [compare1(op, a, b) for a, b in zip(xo, yo)]
    if any(isinstance(v, XLErr) for v in out):
        return np.array(out, dtype=object)
    return np.array(out, dtype=bool)
