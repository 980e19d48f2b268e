"""The built workbook has every sheet, table, named cell, validation, format and chart of the schema."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

import storeops_xl
from storeops.workbook import schema
from storeops.workbook.build import LISTS_SHEET
from storeops.workbook.editions import edition_template
from storeops.workbook.formulas import functions_in
from storeops_xl.settings import DEFAULTS


@pytest.fixture(scope="module")
def wb(template_path):
    return openpyxl.load_workbook(template_path, keep_vba=True)


@pytest.fixture(scope="module")
def data_wb(data_path):
    return openpyxl.load_workbook(data_path)


def _table(wb, name):
    t = schema.TABLES[name]
    return wb[t.sheet].tables[name]


def test_sheets_in_schema_order(wb):
    names = wb.sheetnames
    assert names[: len(schema.SHEETS)] == [s.name for s in schema.SHEETS]
    assert LISTS_SHEET in names
    assert wb[LISTS_SHEET].sheet_state == "hidden"


@pytest.mark.parametrize("name", sorted(schema.TABLES), ids=str)
def test_table_headers_and_place(wb, name):
    t = schema.TABLES[name]
    xl = _table(wb, name)
    min_col, min_row, max_col, max_row = range_boundaries(xl.ref)
    assert (min_row - 1, min_col - 1) == (t.anchor_row, t.anchor_col)
    assert max_col - min_col + 1 == len(t.columns)
    assert max_row - min_row >= 1, "an empty table still has one data row"
    assert [c.name for c in xl.tableColumns] == [c.header for c in t.columns]
    ws = wb[t.sheet]
    assert [ws.cell(min_row, min_col + j).value for j in range(len(t.columns))] == [c.header for c in t.columns]
    for j, c in enumerate(t.columns):
        calc = xl.tableColumns[j].calculatedColumnFormula
        assert (calc is not None) == (c.kind == "formula"), c.key


def test_every_named_cell(wb):
    names = set(wb.defined_names)
    expected = set(DEFAULTS) | {c.name for s in schema.SHEETS for c in s.cells} | {"cfg_pk_weights", "salespeople"}
    expected |= {f"list_{k}" for k in schema.LISTS}
    assert expected <= names, expected - names
    ref = wb.defined_names["cfg_pk_weights"].attr_text
    ((sheet, rng),) = wb.defined_names["cfg_pk_weights"].destinations
    c1, r1, c2, r2 = range_boundaries(rng.replace("$", ""))
    assert r1 == r2 and c2 - c1 + 1 == len(schema.PK_METRICS), ref
    ws = wb[sheet]
    assert [ws.cell(r1, c).value for c in range(c1, c2 + 1)] == [w for _, _, w in schema.PK_METRICS]


def test_setting_defaults_written(wb):
    for name, default in DEFAULTS.items():
        ((sheet, ref),) = wb.defined_names[name].destinations
        assert wb[sheet][ref.replace("$", "")].value == default, name


def test_validations_cover_choice_columns(wb):
    for t in schema.TABLES.values():
        ws = wb[t.sheet]
        dvs = ws.data_validations.dataValidation
        for j, c in enumerate(t.columns):
            if not c.choices:
                continue
            letter = get_column_letter(t.anchor_col + j + 1)
            cell = f"{letter}{t.anchor_row + 2}"
            far = f"{letter}{t.anchor_row + 5000}"
            source = c.choices if c.choices.startswith("=") else f"=list_{c.choices}"
            hits = [dv for dv in dvs if cell in dv.sqref and far in dv.sqref]
            assert hits and hits[0].type == "list" and "=" + hits[0].formula1 == source, (t.name, c.key)


@pytest.mark.parametrize(
    "table,key",
    [
        ("tblFollow", "overdue"),
        ("tblFollow", "buyer_class"),
        ("tblFollow", "scam_risk"),
        ("tblTarget", "sales_pace_label"),
        ("tblProducts", "banned"),
        ("tblPK", "rank"),
    ],
)
def test_conditional_formats(wb, table, key):
    t = schema.TABLES[table]
    ws = wb[t.sheet]
    letter = get_column_letter(t.anchor_col + t.keys.index(key) + 1)
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert any(
        r.startswith(f"{letter}{t.anchor_row + 2}:{letter}") and int(r.split(":")[1][len(letter) :]) >= 20000
        for r in ranges
    ), ranges


def test_charts_present(template_path):
    with zipfile.ZipFile(template_path) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        text = "".join(z.read(n).decode() for n in charts)
    assert len(charts) == 3
    assert "漏斗" in text and "目标进度" in text and "PK" in text


def test_frozen_headers_and_styles(wb):
    for sheet in schema.SHEETS:
        if sheet.tables and sheet.key != "settings":
            top = min(schema.TABLES[t].anchor_row for t in sheet.tables)
            assert wb[sheet.name].freeze_panes == f"A{top + 2}", sheet.name
    t = schema.FOLLOW
    ws = wb[t.sheet]
    row = t.anchor_row + 2
    fill = {c.kind: ws.cell(row, t.anchor_col + j + 1).fill.fgColor.rgb for j, c in enumerate(t.columns)}
    assert fill["input"] != fill["formula"]
    assert ws.cell(row, t.anchor_col + t.keys.index("received_at") + 1).number_format == "yyyy-mm-dd hh:mm"
    assert (
        ws.cell(row, t.anchor_col + t.keys.index("timely") + 1).number_format == '"是 TRUE";"是 TRUE";"否 FALSE"'
    )  # TRUE/FALSE cached as 1/0
    f = schema.FUNNEL
    assert wb[f.sheet].cell(f.anchor_row + 2, f.anchor_col + f.keys.index("ctr") + 1).number_format == "0.00%"


def test_formulas_use_known_functions_only(wb):
    from storeops.engine import NATIVE_FUNCTIONS

    known = set(NATIVE_FUNCTIONS) | set(storeops_xl.FUNCTIONS)
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type == "f":
                    seen |= functions_in(cell.value)
        for t in ws.tables.values():
            for c in t.tableColumns:
                if c.calculatedColumnFormula is not None:
                    seen |= functions_in(c.calculatedColumnFormula.attr_text)
    assert seen, "the workbook has formulas"
    assert seen <= known, seen - known


def test_formula_arity_matches_core_signatures():
    """Every StoreOps call passes no more arguments than the Python function takes."""
    import inspect

    call = re.compile(r"\b([A-Z_]+)\(")
    templates = [c.formula for t in schema.TABLES.values() for c in t.formulas]
    templates += [c.formula for s in schema.SHEETS for c in s.cells if c.formula]
    for tpl in templates:
        for m in call.finditer(tpl):
            name = m.group(1)
            if name not in storeops_xl.FUNCTIONS:
                continue
            depth, args, i = 1, 1, m.end()
            while depth:
                ch = tpl[i]
                if ch == '"':
                    i = tpl.index('"', i + 1)
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                elif ch == "," and depth == 1:
                    args += 1
                i += 1
            params = inspect.signature(storeops_xl.FUNCTIONS[name].func).parameters
            required = sum(p.default is inspect.Parameter.empty for p in params.values())
            assert required <= args <= len(params), (name, tpl)


def test_row_formulas_point_at_their_columns(data_wb, small_demo_frames):
    """Each data row's formula is the template with {key} → that row's cell of column key."""
    for t in schema.TABLES.values():
        ws = data_wb[t.sheet]
        header_row = t.anchor_row + 1
        letter_of = {}
        for j in range(len(t.columns)):
            col = t.anchor_col + j + 1
            letter_of[t.key_by_header()[ws.cell(header_row, col).value]] = get_column_letter(col)
        n = max(len(small_demo_frames.get(t.name, [])), 1)
        for c in t.formulas:
            for row in {header_row + 1, header_row + n}:
                got = ws[f"{letter_of[c.key]}{row}"].value
                want = re.sub(
                    r"\{(\w+)\}",
                    lambda m, row=row: f"{letter_of[m.group(1)]}{row}",  # noqa: B023
                    edition_template(c.formula, "xlsm"),
                )
                want = re.sub(
                    r"\[(tbl\w+)\.(\w+)\]",
                    lambda m: f"{m.group(1)}[[{schema.TABLES[m.group(1)].header(m.group(2))}]]",
                    want,
                )
                assert got == "=" + want, (t.name, c.key, row)


def test_input_values_and_text_stay_text(tmp_path):
    import pandas as pd

    from storeops.workbook import build_workbook

    frames = {
        "tblFollow": pd.DataFrame(
            {
                "buyer": ['=HYPERLINK("http://x")', "+86 138", "-5", "@home", "Normal Buyer"],
                "platform_order_usd": [1.5, None, 3, float("nan"), 12000],
                "received_at": pd.to_datetime(
                    ["2026-11-01 09:30", None, "2026-11-02 00:00", "2026-11-03 00:00", "2026-11-04 00:00"]
                ),
                "not_a_column": [1, 2, 3, 4, 5],
            }
        )
    }
    p = build_workbook(tmp_path / "t.xlsm", data=frames)
    ws = openpyxl.load_workbook(p)[schema.S_FOLLOW]
    t = schema.FOLLOW
    r0 = t.anchor_row + 2
    col = {k: t.anchor_col + t.keys.index(k) + 1 for k in t.keys}
    L = {k: get_column_letter(c) for k, c in col.items()}
    buyers = [ws.cell(r0 + i, col["buyer"]) for i in range(5)]
    assert [b.value for b in buyers] == frames["tblFollow"]["buyer"].tolist()
    assert all(b.data_type == "s" for b in buyers)
    assert [ws.cell(r0 + i, col["platform_order_usd"]).value for i in range(5)] == [1.5, None, 3, None, 12000]
    assert ws.cell(r0, col["received_at"]).value.strftime("%Y-%m-%d %H:%M") == "2026-11-01 09:30"
    assert ws.cell(r0 + 1, col["received_at"]).value is None
    r = r0 + 4
    assert (
        ws.cell(r, col["overdue"]).value
        == f'=IF({L["next_followup"]}{r}="","",INT({L["next_followup"]}{r})<INT(cfg_today))'
    )
    ref = ws.tables["tblFollow"].ref
    assert range_boundaries(ref)[3] == r0 + 4


def test_calc_id_and_cached_values(template_path, tmp_path):
    """Every file carries current Excel's calcId; a calculated build has cached values and
    does not ask for a full recalculation, an uncalculated one does."""
    from storeops.workbook import build_workbook
    from storeops.xlsx.calcid import CALC_ID

    with zipfile.ZipFile(template_path) as z:
        wbxml = z.read("xl/workbook.xml").decode()
        sheet = z.read("xl/worksheets/sheet4.xml").decode()
    assert f'<calcPr calcId="{CALC_ID}"/>' in wbxml
    assert re.findall(r"<c [^>]*><f>[^<]*</f><v>([^<]+)</v></c>", sheet)
    raw = build_workbook(tmp_path / "raw.xlsm")
    with zipfile.ZipFile(raw) as z:
        wbxml = z.read("xl/workbook.xml").decode()
        sheet = z.read("xl/worksheets/sheet4.xml").decode()
    assert f'calcId="{CALC_ID}"' in wbxml and 'fullCalcOnLoad="1"' in wbxml
    cells = re.findall(r"<c [^>]*><f>[^<]*</f><v>([^<]*)</v></c>", sheet)
    assert cells and all(v == "" for v in cells)
    assert column_index_from_string("A") == 1


def test_docs_list_every_table_and_column():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "workbook.md").read_text(encoding="utf-8")
    for t in schema.TABLES.values():
        assert f"`{t.name}`" in text
        for c in t.columns:
            assert f"| `{c.key}` | {c.header} |" in text, (t.name, c.key)
            if c.formula:
                assert c.formula.replace("|", "\\|") in text, (t.name, c.key, "formula changed: regenerate docs")
