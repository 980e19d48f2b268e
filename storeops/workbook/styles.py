"""Cell styles of the StoreOps workbook: inputs light yellow, formulas light grey.

A person sees at a glance what to type (yellow, dark-blue header) and what the workbook
computes (grey, dark-green header).  Number formats follow ``Col.fmt`` of the schema.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

#: Excel number format per schema ``fmt``
NUMBER_FORMATS: dict[str, str] = {
    "text": "General",
    "int": "#,##0",
    "number": "#,##0.00",
    "money": '"$"#,##0.00',
    "cny": '"¥"#,##0',
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "hours": "0.0",
    # TRUE/FALSE are cached as 1/0 (LibreOffice re-evaluates boolean results); show them as words
    "bool": '"是 TRUE";"是 TRUE";"否 FALSE"',
    "score": "0.0",
}

INPUT_FILL = "#FFF9DB"
FORMULA_FILL = "#EDEDED"
INPUT_HEADER = "#1F4E79"
FORMULA_HEADER = "#375623"
TITLE_COLOUR = "#1F4E79"
FONT = "Microsoft YaHei"  # Windows' CJK UI font; LibreOffice falls back to any CJK font

RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
GOLD = {"bg_color": "#FFE699", "font_color": "#7F6000", "bold": True}
GREEN = {"bg_color": "#C6EFCE", "font_color": "#006100", "bold": True}


class Styles:
    """Formats created once per workbook (XlsxWriter needs the workbook to own them)."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self._cache: dict[tuple, Format] = {}
        base = {"font_name": FONT, "font_size": 10}
        self.base = base
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "font_color": TITLE_COLOUR})
        self.subtitle = wb.add_format({**base, "italic": True, "font_color": "#595959"})
        self.table_title = wb.add_format({**base, "bold": True, "font_size": 11, "font_color": TITLE_COLOUR})
        self.label = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "valign": "bottom", "font_color": "#404040"}
        )
        self.label_nowrap = wb.add_format({**base, "bold": True, "font_color": "#404040"})
        self.text = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.plain = wb.add_format(base)
        self.bold = wb.add_format({**base, "bold": True})
        self.guide_head = wb.add_format(
            {**base, "bold": True, "font_size": 12, "font_color": "#FFFFFF", "bg_color": TITLE_COLOUR}
        )
        self.code = wb.add_format({**base, "font_name": "Consolas", "text_wrap": True, "valign": "top"})
        self.red = wb.add_format(RED)
        self.gold = wb.add_format(GOLD)
        self.green = wb.add_format(GREEN)

    def header(self, kind: str) -> Format:
        key = ("header", kind)
        if key not in self._cache:
            colour = INPUT_HEADER if kind == "input" else FORMULA_HEADER
            self._cache[key] = self._wb.add_format(
                {
                    **self.base,
                    "bold": True,
                    "font_color": "#FFFFFF",
                    "bg_color": colour,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "align": "center",
                    "border": 1,
                    "border_color": "#BFBFBF",
                }
            )
        return self._cache[key]

    def cell(self, kind: str, fmt: str, wrap: bool = False) -> Format:
        """Style of a data cell: ``kind`` input/formula, ``fmt`` a schema number format."""
        key = ("cell", kind, fmt, wrap)
        if key not in self._cache:
            num = NUMBER_FORMATS[fmt]
            if kind == "input" and fmt == "text":
                num = "@"  # what people type stays text (product IDs, buyer names)
            props = {
                **self.base,
                "num_format": num,
                "bg_color": INPUT_FILL if kind == "input" else FORMULA_FILL,
                "border": 1,
                "border_color": "#D9D9D9",
            }
            if fmt == "bool":
                props["align"] = "center"
            if wrap:
                props["text_wrap"] = True
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]
