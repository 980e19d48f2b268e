"""StoreOps XL core: the operating method of an Alibaba.com / 1688 store as plain functions.

Pure pandas/numpy; never imports xlwings (a test checks it).  Every function takes
scalars or columns and returns the same shape; see ``_coerce`` for the input rules.
"""

from ._registry import FUNCTIONS, FunctionSpec
from .ratios import bounce, conversion, cost_per, cpc, ctr, inquiry_rate

__all__ = [
    "FUNCTIONS",
    "FunctionSpec",
    "bounce",
    "conversion",
    "cost_per",
    "cpc",
    "ctr",
    "inquiry_rate",
]
__version__ = "0.1.0"
