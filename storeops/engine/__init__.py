"""StoreOps headless engine: parse and evaluate the workbook's formulas without Excel.

Public API
----------
``recalc(path, *, today=None, progress=True) -> RecalcReport``
    Recalculate a workbook in place (atomic; refuses locked/hostile files).
``evaluate_package(pkg, *, today=None) -> (replaced_members, RecalcReport)``
    The same on an open :class:`storeops.xlsx.Package`, without writing.
``NATIVE_FUNCTIONS``
    The Excel functions the engine evaluates itself, name → function (the workbook
    builder uses only these plus the StoreOps functions of ``storeops_xl.FUNCTIONS``).
``parse(text) -> Node``, ``shift_formula(text, drow, dcol=0) -> str``
    The formula parser and Excel's copy-down rule.
``export_portable(src, out) -> PortableReport``
    A copy for WPS/LibreOffice: StoreOps functions replaced by native formulas or values, no VBA.
"""

import importlib

from .recalc import RecalcReport, evaluate_package, recalc

# The other attributes load their module on first use (PEP 562): ``storeops recalc``
# (whose module imports nothing heavy) answers "nothing changed" before numpy, pandas or
# numba are imported.
_WHERE = {
    "FormulaError": "._formula",
    "Node": "._formula",
    "parse": "._formula",
    "shift_formula": "._formula",
    "NATIVE_FUNCTIONS": "._native",
}

__all__ = [
    "NATIVE_FUNCTIONS",
    "FormulaError",
    "Node",
    "RecalcReport",
    "evaluate_package",
    "parse",
    "recalc",
    "shift_formula",
    "export_portable",
]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def export_portable(src, out, **kw):
    """See :func:`storeops.engine.portable.export_portable`."""
    from .portable import export_portable as _ep

    return _ep(src, out, **kw)
