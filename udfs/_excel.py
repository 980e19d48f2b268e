"""What Excel sends in and gets back: the only place the UDFs touch Excel's value shapes.

xlwings passes a range as a list (of lists); a UDF must answer with the same shape and
must never raise into Excel.  Every per-row parameter (not one of the function's
``FunctionSpec.ranges``) is declared ``ndim=2``, so a range a person types keeps its
orientation: ``=CTR(F5:F10,E5:E10)`` answers a column of 6 results, ``=CTR(F5:K5,E5:J5)``
a row, and Excel 365 spills them (older Excel: enter it over the result cells with
Ctrl+Shift+Enter).  A one-cell result goes back as a plain value.
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
        if result.size == 1:
            return _cell(result.reshape(-1)[0])
        if result.ndim == 1:
            return [[_cell(v)] for v in result]
        return [[_cell(v) for v in row] for row in result]
    return _cell(result)


def _one_cell(a: Any) -> bool:
    return isinstance(a, list) and len(a) == 1 and isinstance(a[0], list) and len(a[0]) == 1


def excel_call(func: Callable[..., Any], *args: Any) -> Any:
    """Call a core function for Excel: shape the answer, turn any failure into ``#…`` text.

    A one-cell range (``[[v]]``, as ``ndim=2`` parameters receive a single cell) is passed as
    the plain value, so a cell answers exactly what the scalar call answers.
    """
    args = tuple(a[0][0] if _one_cell(a) else a for a in args)
    try:
        return to_excel(func(*args))
    except Exception as exc:  # a cell shows a short text, never a traceback
        return f"#VALUE! {func.__name__}: {type(exc).__name__}: {str(exc)[:80]}"


def func(f: Callable[..., Any]) -> Callable[..., Any]:
    """``xw.func`` when xlwings is there, else nothing: the function is returned unchanged.

    Per-row parameters come in as 2-D lists (``ndim=2``): a typed range keeps its shape.
    """
    if xw is None:
        return f
    for p in per_row_params(f.__name__):
        f = xw.arg(p, ndim=2)(f)
    return xw.func(f)


def per_row_params(name: str) -> list[str]:
    """The parameters of StoreOps function ``name`` that take one value per row (declared
    ``ndim=2``): all but its ``FunctionSpec.ranges``; none of an aggregate (one answer per call).

    >>> per_row_params("TARGET_SPLIT")
    ['annual', 'month']
    """
    from storeops_xl import FUNCTIONS

    spec = FUNCTIONS[name]
    if spec.aggregate:
        return []
    return [p for p in inspect.signature(spec.func).parameters if p not in spec.ranges]


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
