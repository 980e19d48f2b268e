"""Reading Data Manager exports: CSV conversions, .xlsx, real BIFF8 .xls, English headers."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from storeops.errors import StoreOpsError
from storeops.importers.datamanager import HEADERS, read_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRODUCTS = FIXTURES / "Products-2026-09-19.csv"
KEYWORDS = FIXTURES / "getKeywords-2026-09-19.csv"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_products_csv():
    e = read_export(PRODUCTS)
    assert e.kind == "products"
    assert (e.period_start, e.period_end) == (dt.date(2026, 9, 13), dt.date(2026, 9, 19))
    assert len(e.frame) == 365 and e.rejected == []
    assert list(e.frame.columns) == list(HEADERS["products"])
    first = e.frame.iloc[0]
    assert first["product_id"] == "1601825074604" and isinstance(first["product_id"], str)
    assert first["is_showcase"] is True or first["is_showcase"] == True  # noqa: E712
    assert (first["impressions"], first["clicks"], first["visitors"]) == (4378, 71, 130)
    assert first["ctr_export"] == pytest.approx(0.0162)
    assert math.isnan(first["opportunities_90d"])  # "-" = no data
    assert "10000047220568" in set(e.frame["product_id"])


def test_keywords_csv():
    e = read_export(KEYWORDS)
    assert e.kind == "keywords" and len(e.frame) == 500
    assert list(e.frame.columns) == list(HEADERS["keywords"])
    row = e.frame.iloc[0]
    assert row["keyword"] == "chaussures pour hommes" and row["keyword_index"] == 814 and row["seller_index"] == 3


def test_xlsx_and_xls_read_the_same(tmp_path):
    import openpyxl
    import xlwt

    rows = _rows(PRODUCTS)
    xlsx = tmp_path / "Products.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append([int(v) if v.isdigit() and len(v) < 9 else v for v in r])
    wb.save(xlsx)
    xls = tmp_path / "Products.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("data")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            sh.write(i, j, float(v) if v.isdigit() else v)  # ids as numbers, as Excel stores them
    book.save(str(xls))
    base = read_export(PRODUCTS).frame
    for path in (xlsx, xls):
        e = read_export(path)
        assert e.kind == "products" and e.period_start == dt.date(2026, 9, 13)
        assert e.frame["product_id"].tolist() == base["product_id"].tolist(), path.suffix
        assert e.frame["clicks"].tolist() == base["clicks"].tolist()


def test_header_found_by_content_english_names_and_rejects(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text(
        "Traffic keywords, period 2026/10/01~2026/10/07\n\n"
        "Keyword ,Impressions,Clicks,CTR,Keyword Index,Seller Index,Extra Col\n"
        "dog collar,1,234,5,0.4%,250,3,x\n"
        ",10,1,10%,1,1,y\n"
        "leash,abc,1,1%,1,1,z\n",
        encoding="utf-8",
    )
    # "1,234" is split by the CSV comma here: use quoting for a real thousands separator
    p.write_text(p.read_text(encoding="utf-8").replace("dog collar,1,234,5", 'dog collar,"1,234",5'), encoding="utf-8")
    e = read_export(p)
    assert e.kind == "keywords" and e.period_end == dt.date(2026, 10, 7)
    assert e.frame["impressions"].tolist() == [1234.0]
    assert e.frame["Extra Col"].tolist() == ["x"]
    assert [r for r, _ in e.rejected] == [5, 6]
    assert "missing keyword" in e.rejected[0][1] and "not a number" in e.rejected[1][1]


def test_gb18030_and_unknown_file(tmp_path):
    p = tmp_path / "p.csv"
    p.write_bytes("产品ID,产品名称,搜索曝光次数\n123,狗狗项圈,10\n".encode("gb18030"))
    e = read_export(p)
    assert e.kind == "products" and e.frame["title"].tolist() == ["狗狗项圈"] and e.period_start is None
    bad = tmp_path / "other.csv"
    bad.write_text("name,age\nx,1\n", encoding="utf-8")
    with pytest.raises(StoreOpsError, match="not a Data Manager"):
        read_export(bad)
    with pytest.raises(StoreOpsError):
        read_export(tmp_path / "missing.csv")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(StoreOpsError):
        read_export(junk)


def test_score_titles_command(capsys):
    from storeops.cli import main

    assert main(["score-titles", str(PRODUCTS), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "1601825074604" in out and "365 products" in out and "mean score" in out
    assert main(["score-titles", str(KEYWORDS)]) == 2
    # judged against the shop's keyword export instead of "no keywords"
    assert main(["score-titles", str(PRODUCTS), "--keywords", str(KEYWORDS), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "未设关键词" not in out and "365 products" in out
    assert main(["score-titles", str(PRODUCTS), "--keywords", str(PRODUCTS)]) == 2


def test_an_error_value_in_a_number_column_is_reported_not_blank(tmp_path):
    """``#N/A`` (an error value, as a spreadsheet writes it into a CSV) is an error like any other
    (issue 17): its row is listed as not imported, with the reason; ``-`` stays no data."""
    p = tmp_path / "export.csv"
    p.write_text(
        "Traffic keywords, period 2026/10/01~2026/10/07\n\n"
        "Keyword,Impressions,Clicks,CTR,Keyword Index,Seller Index\n"
        "dog collar,#N/A,5,0.4%,250,3\n"
        "leash,-,1,1%,1,1\n",
        encoding="utf-8",
    )
    e = read_export(p)
    assert e.frame["keyword"].tolist() == ["leash"] and math.isnan(e.frame["impressions"].iloc[0])
    assert [r for r, _ in e.rejected] == [4] and "#N/A" in e.rejected[0][1]
