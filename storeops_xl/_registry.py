"""The catalogue of StoreOps functions: one entry per Excel name.

The xlwings UDFs (``udfs``), the headless recalculation engine and the CLI all look a
function up here, so one rule lives in one place.  ``ranges`` names the parameters that
take a whole range per call (for example the 12 month weights of ``TARGET_SPLIT``)
instead of one value per row; ``aggregate`` marks functions that turn whole ranges into
one value (``TIMELY_RATE``).  ``returns`` tells the workbook which number format to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from . import ratios

Returns = Literal["number", "percent", "money", "hours", "date", "bool", "text", "int"]


@dataclass(frozen=True)
class FunctionSpec:
    """One StoreOps function as Excel sees it."""

    name: str
    func: Callable[..., Any]
    returns: Returns = "number"
    ranges: tuple[str, ...] = field(default=())
    aggregate: bool = False


FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in [
        FunctionSpec("CTR", ratios.ctr, "percent"),
        FunctionSpec("BOUNCE", ratios.bounce, "percent"),
        FunctionSpec("INQUIRY_RATE", ratios.inquiry_rate, "percent"),
        FunctionSpec("CONVERSION", ratios.conversion, "percent"),
        FunctionSpec("CPC", ratios.cpc, "money"),
        FunctionSpec("COST_PER", ratios.cost_per, "money"),
    ]
}
