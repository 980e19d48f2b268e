"""Importers: read exported files (:mod:`.kinds` tells the kind by its header row: Data Manager
products/keywords/staff/P4P, back-office inquiries and customers, 1688 生意参谋) and upsert them
into the workbook's tables (:mod:`.into_workbook`)."""

from .datamanager import read_export
from .kinds import ALL_SPECS, read_any
from .spec import Export

__all__ = ["ALL_SPECS", "Export", "read_any", "read_export"]
