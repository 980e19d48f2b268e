"""Excel's own functions, vectorised over a formula group: one module per category
(as pycel's ``lib/`` and formulas' ``functions/`` are split) and one registry.

Each function takes ``(ctx, *args)``: ``ctx`` is the
:class:`~storeops.engine._eval.Evaluator` of the group (rows, caches, implicit
intersection), the args are evaluated values (see :mod:`storeops.engine._values`);
it returns a scalar or a column of ``ctx.n`` rows.  A function declared with
``refs=True`` gets its reference arguments as :class:`~storeops.engine._values.Rng`
even for a single cell, because Excel treats a referenced cell differently from a
typed value (``SUM(A1)`` skips the text "2" in A1, ``SUM("2")`` adds it).  Anything a
function cannot answer exactly raises :class:`~storeops.engine._values.Unsupported`:
the formula is left to Excel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from . import criteria, dates, info, logical, lookup, math_trig, stats, text
from ._args import MISSING

__all__ = ["MISSING", "NATIVE_FUNCTIONS"]


def _collect(*modules) -> Mapping[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for mod in modules:
        for obj in vars(mod).values():
            for name in getattr(obj, "excel_names", ()):
                if name in found and found[name] is not obj:
                    raise RuntimeError(f"Excel function {name} is defined twice")
                found[name] = obj
    return MappingProxyType(dict(sorted(found.items())))


#: Excel name → function, for every Excel function the engine evaluates itself
NATIVE_FUNCTIONS: Mapping[str, Callable[..., Any]] = _collect(
    logical, info, math_trig, stats, criteria, lookup, text, dates
)
