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

from ._formula import FormulaError, Node, parse, shift_formula
from ._native import NATIVE_FUNCTIONS
from .recalc import RecalcReport, evaluate_package, recalc

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


def export_portable(src, out, **kw):
    """See :func:`storeops.engine.portable.export_portable`."""
    from .portable import export_portable as _ep

    return _ep(src, out, **kw)
