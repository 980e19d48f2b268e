"""How StoreOps reads a cell: the input rules every StoreOps function uses, for the adapters.

The importers, the merge, ``check``, the review and the headless engine read values with
the same rules as the functions (SPEC §5), so a value the workbook accepts is accepted
everywhere and a date means the same day everywhere.  This is the public face of the
private ``_coerce`` module; ``storeops/*`` imports from here, never from ``storeops_xl._*``
(an architecture test checks it).

* :data:`EXCEL_EPOCH` — day zero of Excel's 1900 date system (serial 1 = 1900-01-01);
* :data:`EXCEL_ERRORS` — the error values a cell can hold (``#N/A`` …); :func:`is_error`;
* :func:`to_number`, :func:`to_date`, :func:`to_text` — a flat column in, a
  :class:`Column` out (clean ``values`` plus a ``#…`` error text or ``None`` per row);
* :func:`serial_to_datetime64`, :func:`date_to_serial` — serial days ↔ dates.

Examples
--------
>>> import numpy as np
>>> to_number(np.array(["1,234", "12.5%", None, "abc"], dtype=object), "clicks").values.tolist()
[1234.0, 0.125, nan, nan]
>>> to_date(np.array(["2026-11-03"], dtype=object), "day").values.tolist()
[46329.0]
>>> date_to_serial(EXCEL_EPOCH.date()), date_to_serial(__import__("datetime").datetime(2026, 11, 3, 12))
(0.0, 46329.5)
>>> is_error("#N/A"), is_error("#1 Seller")
(True, False)
"""

from __future__ import annotations

import datetime as _dt

from ._coerce import (
    EXCEL_EPOCH,
    EXCEL_ERRORS,
    Column,
    is_error,
    serial_to_datetime64,
    to_date,
    to_number,
    to_text,
)

__all__ = [
    "EXCEL_EPOCH",
    "EXCEL_ERRORS",
    "Column",
    "date_to_serial",
    "is_error",
    "serial_to_datetime64",
    "to_date",
    "to_number",
    "to_text",
]


def date_to_serial(when: _dt.date | _dt.datetime) -> float:
    """Excel serial days of a date (whole days) or a naive date-time (with the time as a fraction)."""
    if isinstance(when, _dt.datetime):
        return (when.replace(tzinfo=None) - EXCEL_EPOCH) / _dt.timedelta(days=1)
    return float((when - EXCEL_EPOCH.date()).days)
