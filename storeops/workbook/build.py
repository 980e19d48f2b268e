"""Build the StoreOps workbook from the schema (``storeops build``).

The whole file comes from code: :mod:`storeops.workbook.schema` for sheets, tables,
columns, formulas and named cells; :mod:`storeops_xl.settings` for thresholds; the VBA
texts of ``storeops.vba`` (when present) for the on-save hook and the ribbon.

Cached values
-------------
Every formula cell is written with an *empty* cached value and the workbook asks for a
full recalculation on load (XlsxWriter's ``fullCalcOnLoad``).  So the built file does not
depend on the day it was built (``cfg_today`` is ``TODAY()`` until a date is typed in
``cfg_as_of``), Excel computes everything when it opens the file, and
``storeops recalc`` fills real cached values for programs that cannot run the UDFs.

Reproducibility
---------------
Fixed document properties and creation date; XlsxWriter writes zip members in a fixed
order with fixed timestamps; no dictionary order depends on the run.  Building twice gives
the same bytes (a test checks it, and that ``workbook/StoreOps.xlsm`` equals a fresh build).
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MethodType
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

try:  # XlsxWriter's cell record; used for the fast formula path
    from xlsxwriter.worksheet import CellFormulaTuple
except ImportError:  # pragma: no cover - older XlsxWriter: fall back to write_formula
    CellFormulaTuple = None

from storeops.xlsx.calcid import CALC_ID
from storeops_xl import __version__
from storeops_xl.settings import SETTINGS

from . import schema
from .charts import add_charts
from .editions import EDITIONS, held_as_value
from .formulas import cell_formula, column_formula, row_template, shareable
from .guide import write_guide
from .styles import Styles

__all__ = ["build_workbook", "CF_LAST_ROW", "CALC_ID", "LISTS_SHEET", "FIXED_CREATED", "SETTINGS_LAYOUT"]

#: conditional formats and validations reach this far down (1-based row) so rows people
#: append below a table get them too
CF_LAST_ROW = 20000
LISTS_SHEET = "列表 Lists"
#: rows the ``salespeople`` name (the salesperson drop-down) covers below its header
SALESPEOPLE_ROWS = 100
FIXED_CREATED = datetime(2026, 1, 1, 0, 0, 0)
TABLE_STYLE = "Table Style Light 15"

#: Settings sheet: header row (0-based) of the cfg_* list, and its columns name/value/description
SETTINGS_LAYOUT = {"header_row": 2, "name_col": 0, "value_col": 1, "desc_col": 2}

_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": False,
    "nan_inf_to_errors": True,
}

# conditional formats: (table, column key) -> list of XlsxWriter rule dicts (format set later)
_CONDITIONAL: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("tblFollow", "overdue"): [{"type": "cell", "criteria": "==", "value": "TRUE", "style": "red"}],
    ("tblFollow", "buyer_class"): [{"type": "text", "criteria": "begins with", "value": "A", "style": "gold"}],
    ("tblFollow", "scam_risk"): [{"type": "text", "criteria": "begins with", "value": "高", "style": "red"}],
    ("tblTarget", "sales_pace_label"): [{"type": "text", "criteria": "containing", "value": "落后", "style": "red"}],
    ("tblFollow", "reply_status"): [{"type": "text", "criteria": "begins with", "value": "超时", "style": "red"}],
    ("tblFollow", "goal_status"): [{"type": "text", "criteria": "begins with", "value": "未达成", "style": "red"}],
    ("tblFollow", "class_move"): [{"type": "text", "criteria": "containing", "value": "升级", "style": "green"}],
    ("tblBuyerSummary", "late_unanswered"): [{"type": "cell", "criteria": ">", "value": 0, "style": "red"}],
    ("tblBuyerSummary", "close_label"): [{"type": "text", "criteria": "begins with", "value": "弱", "style": "red"}],
    ("tblPK", "close_label"): [{"type": "text", "criteria": "begins with", "value": "弱", "style": "red"}],
    # banned words red; a 提示 note (a term the regulator allows in its context) gold
    ("tblProducts", "banned"): [
        {"type": "text", "criteria": "begins with", "value": "提示", "style": "gold"},
        {"type": "cell", "criteria": "!=", "value": '""', "style": "red"},
    ],
    ("tblKeywords", "banned"): [
        {"type": "text", "criteria": "begins with", "value": "提示", "style": "gold"},
        {"type": "cell", "criteria": "!=", "value": '""', "style": "red"},
    ],
    ("tblProducts", "title_issues"): [],
    ("tblPK", "rank"): [{"type": "cell", "criteria": "between", "minimum": 1, "maximum": 3, "style": "green"}],
    ("tblTeams", "rank"): [{"type": "cell", "criteria": "==", "value": 1, "style": "green"}],
}


# --------------------------------------------------------------------------- values
def _is_blank(v: Any) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v == ""


def _write_value(ws, row: int, col: int, v: Any, fmt) -> None:
    """Write one input value with its type kept; text always stays text."""
    if _is_blank(v):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(v, bool):
        ws.write_boolean(row, col, v, fmt)
    elif isinstance(v, (int, float)) or hasattr(v, "dtype"):
        f = float(v)
        if math.isfinite(f):
            ws.write_number(row, col, f, fmt)
        else:
            ws.write_string(row, col, str(v), fmt)
    elif isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        ws.write_datetime(row, col, v, fmt)
    elif isinstance(v, date):
        ws.write_datetime(row, col, datetime(v.year, v.month, v.day), fmt)
    else:
        ws.write_string(row, col, str(v), fmt)


class _RowFormula:
    """XlsxWriter's formula cell record (``formula``, ``format``, ``value``; XlsxWriter tells
    records apart by their class name) whose text is made from its column's template when
    the sheet is written: the rows of a formula column hold no formula string each until
    then (~550 bytes a cell: 1.6 GB for the 3 million formulas of a 100,000-follow-up
    workbook)."""

    __slots__ = ("template", "row", "format", "value")

    def __init__(self, template: str, row: int, fmt) -> None:
        self.template, self.row, self.format, self.value = template, row, fmt, ""

    @property
    def formula(self) -> str:
        return self.template.format(r=self.row)


_RowFormula.__name__ = "Formula"


class _Shared(str):
    """A formula text with the ``<f …>`` element it is written in (:func:`_shared_element`)."""

    head: str


class _SharedFormula:
    """XlsxWriter's formula cell record for one cell of a shared formula: the first cell
    holds the text (``<f t="shared" ref=… si=…>text</f>``), every other cell only
    ``<f t="shared" si=…/>``.  Cell for cell, the same formula as :class:`_RowFormula`."""

    __slots__ = ("template", "row", "format", "value", "head")

    def __init__(self, template: str, row: int, fmt, head: str) -> None:
        self.template, self.row, self.format, self.value, self.head = template, row, fmt, "", head

    @property
    def formula(self) -> _Shared:
        out = _Shared(self.template.format(r=self.row) if self.head.endswith('">') else "")
        out.head = self.head
        return out


_SharedFormula.__name__ = "Formula"


def _shared_element(self, formula, result, attributes=()) -> None:
    """XlsxWriter's ``_xml_formula_element`` (``<c …><f>…</f><v>…</v></c>``), which also
    writes a :class:`_Shared` text in its own ``<f>`` element."""
    head = getattr(formula, "head", None)
    if head is None:
        type(self)._xml_formula_element(self, formula, result, list(attributes))
        return
    attr = "".join(f' {k}="{self._escape_attributes(v)}"' for k, v in attributes)
    body = f"{head}{self._escape_data(formula)}</f>" if formula else head
    self.fh.write(f"<c{attr}>{body}<v>{self._escape_data(result)}</v></c>")


def _forget_table_cells(ws, name: str, new: tuple[int, int, int, int]) -> None:
    """Let go of the per-cell record XlsxWriter keeps of a table's range (a dict entry per
    cell, 1.2 GB for the tables of a 100,000-follow-up workbook) once it has checked the
    table ``new`` (first row, first column, last row, last column) against merged ranges;
    the tables of a sheet are checked against each other here instead."""
    if not hasattr(ws, "table_cells"):
        return
    ranges = ws.__dict__.setdefault("_storeops_table_ranges", [])
    for r1, c1, r2, c2 in ranges:
        if new[0] <= r2 and r1 <= new[2] and new[1] <= c2 and c1 <= new[3]:
            raise ValueError(f"table {name} overlaps another table of its sheet")
    ranges.append(new)
    ws.table_cells.clear()


def _write_formulas(ws, template: str, first: int, stop: int, col: int, fmt) -> None:
    """Write ``template.format(r=row+1)`` into rows ``first..stop-1`` with an empty cached value.

    XlsxWriter's ``write_formula`` runs a dozen regular expressions per cell (future
    functions, dynamic arrays); our formulas need none of them (checked on the first row),
    so the cells are stored directly — 100,000 rows in well under a second.
    """
    sample = template.format(r=first + 1)
    fast = CellFormulaTuple is not None and ws._prepare_formula(sample) == sample and not sample.startswith("{")
    if not fast or ws._check_dimensions(stop - 1, col) or ws._check_dimensions(first, col):
        for r in range(first, stop):
            ws.write_formula(r, col, template.format(r=r + 1), fmt, "")
        return
    table = ws.table
    if stop - first < 2 or not shareable(template):
        for r in range(first, stop):
            table[r][col] = _RowFormula(template, r + 1, fmt)
        return
    # one shared formula for the column: the file holds its text once, not on every row
    si = ws.__dict__.get("_storeops_si", 0)
    ws._storeops_si = si + 1
    ws._xml_formula_element = MethodType(_shared_element, ws)
    letters = xl_col_to_name(col)
    table[first][col] = _SharedFormula(
        template, first + 1, fmt, f'<f t="shared" ref="{letters}{first + 1}:{letters}{stop}" si="{si}">'
    )
    child = f'<f t="shared" si="{si}"/>'
    for r in range(first + 1, stop):
        table[r][col] = _SharedFormula(template, r + 1, fmt, child)


def _rows_of(table: schema.Table, data: Mapping[str, pd.DataFrame] | None) -> tuple[int, dict[str, list]]:
    frame = (data or {}).get(table.name)
    if frame is None or len(frame) == 0:
        return 0, {}
    columns = {}
    for c in table.inputs:
        if c.key in frame.columns:
            columns[c.key] = frame[c.key].tolist()
    return len(frame), columns


# --------------------------------------------------------------------------- pieces
class _Builder:
    def __init__(
        self, wb: xlsxwriter.Workbook, data, settings, edition: str = "xlsm", as_of: date | None = None
    ) -> None:
        self.wb = wb
        self.edition = edition
        self.as_of = as_of or FIXED_CREATED.date()
        self.data = data or {}
        self.settings = settings or {}
        self.st = Styles(wb)
        self.sheets: dict[str, Any] = {}
        self.row_counts: dict[str, int] = {}
        self.cell_refs: dict[str, tuple[str, int, int]] = {}  # defined name -> (sheet, row, col)

    # ---- names
    def name(
        self, name: str, sheet: str, row: int, col: int, last_row: int | None = None, last_col: int | None = None
    ) -> None:
        _check_name(name)
        ref = xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)
        if last_row is not None:
            ref += ":" + xl_rowcol_to_cell(last_row, last_col, row_abs=True, col_abs=True)
        self.wb.define_name(name, f"={quote_sheetname(sheet)}!{ref}")
        self.cell_refs[name] = (sheet, row, col)

    # ---- tables
    def table(self, ws, table: schema.Table) -> None:
        st = self.st
        n, columns = _rows_of(table, self.data)
        rows = max(n, 1)
        self.row_counts[table.name] = rows
        top, left = table.anchor_row, table.anchor_col
        ws.write_string(top - 1, left, table.title, st.table_title)
        spec = []
        for c in table.columns:
            wrap = c.fmt == "text" and c.width >= 22
            spec.append(
                {"header": c.header, "header_format": st.header(c.kind), "format": st.cell(c.kind, c.fmt, wrap)}
            )
        ws.add_table(
            top,
            left,
            top + rows,
            left + len(table.columns) - 1,
            {
                "name": table.name,
                "style": TABLE_STYLE,
                "columns": spec,
                "autofilter": True,
            },
        )
        _forget_table_cells(ws, table.name, (top, left, top + rows, left + len(table.columns) - 1))
        # the calculated-column formula (structured, for rows Excel adds) goes into the
        # table part only; the cells get same-row A1 formulas below.  Setting it after
        # add_table keeps XlsxWriter from first writing 100,000 structured cell formulas.
        table_columns = ws.tables[-1]["columns"]
        for j, c in enumerate(table.columns):
            if self.live(c.formula):
                f = ws._prepare_table_formula(column_formula(table, c.key, self.edition))
                table_columns[j]["formula"] = _with_table_name(ws._prepare_formula(f, True), table.name)
        ws.set_row(top, 42)
        first = top + 1
        for j, c in enumerate(table.columns):
            col = left + j
            ws.set_column(col, col, c.width, None, {"hidden": True} if c.hidden else None)
            fmt = spec[j]["format"]
            if self.live(c.formula):
                _write_formulas(ws, row_template(table.name, c.key, self.edition), first, first + rows, col, fmt)
            elif c.formula:  # .xlsx edition, Python-only: values that `storeops recalc` computes
                for i in range(rows):
                    ws.write_blank(first + i, col, None, fmt)
            else:
                values = columns.get(c.key)
                for i in range(rows):
                    _write_value(ws, first + i, col, values[i] if values is not None else None, fmt)
            last = max(CF_LAST_ROW - 1, first + rows + 1000)
            if c.choices:
                source = c.choices if c.choices.startswith("=") else f"=list_{c.choices}"
                ws.data_validation(
                    first,
                    col,
                    last,
                    col,
                    {
                        "validate": "list",
                        "source": source,
                        "error_type": "warning",
                        "error_title": "StoreOps",
                        "error_message": "请从列表中选择 / Please choose a value from the list",
                    },
                )
            for rule in _CONDITIONAL.get((table.name, c.key), []):
                rule = dict(rule)
                rule["format"] = getattr(st, rule.pop("style"))
                ws.conditional_format(first, col, last, col, rule)

    def live(self, formula: str | None) -> bool:
        """True when this edition writes ``formula`` as a formula (not as a computed value)."""
        return formula is not None and not held_as_value(formula, self.edition)

    def cell(self, ws, row: int, col: int, cell: schema.Cell, fmt) -> None:
        """One named cell: its formula, its computed value (the as-of date; Python-only
        results of the .xlsx, filled by recalc) or its input value."""
        if cell.name == schema.AS_OF_CELL:
            as_of = self.settings.get("cfg_as_of") or self.as_of
            _write_value(ws, row, col, as_of, fmt)
        elif cell.name == schema.NOW_CELL:
            from storeops.engine.editions import as_of_instant

            _write_value(ws, row, col, as_of_instant(self.settings.get("cfg_as_of"), self.as_of, None), fmt)
        elif cell.formula is not None and self.live(cell.formula):
            ws.write_formula(row, col, cell_formula(cell.formula, self.edition), fmt, "")
        elif cell.formula:
            ws.write_blank(row, col, None, fmt)
        else:
            _write_value(ws, row, col, self.settings.get(cell.name, cell.value), fmt)

    # ---- summary cells laid out as a label row over a value row
    def summary_cells(self, ws, sheet_name: str, cells: Iterable[schema.Cell], label_row: int) -> None:
        st = self.st
        col = 0
        numeric = [c for c in cells if c.fmt != "text"]
        text = [c for c in cells if c.fmt == "text"]
        ws.set_row(label_row, 30)
        for cell in numeric + text:
            wrap = cell.fmt != "text"
            ws.write_string(label_row, col, cell.label, st.label if wrap else st.label_nowrap)
            kind = "formula" if cell.formula else "input"
            fmt = st.cell(kind, cell.fmt)
            self.cell(ws, label_row + 1, col, cell, fmt)
            self.name(cell.name, sheet_name, label_row + 1, col)
            col += 1 if wrap else 3

    # ---- settings sheet
    def settings_sheet(self, ws, sheet: schema.Sheet) -> None:
        st = self.st
        lay = SETTINGS_LAYOUT
        hr = lay["header_row"]
        ws.write_string(0, 0, sheet.name + " —— " + sheet.purpose, st.title)
        ws.write_string(
            1,
            0,
            "黄色格子可以修改, 灰色由公式计算; 公式通过名称 cfg_* 引用这些值 / "
            "yellow cells are yours to change, grey ones are computed; formulas use them by their cfg_* name",
            st.subtitle,
        )
        for j, h in enumerate(("名称 Name", "值 Value", "说明 Description")):
            ws.write_string(hr, j, h, st.header("input" if j == 1 else "formula"))
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 72)
        ws.set_column(3, 4, 14)  # the PK weights row uses columns B–E
        r = hr + 1
        for s in SETTINGS:
            value = self.settings.get(s.name, s.default)
            fmt = st.cell("input", s.fmt or _setting_fmt(s.name, value))
            ws.write_string(r, 0, s.name, st.plain)
            _write_value(ws, r, 1, value, fmt)
            ws.write_string(r, 2, s.description, st.plain)
            self.name(s.name, sheet.name, r, 1)
            choices = {"cfg_platform": "platform", "cfg_reply_rule": "reply_rule"}.get(s.name)
            if choices:
                ws.data_validation(r, 1, r, 1, {"validate": "list", "source": f"=list_{choices}"})
            r += 1
        for cell in sheet.cells:
            stamped = cell.name in (schema.AS_OF_CELL, schema.NOW_CELL)
            kind = "formula" if cell.formula or stamped else "input"
            fmt = st.cell(kind, cell.fmt)
            ws.write_string(r, 0, cell.name, st.plain)
            self.cell(ws, r, 1, cell, fmt)
            ws.write_string(r, 2, cell.label + (f" — {cell.help}" if cell.help else ""), st.plain)
            self.name(cell.name, sheet.name, r, 1)
            if cell.choices:
                ws.data_validation(r, 1, r, 1, {"validate": "list", "source": f"=list_{cell.choices}"})
            r += 1
        # PK weights: a horizontal named range in schema.PK_METRICS order
        r += 1
        ws.write_string(r, 0, "PK 权重 PK weights (cfg_pk_weights)", st.bold)
        for j, (key, label, weight) in enumerate(schema.PK_METRICS):
            ws.write_string(r, 1 + j, label, st.label)
            _write_value(ws, r + 1, 1 + j, self.settings.get(f"pk_weight_{key}", weight), st.cell("input", "number"))
        ws.write_string(r + 1, 0, "cfg_pk_weights", st.plain)
        self.name("cfg_pk_weights", sheet.name, r + 1, 1, r + 1, len(schema.PK_METRICS))
        ws.freeze_panes(hr + 1, 0)
        for tname in sheet.tables:
            self.table(ws, schema.TABLES[tname])
        # the salesperson drop-down: the name column of tblSalespeople, with room to grow
        sp = schema.SALESPEOPLE
        col = sp.anchor_col + sp.keys.index("salesperson")
        self.name("salespeople", sheet.name, sp.anchor_row + 1, col, sp.anchor_row + SALESPEOPLE_ROWS, col)
        # the buyer drop-down of the Orders sheet: the buyer IDs of Follow-up, with room to grow
        fo = schema.FOLLOW
        col = fo.anchor_col + fo.keys.index("buyer_id")
        last = fo.anchor_row + max(self.row_counts.get(fo.name, 1), CF_LAST_ROW)
        self.name("buyer_ids", fo.sheet, fo.anchor_row + 1, col, last, col)

    def lists_sheet(self) -> None:
        ws = self.wb.add_worksheet(LISTS_SHEET)
        for j, (name, values) in enumerate(sorted(schema.LISTS.items())):
            ws.write_string(0, j, name)
            for i, v in enumerate(values):
                ws.write_string(1 + i, j, v)
            self.name(f"list_{name}", LISTS_SHEET, 1, j, len(values), j)
        ws.hide()
        self.sheets[LISTS_SHEET] = ws


def _check_name(name: str) -> None:
    """A defined name must not be a function name: LibreOffice reads ``SHOP_HEALTH`` the
    name for ``SHOP_HEALTH()`` the function (``Err:509``) and saves it back broken."""
    from storeops.engine import NATIVE_FUNCTIONS
    from storeops_xl import FUNCTIONS

    if name.upper() in FUNCTIONS or name.upper() in NATIVE_FUNCTIONS:
        raise ValueError(f"defined name {name!r} is also a function name")


def _with_table_name(formula: str, table: str) -> str:
    """``[[#This Row],[x]]`` → ``tblX[[#This Row],[x]]``, the way Excel writes a
    calculated-column formula (a bare ``[[#This Row],…]`` is not read by every program)."""
    return re.sub(r"(?<![\w\]])\[\[#This Row\]", lambda m: table + m.group(0), formula)


def _setting_fmt(name: str, value: Any) -> str:
    if isinstance(value, str):
        return "text"
    if isinstance(value, (date, datetime)):
        return "date"
    if isinstance(value, float) and 0 < abs(value) < 1 and name not in ("cfg_pk_cap",):
        return "percent"
    return "number" if isinstance(value, float) else "int"


def _xlwings_conf() -> list[tuple[str, str]] | None:
    try:
        from storeops import vba
    except ImportError:
        return None
    conf = getattr(vba, "XLWINGS_CONF", None)
    if conf is None:
        return None
    return list(conf.items()) if isinstance(conf, Mapping) else [tuple(p) for p in conf]


def _vba_hooks():
    """``(project_bin_bytes, add_ribbon)`` from ``storeops.vba`` (H2's module), or ``None``.

    The build works without it (an ``.xlsm`` without macros); ``storeops.vba`` supplies
    ``vba_project_bin()`` (the assembled ``vbaProject.bin``) and ``add_ribbon(path)``.
    """
    try:
        from storeops import vba
    except ImportError:
        return None
    make_bin = getattr(vba, "vba_project_bin", None)
    add_ribbon = getattr(vba, "add_ribbon", None)
    if make_bin is None:
        return None
    return make_bin, add_ribbon


def sheet_codename(index: int) -> str:
    """VBA code name of the ``index``-th sheet (``Sheet1`` …), as the VBA project names it."""
    return f"Sheet{index + 1}"


def build_workbook(
    path: str | os.PathLike,
    *,
    data: Mapping[str, pd.DataFrame] | None = None,
    settings: Mapping[str, Any] | None = None,
    progress: bool = False,
    edition: str | None = None,
    calculate: bool = False,
    today: date | None = None,
) -> Path:
    """Write a StoreOps workbook to ``path`` and return the path.

    Parameters
    ----------
    path : path
        Target file, normally ``….xlsm``.  Written to a temporary file first, then renamed.
    data : dict of table name → DataFrame, optional
        Rows for the input columns of each table; the frame's columns are column *keys*
        (``tblFollow`` → ``buyer``, ``received_at`` …).  Unknown columns are ignored,
        missing ones stay blank, formula columns are always written by the builder.
        Text is stored as text even when it starts with ``=``, ``+``, ``-`` or ``@``.
    settings : dict, optional
        Values for Settings cells (``cfg_as_of``, ``cfg_class_a_usd`` …) and summary input
        cells (``target_markets``); ``pk_weight_<metric>`` sets one PK weight.
    edition : ``"xlsm"`` or ``"xlsx"``, optional
        Default: from the file name.  ``xlsm`` is for Excel + xlwings (StoreOps functions
        as UDFs, VBA, ribbon); ``xlsx`` for WPS, LibreOffice and Excel without the add-in
        (native twins, Python-only results as values; see :mod:`storeops.workbook.editions`).
    calculate : bool
        Compute every cached value with the headless engine before returning (what
        ``storeops build`` and ``storeops demo`` do).  Without it formulas carry no cached
        value and the file asks Excel to compute everything on open (``fullCalcOnLoad``).
    today : date, optional
        The as-of date stamped into ``cfg_today`` (when ``cfg_as_of`` is blank) and used
        for the calculation; default the fixed creation date, 2026-01-01, so a build is
        byte-reproducible — the first ``storeops recalc`` or save stamps the real day.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = build_workbook(pathlib.Path(tempfile.mkdtemp()) / "StoreOps.xlsm")
    >>> "tblFollow" in openpyxl.load_workbook(p)["跟进 Follow-up"].tables
    True
    """
    path = Path(path)
    edition = edition or ("xlsx" if path.suffix.lower() == ".xlsx" else "xlsm")
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}: {edition!r}")
    as_of = today or FIXED_CREATED.date()
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:  # buyer IDs filled, Target/Buyers/PK/Teams rows from the roster (issue 10)
        from storeops.maintain import maintain_frames

        data = maintain_frames(data)
    fd, tmp = tempfile.mkstemp(prefix=".storeops-build-", suffix=path.suffix or ".xlsm", dir=path.parent)
    os.close(fd)
    hooks = _vba_hooks() if edition == "xlsm" else None
    try:
        wb = xlsxwriter.Workbook(tmp, _OPTIONS)
        wb.set_properties(
            {
                "title": "StoreOps XL",
                "subject": "阿里国际站/1688 店铺运营 Alibaba.com / 1688 store operations",
                "author": "StoreOps XL",
                "company": "StoreOps XL",
                "comments": f"Built by storeops {__version__} (`storeops build`); do not edit the VBA by hand.",
                "created": FIXED_CREATED,
            }
        )
        wb.set_custom_property("StoreOpsSchemaVersion", schema.SCHEMA_VERSION)  # storeops.xlsx.schema_version
        wb.set_calc_mode("auto")
        wb.calc_id = CALC_ID
        b = _Builder(wb, data, settings, edition, as_of)
        if hooks is not None:
            wb.set_vba_name("ThisWorkbook")
        _write_sheets(b, hooks is not None, progress)
        if hooks is not None:
            codenames = [sheet_codename(i) for i in range(len(b.sheets))]
            wb.add_vba_project(io.BytesIO(hooks[0](sheet_codenames=codenames)), is_stream=True)
        wb.close()
        del wb, b  # every cell of the workbook: let it go before the calculation reads the file
        if hooks is not None and hooks[1] is not None:
            hooks[1](tmp)
        if calculate:
            import gc

            from storeops.engine import recalc

            gc.collect()  # XlsxWriter's objects refer to each other
            recalc(tmp, today=as_of, progress=False, keep_state=False)  # no engine key in the template
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _write_sheets(b: _Builder, vba: bool, progress: bool) -> None:
    from tqdm import tqdm

    wb, st = b.wb, b.st
    sheets = list(schema.SHEETS)
    bar = tqdm(total=len(sheets), desc="生成工作簿 building", unit="sheet", disable=not progress, leave=False)
    worksheets = {}
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        worksheets[sheet.name] = ws
        b.sheets[sheet.name] = ws
    conf = _xlwings_conf() if b.edition == "xlsm" else None
    if conf is not None:
        ws = wb.add_worksheet(schema.S_CONF)
        for i, (k, v) in enumerate(conf):
            ws.write_string(i, 0, str(k))
            ws.write_string(i, 1, str(v))
        ws.set_column(0, 1, 24)
        ws.hide()
        b.sheets[schema.S_CONF] = ws
    b.lists_sheet()
    if vba:
        for i, ws in enumerate(b.sheets.values()):
            ws.set_vba_name(sheet_codename(i))

    for sheet in sheets:
        ws = worksheets[sheet.name]
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.set_paper(9)
        width = max((schema.TABLES[t].anchor_col + len(schema.TABLES[t].columns) for t in sheet.tables), default=3)
        if width <= 20:
            ws.fit_to_pages(1, 0)  # one page wide, as many pages down as needed
        else:
            ws.set_print_scale(60)  # wide sheets: readable print, pages tile to the right
        if sheet.key == "guide":
            write_guide(ws, st)
            ws.activate()
        elif sheet.key == "settings":
            b.settings_sheet(ws, sheet)
        else:
            ws.write_string(0, 0, sheet.name + " —— " + sheet.purpose, st.title)
            ws.write_string(
                1,
                0,
                "黄色=输入 yellow = input · 灰色=公式 grey = formula · 表格下方直接追加新行 add rows right below a table",
                st.subtitle,
            )
            tables = [schema.TABLES[t] for t in sheet.tables]
            if sheet.cells:
                b.summary_cells(ws, sheet.name, sheet.cells, 2)
            for t in tables:
                b.table(ws, t)
            if tables:
                ws.freeze_panes(min(t.anchor_row for t in tables) + 1, 0)
        bar.update(1)
    bar.close()
    add_charts(b)
