"""Small helpers shared by the rule modules, on top of :mod:`._coerce`.

* ``num``/``date``/``text`` parse one broadcast argument; a scalar stretched by
  ``broadcast`` (a zero-stride view) is parsed once, not once per row;
* ``setting`` fills blanks of a threshold argument with its ``cfg_*`` default;
* ``map_distinct`` runs a per-value text rule once per distinct value;
* ``bools`` builds a boolean result (``bool`` array, or ``object`` with ``None`` blanks);
* ``range_values`` flattens a whole-range argument (month weights, extra banned words).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ._coerce import Column as Column  # re-exported: C.Column
from ._coerce import as_1d, is_error, to_date, to_number, to_text, upstream_error
from .settings import DEFAULTS


def _stretched(arr: np.ndarray) -> bool:
    return arr.ndim == 1 and len(arr) > 1 and arr.strides[0] == 0


def _spread(col: Column, n: int) -> Column:
    values = np.broadcast_to(col.values, (n,)).copy() if len(col.values) == 1 else col.values
    errors = None
    if col.errors is not None:
        errors = np.empty(n, dtype=object)
        errors[:] = col.errors[0]
    return Column(col.name, values, errors)


def num(arr: np.ndarray, name: str, *, negative: bool = False) -> Column:
    """Numbers (``NaN`` = blank) with per-row ``#…`` errors; negatives are errors unless allowed."""
    if _stretched(arr):
        return _spread(to_number(np.asarray(arr[:1]), name, negative=negative), len(arr))
    return to_number(np.asarray(arr), name, negative=negative)


def date(arr: np.ndarray, name: str) -> Column:
    """Dates as Excel serial days (``NaN`` = blank)."""
    if _stretched(arr):
        return _spread(to_date(np.asarray(arr[:1]), name), len(arr))
    return to_date(np.asarray(arr), name)


def text(arr: np.ndarray, name: str) -> Column:
    """Text (``""`` = blank); error texts coming in (``#N/A``…) are passed on as errors."""
    if _stretched(arr):
        col = text(np.asarray(arr[:1]), name)
        return _spread(col, len(arr))
    col = to_text(np.asarray(arr, dtype=object), name)
    errs = map_distinct(is_error, col.values).astype(bool)
    if errs.any():
        col.add_error(errs, [upstream_error(v, name) for v in col.values[errs]])
        col.values = np.where(errs, "", col.values)
    return col


def setting(arr: np.ndarray, name: str, key: str, *, negative: bool = False) -> Column:
    """A threshold argument: blanks take the default of Settings cell ``key``."""
    col = num(arr, name, negative=negative)
    if np.isnan(col.values).any():
        col.values = np.where(np.isnan(col.values), float(DEFAULTS[key]), col.values)
    return col


def map_distinct(func: Callable[..., Any], *cols: np.ndarray) -> np.ndarray:
    """``func`` applied to each row's values, computed once per distinct row.

    Examples
    --------
    >>> map_distinct(lambda a, b: f"{a}{b:g}", np.array(["x", "y", "x"], dtype=object), np.array([1.0, 2.0, 1.0]))
    array(['x1', 'y2', 'x1'], dtype=object)
    """
    fast = _per_distinct(func, *cols)
    if fast is not None:
        return fast
    n = len(cols[0]) if cols else 0
    out = np.empty(n, dtype=object)
    cache: dict[tuple[Any, ...], Any] = {}
    for i, key in enumerate(zip(*cols)):
        try:
            out[i] = cache[key]
        except KeyError:
            out[i] = cache[key] = func(*key)
        except TypeError:  # unhashable value: compute directly
            out[i] = func(*key)
    return out


def _codes(col: np.ndarray, exact: bool = False) -> np.ndarray | None:
    """Codes equal where two values are equal as dictionary keys, or None.

    NaNs share code 0; with ``exact`` floats are told apart by their bits (``-0.0`` ≠ ``0.0``).
    """
    if not isinstance(col, np.ndarray) or col.ndim != 1:
        return None
    if col.dtype.kind == "f" and exact:
        return pd.factorize(col.astype(np.float64).view(np.int64))[0]
    if col.dtype.kind in "fiub":
        return pd.factorize(col)[0] + 1  # NaN → 0
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=False) == "string":
        return pd.factorize(col)[0]  # only str values: no missing-value codes
    return None


def _combine(codes: list[np.ndarray]) -> np.ndarray:
    combo = codes[0].astype(np.int64, copy=False)
    for c in codes[1:]:
        combo = pd.factorize(combo * (int(c.max()) + 1) + c)[0].astype(np.int64, copy=False)
    return combo


def _per_distinct(func: Callable[..., Any], *cols: np.ndarray) -> np.ndarray | None:
    """:func:`map_distinct` without a Python loop over the rows (None when the columns do not allow it).

    Rows whose values are equal as dictionary keys share the result computed for the first of
    them, exactly as the row loop does.  A NaN never equals a key there, so rows holding one
    get ``func`` of their own values (computed once per bit-identical row: ``func`` is pure).
    """
    if not cols or any(not isinstance(c, np.ndarray) or len(c) != len(cols[0]) for c in cols) or len(cols[0]) < 64:
        return None
    maybe_codes = [_codes(c) for c in cols]
    codes = [c for c in maybe_codes if c is not None]
    if len(codes) < len(cols):
        return None
    combo = _combine(codes)
    nan_row = np.zeros(len(combo), bool)
    for c in cols:
        if c.dtype.kind == "f":
            nan_row |= np.isnan(c)
    if nan_row.any():
        combo = combo.copy()
        # the rows' values are a subset of codable columns, so each has codes again
        exact = [_codes(c[nan_row], exact=True) for c in cols]
        combo[nan_row] = _combine([c for c in exact if c is not None]) + int(combo.max()) + 1
    if (len(cols) == 1 and cols[0].dtype != object) or nan_row.any():
        combo = pd.factorize(combo)[0]
    # combo is numbered in order of first appearance (pd.factorize numbers so)
    seen = np.maximum.accumulate(combo)
    first = np.flatnonzero(np.r_[True, combo[1:] > seen[:-1]])
    results = np.empty(len(first), dtype=object)
    for j, key in enumerate(zip(*(c[first] for c in cols))):
        results[j] = func(*key)
    per_row: np.ndarray = results[combo]
    return per_row


def bools(mask: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Boolean result: a ``bool`` array, or ``object`` with ``None`` where ``blank``."""
    mask = np.asarray(mask, dtype=bool)
    if not blank.any():
        return mask
    out = mask.astype(object)
    out[blank] = None
    return out


def key(value: Any) -> str:
    """Normalised text for matching a label: NFKC, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


def label_keys(value: Any) -> tuple[str, ...]:
    """Keys a bilingual list label answers to: ``"询盘 Inquiry"`` → whole, ``询盘``, ``inquiry``.

    The workbook's drop-down lists are "中文 English"; people also type either half.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    halves = text.split(None, 1)
    keys = [key(text)] + [key(h) for h in halves if h]
    return tuple(dict.fromkeys(keys))


def matches(value: Any, labels: set[str] | frozenset[str]) -> bool:
    """True when the label, or either half of a bilingual label, is in ``labels``."""
    return any(k in labels for k in label_keys(value))


def range_values(x: Any) -> list[Any]:
    """Every cell of a whole-range argument, in reading order (blanks included as ``None``)."""
    if x is None:
        return []
    flat, _ = as_1d(x)
    out = []
    for v in flat:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            v = None
        out.append(v)
    return out
