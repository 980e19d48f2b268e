"""Turn whatever Excel, an export or a Python caller sends into clean numpy columns.

Every StoreOps function goes through this module, so the input rules of the spec
(SPEC §5) live in one place:

* numbers arrive as float, int, bool, text ("1,234", "12.5%", full-width "１２３",
  " 7 "), ``None`` for blanks and "-" (the Data Manager's "no data");
* a blank or zero denominator gives a blank result (``NaN`` inside, ``None`` outside);
* bad input gives a short text starting with ``#`` that names the argument, e.g.
  ``#VALUE! clicks: 'abc' is not a number``; nothing here raises on user data;
* dates arrive as Excel serials, ``datetime``/``date``, ISO text, ``2026/11/3`` or
  ``2026年11月3日`` and are handled internally as Excel serial days (float).

Shapes: a function may receive scalars, 1-D sequences, 2-D lists of lists (how xlwings
passes a range), numpy arrays or pandas Series.  :func:`broadcast` flattens all
arguments to equal-length 1-D columns and remembers the shape of the first array
argument; :func:`restore` gives the result back in that shape (a scalar for scalar
inputs).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Column",
    "EXCEL_EPOCH",
    "EXCEL_ERRORS",
    "as_1d",
    "broadcast",
    "error_text",
    "finish",
    "is_error",
    "upstream_error",
    "restore",
    "serial_to_datetime64",
    "to_date",
    "to_number",
    "to_text",
]

#: Excel's day zero in the 1900 date system (serial 1 = 1900-01-01 after the 1900 leap bug).
#: The one definition: the engine, the importers, the xlsx writer and the review read it here.
EXCEL_EPOCH = _dt.datetime(1899, 12, 30)
#: The error values a cell can hold: Excel's, in ``ERROR.TYPE`` order for the first eight,
#: then the newer ones, then ``#ERROR!`` (Google Sheets' parse error, met in shared files).
#: The one vocabulary: the core's :func:`is_error`, the engine's parser, reader and criteria.
EXCEL_ERRORS: tuple[str, ...] = (
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
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#ERROR!",
)
_ERROR_WORDS = frozenset(EXCEL_ERRORS)
_MAX_SERIAL = 2958465.99999  # 9999-12-31 23:59:59
#: texts that mean "no data" (blank); Excel's error ``#N/A`` is not one of them: it is an error
#: value, passed on by every parser (:func:`upstream_error`), as Excel propagates it
_NO_DATA = {"", "-", "--", "—", "n/a", "N/A", "NA", "null", "NULL", "None", "nan", "NaN"}


# --------------------------------------------------------------------------- shapes
@dataclass(frozen=True)
class Shape:
    """How the first array-like argument looked: ``None`` means all inputs were scalars."""

    dims: tuple[int, ...] | None


def _is_scalar(x: Any) -> bool:
    if x is None or isinstance(x, (str, bytes, int, float, bool, _dt.date, np.generic)):
        return True
    if isinstance(x, np.ndarray):
        return x.ndim == 0
    return not hasattr(x, "__len__") and not hasattr(x, "__iter__")


def as_1d(x: Any) -> tuple[np.ndarray, tuple[int, ...] | None]:
    """Flatten ``x`` to a 1-D numpy array; return it with the original dims (``None`` for a scalar)."""
    if _is_scalar(x):
        arr = np.empty(1, dtype=object)
        arr[0] = x.item() if isinstance(x, np.generic) else x
        return arr, None
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas Series / Index
        x = x.to_numpy()
    if isinstance(x, np.ndarray):
        return x.reshape(-1), tuple(x.shape)
    rows = list(x)
    if rows and all(isinstance(r, (list, tuple)) for r in rows):
        width = max(len(r) for r in rows)
        if width and all(len(r) == width for r in rows):  # a rectangular range: let numpy copy it
            try:
                block = np.array(rows, dtype=object)
            except (ValueError, TypeError):
                block = None
            if block is not None and block.shape == (len(rows), width):
                return block.reshape(-1), (len(rows), width)
        flat = np.empty(len(rows) * width, dtype=object)
        flat[:] = None
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                flat[i * width + j] = v
        return flat, (len(rows), width)
    flat = np.empty(len(rows), dtype=object)
    for i, v in enumerate(rows):
        flat[i] = v
    return flat, (len(rows),)


def broadcast(*args: Any) -> tuple[list[np.ndarray], Shape]:
    """Flatten every argument and stretch scalars to the common length.

    Arrays of different lengths are padded with blanks (``None``) to the longest, the
    way Excel pads a short range with ``#N/A``; the result takes the shape of the first
    array argument when it is the longest, else a column of the longest length.
    """
    flats = [as_1d(a) for a in args]
    dims = [d for _, d in flats if d is not None]
    if not dims:
        return [f for f, _ in flats], Shape(None)
    n = max(int(np.prod(d)) for d in dims)
    first = next(d for d in dims if int(np.prod(d)) == n)
    out = []
    for arr, d in flats:
        if d is None:
            out.append(np.broadcast_to(arr, (n,)))
        elif arr.size < n:
            padded = np.empty(n, dtype=object)
            padded[:] = None
            padded[: arr.size] = arr
            out.append(padded)
        else:
            out.append(arr)
    return out, Shape(first)


def restore(result: np.ndarray, shape: Shape) -> Any:
    """Give a flat result back in the caller's shape: a Python scalar for scalar inputs."""
    if shape.dims is None:
        v = result[0] if len(result) else None
        return _python_scalar(v)
    return result.reshape(shape.dims) if len(shape.dims) > 1 else result


def _python_scalar(v: Any) -> Any:
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return None
        return v.astype("datetime64[us]").astype(_dt.datetime)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


# --------------------------------------------------------------------------- errors
def _show(v: Any) -> str:
    if isinstance(v, (float, np.floating)) and math.isfinite(v):
        return _fmt(float(v))
    text = str(v)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    if len(text) > 30:
        text = text[:27] + "..."
    return repr(text) if isinstance(v, str) else text


def error_text(kind: str, name: str, value: Any, reason: str) -> str:
    """The one format of a cell error: ``#VALUE! clicks: 'abc' is not a number``."""
    return f"{kind} {name}: {_show(value)} {reason}"


def upstream_error(v: str, name: str) -> str:
    """An error text arriving as input (``#N/A`` from another cell), re-said for argument ``name``
    with its error word as Excel writes it.

    >>> upstream_error("#n/a", "clicks")
    "#N/A clicks: '#n/a' is an error value"
    """
    kind = v.split(None, 1)[0].upper() if v.split() else ""
    if kind not in _ERROR_WORDS:
        kind = "#VALUE!"
    return error_text(kind, name, v, "is an error value")


def is_error(v: Any) -> bool:
    """True for Excel's error values (any case) and the ``#…`` error texts this package returns.

    The first word decides: ``#N/A``, ``#value!``, ``#VALUE! clicks: 'abc' is not a number``
    are errors; a title such as ``#1 Seller`` or the banned term ``#1`` is text.

    Examples
    --------
    >>> is_error("#N/A"), is_error("#VALUE! clicks: 'x' is not a number"), is_error("#1 Seller"), is_error(3)
    (True, True, False, False)
    """
    return isinstance(v, str) and v[:1] == "#" and v.split(None, 1)[0].upper() in _ERROR_WORDS


@dataclass
class Column:
    """A parsed argument: clean ``values`` plus an error text (or ``None``) per position."""

    name: str
    values: np.ndarray
    errors: np.ndarray | None = None  # object array of str|None, same length

    def add_error(self, mask: np.ndarray, messages: Iterable[str]) -> None:
        if self.errors is None:
            self.errors = np.full(len(self.values), None, dtype=object)
        idx = np.flatnonzero(mask)
        for i, msg in zip(idx, messages):
            if self.errors[i] is None:
                self.errors[i] = msg


def finish(result: np.ndarray, *columns: Column) -> np.ndarray:
    """Put the first error of each row (in argument order) into the result.

    A result with no error keeps its fast dtype (float, bool, datetime64); a result
    with errors becomes an object array holding the error texts.
    """
    errs = [c.errors for c in columns if c.errors is not None]
    if not errs:
        return result
    out = result.astype(object)
    if out.dtype == object and result.dtype.kind == "f":
        out[np.isnan(result)] = None
    if result.dtype.kind == "M":
        out[np.isnat(result)] = None
    for e in reversed(errs):  # the first argument's error wins
        mask = np.not_equal(e, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
        out[mask] = e[mask]
    return out


# --------------------------------------------------------------------------- numbers
_THOUSANDS = re.compile(r"(?<=\d)[,，_ ](?=\d{3}(\D|$))")


def _parse_number_text(text: str) -> float | None:
    """Parse one text number; ``nan`` for no data, ``None`` when it is not a number."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t in _NO_DATA:
        return math.nan
    pct = t.endswith("%")
    if pct:
        t = t[:-1].strip()
    t = _THOUSANDS.sub("", t)
    for sym in ("$", "¥", "￥", "USD", "CNY", "RMB", "US$"):
        if t.startswith(sym):
            t = t[len(sym) :].strip()
    try:
        v = float(t)
    except ValueError:
        return None
    if pct:
        v /= 100.0
    return v


def to_number(x: np.ndarray, name: str, *, negative: bool = False, integer: bool = False) -> Column:
    """Parse a flat column into float64 (``NaN`` = blank) with per-row error texts.

    ``negative=False`` makes a negative value an error (counts, money spent);
    ``integer=True`` is documentation only: counts with decimals are accepted.
    """
    if x.dtype.kind in "fiub":
        values = x.astype(np.float64, copy=False)
        col = Column(name, values)
        bad = ~np.isfinite(values) & ~np.isnan(values)
        if bad.any():
            values = values.copy()
            col.values = values
            col.add_error(bad, (error_text("#NUM!", name, v, "is not a finite number") for v in values[bad]))
            values[bad] = np.nan
        if not negative:
            neg = values < 0
            if neg.any():
                col.add_error(neg, (error_text("#VALUE!", name, v, "is negative") for v in values[neg]))
                col.values = np.where(neg, np.nan, values)
        return col
    if x.dtype == object and len(x) > 16:
        fast = _fast_float(x)
        if fast is not None:  # plain numbers and blanks: vectorised path, same rules
            return to_number(fast, name, negative=negative, integer=integer)
    values = np.full(len(x), np.nan)
    col = Column(name, values)
    bad_idx: list[int] = []
    bad_msg: list[str] = []
    cache: dict[str, float | None] = {}
    for i, v in enumerate(x):
        if v is None:
            continue
        if isinstance(v, bool):
            values[i] = float(v)
            continue
        if isinstance(v, (int, float, np.integer, np.floating)):
            f = float(v)
            if math.isnan(f):
                continue
            if math.isinf(f):
                bad_idx.append(i)
                bad_msg.append(error_text("#NUM!", name, v, "is not a finite number"))
                continue
            values[i] = f
            continue
        if isinstance(v, str):
            if is_error(v):  # an error value coming in (#N/A from a lookup) stays that error
                bad_idx.append(i)
                bad_msg.append(upstream_error(v, name))
                continue
            parsed = cache.get(v, 0.5) if len(v) < 64 else _parse_number_text(v)
            if parsed == 0.5 and v not in cache:
                parsed = _parse_number_text(v)
                cache[v] = parsed
            if parsed is None or (isinstance(parsed, float) and math.isinf(parsed)):
                bad_idx.append(i)
                bad_msg.append(error_text("#VALUE!", name, v, "is not a number"))
                continue
            values[i] = parsed
            continue
        bad_idx.append(i)
        bad_msg.append(error_text("#VALUE!", name, v, "is not a number"))
    if bad_idx:
        mask = np.zeros(len(x), dtype=bool)
        mask[bad_idx] = True
        col.add_error(mask, bad_msg)
    if not negative:
        neg = values < 0
        if neg.any():
            col.add_error(neg, (error_text("#VALUE!", name, v, "is negative") for v in values[neg]))
            values[neg] = np.nan
    return col


def _fast_float(x: np.ndarray) -> np.ndarray | None:
    """``x`` as float64 when numpy can convert every cell (numbers, bools, ``None``, plain
    text numbers), else ``None`` so the per-cell parser handles "1,234", "12%", "-" …"""
    try:
        return x.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        return None


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


# --------------------------------------------------------------------------- dates
_DATE_RE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$"
)


def _date_text_to_serial(text: str) -> float | None:
    t = unicodedata.normalize("NFKC", text).strip()
    if t in _NO_DATA:
        return math.nan
    m = _DATE_RE.match(t)
    if not m:
        num = _parse_number_text(t)
        if num is not None and not math.isnan(num) and 0 <= num <= _MAX_SERIAL and "%" not in t:
            return num
        return None
    y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
    try:
        when = _dt.datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        return None
    return (when - EXCEL_EPOCH) / _dt.timedelta(days=1)


def to_date(x: np.ndarray, name: str) -> Column:
    """Parse a flat column of dates into Excel serial days (float64, ``NaN`` = blank)."""
    if x.dtype.kind == "M":
        ns = x.astype("datetime64[ns]")
        values = (ns - np.datetime64(EXCEL_EPOCH, "ns")) / np.timedelta64(1, "D")
        return Column(name, values.astype(np.float64))
    if x.dtype.kind in "fiu":
        col = to_number(x, name)
    else:
        values = np.full(len(x), np.nan)
        col = Column(name, values)
        bad_idx: list[int] = []
        bad_msg: list[str] = []
        for i, v in enumerate(x):
            if v is None or isinstance(v, bool):
                if isinstance(v, bool):
                    bad_idx.append(i)
                    bad_msg.append(error_text("#VALUE!", name, v, "is not a date"))
                continue
            if isinstance(v, _dt.datetime):
                naive = v.replace(tzinfo=None) if v.tzinfo else v
                values[i] = (naive - EXCEL_EPOCH) / _dt.timedelta(days=1)
            elif isinstance(v, _dt.date):
                values[i] = float((v - EXCEL_EPOCH.date()).days)
            elif isinstance(v, np.datetime64):
                if not np.isnat(v):
                    values[i] = (v.astype("datetime64[ns]") - np.datetime64(EXCEL_EPOCH, "ns")) / np.timedelta64(1, "D")
            elif isinstance(v, (int, float, np.integer, np.floating)):
                f = float(v)
                if math.isnan(f):
                    continue
                values[i] = f
            elif isinstance(v, str):
                if is_error(v):
                    bad_idx.append(i)
                    bad_msg.append(upstream_error(v, name))
                    continue
                s = _date_text_to_serial(v)
                if s is None:
                    bad_idx.append(i)
                    bad_msg.append(error_text("#VALUE!", name, v, "is not a date"))
                else:
                    values[i] = s
            else:
                bad_idx.append(i)
                bad_msg.append(error_text("#VALUE!", name, v, "is not a date"))
        if bad_idx:
            mask = np.zeros(len(x), dtype=bool)
            mask[bad_idx] = True
            col.add_error(mask, bad_msg)
    out_of_range = (col.values < 0) | (col.values > _MAX_SERIAL)
    if out_of_range.any():
        col.add_error(out_of_range, (error_text("#VALUE!", name, v, "is not a date") for v in col.values[out_of_range]))
        col.values = np.where(out_of_range, np.nan, col.values)
    return col


def serial_to_datetime64(serial: np.ndarray) -> np.ndarray:
    """Excel serial days (float, ``NaN`` = blank) to ``datetime64[s]`` (``NaT`` = blank)."""
    serial = np.asarray(serial, dtype=np.float64)
    out = np.full(serial.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.isfinite(serial)
    seconds = np.round(serial[ok] * 86400.0).astype(np.int64)
    out[ok] = np.datetime64(EXCEL_EPOCH, "s") + seconds.astype("timedelta64[s]")
    return out


# --------------------------------------------------------------------------- text
def _text1(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (float, np.floating)) and float(v).is_integer() and abs(float(v)) < 1e15:
        return str(int(v))
    return str(v)


_TYPE_OF = np.frompyfunc(type, 1, 1)


def _all_str(x: np.ndarray) -> bool:
    """True when every value of an object column is a ``str``."""
    import pandas as pd

    return len(x) == 0 or pd.api.types.infer_dtype(x, skipna=False) == "string"


def to_text(x: np.ndarray, name: str = "text") -> Column:
    """Text column: blanks become ``""``; whole floats print without ``.0``."""
    out = np.empty(len(x), dtype=object)
    if isinstance(x, np.ndarray) and x.dtype == object and x.ndim == 1 and len(x) > 32:
        # plain texts are kept as they are and blanks become "" without a Python loop
        import pandas as pd

        missing = pd.isna(x)  # None, NaN, NaT, pd.NA …: each still converted exactly below
        some = bool(missing.any())
        if _all_str(x[~missing] if some else x):
            out[:] = x
            if some:
                idx = np.flatnonzero(missing)
                kinds = _TYPE_OF(x[idx])
                simple = (kinds == type(None)) | (kinds == float)  # noqa: E721 - element-wise over types
                out[idx[simple]] = ""
                for i in idx[~simple]:
                    out[i] = _text1(x[i])
            return Column(name, out)
        kinds = _TYPE_OF(x)
        is_str = kinds == str  # noqa: E721 - element-wise over types
        is_none = kinds == type(None)  # noqa: E721 - element-wise over types
        out[is_str] = x[is_str]
        out[is_none] = ""
        for i in np.flatnonzero(~(is_str | is_none)):
            out[i] = _text1(x[i])
        return Column(name, out)
    for i, v in enumerate(x):
        out[i] = _text1(v)
    return Column(name, out)
