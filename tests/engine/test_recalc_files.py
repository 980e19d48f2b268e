"""Whole files through ``storeops recalc``: parts it must not touch, array formulas,
wide ranges, empty references, the empty shared-strings part."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest

from storeops.engine import recalc
from storeops.engine._sst import append_empty

TODAY = dt.date(2026, 3, 10)

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)


def _xlsx(
    path,
    sheet_data: str,
    sst: str
    | None = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
):
    """A minimal workbook as Excel writes it (an empty ``<sst …/>`` for a book without text)."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if sst
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    wb = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>'
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if sst
            else ""
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/worksheets/sheet1.xml", _HEAD + f"<sheetData>{sheet_data}</sheetData></worksheet>")
        if sst:
            z.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + sst)
    return path


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _values(path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path, data_only=True)["S"]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_empty_shared_strings_part_stays_untouched_without_blank_results(tmp_path):
    p = _xlsx(tmp_path / "a.xlsx", '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v>6</v></c></row>')
    before = _parts(p)
    rep = recalc(p, today=TODAY, progress=False)
    assert rep.evaluated == 1 and rep.left_to_excel == 0
    after = _parts(p)
    # only the sheet's values are (re)written; the empty <sst/> and every other part stay as they were
    assert {n for n in after if after[n] != before[n]} <= {"xl/worksheets/sheet1.xml"} and after.keys() == before.keys()
    assert _values(p)["B1"] == 6


def test_empty_shared_strings_part_gets_a_well_formed_empty_string(tmp_path):
    p = _xlsx(
        tmp_path / "a.xlsx", '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>IF(A1&gt;5,1,"")</f><v>0</v></c></row>'
    )
    before = _parts(p)
    recalc(p, today=TODAY, progress=False)
    after = _parts(p)
    assert after["xl/sharedStrings.xml"].endswith(b'count="1" uniqueCount="1"><si><t></t></si></sst>')
    assert {n for n in after if after[n] != before.get(n)} == {"xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"}
    wb = openpyxl.load_workbook(p, data_only=True)  # openpyxl opens it again
    assert wb["S"]["B1"].value == ""


def test_append_empty_to_empty_element_and_to_a_full_part():
    assert append_empty(b'<?xml version="1.0"?>\n<sst xmlns="x" count="0" uniqueCount="0"/>') == (
        b'<?xml version="1.0"?>\n<sst xmlns="x" count="1" uniqueCount="1"><si><t></t></si></sst>'
    )
    assert append_empty(b"<sst/>") == b"<sst><si><t></t></si></sst>"


def test_reference_to_an_empty_cell_is_zero_in_the_file(tmp_path):
    p = _xlsx(
        tmp_path / "a.xlsx",
        '<row r="1"><c r="B1"><f>A1</f><v>5</v></c><c r="C1"><f>IF(TRUE,A1)</f><v>5</v></c>'
        '<c r="D1"><f>IFERROR(A1,1)</f><v>5</v></c></row>',
        sst=None,
    )
    recalc(p, today=TODAY, progress=False)
    v = _values(p)
    assert (v["B1"], v["C1"], v["D1"]) == (0, 0, 0)
    assert "xl/sharedStrings.xml" not in _parts(p)  # no blank result: no shared strings part added


def test_mod_by_zero_in_a_filled_down_column(tmp_path):
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r % 3}</v></c><c r="C{r}"><f>MOD(A{r},B{r})</f><v>0</v></c></row>'
        for r in range(1, 7)
    )
    p = _xlsx(tmp_path / "a.xlsx", rows, sst=None)
    rep = recalc(p, today=TODAY, progress=False)
    assert rep.left_to_excel == 0
    v = _values(p)
    assert [v[f"C{r}"] for r in range(1, 7)] == [0, 0, "#DIV/0!", 0, 1, "#DIV/0!"]


def test_array_formulas_are_left_whole_to_excel(tmp_path):
    data = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
        '<c r="C1"><f t="array" ref="C1">SUM(A1:A2*B1:B2)</f><v>99</v></c>'
        '<c r="D1"><f t="array" ref="D1:D2">A1:A2*SUM(B1:B2)</f><v>77</v></c></row>'
        '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c><c r="D2"><v>78</v></c>'
        '<c r="E2"><f>A2+B2</f><v>0</v></c></row>'
    )
    p = _xlsx(tmp_path / "a.xlsx", data, sst=None)
    before = _parts(p)["xl/worksheets/sheet1.xml"]
    rep = recalc(p, today=TODAY, progress=False)
    assert rep.left_to_excel == 2 and rep.evaluated == 1
    after = _parts(p)["xl/worksheets/sheet1.xml"]
    for cell in (rb'<c r="C1">.*?</c>', rb'<c r="D1">.*?</c>', rb'<c r="D2">.*?</c>'):
        assert re.search(cell, before).group(0) == re.search(cell, after).group(0)  # untouched, whole block
    assert _values(p)["E2"] == 7
    assert b'fullCalcOnLoad="1"' in _parts(p)["xl/workbook.xml"]


def test_wide_ranges_and_whole_rows_read_every_column(tmp_path):
    cells = "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}2"><v>1</v></c>' for c in range(2, 257))
    data = (
        f'<row r="1"><c r="A1"><f>COUNTA(B2:IV2)</f><v>0</v></c><c r="B1"><f>SUM(2:2)</f><v>0</v></c>'
        f'<c r="C1"><f>COUNTBLANK(B3:IV3)</f><v>0</v></c></row><row r="2">{cells}</row>'
    )
    p = _xlsx(tmp_path / "a.xlsx", data, sst=None)
    rep = recalc(p, today=TODAY, progress=False)
    assert rep.left_to_excel == 0
    v = _values(p)
    assert (v["A1"], v["B1"], v["C1"]) == (255, 255, 255)


@pytest.mark.parametrize("formula,expected", [('COUNTIF(A1:A10,"")', 9), ("INDEX(A1:A10,8)", 0)])
def test_blocks_below_the_last_used_row_are_blank(tmp_path, formula, expected):
    p = _xlsx(
        tmp_path / "a.xlsx",
        f'<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>{formula.replace(chr(34), "&quot;")}</f><v>-1</v></c></row>',
        sst=None,
    )
    recalc(p, today=TODAY, progress=False)
    assert _values(p)["B1"] == expected
