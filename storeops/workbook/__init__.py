"""The StoreOps workbook: its contract (:mod:`.schema`) and the builder (:func:`build_workbook`).

The builder (and XlsxWriter with it) is imported when first asked for: reading a workbook
— every recalculation — needs only the contract."""

from typing import TYPE_CHECKING, Any

from . import schema

if TYPE_CHECKING:
    from .build import build_workbook

__all__ = ["build_workbook", "schema"]


def __getattr__(name: str) -> Any:
    if name == "build_workbook":
        from .build import build_workbook

        return build_workbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
