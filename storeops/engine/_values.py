"""Values inside the evaluator, and Excel's rules for turning one kind into another.

A value is a Python scalar (``float``, ``str``, ``bool``, ``None`` = blank cell,
:class:`XLErr`) or a 1-D numpy column with one entry per row of the formula group
(``float64`` with ``NaN`` = blank, ``bool``, or ``object`` mixing the scalar kinds).
References are :class:`Rng`: a fixed 2-D block (``per_row=False``) or one slice per
group row (``per_row=True``, shape ``(n, width)``).  A function that treats a
reference differently from a typed value (SUM skips the text of a cell but adds the
typed ``"2"``) receives even a single cell as a :class:`Rng`.

The conversions follow Excel (Microsoft's function reference and the cached values of
workbooks Excel computed; see ``docs/engine.md``):

* to a number (:func:`to_num`): blank → 0, TRUE/FALSE → 1/0, a text that reads as a
  number, percentage, date or time → that number (:func:`text_to_number`), any
  other text → ``#VALUE!``;
* to a condition (:func:`truth`): a number ≠ 0 is TRUE, blank is FALSE, the texts
  "TRUE"/"FALSE" count, other texts are ``#VALUE!``;
* to a text (:func:`to_text1`): numbers as Excel's General format writes them in a
  formula (15 significant digits), TRUE/FALSE in capitals, blank as "".
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from storeops_xl.inputs import EXCEL_ERRORS

from ..xlsx._cells import XLErr
from ._serial import MONTH_NAMES, LocaleDependent, parse_date_text, serial_from_datetime64

__all__ = [
    "ERROR_CODES",
    "XLErr",
    "Rng",
    "Unsupported",
    "NA",
    "VALUE",
    "DIV0",
    "NUM",
    "REF",
    "NAME",
    "NULL",
]

#: Excel's error values: the core's one vocabulary (``storeops_xl.inputs.EXCEL_ERRORS``), read by
#: the engine's parser, reader and evaluator too
ERROR_CODES: tuple[str, ...] = EXCEL_ERRORS
ERRORS: dict[str, XLErr] = {c: XLErr(c) for c in ERROR_CODES}
NULL, DIV0, VALUE, REF, NAME, NUM, NA = (ERRORS[c] for c in ERROR_CODES[:7])


class Unsupported(Exception):
    """This formula (or this use of a function) is left to Excel."""


@dataclass
class Rng:
    """A block of cell values: ``obj`` (object, blanks ``None``) and ``num`` (float, NaN
    where the cell holds no number).  ``key`` = (sheet, c1, r1, c2, r2) for a fixed
    block (it caches derived data); ``col1`` is the first column of any block.

    A fixed block reaching below the sheet's last used row (``A:A``, ``A1:A100000``)
    stores only the rows up to it; ``height`` is its real number of rows, the rest blank."""

    obj: np.ndarray
    num: np.ndarray
    per_row: bool = False
    key: tuple | None = None
    col1: int | None = None
    height: int | None = None
    _first_error: Any = field(default=False, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the block as the formula wrote it."""
        h, w = self.obj.shape
        return (max(self.height or 0, h), w)

    @property
    def blank_rows(self) -> int:
        """Rows below the stored ones: blank cells."""
        return self.shape[0] - self.obj.shape[0]

    def padded(self, h: int) -> Rng:
        """The block with at least ``h`` stored rows (blank rows added below)."""
        have, w = self.obj.shape
        if have >= h:
            return self
        obj = np.full((h, w), None, dtype=object)
        num = np.full((h, w), np.nan)
        obj[:have], num[:have] = self.obj, self.num
        return Rng(obj, num, self.per_row, self.key, self.col1, max(self.height or 0, h))

    @property
    def flat_obj(self) -> np.ndarray:
        return self.obj.reshape(-1)

    @property
    def flat_num(self) -> np.ndarray:
        return self.num.reshape(-1)

    def column(self, j: int = 0) -> Rng:
        key = None
        if self.key is not None:
            s, c1, r1, _c2, r2 = self.key
            key = (s, c1 + j, r1, c1 + j, r2)
        return Rng(
            self.obj[:, j : j + 1], self.num[:, j : j + 1], self.per_row, key, (self.col1 or 0) + j or None, self.height
        )

    def first_error(self) -> XLErr | None:
        """The first error value of a fixed block (row by row), ``None`` when there is none."""
        if self._first_error is False:
            cand = np.flatnonzero(np.isnan(self.flat_num))
            err = None
            if cand.size:
                vals = self.flat_obj[cand]
                m = error_mask(vals)
                if m.any():
                    err = vals[int(np.argmax(m))]
            self._first_error = err
        return self._first_error

    def row_errors(self) -> np.ndarray | None:
        """Per row of a per-row block: its first error (``None`` where there is none)."""
        m = error_mask(self.flat_obj).reshape(self.obj.shape)
        if not m.any():
            return None
        out = np.full(self.obj.shape[0], None, dtype=object)
        rows = np.flatnonzero(m.any(axis=1))
        out[rows] = self.obj[rows, np.argmax(m[rows], axis=1)]
        return out


def is_vec(x: Any) -> bool:
    return isinstance(x, np.ndarray)


# --------------------------------------------------------------------------- text → number
_NUMBER = re.compile(
    r"""^(?P<neg>[-+]|\()?\s*(?P<cur>\$)?\s*(?P<pct1>%)?\s*
    (?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[-+]?\d+))?
    \s*(?P<pct2>%)?\s*(?P<close>\))?$""",
    re.X,
)


#: number-like texts whose reading is not documented: misplaced thousands separators,
#: mixed fractions ("1 1/2")
_UNSURE = re.compile(r"^[-+(]?\s*\$?\s*(\d+,[\d,]*(\.\d*)?|\d+\s+\d+/\d+)\s*%?\)?$")


def _plain_number(t: str) -> float | None:
    m = _NUMBER.match(t)
    if m is None or not (m.group("int") or m.group("frac")):
        return None
    if (m.group("neg") == "(") != bool(m.group("close")) or (m.group("pct1") and m.group("pct2")):
        return None
    digits = (m.group("int") or "0").replace(",", "") + "." + (m.group("frac") or "0")
    v = float(digits + ("e" + m.group("exp") if m.group("exp") else ""))
    if m.group("pct1") or m.group("pct2"):
        v /= 100.0
    if m.group("neg") in ("-", "("):
        v = -v
    return v if math.isfinite(v) else None


_LEAD = re.compile(r"[A-Za-z]+")


def surely_no_number(t: str) -> bool:
    """A quick, exact "no number here" for the stripped texts IDs and names are made of: an
    ASCII text starting with a run of letters that is no month name (``Jan``, ``May`` …) and
    not the ``T`` of a time (``T10:30``).  Every number, date and time text starts with a
    sign, ``$``, ``%``, ``(``, ``.``, a digit, a month name or that ``T``.

    Examples
    --------
    >>> surely_no_number("B4QZ7M2K9XA"), surely_no_number("Mar 5 2026"), surely_no_number("T10:30")
    (True, False, False)
    """
    m = _LEAD.match(t)
    if m is None or not t.isascii():
        return False
    lead = m.group(0).lower()
    return lead != "t" and lead not in MONTH_NAMES


def text_to_number(text: str) -> float | None:
    """The number Excel reads in a text (``" 1,234.5 "``, ``"12%"``, ``"$5"``, ``"(3)"``,
    ``"1e3"``, ``"2008-01-15"``, ``"10:30"``), or ``None`` when it reads none.

    Raises :class:`Unsupported` for texts whose number depends on the regional settings
    (``"1/2/2008"``, full-width digits).

    Examples
    --------
    >>> text_to_number(" 1,234.5 "), text_to_number("12%"), text_to_number("(3)")
    (1234.5, 0.12, -3.0)
    >>> text_to_number("abc") is None, text_to_number("") is None
    (True, True)
    """
    t = text.strip()
    if not t or surely_no_number(t):
        return None
    return read_number(t, text)


def read_number(t: str, text: str) -> float | None:
    """:func:`text_to_number` of the stripped, non-empty text ``t`` without the quick check."""
    v = _plain_number(t)
    if v is not None:
        return v
    if _UNSURE.match(t):
        raise Unsupported(f"Excel's reading of the text {text!r} is not certain here")
    try:
        v = parse_date_text(t)
    except LocaleDependent:
        raise Unsupported(f"the text {text!r} reads as a date only with regional settings") from None
    if v is None:
        wide = unicodedata.normalize("NFKC", t)
        if wide != t and (_plain_number(wide) is not None or any(ch.isdigit() for ch in wide)):
            raise Unsupported(f"the text {text!r} holds full-width characters Excel may read as a number")
    return v


def number_of(v: Any) -> float | XLErr:
    """One value as a number by Excel's rules (see :func:`to_num`), or its error."""
    if v is None:
        return 0.0
    if isinstance(v, XLErr):
        return v
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, str):
        f = text_to_number(v)
        return VALUE if f is None else f
    try:
        f = float(v)
    except (TypeError, ValueError):
        return VALUE
    return 0.0 if math.isnan(f) else f


#: the types read at once, compared element by element (a bare ``np.float64`` is taken as a dtype)
_PLAIN = (np.array([float], dtype=object), np.array([np.float64], dtype=object))
_BOOLS = (np.array([bool], dtype=object), np.array([np.bool_], dtype=object))
_NONE = np.array([type(None)], dtype=object)


def _types(a: np.ndarray) -> np.ndarray:
    """The type of every value of an object column, as an object column."""
    return np.fromiter(map(type, a), dtype=object, count=len(a))


def _one_of(kinds: np.ndarray, pair: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Where ``kinds`` (:func:`_types`) is one of the two types of ``pair``."""
    return (kinds == pair[0]) | (kinds == pair[1])


def plain_floats(a: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """An object column's plain ``float`` (and numpy ``float64``) values as a float column (NaN elsewhere, and
    where the float is NaN), and the positions of everything else: a column of numbers
    with a few errors or blanks is read without a call per value.

    Examples
    --------
    >>> vals, rest = plain_floats(np.array([1.5, None, "2", XLErr("#N/A"), np.float64(3)], dtype=object))
    >>> vals.tolist(), rest
    ([1.5, nan, nan, nan, 3.0], [1, 2, 3])
    """
    n = len(a)
    plain = _one_of(_types(a), _PLAIN)
    vals = np.full(n, np.nan)
    if plain.any():
        vals[plain] = a[plain].astype(np.float64)
    return vals, np.flatnonzero(~plain).tolist()


def to_num(x: Any) -> tuple[Any, np.ndarray | None]:
    """Numbers for arithmetic: blank → 0, bool → 1/0, numeric text → number.

    Returns ``(values, errors)``: ``errors`` is an object column of :class:`XLErr`
    (``None`` where fine) or ``None`` when there is no error at all.
    """
    if isinstance(x, Rng):
        return to_num(to_scalar_or_vec(x))
    if not is_vec(x):
        v = number_of(x)
        if isinstance(v, XLErr):
            return math.nan, np.array([v], dtype=object)
        return v, None
    if x.dtype.kind == "f":
        return np.nan_to_num(x, nan=0.0), None
    if x.dtype.kind in "biu":
        return x.astype(np.float64), None
    vals, rest = plain_floats(x)
    out = np.where(np.isnan(vals), 0.0, vals)  # blanks (and NaN floats) are 0
    errs = None
    for i in rest:  # what is not a plain float, one by one
        v = x[i]
        if v is not None:
            r = number_of(v)
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
        m = np.not_equal(e, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
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
    m = np.not_equal(errs, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
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


def _truth1(v: Any) -> tuple[bool, XLErr | None]:
    if isinstance(v, XLErr):
        return False, v
    if isinstance(v, str):
        u = v.upper()
        if u in ("TRUE", "FALSE"):
            return u == "TRUE", None
        return False, VALUE
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return False, None
    return bool(v), None


def truth(x: Any) -> tuple[Any, np.ndarray | None]:
    """Conditions: numbers ≠ 0 are TRUE, blank FALSE, "TRUE"/"FALSE" text, other text #VALUE!."""
    if isinstance(x, Rng):
        return truth(to_scalar_or_vec(x))
    if is_vec(x):
        if x.dtype == bool:
            return x, None
        if x.dtype.kind in "fiu":
            return np.nan_to_num(x, nan=0.0) != 0, None
        kinds = _types(x)
        out = np.zeros(len(x), dtype=bool)
        flags, nums = _one_of(kinds, _BOOLS), _one_of(kinds, _PLAIN)
        if flags.any():
            out[flags] = x[flags].astype(bool)
        if nums.any():
            f = x[nums].astype(np.float64)
            out[nums] = (f != 0) & ~np.isnan(f)
        errs = None
        for i in np.flatnonzero(~(flags | nums | (kinds == _NONE))).tolist():  # the others one by one
            out[i], e = _truth1(x[i])
            if e is not None:
                if errs is None:
                    errs = np.full(len(x), None, dtype=object)
                errs[i] = e
        return out, errs
    b, e = _truth1(x)
    return b, (None if e is None else np.array([e], dtype=object))


def to_scalar_or_vec(x: Any, refusal: str = "range used as a single value") -> Any:
    """A 1×1 range or a per-row single column as a plain value; any other range raises
    :class:`Unsupported` with the message ``refusal`` (the evaluator's
    :meth:`~storeops.engine._eval.Evaluator.single` applies Excel's implicit
    intersection instead)."""
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
    return serial_from_datetime64(x)


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


def to_texts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`to_text1` of every value of an object column, and a mask of the errors
    (left as they are): numbers are formatted once per distinct value.

    Examples
    --------
    >>> texts, err = to_texts(np.array([None, 1.5, 2.0, True, "a", XLErr("#N/A"), float("nan")], dtype=object))
    >>> texts.tolist(), err.tolist()
    (['', '1.5', '2', 'TRUE', 'a', '#N/A', ''], [False, False, False, False, False, True, False])
    """
    kinds = type_masks(values)
    out = values.copy()
    out[kinds["none"]] = ""
    b = kinds["bool"]
    if b.any():
        out[b] = np.where(values[b].astype(bool), "TRUE", "FALSE").astype(object)
    m = np.flatnonzero(kinds["num"])
    if m.size:
        f = values[m].astype(np.float64)
        codes, uniq = pd.factorize(f.view(np.int64))  # by bit pattern: -0.0 is formatted on its own
        texts = np.array([to_text1(v) for v in uniq.view(np.float64).tolist()], dtype=object)
        out[m] = texts[codes]
    err = ~(kinds["num"] | kinds["str"] | kinds["bool"] | kinds["none"])
    for i in np.flatnonzero(err).tolist():  # anything but an error is written as a text too
        if not isinstance(values[i], XLErr):
            out[i] = to_text1(values[i])
            err[i] = False
    return out, err


_TYPE_OF = np.frompyfunc(type, 1, 1)

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
    if kind == "boolean" or kind == "string" and not pd.Series(values, dtype=object).isin(ERROR_CODES).any():
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
