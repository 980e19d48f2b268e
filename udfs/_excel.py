"""What Excel sends in and gets back: the only place the UDFs touch Excel's value shapes.

xlwings passes a single cell as a scalar and a range as a list (of lists); a UDF must
answer with the same shape and must never raise into Excel.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np

try:  # on Windows/macOS xlwings registers the functions; on Linux its decorators are no-ops
    import xlwings as xw
except ImportError:  # pragma: no cover - xlwings is a dependency, this keeps udfs importable
    xw = None  # type: ignore[assignment]


def _cell(v: Any) -> Any:
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else v.astype("datetime64[us]").astype(dt.datetime)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def to_excel(result: Any) -> Any:
    """A core result as Excel wants it: a scalar, or a list of rows for a range."""
    if isinstance(result, np.ndarray):
        if result.ndim == 1:
            return [[_cell(v)] for v in result]
        return [[_cell(v) for v in row] for row in result]
    return _cell(result)


def excel_call(func: Callable[..., Any], *args: Any) -> Any:
    """Call a core function for Excel: shape the answer, turn any failure into ``#…`` text."""
    try:
        return to_excel(func(*args))
    except Exception as exc:  # a cell shows a short text, never a traceback
        return f"#VALUE! {func.__name__}: {type(exc).__name__}: {str(exc)[:80]}"


def func(f: Callable[..., Any]) -> Callable[..., Any]:
    """``xw.func`` when xlwings is there, else nothing: the function is returned unchanged."""
    return xw.func(f) if xw is not None else f


def arg(name: str, doc: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``xw.arg(name, doc=…)`` when xlwings is there; the doc becomes the Function Wizard help."""
    if xw is None:
        return lambda f: f
    return xw.arg(name, doc=doc)
