"""CSV files StoreOps writes for people to open in Excel (``check --csv``,
``merge --conflicts``): one writer, so no cell of outside text becomes a formula there.

The OWASP CSV-injection rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading ``'`` so Excel, WPS and LibreOffice show it as
text instead of running it (``=cmd|' /C calc'!A0``, ``@SUM(…)``).  A text that is just a
number (``-5``, ``+3.5``) is left alone: it cannot run anything.  Files are UTF-8 with a
byte-order mark (Excel then reads Chinese correctly) and written atomically.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_TRIGGERS", "neutralise", "write_csv"]

#: first characters that make a spreadsheet read a cell as a formula (OWASP)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(value: Any) -> Any:
    """The value to write in a CSV cell: text that a spreadsheet would run as a formula
    gets a leading ``'``; anything else is returned as it is.

    Examples
    --------
    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("@SUM(A1:A9)"), neutralise("-2+3")
    ("'=cmd|' /C calc'!A0", "'@SUM(A1:A9)", "'-2+3")
    >>> neutralise("-5"), neutralise("Bob"), neutralise(-5.0)
    ('-5', 'Bob', -5.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write ``frame`` (header row, no index) to ``path`` as a safe UTF-8 CSV, atomically."""
    from storeops.xlsx import atomic_write

    safe = frame.map(neutralise) if len(frame) else frame
    safe.columns = [neutralise(str(c)) for c in frame.columns]
    data = safe.to_csv(index=False).encode("utf-8-sig")
    atomic_write(path, lambda fh: fh.write(data))
