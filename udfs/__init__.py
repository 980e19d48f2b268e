"""StoreOps XL functions for Excel (xlwings ``UDF Modules = udfs``).

``import udfs`` exposes every StoreOps function under its Excel name; each is a thin
wrapper (``@udf``, three lines): coerce what Excel sends, call the core function in
``storeops_xl``, shape the answer.  Its description and argument help come from the
function's spec next to the core function (``storeops_xl.FUNCTIONS``).  Importing the
wrapper modules registers the UDFs; this package exports exactly those (``__all__``), and
a test fails when a registered StoreOps function has no UDF.  The tests call them exactly
as Excel would.
"""

from . import followup, funnel, keywords, orders, products, targets  # noqa: F401  (importing registers the UDFs)
from ._excel import UDFS

globals().update(UDFS)
__all__ = sorted(UDFS)
