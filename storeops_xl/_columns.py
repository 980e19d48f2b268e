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
from typing import Any, Callable

import numpy as np

from ._coerce import Column, as_1d, to_date, to_number, to_text, upstream_error
from .settings import DEFAULTS


#: Excel's error values (and the first word of this package's error texts): an input cell
#: holding one is an error, other text starting with "#" (a "#1 Seller" title) is text.
_EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!",
                 "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}


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
    errs = np.array([v[:1] == "#" and v.split(" ")[0].upper() in _EXCEL_ERRORS for v in col.values], dtype=bool)
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
    """``func`` applied to each row's values, computed once per distinct row."""
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
