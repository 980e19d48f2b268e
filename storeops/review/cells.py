"""How a review value reads: percentages, dates, money, blanks — one rule for the sheet, the
terminal text, the PDF and the phone picture (an empty value is a blank, never ``None``/``nan``).

>>> show(0.875, "及时回复率 Timely rate"), show(None, "x"), show(float("nan"), "x"), show(1234.5, "美元 USD")
('88%', '', '', '1,234')
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import pandas as pd

__all__ = ["PERCENT", "blank", "show", "table_text"]

#: review columns holding a share (shown as %)
PERCENT = {
    "及时回复率 Timely rate",
    "4小时达标率 Within target rate",
    "销售进度 Sales pace",
    "目标达成率 Goal met rate",
    "成交率 Close rate",
    "平台及时回复率 Platform timely rate",
    "平台5分钟回复率 Platform 5-min rate",
}


def blank(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def show(v: Any, col: str) -> str:
    """``v`` of column ``col`` as text."""
    if blank(v):
        return ""
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if col in PERCENT and isinstance(v, (int, float)):
        return f"{float(v):.0%}"
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"
    return str(v)


def table_text(df: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A plain-text table for the terminal (blanks stay blank)."""
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    if df.empty or not cols:
        return "  (无 none)"
    cells = [[show(r[c], c) for c in cols] for _, r in df.iterrows()]
    widths = [max(_width(c), *(_width(row[j]) for row in cells)) for j, c in enumerate(cols)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(cols, widths))]
    lines += ["  ".join(_pad(x, w) for x, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
