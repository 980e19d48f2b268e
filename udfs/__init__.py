"""StoreOps XL functions for Excel (xlwings ``UDF Modules = udfs``).

``import udfs`` exposes every function of the spec under its Excel name; each is a thin
wrapper: coerce what Excel sends, call the core function in ``storeops_xl``, shape the
answer.  The tests call these exactly as Excel would.
"""

from .funnel import BOUNCE, CONVERSION, COST_PER, CPC, CTR, INQUIRY_RATE

__all__ = ["BOUNCE", "CONVERSION", "COST_PER", "CPC", "CTR", "INQUIRY_RATE"]
