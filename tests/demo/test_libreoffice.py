"""LibreOffice opens the recalculated demo workbook and shows the cached numbers, not errors."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess

import pytest

from storeops.workbook import schema

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STOREOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice 未安装 / LibreOffice (soffice) is required but missing")
        pytest.skip("LibreOffice (soffice) not installed")
    return exe


def _convert(soffice, src, out, target, tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr


def test_pdf_pages_render(soffice, demo_book, tmp_path):
    _convert(soffice, demo_book, tmp_path, "pdf", tmp_path)
    pdf = tmp_path / "StoreOps-demo.pdf"
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 4 and all(p.stat().st_size > 3_000 for p in pages)


def test_csv_shows_cached_numbers(soffice, demo_book, tmp_path, results):
    # every sheet to its own CSV (sheet number -1), UTF-8, values as shown
    _convert(
        soffice,
        demo_book,
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        tmp_path,
    )
    sheet_csv = {p.stem.split("-", 2)[-1]: p for p in tmp_path.glob("*.csv")}
    follow = next(p for k, p in sheet_csv.items() if schema.S_FOLLOW in k)
    rows = list(csv.reader(follow.open(encoding="utf-8")))
    t = schema.FOLLOW
    header = rows[t.anchor_row]
    assert header[t.anchor_col : t.anchor_col + len(t.columns)] == [c.header for c in t.columns]
    # LibreOffice re-evaluates on load every formula whose cached result is empty, and every
    # formula that depends on a volatile function (TODAY() through cfg_today: 逾期 Overdue);
    # a UDF cannot run there.  Those users get `storeops export --portable`.  Every other
    # cached value must show as StoreOps wrote it.
    cached = results.tables["tblFollow"]
    volatile = {"overdue"}
    checked = 0
    for i, r in enumerate(rows[t.anchor_row + 1 : t.anchor_row + 1 + len(cached)]):
        for j, key in enumerate(t.keys):
            mine = cached.iloc[i][key]
            if key in volatile or mine is None or (isinstance(mine, str) and mine == "") or mine != mine:
                continue
            checked += 1
            cell = r[t.anchor_col + j]
            for err in ("#NAME?", "Err:", "#VALUE!", "#REF!"):
                assert err not in cell, (i, key, cell)
    assert checked > len(cached) * 10
    cls = t.keys.index("buyer_class")
    want = results.tables["tblFollow"]["buyer_class"].tolist()
    got = [r[cls] for r in rows[t.anchor_row + 1 : t.anchor_row + 1 + len(want)]]
    assert got == want
    funnel = next(p for k, p in sheet_csv.items() if schema.S_FUNNEL in k)
    assert "#NAME?" not in funnel.read_text(encoding="utf-8")
