"""Importers: Data Manager exports (:mod:`.datamanager`, pure parsing) and the workbook
upsert (:mod:`.upsert`)."""

from .datamanager import Export, read_export

__all__ = ["Export", "read_export"]
