"""Every export kind read by its header (not its name), in every format and encoding sellers get."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from storeops.errors import StoreOpsError
from storeops.importers import read_any
from storeops.importers.backoffice import known
from storeops.importers.timezones import PACIFIC

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
WEEK1 = EXPORTS / "inquiries-2026-11-20.csv"


@pytest.mark.parametrize(
    "name, kind, period, rows",
    [
        pytest.param("inquiries-2026-11-20.csv", "inquiries", None, 13, id="inquiries-utf8-bom"),
        pytest.param("inquiries-2026-11-27.csv", "inquiries", None, 15, id="inquiries-week-later"),
        pytest.param("inquiries-en-pacific.txt", "inquiries", None, 2, id="inquiries-english-utf16-tab"),
        pytest.param("customers-gbk.csv", "customers", None, 5, id="customers-gbk"),
        pytest.param("customers-en.xlsx", "customers", None, 3, id="customers-english-xlsx"),
        pytest.param("staff-2026-11-15.csv", "staff", ("2026-11-09", "2026-11-15"), 3, id="staff"),
        pytest.param("p4p-2026-11-15.csv", "p4p", ("2026-11-09", "2026-11-15"), 6, id="p4p-gb18030"),
        pytest.param("p4p-en-2026-11-15.csv", "p4p", ("2026-11-09", "2026-11-15"), 2, id="p4p-english-usd"),
        pytest.param(
            "1688-products-2026-11-15.csv", "products_1688", ("2026-11-09", "2026-11-15"), 3, id="1688-products"
        ),
        pytest.param("1688-keywords-2026-11-15.xlsx", "keywords_1688", ("2026-11-09", "2026-11-15"), 3, id="1688-kw"),
    ],
)
def test_kind_period_and_rows(name, kind, period, rows, tmp_path):
    e = read_any(EXPORTS / name)
    assert e.kind == kind and len(e.frame) == rows and e.rejected == []
    if period:
        assert (e.period_start, e.period_end) == tuple(dt.date.fromisoformat(p) for p in period)
    # the kind comes from the header, never from the file name
    other = tmp_path / ("export" + Path(name).suffix.replace(".txt", ".csv"))
    shutil.copyfile(EXPORTS / name, other)
    assert read_any(other).kind == kind


def test_inquiries_golden():
    e = read_any(WEEK1)
    f = e.frame.set_index("inquiry_id")
    assert list(f.index[:3]) == ["11000000000", "11000087109", "11000900001"]  # ids stay text, every digit
    y = f.loc["11000000000"]
    assert y["buyer_name"] == "Yuki Novak" and y["salesperson"] == "李强" and y["country"] == "巴西"
    assert y["created_at"] == pd.Timestamp("2026-09-05 06:22:00") and y["registered_on"] == dt.date(2019, 4, 12)
    assert y["order_amount"] == 52300.0 and e.currency["order_amount"] == "USD"  # "US$ 52,300.00"
    assert y["product_id"] == "1600123456789"
    assert known(y["mobile"]) is None and y["mobile"] == "客户隐藏"  # hidden is read as written, never a value
    assert math.isnan(f.loc["11000015838", "valid_inquiries"])  # "-" = no data
    assert pd.isna(f.loc["11000900003", "replied_at"])
    assert f.loc["11000900009", "buyer_name"].startswith("=HYPERLINK")  # text, as written
    assert e.exported_at == dt.datetime(2026, 11, 20, 10, 5)


def test_pacific_times_become_china_time():
    f = read_any(EXPORTS / "inquiries-en-pacific.txt").frame.set_index("inquiry_id")
    mia = f.loc["11000900101"]  # created 20:00 PDT, answered 20:00 PST the next day (clocks went back)
    assert mia["created_at"] == pd.Timestamp("2026-11-01 11:00") and mia["replied_at"] == pd.Timestamp(
        "2026-11-02 12:00"
    )
    assert (mia["replied_at"] - mia["created_at"]) == pd.Timedelta(hours=25)
    lucas = f.loc["11000900102"]  # header says PST; reply marked GMT+8
    assert lucas["created_at"] == pd.Timestamp("2026-11-19 09:30") and lucas["replied_at"] == pd.Timestamp(
        "2026-11-19 10:00"
    )


def test_zone_option_for_times_without_a_marker(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("询盘ID,客户名,创建时间,最新回复时间\n1,Bob,2026-07-01 09:00,2026-07-01 10:30\n", encoding="utf-8")
    china = read_any(p).frame.iloc[0]
    pacific = read_any(p, zone=PACIFIC).frame.iloc[0]
    assert china["created_at"] == pd.Timestamp("2026-07-01 09:00")
    assert pacific["created_at"] == pd.Timestamp("2026-07-02 00:00")  # PDT is UTC-7, China UTC+8
    assert pacific["replied_at"] - pacific["created_at"] == pd.Timedelta(hours=1.5)


def test_staff_rates_durations_and_totals_row():
    e = read_any(EXPORTS / "staff-2026-11-15.csv")
    f = e.frame.set_index("salesperson")
    assert list(f.index) == ["王芳", "李强", "张敏"]  # the 合计 row is left out, with a note
    assert any("合计" in n for n in e.notes)
    assert f.loc["王芳", "reply_5min_rate"] == pytest.approx(0.7143) and f.loc["王芳", "timely_rate"] == 1.0
    assert f.loc["王芳", "online_hours"] == 6.5 and f.loc["李强", "online_hours"] == 5.0
    assert math.isnan(f.loc["张敏", "online_hours"])
    assert f.loc["王芳", "ta_order_amount"] == 12500.0 and f.loc["王芳", "impressions"] == 4210


def test_p4p_currency_from_header_or_cells():
    cn = read_any(EXPORTS / "p4p-2026-11-15.csv")
    assert cn.currency == {"cost": "CNY", "avg_cpc": "CNY"}
    row = cn.frame.set_index("keyword").loc["dog collar"]
    assert (row["cost"], row["clicks"], row["inquiries"]) == (460.8, 96, 4) and row["ctr_export"] == pytest.approx(
        0.0184
    )
    en = read_any(EXPORTS / "p4p-en-2026-11-15.csv")
    assert en.currency["cost"] == "USD" and en.frame["cost"].tolist() == [64.0, 9.1]


def test_percent_columns_without_the_sign(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        "员工姓名,及时回复率,5分钟回复率,平均回复时长(小时)\n王芳,95.5,60,1小时30分\n李强,80,-,45分钟\n",
        encoding="utf-8",
    )
    f = read_any(p).frame
    assert f["timely_rate"].tolist() == pytest.approx([0.955, 0.8])
    assert f["avg_reply_hours"].tolist() == [1.5, 0.75]


def _rows_of(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(
    "encoding, bom, sep",
    [
        pytest.param("utf-8", b"", ",", id="utf8"),
        pytest.param("gb18030", b"", ",", id="gbk"),
        pytest.param("utf-16-le", b"\xff\xfe", "\t", id="utf16le-bom-tab"),
        pytest.param("utf-16-be", b"\xfe\xff", ",", id="utf16be-bom"),
        pytest.param("utf-16-le", b"", "\t", id="utf16le-no-bom"),
    ],
)
def test_encodings_read_the_same(tmp_path, encoding, bom, sep):
    import csv
    import io

    base = read_any(WEEK1).frame
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep).writerows(_rows_of(WEEK1))
    p = tmp_path / "inq.csv"
    p.write_bytes(bom + buf.getvalue().encode(encoding))
    got = read_any(p).frame
    pd.testing.assert_frame_equal(got, base)


def test_xlsx_xls_and_html_read_the_same(tmp_path):
    import openpyxl
    import xlwt

    rows = _rows_of(WEEK1)
    base = read_any(WEEK1).frame

    def typed(v: str):  # what Excel makes of the cells: numbers and real date-times
        if v.isdigit() and len(v) < 16:
            return int(v)
        try:
            return dt.datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return v

    xlsx = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append([typed(v) for v in r])
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the export holds this text as text, not as a formula
    wb.save(xlsx)
    xls = tmp_path / "a.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("data")
    datefmt = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            t = typed(v)
            if isinstance(t, dt.datetime):
                sh.write(i, j, t, datefmt)
            else:
                sh.write(i, j, float(t) if isinstance(t, int) else t)
    book.save(str(xls))
    html = tmp_path / "a.xls.html"
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    html.write_text(f"<html><body><table>{cells}</table></body></html>", encoding="utf-8")
    for p in (xlsx, xls, html):
        got = read_any(p).frame
        assert got["inquiry_id"].tolist() == base["inquiry_id"].tolist(), p.suffix
        assert got["created_at"].tolist() == base["created_at"].tolist(), p.suffix
        assert got["buyer_name"].tolist() == base["buyer_name"].tolist(), p.suffix
        assert got["order_amount"].fillna(-1).tolist() == base["order_amount"].fillna(-1).tolist(), p.suffix


def test_wrong_kind_empty_binary_and_truncated_files(tmp_path):
    other = tmp_path / "people.csv"
    other.write_text("name,age\nx,1\n", encoding="utf-8")
    with pytest.raises(StoreOpsError, match="not a known export.*inquiries"):
        read_any(other)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(StoreOpsError, match="empty"):
        read_any(empty)
    binary = tmp_path / "blob.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(StoreOpsError):
        read_any(binary)
    # an .xlsx cut short
    cut = tmp_path / "cut.xlsx"
    data = (EXPORTS / "customers-en.xlsx").read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreOpsError, match="cut.xlsx: .* damaged or truncated"):
        read_any(cut)
    # a CSV cut mid-row: the half row is rejected with a reason, the rest imports
    text = WEEK1.read_bytes()
    half = tmp_path / "half.csv"
    half.write_bytes(text[: text.rindex(b"11000900009") + 5])
    e = read_any(half)
    assert len(e.frame) == 12 and len(e.rejected) == 1 and "cut off" in e.rejected[0][1]


def test_rows_without_a_key_or_with_bad_times_are_rejected_with_reasons(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(
        "询盘ID,客户名,创建时间,最新回复时间\n1,Bob,2026-11-01 09:00,-\n,Amy,2026-11-01 10:00,-\n3,Cy,yesterday,-\n",
        encoding="utf-8",
    )
    e = read_any(p)
    assert e.frame["inquiry_id"].tolist() == ["1"]
    assert [r for r, _ in e.rejected] == [3, 4]
    assert "missing inquiry ID" in e.rejected[0][1] and "not a time" in e.rejected[1][1]
