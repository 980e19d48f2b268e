"""LibreOffice opens the recalculated demo workbook, both editions, and shows exactly the
values StoreOps cached: no error anywhere, no difference in any formula cell."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.compat._lo import convert, error_texts, shown_vs_cached, soffice_or_skip

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def soffice():
    return soffice_or_skip()


@pytest.fixture(scope="module", params=["xlsm", "xlsx"])
def book(request, demo_book, demo_book_xlsx):
    return demo_book if request.param == "xlsm" else demo_book_xlsx


def test_pdf_pages_render(soffice, book, tmp_path):
    convert(soffice, book, tmp_path, "pdf", tmp_path / "profile")
    pdf = tmp_path / (book.stem + ".pdf")
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=120).stdout
        for mark in ("#VALUE!", "#NAME?", "Err:", "#N/A"):
            assert mark not in text
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 4 and all(p.stat().st_size > 3_000 for p in pages)


def test_no_error_cell_in_any_sheet(soffice, book, tmp_path):
    assert error_texts(soffice, book, tmp_path) == []


def test_every_formula_shows_its_cached_value(soffice, book, tmp_path):
    compared, diffs = shown_vs_cached(soffice, book, tmp_path)
    assert compared > 5000
    assert diffs == []
