"""The two editions are one workbook: the same edits give the same values.

A person edits the ``.xlsx`` edition (openpyxl here, or LibreOffice/WPS), saves, and runs
``storeops recalc``: every table and named cell must equal the ``.xlsm`` after the same
edits — native twins and Python-only values alike, including a row appended below a table.
"""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pytest

from storeops.demo import demo_frames, demo_settings
from storeops.demo.summary import read_results
from storeops.engine import recalc
from storeops.workbook import build_workbook, schema
from tests.compat._lo import convert, soffice_or_skip

AS_OF = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def small_frames():
    return demo_frames(AS_OF, buyers=40, products=12, funnel_weeks=2, keywords=15)


def _build(tmp_path, small_frames, edition):
    return build_workbook(
        tmp_path / f"book.{edition}",
        data=small_frames,
        settings=demo_settings(AS_OF),
        edition=edition,
        calculate=True,
        today=AS_OF,
    )


def _cell_of(table: schema.Table, key: str, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(table.anchor_col + table.keys.index(key) + 1)}{row}"


def _edit(path):
    """What a salesperson and the boss do: a new title with a brand word, a bigger order, a
    stricter class-A threshold, and a new follow-up row typed below the table."""
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    prod = wb[schema.S_PRODUCTS]
    first = schema.PRODUCTS.anchor_row + 2
    prod[_cell_of(schema.PRODUCTS, "title", first)] = "Nike Style Dog Collar Leather Adjustable For Large Dogs"
    follow = wb[schema.S_FOLLOW]
    f0 = schema.FOLLOW.anchor_row + 2
    follow[_cell_of(schema.FOLLOW, "order_usd", f0 + 1)] = 15000
    last = follow.tables["tblFollow"].ref.split(":")[1]
    new = int("".join(ch for ch in last if ch.isdigit())) + 1
    for key, value in {
        "buyer": "New Buyer Ltd",
        "source": "询盘 Inquiry",
        "channel": "TM",
        "salesperson": "王芳 Wang Fang",
        "received_at": dt.datetime(2026, 11, 20, 9, 0),
        "replied_at": dt.datetime(2026, 11, 20, 9, 30),
        "last_contact": dt.datetime(2026, 11, 20),
        "paid_orders": 1,
        "order_usd": 800,
        "last_message": "Can we move to WeChat? I cannot pay here",
    }.items():
        follow[_cell_of(schema.FOLLOW, key, new)] = value
    settings = wb[schema.S_SETTINGS]
    for row in settings.iter_rows(min_col=1, max_col=2):
        if row[0].value == "cfg_class_a_usd":
            row[1].value = 5000
    wb.save(path)


def _blank(v) -> bool:
    import pandas as pd

    if v is None or (isinstance(v, str) and v == ""):
        return True
    try:
        return not isinstance(v, str) and bool(pd.isna(v))
    except (TypeError, ValueError):  # an array
        return False


def _same(a, b) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _compare(xlsm, xlsx) -> list[str]:
    a, b = read_results(xlsm), read_results(xlsx)
    diffs = []
    for name, frame in a.tables.items():
        other = b.tables[name]
        assert len(frame) == len(other), name
        for key in frame.columns:
            for i, (x, y) in enumerate(zip(frame[key].tolist(), other[key].tolist())):
                if not _same(x, y):
                    diffs.append(f"{name}.{key}[{i}]: {x!r} != {y!r}")
    for k, v in a.names.items():
        if not _same(v, b.names.get(k)):
            diffs.append(f"{k}: {v!r} != {b.names.get(k)!r}")
    return diffs


def test_fresh_editions_agree(tmp_path, small_frames):
    assert _compare(_build(tmp_path, small_frames, "xlsm"), _build(tmp_path, small_frames, "xlsx")) == []


def test_same_edits_same_values(tmp_path, small_frames):
    books = [_build(tmp_path, small_frames, e) for e in ("xlsm", "xlsx")]
    for p in books:
        _edit(p)
        report = recalc(p, today=AS_OF, progress=False)
        assert report.left_to_excel == 0, report.left_examples
    assert _compare(*books) == []
    follow = read_results(books[1]).tables["tblFollow"]
    new = follow.iloc[-1]
    assert new["buyer"] == "New Buyer Ltd"
    assert new["scam_risk"].startswith(("高", "中"))  # a Python-only value, computed for the appended row
    assert bool(new["timely"]) is True and new["buyer_class"] == "B"
    products = read_results(books[1]).tables["tblProducts"]
    assert "nike" in products.iloc[0]["banned"].lower()


def test_xlsx_has_no_udf_and_no_macro(tmp_path, small_frames):
    import zipfile

    from storeops.workbook.formulas import functions_in
    from storeops_xl import FUNCTIONS

    p = _build(tmp_path, small_frames, "xlsx")
    with zipfile.ZipFile(p) as z:
        names = z.namelist()
        assert not any("vbaProject" in n or n.startswith("customUI") for n in names)
        for n in names:
            if n.startswith("xl/worksheets/") or n.startswith("xl/tables/"):
                text = z.read(n).decode("utf-8")
                for f in __import__("re").findall(r"<f>([^<]*)</f>|calculatedColumnFormula>([^<]*)<", text):
                    used = functions_in("".join(f))
                    assert not used & set(FUNCTIONS), (n, f)


@pytest.mark.libreoffice
@pytest.mark.parametrize("edition", ["xlsm", "xlsx"])
def test_libreoffice_save_then_recalc(tmp_path, small_frames, edition):
    soffice = soffice_or_skip()
    original = _build(tmp_path, small_frames, edition)
    target = "xlsx" if edition == "xlsx" else "xlsm:Calc MS Excel 2007 VBA XML"
    out = convert(soffice, original, tmp_path / "lo", target, tmp_path / "profile")
    saved = out / original.name
    report = recalc(saved, today=AS_OF, progress=False)
    assert report.left_to_excel == 0, report.left_examples
    assert _compare(original, saved) == []


@pytest.mark.libreoffice
def test_recalc_restores_vba_code_names_after_a_libreoffice_save(tmp_path, small_frames):
    """LibreOffice keeps vbaProject.bin but drops codeName; without it Workbook_BeforeSave
    no longer fires in Excel.  recalc puts the names back."""
    import re
    import zipfile

    soffice = soffice_or_skip()
    original = _build(tmp_path, small_frames, "xlsm")
    out = convert(soffice, original, tmp_path / "lo", "xlsm:Calc MS Excel 2007 VBA XML", tmp_path / "profile")
    saved = out / original.name

    def code_names(path):
        with zipfile.ZipFile(path) as z:
            wb = z.read("xl/workbook.xml").decode()
            book = re.search(r'<workbookPr[^>]*codeName="([^"]+)"', wb)
            sheets = []
            for n in sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
                m = re.search(r'<sheetPr[^>]*codeName="([^"]+)"', z.read(n).decode())
                sheets.append(m.group(1) if m else None)
        return (book.group(1) if book else None), sorted(s for s in sheets if s)

    want = code_names(original)
    assert want[0] == "ThisWorkbook" and len(want[1]) > 5
    assert code_names(saved)[0] is None  # what LibreOffice does
    recalc(saved, today=AS_OF, progress=False)
    assert code_names(saved) == want


def test_xlsm_value_typed_over_a_python_only_formula_keeps_the_other_formulas(tmp_path, frames):
    """A person types over one SCAM_RISK cell (Python-only in the ``.xlsx`` edition) of the
    ``.xlsm``: recalc leaves that value (as any overwritten formula) and every other cell of
    the column keeps its formula."""
    path = _build(tmp_path, frames, "xlsm")
    f0 = schema.FOLLOW.anchor_row + 2
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[schema.S_FOLLOW]
    typed = _cell_of(schema.FOLLOW, "scam_risk", f0 + 2)
    ws[typed] = "A"
    wb.save(path)
    recalc(path, today=AS_OF, progress=False)
    ws = openpyxl.load_workbook(path, keep_vba=True)[schema.S_FOLLOW]
    assert ws[typed].value == "A"
    for r in (f0, f0 + 1, f0 + 3):
        assert str(ws[_cell_of(schema.FOLLOW, "scam_risk", r)].value).startswith("=")


def test_benchmarks_are_stamped_values_refreshed_by_recalc(tmp_path, frames):
    """BENCHMARK cells (FunctionSpec.stamp) hold values in the .xlsm too — a live one would
    make Excel call FUNNEL_DIAG for every row on any funnel edit — and every recalc
    recomputes them from the edited rows before the diagnoses that read them."""
    import numpy as np

    import storeops_xl as core
    from storeops_xl.settings import DEFAULTS

    p = _build(tmp_path, frames, "xlsm")
    wb = openpyxl.load_workbook(p, keep_vba=True)
    where = {d.name: next(iter(d.destinations)) for d in wb.defined_names.values()}
    sheet, ref = where["funnel_bench_impressions"]
    cell = wb[sheet][ref.replace("$", "")]
    assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    funnel = wb[schema.S_FUNNEL]
    first = schema.FUNNEL.anchor_row + 2
    last = int("".join(ch for ch in funnel.tables["tblFunnel"].ref.split(":")[1] if ch.isdigit()))
    col = _cell_of(schema.FUNNEL, "impressions", first).rstrip("0123456789")
    for r in range(first, last + 1):
        funnel[f"{col}{r}"] = 1000 + 10 * r
    wb.save(p)
    assert recalc(p, today=AS_OF, progress=False).left_to_excel == 0
    impressions = np.array([1000.0 + 10 * r for r in range(first, last + 1)], dtype=object)
    want = core.benchmark(impressions, impressions, DEFAULTS["cfg_min_impressions"])
    got = openpyxl.load_workbook(p, data_only=True)[sheet][ref.replace("$", "")].value
    assert (got in (None, "") and want is None) or math.isclose(got, want)
    assert openpyxl.load_workbook(p)[sheet][ref.replace("$", "")].data_type != "f"  # still a value
