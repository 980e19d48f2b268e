"""`storeops import` end to end: real fixtures, BIFF8 .xls and .xlsx, idempotency, text stays text."""

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from storeops.importers import read_export
from storeops.importers.into_workbook import import_into
from storeops.tables import to_keys
from storeops.xlsx import read_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

PRODUCTS = FIXTURES / "Products-2026-09-19.csv"
KEYWORDS = FIXTURES / "getKeywords-2026-09-19.csv"
EVIL = '=HYPERLINK("http://evil.example","click")'


def _sha(p):
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def _keys(path, name):
    return to_keys(name, read_tables(str(path))[name])


def test_real_exports_into_fresh_workbook(workbook):
    rep = import_into([str(PRODUCTS), str(KEYWORDS)], str(workbook), progress=False)
    assert not rep.failed and rep.written
    prods, kws, funnel = _keys(workbook, "tblProducts"), _keys(workbook, "tblKeywords"), _keys(workbook, "tblFunnel")
    assert len(prods) == 365 and prods["product_id"].nunique() == 365
    assert len(kws) == 500
    assert len(funnel) == 365 and set(funnel["kind"]) == {"产品 Product"}
    assert set(funnel["period"]) == {"2026-09-13~2026-09-19"}
    # CTR computed by the workbook matches the export's own column (which is rounded to 0.01 %)
    export = read_export(PRODUCTS).frame
    m = prods.merge(export, on="product_id")
    ctr = pd.to_numeric(m["ctr"], errors="coerce").fillna(0).to_numpy()
    assert np.abs(ctr - m["ctr_export"].fillna(0).to_numpy()).max() < 5.1e-5
    kexp = read_export(KEYWORDS).frame
    kctr = pd.to_numeric(kws["ctr"], errors="coerce").fillna(0).to_numpy()
    assert np.abs(kctr - kexp["ctr_export"].fillna(0).to_numpy()).max() < 5.1e-4  # export shows 0.1 %
    scores = pd.to_numeric(prods["title_score"], errors="coerce")
    assert scores.notna().all() and scores.between(0, 100).all()
    # inquiries = 询盘个数, so the workbook's inquiry rate matches the export's too
    ir = pd.to_numeric(m["inquiry_rate"], errors="coerce").fillna(0).to_numpy()
    assert np.abs(ir - m["inquiry_rate_export"].fillna(0).to_numpy()).max() < 5.1e-5

    before = _sha(workbook)
    again = import_into([str(PRODUCTS), str(KEYWORDS)], str(workbook), progress=False)
    assert sum(f.added for f in again.files) == 0 and sum(f.updated for f in again.files) == 0
    assert not again.written and _sha(workbook) == before


def test_people_columns_survive_a_new_period(workbook, tmp_path):
    import_into([str(PRODUCTS)], str(workbook), progress=False, recalc=False)
    from storeops.tables import to_headers
    from storeops.xlsx import write_tables

    prods = _keys(workbook, "tblProducts")
    prods.loc[0, "keywords"] = "walking shoes, sneakers"
    prods.loc[0, "rounds"] = 2
    write_tables(str(workbook), {"tblProducts": to_headers("tblProducts", prods, inputs_only=True)})
    nxt = tmp_path / "Products-2026-09-26.csv"
    nxt.write_text(
        PRODUCTS.read_text(encoding="utf-8").replace("2026-09-13~2026-09-19", "2026-09-20~2026-09-26"), encoding="utf-8"
    )
    rep = import_into([str(nxt)], str(workbook), progress=False, recalc=False)
    assert rep.files[0].tables["tblFunnel"].added == 365
    assert rep.files[0].tables["tblProducts"].updated == 365
    prods = _keys(workbook, "tblProducts")
    assert prods.loc[0, "keywords"] == "walking shoes, sneakers" and float(prods.loc[0, "rounds"]) == 2
    assert set(prods["period"]) == {"2026-09-20~2026-09-26"}
    assert len(_keys(workbook, "tblFunnel")) == 730


def _write_xls(path, title):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("产品数据")
    ws.write(0, 0, "产品数据, 时间周期 2026-09-13~2026-09-19")
    header = [
        "产品ID",
        "产品名称",
        "搜索曝光次数",
        "搜索点击次数",
        "搜索点击率",
        "访问人数",
        "询盘个数",
        "询盘人数",
        "询盘率",
        "提交订单个数 ",
        "TM咨询人数 ",
    ]
    for j, h in enumerate(header):
        ws.write(5, j, h)  # header on row index 5, rows 1-4 blank
    rows = [
        ["1601825074604", title, "4,378", 71, "1.62%", 130, 2, 2, "1.54%", 2, 6],
        ["1601939625569", "+SUM(A1:A2) Walking Shoes", 1671, 31, "1.86%", 33, 0, 0, "0%", 0, 1],
        ["1601939625570", "-1 @cmd Sneakers", "-", "-", "-", "-", "-", "-", "-", "-", "-"],
    ]
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.write(6 + i, j, v)
    wb.save(str(path))


def _assert_text_not_formula(workbook, titles):
    prods = _keys(workbook, "tblProducts").set_index("product_id")
    for pid, title in titles.items():
        assert prods.loc[pid, "title"] == title
    with zipfile.ZipFile(workbook) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = zf.read(name).decode("utf-8")
                for f in re.findall(r"<f[^>]*>([^<]*)</f>", xml):
                    assert "HYPERLINK" not in f and "evil" not in f and "SUM(A1:A2)" not in f


def test_biff8_xls_with_hostile_titles(workbook, tmp_path):
    src = tmp_path / "Products-2026-09-19.xls"
    _write_xls(src, EVIL)
    assert src.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real OLE2/BIFF8 file
    rep = import_into([str(src)], str(workbook), progress=False)
    f = rep.files[0]
    assert f.error is None and f.kind == "products" and f.period == "2026-09-13~2026-09-19"
    assert f.tables["tblProducts"].added == 3
    _assert_text_not_formula(
        workbook,
        {"1601825074604": EVIL, "1601939625569": "+SUM(A1:A2) Walking Shoes", "1601939625570": "-1 @cmd Sneakers"},
    )
    prods = _keys(workbook, "tblProducts").set_index("product_id")
    assert float(prods.loc["1601825074604", "impressions"]) == 4378
    assert pd.to_numeric(prods.loc["1601825074604", "ctr"]) == pytest.approx(71 / 4378)


def test_xlsx_export(workbook, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    raw = pd.read_csv(KEYWORDS, header=None, dtype=str, keep_default_na=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in raw.itertuples(index=False):
        ws.append([v if v != "" else None for v in r])
    src = tmp_path / "getKeywords-2026-09-19.xlsx"
    wb.save(src)
    rep = import_into([str(src)], str(workbook), progress=False, recalc=False)
    assert rep.files[0].tables["tblKeywords"].added == 500


def test_cli_reports_and_exit_codes(workbook, tmp_path):
    bad = tmp_path / "Products-broken.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    cmd = [sys.executable, "-m", "storeops.cli", "import", str(PRODUCTS), str(bad), "--into", str(workbook)]
    before = workbook.read_bytes()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "读取 read 365" in out.stdout and "Products-broken.xls" in out.stdout and "Traceback" not in out.stderr
    # every file is checked before anything is written: one bad file, nothing imported
    assert "工作簿未改动" in out.stdout and workbook.read_bytes() == before
    out = subprocess.run(cmd[:5] + ["--into", str(workbook)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "新增 added 730" in out.stdout, out.stdout
    out = subprocess.run(cmd[:5] + ["--into", str(workbook)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "新增 added 0" in out.stdout and "更新 updated 0" in out.stdout
