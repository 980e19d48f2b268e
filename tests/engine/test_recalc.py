"""End-to-end: build a small .xlsm, recalc headlessly, read the values back."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

import storeops_xl as core
from storeops.engine import recalc
from storeops.xlsx import read_names, read_tables

from ._book import FIRST, FOLLOW, ROWS, SUMMARY, lo_convert

TODAY = dt.date(2026, 3, 10)


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _input_cells(path, sheet_path="xl/worksheets/sheet1.xml"):
    xml = _members(path)[sheet_path]
    return [m.group(0) for m in re.finditer(rb'<c r="[A-J]\d+"[^>]*?(?:/>|>.*?</c>)', xml)]


def _expected_row(i):
    buyer, sales, impr, clicks, rec, rep, usd, paid, samples, msg = ROWS[i]
    ctr = core.FUNCTIONS["CTR"].func(clicks, impr)
    hours = "" if rec is None or rep is None else core.FUNCTIONS["REPLY_HOURS"].func(rec, rep)
    cls = core.FUNCTIONS["BUYER_CLASS"].func(usd, paid, samples, 10000, 3)
    nxt = "" if rec is None else core.FUNCTIONS["NEXT_FOLLOWUP"].func(rec, cls)
    return ctr, hours, cls, nxt


def test_recalc_values_equal_core_functions(xlsm, vba_bytes):
    before = _members(xlsm)
    rep = recalc(xlsm, today=TODAY, progress=False)
    assert rep.formulas == len(ROWS) * 5 + 2 * 3 + 2
    assert rep.left_to_excel == 1  # MYSTERY_FN
    assert rep.evaluated == rep.formulas - 1
    wb = openpyxl.load_workbook(xlsm, data_only=True)
    ws = wb[FOLLOW]
    for i in range(len(ROWS)):
        r = FIRST + i
        ctr, hours, cls, nxt = _expected_row(i)
        got = [ws.cell(r, c).value for c in range(11, 16)]
        assert got[0] == ("" if ctr is None else pytest.approx(ctr))
        assert got[1] == (hours if hours == "" else pytest.approx(hours))
        assert got[2] == cls
        if nxt == "":
            assert got[3] == "" and got[4] == ""
        else:
            assert got[3] == nxt
            assert got[4] == (nxt.date() < TODAY)
    for row in ws.iter_rows(min_row=FIRST, max_row=FIRST + len(ROWS) - 1, min_col=11, max_col=15):
        assert all(c.value is not None for c in row)
    sm = wb[SUMMARY]
    classes = [_expected_row(i)[2] for i in range(len(ROWS))]
    for r, name in ((2, "Amy"), (3, "Ben")):
        assert sm.cell(r, 2).value == sum(1 for i, row in enumerate(ROWS) if row[1] == name and classes[i] == "A")
        assert sm.cell(r, 3).value == sum(row[6] for row in ROWS if row[1] == name)
        assert sm.cell(r, 4).value == sum(1 for row in ROWS if row[1] == name)
    assert sm.cell(5, 2).value == sm.cell(2, 2).value + sm.cell(3, 2).value
    after = _members(xlsm)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] == vba_bytes
    assert _input_cells(xlsm) == [c for c in _input_cells_from(before)]
    for name in before:
        if name not in (
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet3.xml",
            "xl/workbook.xml",
            "xl/sharedStrings.xml",
            "[Content_Types].xml",  # + the recalc state's custom XML item (see docs/engine.md)
            "xl/_rels/workbook.xml.rels",
        ):
            assert after[name] == before[name], name
    for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):  # only lines added
        end = before[name].rindex(b"</")
        assert after[name].startswith(before[name][:end]) and b"customXml" in after[name][end:]
    assert sorted(set(after) - set(before)) == [
        "customXml/_rels/item1.xml.rels",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
    ]
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]  # MYSTERY_FN is left to Excel


def _input_cells_from(members):
    xml = members["xl/worksheets/sheet1.xml"]
    return [m.group(0) for m in re.finditer(rb'<c r="[A-J]\d+"[^>]*?(?:/>|>.*?</c>)', xml)]


def test_text_looking_like_formula_stays_text(xlsm):
    recalc(xlsm, today=TODAY, progress=False)
    frame = read_tables(xlsm)["tblFollow"]
    assert frame["买家 Buyer"].tolist()[0] == "=cmd|' /C calc'!A0"
    assert frame["买家 Buyer"].tolist()[3] == "+Dan"
    assert isinstance(frame["收到 Received"][0], dt.datetime)
    names = read_names(xlsm)
    assert names["cfg_class_a_usd"] == 10000 and names["cfg_class_a_repeat"] == 3


def test_recalc_twice_is_stable(xlsm):
    recalc(xlsm, today=TODAY, progress=False)
    first = open(xlsm, "rb").read()
    recalc(xlsm, today=TODAY, progress=False)
    assert open(xlsm, "rb").read() == first


def test_openpyxl_edit_then_recalc(xlsm, vba_bytes):
    recalc(xlsm, today=TODAY, progress=False)
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    ws = wb[FOLLOW]
    last = FIRST + len(ROWS) - 1
    new = [
        ("Eve", "Amy", 1000, 50, dt.datetime(2026, 3, 5, 8), dt.datetime(2026, 3, 5, 10), 200, 4, 0, "hi"),
        ("Fay", "Ben", 800, 8, dt.datetime(2026, 3, 6, 8), None, 0, 0, 1, "x"),
    ]
    for k, row in enumerate(new):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(last + 1 + k, j + 1, v).number_format = (
                    "yyyy-mm-dd hh:mm" if isinstance(v, dt.datetime) else "General"
                )
    wb["设置 Settings"]["B2"] = 5  # A class now needs 5 paid orders
    wb.save(xlsm)
    rep = recalc(xlsm, today=TODAY, progress=False)
    assert rep.rows_added == {"tblFollow": 2}
    out = openpyxl.load_workbook(xlsm, data_only=True)[FOLLOW]
    # appended rows are table rows with formulas and values
    assert out.tables["tblFollow"].ref.endswith(str(last + 2))
    f = openpyxl.load_workbook(xlsm)[FOLLOW]
    assert f.cell(last + 1, 11).value == f"=CTR(D{last + 1},C{last + 1})"
    assert out.cell(last + 1, 11).value == pytest.approx(0.05)
    assert out.cell(last + 1, 12).value == pytest.approx(2.0)
    assert out.cell(last + 1, 13).value == core.FUNCTIONS["BUYER_CLASS"].func(200, 4, 0, 10000, 5) == "B"
    assert out.cell(last + 2, 13).value == "C"
    assert out.cell(last + 2, 12).value == ""
    assert _members(xlsm)["xl/vbaProject.bin"] == vba_bytes


def test_cli_recalc_and_locked_file(xlsm, tmp_path):
    run = [sys.executable, "-m", "storeops.cli", "recalc", xlsm, "--today", "2026-03-10", "--no-progress"]
    p = subprocess.run(run, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "公式" in p.stdout and "formulas" in p.stdout and "留给 Excel" in p.stdout
    lock = tmp_path / ".~lock.StoreOps.xlsm#"
    lock.write_text("x")
    before = open(xlsm, "rb").read()
    p = subprocess.run(run, capture_output=True, text=True)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    assert open(xlsm, "rb").read() == before


def test_portable_export(xlsm, tmp_path):
    out = str(tmp_path / "portable.xlsx")
    p = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "export", "--portable", xlsm, "--out", out],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    names = zipfile.ZipFile(out).namelist()
    assert "xl/vbaProject.bin" not in names
    wb = openpyxl.load_workbook(out)
    ws = wb[FOLLOW]
    r = FIRST  # CTR's native twin (FunctionSpec.twin)
    assert ws.cell(r, 11).value == f'=IF(OR(D{r}="",C{r}=""),"",IF((-(-C{r}))>0,D{r}/C{r},""))'
    assert "NEXT_FOLLOWUP" not in str(ws.cell(FIRST, 14).value)
    assert not any(
        isinstance(c.value, str) and re.search(r"\b(CTR|BUYER_CLASS|REPLY_HOURS|OVERDUE)\(", c.value)
        for row in ws.iter_rows()
        for c in row
    )


def _lo_csv(src, tmp_path, sheet_suffix="Follow"):
    import glob

    lo_convert(
        src,
        str(tmp_path),
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        str(tmp_path / "lo-profile"),
    )
    base = re.sub(r"\.\w+$", "", src.rsplit("/", 1)[-1])
    files = sorted(glob.glob(str(tmp_path / f"{base}-*.csv")))
    assert files, "LibreOffice wrote no CSV"
    return {
        f.rsplit("/", 1)[-1][len(base) + 1 : -4].split(" ", 1)[-1]: list(
            csv.reader(open(f, encoding="utf-8").read().splitlines())
        )
        for f in files
    }


@pytest.mark.libreoffice
def test_libreoffice_shows_cached_values(xlsm, tmp_path):
    """LibreOffice keeps our cached values.  Known LibreOffice behaviour (documented in
    docs/engine.md): it recalculates formulas with TODAY()/NOW() and formulas whose cached
    result is an empty string, so those UDF cells show #NAME? there — the portable
    export is for LibreOffice/WPS users."""
    recalc(xlsm, today=TODAY, progress=False)
    sheets = _lo_csv(xlsm, tmp_path)
    rows = sheets["Follow-up"]
    assert not any("Err:" in c for r in rows for c in r)
    assert rows[1][10].startswith("1.6")  # CTR 71/4378 as a percentage
    assert rows[3][10].startswith("0.56")
    assert [r[12] for r in rows[1:5]] == ["A", "B", "C", "D"]
    assert rows[1][13] == "2026-03-08" and rows[1][11] == "3"
    summary = sheets["Summary"]
    assert summary[1][1:4] == ["1", "12000", "2"] and summary[2][1:4] == ["0", "500", "2"]


@pytest.mark.libreoffice
def test_libreoffice_computes_portable_twin(xlsm, tmp_path):
    from storeops.engine import export_portable

    out = str(tmp_path / "twin.xlsx")
    export_portable(xlsm, out, today=TODAY)
    rows = _lo_csv(out, tmp_path)["Follow-up"]
    assert not any("#NAME?" in c or "Err:" in c for r in rows for c in r)
    assert [r[12] for r in rows[1:5]] == ["A", "B", "C", "D"]
    assert rows[1][10].startswith("1.6") and rows[2][10] == ""


def _cached(path: str) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row}


def test_guess_of_input_columns_missing_everything_rescans(xlsm, tmp_path, monkeypatch):
    """The input columns are guessed from the first rows; a wrong guess must only cost time."""
    import sys

    ref = str(tmp_path / "ref.xlsm")
    shutil.copy(xlsm, ref)
    recalc(ref, today=dt.date(2026, 3, 10), progress=False)
    R = sys.modules["storeops.engine._read"]
    monkeypatch.setattr(R, "GUESS_BYTES", 1)  # the guess sees no row at all: every sheet is scanned again
    calls = []
    real = R.scan_sheet
    monkeypatch.setattr(R, "scan_sheet", lambda *a, **k: calls.append(a[1:]) or real(*a, **k))
    rep = recalc(xlsm, today=dt.date(2026, 3, 10), progress=False)
    assert rep.evaluated > 0 and len(calls) > len(rep.per_sheet)  # the rescans happened
    assert _cached(xlsm) == _cached(ref)


def test_failed_group_keeps_cached_values_for_its_readers(xlsm, monkeypatch):
    """A group that fails at evaluation is left to Excel; formulas reading it use its cached values."""
    import storeops_xl

    recalc(xlsm, today=dt.date(2026, 3, 10), progress=False)
    before = _cached(xlsm)

    spec = storeops_xl.FUNCTIONS["BUYER_CLASS"]

    def broken(amount, paid, samples, a_usd=None, a_repeat=None):
        raise RuntimeError("boom")

    monkeypatch.setitem(storeops_xl.FUNCTIONS, "BUYER_CLASS", dataclasses.replace(spec, func=broken))
    rep = recalc(xlsm, today=dt.date(2026, 3, 10), progress=False, full=True)  # nothing changed in the file
    assert rep.left_to_excel >= len(ROWS) and any("boom" in e for e in rep.left_examples)
    after = _cached(xlsm)
    for r in range(FIRST, FIRST + len(ROWS)):  # class cells untouched; NEXT_FOLLOWUP still computed from them
        assert after[(FOLLOW, f"M{r}")] == before[(FOLLOW, f"M{r}")]
        assert after[(FOLLOW, f"N{r}")] == before[(FOLLOW, f"N{r}")]
