"""`storeops review` on the demo workbook: the Review sheet and a PDF whose first page renders."""

import hashlib
import shutil
import subprocess
import sys
import zipfile

import pytest

from storeops.demo import demo_settings
from storeops.workbook.schema import S_REVIEW


def _parts(path):
    with zipfile.ZipFile(path) as zf:
        return {n: hashlib.sha256(zf.read(n)).hexdigest() for n in zf.namelist()}


def test_review_sheet_and_pdf(demo_built, tmp_path):
    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_built, wb)
    before = _parts(wb)
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "review", str(wb), "--week", "2026-W47", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert "2026-W47" in out.stdout
    after = _parts(wb)
    # VBA, ribbon, tables, styles untouched byte for byte; only workbook, rels, content types and the new sheet change
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    assert "xl/vbaProject.bin" in after and "customUI/customUI14.xml" in after
    import openpyxl

    book = openpyxl.load_workbook(wb)
    assert book.sheetnames[-1] == S_REVIEW
    ws = book[S_REVIEW]
    assert "2026-W47" in ws["A1"].value
    assert "新买家 new buyers" in ws["A3"].value  # the week in one line
    header = [c.value for c in ws[6]]
    assert header[:3] == ["业务员 Salesperson", "团队 Team", "新买家 New buyers"]
    people = [r[0].value for r in ws.iter_rows(min_row=7, max_row=9)]
    assert all(isinstance(p, str) and p for p in people)  # demo: 3 salespeople
    # running again replaces the sheet (still one Review sheet)
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "review", str(wb), "--week", "2026-W47", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    assert openpyxl.load_workbook(wb).sheetnames.count(S_REVIEW) == 1

    pdf = tmp_path / "out" / "Demo-review-2026-W47.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 20_000  # a table and two charts, not a blank page
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "PK" in text and "2026-W47" in text


def test_review_numbers_match_demo_inputs(demo_built):
    from storeops.review.compute import compute_review
    from storeops.xlsx import read_tables

    frames = read_tables(str(demo_built))
    r = compute_review(frames, "2026-W47", settings=demo_settings())
    import pandas as pd

    from storeops.tables import drop_blank_rows, to_keys

    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", frames["tblFollow"]))
    rec = pd.to_datetime(fk["received_at"])
    expected = int(((rec >= "2026-11-16") & (rec < "2026-11-23")).sum())
    assert int(r.people["新买家 New buyers"].sum()) == expected > 0
    assert r.people["PK排名 PK rank"].min() == 1
