"""Values inside the evaluator.

A value is a Python scalar (``float``, ``str``, ``bool``, ``None`` = blank cell,
:class:`XLErr`) or a 1-D numpy column with one entry per row of the formula group
(``float64`` with ``NaN`` = blank, ``bool``, or ``object`` mixing the scalar kinds).
Ranges are :class:`Rng`: a fixed 2-D block (``per_row=False``) or one horizontal slice
per group row (``per_row=True``, shape ``(n, width)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..xlsx._cells import XLErr

__all__ = ["XLErr", "Rng", "Unsupported", "NA", "VALUE", "DIV0", "NUM", "REF", "NAME"]

NA, VALUE, DIV0, NUM, REF, NAME = (XLErr(x) for x in ("#N/A", "#VALUE!", "#DIV/0!", "#NUM!", "#REF!", "#NAME?"))


class Unsupported(Exception):
    """This formula (or this use of a function) is left to Excel."""


@dataclass
class Rng:
    """A block of cell values: ``obj`` (object, blanks ``None``) and ``num`` (float, NaN when not a number)."""

    obj: np.ndarray
    num: np.ndarray
    per_row: bool = False
    key: tuple | None = None  # (sheet, c1, r1, c2, r2) for fixed ranges: caches derived data

    @property
    def flat_obj(self) -> np.ndarray:
        return self.obj.reshape(-1)

    @property
    def flat_num(self) -> np.ndarray:
        return self.num.reshape(-1)

    def column(self, j: int = 0) -> Rng:
        return Rng(self.obj[:, j : j + 1], self.num[:, j : j + 1], self.per_row)


def is_vec(x: Any) -> bool:
    return isinstance(x, np.ndarray)


def obj_to_num(a: np.ndarray) -> np.ndarray:
    """Numbers of an object column (NaN for blanks, text, errors; bool → 1/0)."""
    out = np.full(len(a), np.nan)
    for i, v in enumerate(a):
        if v is None or isinstance(v, str):
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = float(v)
        else:
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                pass
    return out


def _scalar_num(v: Any) -> float | XLErr:
    if v is None:
        return 0.0
    if isinstance(v, XLErr):
        return v
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, str):
        t = v.strip()
        if t == "":
            return VALUE
        try:
            return float(t.rstrip("%")) / (100 if t.endswith("%") else 1)
        except ValueError:
            return VALUE
    try:
        f = float(v)
    except (TypeError, ValueError):
        return VALUE
    return 0.0 if math.isnan(f) else f


def to_num(x: Any) -> tuple[Any, np.ndarray | None]:
    """Numbers for arithmetic: blank → 0, bool → 1/0, numeric text → number.

    Returns ``(values, errors)``: ``errors`` is an object column of :class:`XLErr`
    (``None`` where fine) or ``None`` when there is no error at all.
    """
    if isinstance(x, Rng):
        if x.obj.size == 1:
            return to_num(x.obj.reshape(-1)[0])
        if x.per_row and x.obj.shape[1] == 1:
            return to_num(x.obj[:, 0])
        raise Unsupported("range used as a single value")
    if not is_vec(x):
        v = _scalar_num(x)
        if isinstance(v, XLErr):
            return math.nan, np.array([v], dtype=object)
        return v, None
    if x.dtype.kind == "f":
        return np.nan_to_num(x, nan=0.0), None
    if x.dtype.kind in "biu":
        return x.astype(np.float64), None
    out = np.empty(len(x))
    errs = None
    for i, v in enumerate(x):
        if v is None:
            out[i] = 0.0
        elif type(v) is float:
            out[i] = 0.0 if v != v else v
        else:
            r = _scalar_num(v)
            if isinstance(r, XLErr):
                if errs is None:
                    errs = np.full(len(x), None, dtype=object)
                errs[i] = r
                out[i] = np.nan
            else:
                out[i] = r
    return out, errs


def merge_errors(*errs: np.ndarray | None) -> np.ndarray | None:
    """First error per position across several error columns (scalar-length ones broadcast)."""
    real = [e for e in errs if e is not None]
    if not real:
        return None
    n = max(len(e) for e in real)
    out = np.full(n, None, dtype=object)
    for e in reversed(real):
        if len(e) == 1 and n > 1:
            if e[0] is not None:
                out[:] = e[0]
            continue
        m = np.not_equal(e, None)
        out[m] = e[m]
    return out


def with_errors(values: Any, errs: np.ndarray | None) -> Any:
    """Put errors into a result (scalar or column)."""
    if errs is None:
        return values
    if not is_vec(values):
        if len(errs) == 1 or all(e is errs[0] for e in errs):
            return errs[0] if errs[0] is not None else values
        values = np.full(len(errs), values, dtype=object)
    out = values.astype(object) if values.dtype != object else values.copy()
    if out.dtype == object and values.dtype.kind == "f":
        out[np.isnan(values)] = None
    m = np.not_equal(errs, None)
    if len(errs) == 1:
        if errs[0] is not None:
            out[:] = errs[0]
        return out
    out[m] = errs[m]
    return out


#: pandas.api.types.infer_dtype answers for object columns that hold no str (so no XLErr)
_NO_TEXT = frozenset({"empty", "floating", "integer", "mixed-integer-float", "boolean"})


def error_mask(x: Any) -> Any:
    """True where the value is an Excel error."""
    if is_vec(x):
        if x.dtype != object:
            return np.zeros(len(x), dtype=bool)
        if len(x) > 32 and pd.api.types.infer_dtype(x, skipna=True) in _NO_TEXT:
            return np.zeros(len(x), dtype=bool)  # no text at all, so no error value
        return np.fromiter((isinstance(v, XLErr) for v in x), dtype=bool, count=len(x))
    return isinstance(x, XLErr)


def truth(x: Any) -> tuple[Any, np.ndarray | None]:
    """Conditions: numbers ≠ 0 are TRUE, blank FALSE, "TRUE"/"FALSE" text, other text #VALUE!."""
    if is_vec(x):
        if x.dtype == bool:
            return x, None
        if x.dtype.kind in "fiu":
            return np.nan_to_num(x, nan=0.0) != 0, None
        out = np.zeros(len(x), dtype=bool)
        errs = None
        for i, v in enumerate(x):
            if isinstance(v, str):
                u = v.upper()
                if isinstance(v, XLErr) or u not in ("TRUE", "FALSE"):
                    if errs is None:
                        errs = np.full(len(x), None, dtype=object)
                    errs[i] = v if isinstance(v, XLErr) else VALUE
                else:
                    out[i] = u == "TRUE"
            elif v is not None and not (isinstance(v, float) and math.isnan(v)):
                out[i] = bool(v)
        return out, errs
    if isinstance(x, Rng):
        return truth(to_scalar_or_vec(x))
    if isinstance(x, XLErr):
        return False, np.array([x], dtype=object)
    if isinstance(x, str):
        if x.upper() in ("TRUE", "FALSE"):
            return x.upper() == "TRUE", None
        return False, np.array([VALUE], dtype=object)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return False, None
    return bool(x), None


def to_scalar_or_vec(x: Any, refusal: str = "range used as a single value") -> Any:
    """A 1×1 range or a per-row single column as a plain value; any other range raises
    :class:`Unsupported` with the message ``refusal``."""
    if isinstance(x, Rng):
        if x.obj.size == 1 and not x.per_row:
            return x.obj.reshape(-1)[0]
        if x.per_row and x.obj.shape[1] == 1:
            return x.obj[:, 0]
        raise Unsupported(refusal)
    return x


def as_object(x: Any, n: int) -> np.ndarray:
    """Any value as an object column of length ``n`` (blank = None)."""
    x = to_scalar_or_vec(x)
    if is_vec(x):
        if x.dtype == object:
            return x
        out = x.astype(object)
        if x.dtype.kind == "f":
            out[np.isnan(x)] = None
        elif x.dtype.kind == "M":
            out = from_datetime64(x).astype(object)
        return out
    out = np.empty(n, dtype=object)
    out[:] = [x] * n if n else []
    return out


def from_datetime64(x: np.ndarray) -> np.ndarray:
    """datetime64 → Excel serial days (NaN for NaT)."""
    ns = x.astype("datetime64[ns]")
    out = (ns - np.datetime64("1899-12-30T00:00:00", "ns")) / np.timedelta64(1, "D")
    out = out.astype(np.float64)
    out[np.isnat(ns)] = np.nan
    return out


def number_text(v: float) -> str:
    """A number as Excel's General format shows it in text (15 significant digits)."""
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = "%.15g" % v
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return s


def to_text1(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return str(v)
    f = float(v)
    return "" if math.isnan(f) else number_text(f)


_TYPE_OF = np.frompyfunc(type, 1, 1)


#: the texts an XLErr holds (Excel's error values; a file could carry another text in a
#: ``t="e"`` cell only if damaged): a str column without them holds no XLErr
_ERROR_CODES = [
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
]

_TYPE_TESTS = (
    ("num", lambda t: issubclass(t, (int, float, np.integer, np.floating)) and not issubclass(t, (bool, np.bool_))),
    ("str", lambda t: issubclass(t, str) and not issubclass(t, XLErr)),
    ("bool", lambda t: issubclass(t, (bool, np.bool_))),
    ("none", lambda t: t is type(None)),
)


def type_masks(values: np.ndarray) -> dict[str, np.ndarray]:
    """Masks ``num`` (int/float, not bool), ``str``, ``bool`` and ``none`` of an object array,
    classifying each distinct Python type once.

    Examples
    --------
    >>> m = type_masks(np.array([1.5, "a", None, True, XLErr("#N/A")], dtype=object))
    >>> {k: v.tolist() for k, v in m.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'num': [True, False, False, False, False], 'str': [False, True, False, False, False],
     'bool': [False, False, False, True, False], 'none': [False, False, True, False, False]}
    """
    n = len(values)
    kind = pd.api.types.infer_dtype(values, skipna=True) if n else "empty"
    if kind == "boolean" or kind == "string" and not pd.Series(values, dtype=object).isin(_ERROR_CODES).any():
        # C passes say: every value is a str (or every one a bool), apart from blanks (None/NaN)
        none = pd.isna(values)
        one = ~none
        return {
            "num": np.zeros(n, bool),
            "str": one if kind == "string" else np.zeros(n, bool),
            "bool": one if kind == "boolean" else np.zeros(n, bool),
            "none": none,
        }
    codes, uniq = pd.factorize(pd.Series(_TYPE_OF(values), dtype=object), sort=False)
    out = {}
    for name, test in _TYPE_TESTS:
        hit = np.array([test(t) for t in uniq] + [False], bool)
        out[name] = hit[codes]
    return out
