"""StoreOps XL adapters around the pure core: CLI, workbook builder, headless engine,
importers and the Excel/VBA packaging.  Nothing here holds a business rule: rules live
in ``storeops_xl``."""

__version__ = "0.1.0"
