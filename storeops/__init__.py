"""StoreOps XL adapters around the pure core: CLI, workbook builder, headless engine,
importers and the Excel/VBA packaging.  Nothing here holds a business rule: rules live
in ``storeops_xl``."""

from storeops_xl import __version__  # the one place the version lives (pyproject reads it too)

__all__ = ["__version__"]
