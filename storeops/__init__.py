"""StoreOps XL adapters around the pure core: CLI, workbook builder, headless engine,
importers and the Excel/VBA packaging.  Nothing here holds a business rule: rules live
in ``storeops_xl``."""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    """``storeops.__version__`` is the core's (the one place the version lives; pyproject reads it
    too), read lazily: importing ``storeops`` must not load pandas (a recalc with nothing changed
    answers without it)."""
    if name == "__version__":
        from storeops_xl import __version__

        return __version__
    raise AttributeError(f"module 'storeops' has no attribute {name!r}")
