"""Date functions: TODAY, NOW, DATE, YEAR, MONTH, DAY, WEEKDAY, WEEKNUM, ISOWEEKNUM,
EDATE, EOMONTH, DAYS.

All in Excel's 1900 date system (:mod:`storeops.engine._serial`): a blank date is serial
0 (YEAR 1900, MONTH 1, DAY 0), serial 60 is 1900-02-29, a date before serial 0 or after
9999-12-31 is ``#NUM!``, a date text is read as Excel reads it.  EDATE, EOMONTH and
WEEKNUM (the old Analysis ToolPak functions) refuse TRUE/FALSE with ``#VALUE!``; the
others read them as 1/0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._serial import MAX_SERIAL, date_parts, days_in_month, serial_from_parts, weekday_sunday0
from .._values import NUM, VALUE, as_object, is_vec, merge_errors, to_num
from ._args import MISSING, error_column, finish_numbers, native, single


def _serial_arg(ctx, x, bools_ok: bool = True) -> tuple[Any, np.ndarray | None]:
    """A date argument as whole serials, with #NUM! outside 0..9999-12-31."""
    x = single(ctx, x)
    errs = None
    if not bools_ok:
        o = as_object(x, ctx.n) if is_vec(x) else np.array([x], dtype=object)
        isb = np.fromiter((isinstance(v, (bool, np.bool_)) for v in o), bool, len(o))
        if isb.any():
            errs = error_column(isb, VALUE)
    v, e = to_num(x)
    v = np.nan_to_num(np.floor(v), nan=0.0)  # NaN only where an error is the answer anyway
    bad = (np.asarray(v) < 0) | (np.asarray(v) > MAX_SERIAL)
    return v, merge_errors(e, errs, error_column(bad, NUM) if np.any(bad) else None)


def _part(which: int):
    def run(ctx, x):
        s, e = _serial_arg(ctx, x)
        parts = date_parts(np.clip(np.atleast_1d(s), 0, MAX_SERIAL))
        out = parts[which].astype(np.float64)
        return finish_numbers(out if is_vec(s) else float(out[0]), e)

    return run


YEAR = native("YEAR")(_part(0))
MONTH = native("MONTH")(_part(1))
DAY = native("DAY")(_part(2))


@native("TODAY")
def TODAY(ctx):
    return float(ctx.today)


@native("NOW")
def NOW(ctx):
    return float(ctx.now)


def _ints(ctx, *xs) -> tuple[list, np.ndarray | None, bool]:
    conv = [to_num(single(ctx, x)) for x in xs]
    vals = [np.nan_to_num(np.trunc(np.atleast_1d(v)), nan=0.0) for v, _ in conv]
    return vals, merge_errors(*(e for _, e in conv)), any(is_vec(v) for v, _ in conv)


def _checked(out: np.ndarray, errs, vec: bool) -> Any:
    bad = (out < 0) | (out > MAX_SERIAL) | ~np.isfinite(out)
    errs = merge_errors(errs, error_column(bad, NUM) if bad.any() else None)
    out = np.where(bad, 0.0, out)
    return finish_numbers(out if vec else float(out[0]), errs)


@native("DATE")
def DATE(ctx, y, m, d):
    (yv, mv, dv), errs, vec = _ints(ctx, y, m, d)
    yv, mv, dv = np.broadcast_arrays(yv, mv, dv)
    bad_year = (yv < 0) | (yv >= 10000)
    yv = np.where(yv < 1900, yv + 1900, yv)
    safe = lambda a, lim: np.clip(np.nan_to_num(a), -lim, lim)  # noqa: E731 - keeps numpy in range
    out = serial_from_parts(safe(yv, 20000), safe(mv, 200000), safe(dv, 4_000_000))
    out = np.where(bad_year, -1.0, out)
    return _checked(out, errs, vec)


def _months_arg(ctx, x):
    v, e = to_num(single(ctx, x))
    return np.nan_to_num(np.trunc(np.atleast_1d(v)), nan=0.0), e, is_vec(v)


@native("EDATE")
def EDATE(ctx, start, months):
    s, e1 = _serial_arg(ctx, start, bools_ok=False)
    mv, e2, vm = _months_arg(ctx, months)
    y, m, d = date_parts(np.clip(np.atleast_1d(s), 0, MAX_SERIAL))
    y, m, d, mv = np.broadcast_arrays(y, m, d, mv)
    ty, tm = _shift(y, m, np.clip(mv, -200000, 200000))
    out = serial_from_parts(ty, tm, np.minimum(d, days_in_month(ty, tm)))
    return _checked(out, merge_errors(e1, e2), is_vec(s) or vm)


@native("EOMONTH")
def EOMONTH(ctx, start, months):
    s, e1 = _serial_arg(ctx, start, bools_ok=False)
    mv, e2, vm = _months_arg(ctx, months)
    y, m, _d = date_parts(np.clip(np.atleast_1d(s), 0, MAX_SERIAL))
    y, m, mv = np.broadcast_arrays(y, m, mv)
    ty, tm = _shift(y, m, np.clip(mv, -200000, 200000) + 1)
    out = serial_from_parts(ty, tm, 1) - 1
    return _checked(out, merge_errors(e1, e2), is_vec(s) or vm)


def _shift(y: np.ndarray, m: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    total = y.astype(np.int64) * 12 + (m.astype(np.int64) - 1) + k.astype(np.int64)
    return total // 12, total % 12 + 1


_WEEKDAY_START = {
    1: (0, 1),
    2: (1, 1),
    3: (1, 0),
    11: (1, 1),
    12: (2, 1),
    13: (3, 1),
    14: (4, 1),
    15: (5, 1),
    16: (6, 1),
    17: (0, 1),
}


def _type_arg(ctx, t, default: float) -> tuple[np.ndarray, np.ndarray | None]:
    if t is MISSING:
        return np.array([default]), None
    v, e = to_num(single(ctx, t))
    return np.nan_to_num(np.trunc(np.atleast_1d(v)), nan=0.0), e


@native("WEEKDAY")
def WEEKDAY(ctx, x, kind=MISSING):
    """WEEKDAY: 1-7 from Sunday (type 1), Monday (2, 11), …; type 3 counts 0-6 from Monday."""
    s, e1 = _serial_arg(ctx, x)
    t, e2 = _type_arg(ctx, kind, 1.0)
    sun0 = weekday_sunday0(np.atleast_1d(s))
    sun0, t = np.broadcast_arrays(sun0, t)
    start = np.array(
        [_WEEKDAY_START.get(int(k), (0, -1))[0] if np.isfinite(k) else 0 for k in t.tolist()], dtype=np.float64
    )
    base = np.array(
        [_WEEKDAY_START.get(int(k), (0, -1))[1] if np.isfinite(k) else -1 for k in t.tolist()], dtype=np.float64
    )
    out = np.mod(sun0 - start, 7) + np.maximum(base, 0)
    errs = merge_errors(e1, e2, error_column(base < 0, NUM))
    return finish_numbers(out if is_vec(s) or is_vec(kind) else float(out[0]), errs)


@native("WEEKNUM")
def WEEKNUM(ctx, x, kind=MISSING):
    """WEEKNUM: week 1 holds January 1 and weeks start on Sunday (type 1), Monday (2, 11) …;
    type 21 is the ISO week."""
    s, e1 = _serial_arg(ctx, x, bools_ok=False)
    t, e2 = _type_arg(ctx, kind, 1.0)
    sa = np.atleast_1d(s)
    sa, t = np.broadcast_arrays(sa, t)
    start_of = {1: 0, 2: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}
    start = np.array([start_of.get(int(k), -1) if np.isfinite(k) else -1 for k in t.tolist()], dtype=np.float64)
    y, _m, _d = date_parts(np.clip(sa, 0, MAX_SERIAL))
    jan1 = serial_from_parts(y, 1, 1)
    offset = np.mod(weekday_sunday0(jan1) - start, 7)
    out = np.floor((sa - jan1 + offset) / 7) + 1
    iso = t == 21
    if iso.any():
        out = np.where(iso, _isoweek(sa), out)
    errs = merge_errors(e1, e2, error_column((start < 0) & ~iso, NUM))
    return finish_numbers(out if is_vec(s) or is_vec(kind) else float(out[0]), errs)


def _isoweek(s: np.ndarray) -> np.ndarray:
    """ISO week of serials, counted on Excel's own weekdays: the week of its Thursday."""
    s = np.asarray(s, dtype=np.float64)
    mon0 = np.mod(weekday_sunday0(s) - 1, 7)  # 0 = Monday
    thursday = s - mon0 + 3
    # the Thursday's year (serials below 1 are late December 1899)
    y = np.where(thursday < 1, 1899, date_parts(np.clip(thursday, 0, MAX_SERIAL))[0])
    jan1 = np.where(y == 1899, -364.0, serial_from_parts(np.maximum(y, 1900), 1, 1))
    return np.floor((thursday - jan1) / 7) + 1


@native("ISOWEEKNUM")
def ISOWEEKNUM(ctx, x):
    s, e = _serial_arg(ctx, x)
    out = _isoweek(np.atleast_1d(s))
    return finish_numbers(out if is_vec(s) else float(out[0]), e)


@native("DAYS")
def DAYS(ctx, end, start):
    e_, e1 = _serial_arg(ctx, end)
    s_, e2 = _serial_arg(ctx, start)
    out = np.atleast_1d(e_) - np.atleast_1d(s_)
    return finish_numbers(out if is_vec(e_) or is_vec(s_) else float(out[0]), merge_errors(e1, e2))
