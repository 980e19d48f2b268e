"""The catalogue of StoreOps functions: one entry per Excel name.

Each rule module declares its Excel functions with ``_spec.excel`` next to the core
function (name, description, parameters with bilingual help, ``cfg_*`` settings,
range/aggregate flags, return format, native twin); importing the modules fills
:data:`FUNCTIONS`.  The xlwings UDFs (``udfs``), the VBA wrapper, the headless engine,
the editions, the Guide sheet and ``docs/functions.md`` all read it (or are checked
against it), so one rule lives in one place.  See :mod:`storeops_xl._spec` for the fields.
"""

from __future__ import annotations

from . import (
    banned,
    followup,
    funnel_diag,
    goals,
    keywords,
    orders,
    products,
    ratios,
    scam,
    targets,
    title_keywords,
    titles,
)
from ._spec import REGISTERED, FunctionSpec, Returns

__all__ = ["FUNCTIONS", "FunctionSpec", "Returns"]

#: the rule modules whose ``@excel`` functions Excel sees (importing them registers them)
MODULES = (
    ratios,
    funnel_diag,
    followup,
    goals,
    orders,
    title_keywords,
    titles,
    banned,
    products,
    keywords,
    targets,
    scam,
)


def _place(spec: FunctionSpec) -> tuple[int, int]:
    """Catalogue order: by module as listed in ``MODULES``, then as written in the module."""
    names = [m.__name__ for m in MODULES]
    return names.index(spec.func.__module__), spec.func.__code__.co_firstlineno


FUNCTIONS: dict[str, FunctionSpec] = {}
for _spec in sorted(REGISTERED, key=_place):
    if _spec.name in FUNCTIONS:
        raise ValueError(f"two StoreOps functions named {_spec.name}")
    FUNCTIONS[_spec.name] = _spec
