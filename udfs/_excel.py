"""What Excel sends in and gets back: the only place the UDFs touch Excel's value shapes.

xlwings passes a single cell as a scalar and a range as a list (of lists); a UDF must
answer with the same shape and must never raise into Excel.
"""

from __future__ import annotations

import datetime as dt
import inspect
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


#: every UDF in definition order, by Excel name (``udfs/__init__`` exports exactly these)
UDFS: dict[str, Callable[..., Any]] = {}


def udf(f: Callable[..., Any]) -> Callable[..., Any]:
    """Make ``f`` the Excel function of the same name, described by its spec.

    The Function Wizard description and every argument's help come from the function's
    ``storeops_xl.FUNCTIONS`` entry (written next to the core function), so a UDF is only
    its three-line body.  A UDF whose parameters differ from the core function's, or whose
    name is not a registered StoreOps function, fails at import.
    """
    from storeops_xl import FUNCTIONS

    spec = FUNCTIONS.get(f.__name__)
    if spec is None:
        raise TypeError(f"{f.__name__} is not a StoreOps function (storeops_xl.FUNCTIONS)")
    if tuple(inspect.signature(f).parameters) != spec.params:
        raise TypeError(f"{f.__name__}{inspect.signature(f)} differs from its core function {spec.signature}")
    f.__doc__ = spec.summary
    for p in reversed(spec.params):  # as the stacked @arg decorators were applied: last one first
        f = arg(p, spec.arg_help(p))(f)
    f = func(f)
    UDFS[spec.name] = f
    return f
