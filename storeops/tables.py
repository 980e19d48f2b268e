"""Convert between the two shapes of a StoreOps table in Python.

* a **header frame**: columns named by the bilingual header text, as ``storeops.xlsx.read_tables``
  returns them and ``write_tables`` expects them (the header text is the Excel Table column name);
* a **key frame**: columns named by the schema's ``key`` (``buyer``, ``salesperson`` …), which is
  what code works with.

Also small helpers every data command shares: dropping blank rows, the 1-based Excel row number
of each data row, and cleaning values for comparison.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"词 Word": ["replica"], "类别 Group": [None], "备注 Note": [None]})
>>> to_keys("tblBannedWords", f).columns.tolist()
['word', 'group', 'note']
>>> to_headers("tblBannedWords", to_keys("tblBannedWords", f)).columns.tolist()
['词 Word', '类别 Group', '备注 Note']
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .workbook.schema import TABLES, Table

__all__ = [
    "blank_rows",
    "clean_value",
    "drop_blank_rows",
    "empty_frame",
    "excel_rows",
    "is_blank",
    "records",
    "table",
    "to_headers",
    "to_keys",
]


def table(name: str) -> Table:
    """The schema :class:`Table` called ``name``."""
    return TABLES[name]


def _norm_header(h: Any) -> str:
    return " ".join(str(h).split())


def to_keys(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rename a header frame's columns to schema keys (unknown columns are kept as they are).

    Headers are matched exactly, then with whitespace collapsed, then by key (a frame that
    already has key columns passes through).  Columns of the schema missing from the frame
    are added as blank, so code can always address every key.
    """
    t = table(name)
    by_header = {_norm_header(c.header): c.key for c in t.columns}
    keys = set(t.keys)
    rename: dict[Any, str] = {}
    for col in frame.columns:
        k = by_header.get(_norm_header(col))
        if k is None and col in keys:
            k = col
        if k is not None:
            rename[col] = k
    out = frame.rename(columns=rename)
    for k in t.keys:
        if k not in out.columns:
            out[k] = None
    for c in t.columns:
        if c.fmt == "bool":  # TRUE/FALSE are cached as 1/0 (see storeops.engine.recalc)
            out[c.key] = [_flag(v) for v in out[c.key].tolist()]
    return out


def _flag(v: Any) -> Any:
    """A cached TRUE/FALSE read back: 1/0 (as cached) or a real bool → bool; blanks and texts stay."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1):
        return bool(v)
    return v


def to_headers(name: str, frame: pd.DataFrame, *, inputs_only: bool = False) -> pd.DataFrame:
    """Key frame → header frame in schema order (``inputs_only`` keeps the input columns)."""
    t = table(name)
    cols = t.inputs if inputs_only else t.columns
    data = {
        c.header: (frame[c.key] if c.key in frame.columns else pd.Series([None] * len(frame), index=frame.index))
        for c in cols
    }
    return pd.DataFrame(data, index=frame.index)


def empty_frame(name: str, *, inputs_only: bool = False) -> pd.DataFrame:
    """A key frame with no rows (object columns)."""
    t = table(name)
    cols = t.inputs if inputs_only else t.columns
    return pd.DataFrame({c.key: pd.Series([], dtype=object) for c in cols})


def is_blank(v: Any) -> bool:
    """``None``, NaN, NaT and whitespace-only text are blank."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, float):
        return math.isnan(v)
    if v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def blank_rows(frame: pd.DataFrame, keys: Iterable[str]) -> np.ndarray:
    """Boolean mask: rows whose ``keys`` columns are all blank."""
    keys = [k for k in keys if k in frame.columns]
    if not keys or frame.empty:
        return np.ones(len(frame), dtype=bool)
    mask = np.ones(len(frame), dtype=bool)
    for k in keys:
        mask &= np.fromiter((is_blank(v) for v in frame[k].tolist()), dtype=bool, count=len(frame))
    return mask


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts by column key (``to_dict("records")``, keys as text).

    >>> records(pd.DataFrame({"buyer": ["Bob"], "paid_orders": [2]}))
    [{'buyer': 'Bob', 'paid_orders': 2}]
    """
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def drop_blank_rows(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A key frame without the rows whose input columns are all blank (Excel keeps one
    empty row in an empty table)."""
    mask = blank_rows(frame, [c.key for c in table(name).inputs])
    return frame.loc[~mask]


def excel_rows(name: str, n: int) -> list[int]:
    """1-based Excel row numbers of the first ``n`` data rows of table ``name``.

    The header sits on 0-based sheet row ``anchor_row``, so data row ``i`` (0-based) is Excel
    row ``anchor_row + 2 + i``.

    >>> excel_rows("tblFollow", 2)
    [5, 6]
    """
    first = table(name).anchor_row + 2
    return list(range(first, first + n))


def clean_value(v: Any) -> Any:
    """A value made comparable: blanks → ``None``, whole floats → int, numpy scalars → Python,
    text stripped of surrounding spaces, datetimes at midnight → date.

    >>> clean_value(4378.0), clean_value("  x "), clean_value(float("nan"))
    (4378, 'x', None)
    """
    if is_blank(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return int(v)
        return round(v, 9)
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, _dt.datetime) and v.time() == _dt.time(0):
        return v.date()
    return v
