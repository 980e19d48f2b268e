"""The StoreOps workbook: its contract (:mod:`.schema`) and the builder (:func:`build_workbook`)."""

from . import schema
from .build import build_workbook

__all__ = ["build_workbook", "schema"]
