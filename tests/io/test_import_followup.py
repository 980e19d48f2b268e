"""Inquiry and 客户通 exports into 跟进 Follow-up: upsert by 询盘ID, else buyer ID, else the buyer key, idempotent,
a week later only what changed, hidden buyers, junk, reply hours across time zones, text stays text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from storeops.importers.into_workbook import format_report, import_frames, import_into
from storeops.tables import to_keys
from storeops.xlsx import read_tables

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
WEEK1 = EXPORTS / "inquiries-2026-11-20.csv"
WEEK2 = EXPORTS / "inquiries-2026-11-27.csv"
PACIFIC = EXPORTS / "inquiries-en-pacific.txt"
CUSTOMERS = EXPORTS / "customers-gbk.csv"
UNKNOWN = "未知买家 Unknown buyer"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _follow(path: Path) -> pd.DataFrame:
    return to_keys("tblFollow", read_tables(str(path))["tblFollow"])


def _by_id(f: pd.DataFrame) -> dict[str, pd.Series]:
    out = {}
    for _, r in f.iterrows():
        for i in re.split(r"[;\s]+", str(r["inquiry_id"] or "")):
            if i and i != "None":
                out[i] = r
    return out


def test_inquiries_into_a_fresh_workbook_golden(workbook):
    rep = import_into([str(WEEK1)], str(workbook), progress=False)
    f = rep.files[0]
    assert not rep.failed and (f.kind, f.read, f.added, f.updated, len(f.rejected)) == ("inquiries", 13, 11, 0, 0)
    text = format_report(rep)
    assert "13 inquiries from 11 buyers" in text and "2 buyers tagged junk" in text
    fol = _follow(workbook)
    assert len(fol) == 11
    ids = _by_id(fol)
    lena = ids["11000900001"]  # two inquiries, one row, both IDs
    assert lena["inquiry_id"] == "11000087109; 11000900001" and ids["11000087109"]["buyer"] == "Lena Khan"
    assert lena["received_at"] == dt.datetime(2026, 9, 20, 19, 52) and lena["replied_at"] == dt.datetime(
        2026, 9, 21, 2, 28
    )
    assert lena["last_contact"] == dt.datetime(2026, 11, 19) and lena["stage"] == "新询盘 New"
    assert lena["email"] == "lena.khan@khantradingco.com" and lena["phone"] == "+48 512 345 678"
    assert float(lena["reply_hours"]) == pytest.approx(6.6)  # computed by the recalc
    hannah = ids["11000900002"]
    assert hannah["inquiry_id"] == "11000900002; 11000900003"
    assert float(hannah["reply_hours"]) == pytest.approx((45 * 60 + 29) / 3600)  # 15:20:11 → 16:05:40
    assert hannah["replied_at"] == dt.datetime(2026, 11, 17, 16, 5, 40)
    assert (hannah["buyer_level"], float(hannah["platform_orders"]), float(hannah["platform_order_usd"])) == (
        "L3",
        22,
        118400,
    )
    assert float(hannah["paid_orders"]) == 0 and float(hannah["order_usd"]) == 0  # our own order log stays ours
    # hidden buyers are unknown, never "客户隐藏"
    hidden = ids["11000900004"]
    assert hidden["buyer"] == f"{UNKNOWN} #11000900004" and pd.isna(hidden["company"]) and pd.isna(hidden["email"])
    assert not (fol.astype(str) == "客户隐藏").any().any()
    assert float(hidden["reply_hours"]) == pytest.approx(1.25)
    assert (hidden["source"], hidden["channel"]) == ("RFQ", "询盘 Inquiry")
    aisha = ids["11000900008"]
    assert (aisha["source"], aisha["channel"], bool(aisha["timely"])) == ("TM", "TM", True)
    # junk: tagged by the platform, and a buyer who only ever sent spam
    assert ids["11000900006"]["junk"] == "是 Yes" and ids["11000900007"]["junk"] == "是 Yes"
    assert pd.isna(ids["11000900008"]["junk"])
    # importing the same file again: nothing added or updated, not one byte changed
    before = _sha(workbook)
    again = import_into([str(WEEK1)], str(workbook), progress=False)
    assert (again.files[0].added, again.files[0].updated, again.files[0].unchanged) == (0, 0, 11)
    assert not again.written and _sha(workbook) == before


def test_a_week_later_updates_only_what_changed(workbook):
    import_into([str(WEEK1)], str(workbook), progress=False, recalc=False)
    before = _follow(workbook)
    rep = import_into([str(WEEK2)], str(workbook), progress=False, recalc=False)
    t = rep.files[0].tables["tblFollow"]
    assert (t.added, t.updated, t.unchanged) == (1, 3, 8)
    after = _follow(workbook)
    assert len(after) == 12 and after["buyer"].iloc[-1] == "Olga Ivanova"
    inputs = [c for c in before.columns if c in after.columns]
    changed = {
        str(before.loc[i, "inquiry_id"])
        for i in range(len(before))
        if not before.loc[i, inputs].fillna("").astype(str).equals(after.loc[i, inputs].fillna("").astype(str))
    }
    assert changed == {"11000000000", "11000900002; 11000900003", "11000900004"}
    ids = _by_id(after)
    assert ids["11000000000"]["buyer_level"] == "L3"  # the platform's level went up
    hannah = ids["11000900010"]
    assert hannah["inquiry_id"] == "11000900002; 11000900003; 11000900010"
    assert hannah["replied_at"] == dt.datetime(2026, 11, 17, 16, 5, 40)  # first reply never moves later
    assert hannah["last_contact"] == dt.datetime(2026, 11, 24)
    assert hannah["updated_at"] == dt.datetime(2026, 11, 27, 9, 40)  # the export's 导出时间
    daniel = ids["11000900004"]  # the hidden buyer's name is known now: the placeholder is replaced
    assert (daniel["buyer"], daniel["company"]) == ("Daniel Park", "Park Outdoor Supply")
    assert ids["11000900005"]["buyer"] == f"{UNKNOWN} #11000900005"


def test_order_of_exports_does_not_matter(workbook, tmp_path):
    other = tmp_path / "other.xlsm"
    shutil.copyfile(workbook, other)
    import_into([str(WEEK1), str(WEEK2)], str(workbook), progress=False, recalc=False)
    import_into([str(WEEK2), str(WEEK1)], str(other), progress=False, recalc=False)
    a, b = _follow(workbook), _follow(other)

    def key(f: pd.DataFrame) -> pd.DataFrame:  # 更新时间 says when each file changed a row: it may differ;
        # the buyer ID is fixed by the export that added the row (its first received time): it may differ too
        drop = ["updated_at", "buyer_id"]
        return f.drop(columns=drop).sort_values("inquiry_id").reset_index(drop=True).astype(str)

    pd.testing.assert_frame_equal(key(a), key(b))


def test_reply_hours_across_china_and_pacific_time(workbook):
    import_into([str(PACIFIC)], str(workbook), progress=False)
    ids = _by_id(_follow(workbook))
    mia = ids["11000900101"]  # asked 20:00 PDT on 31 Oct, answered 20:00 PST on 1 Nov
    assert mia["received_at"] == dt.datetime(2026, 11, 1, 11, 0)
    assert float(mia["reply_hours"]) == pytest.approx(25.0) and not bool(mia["timely"])
    assert float(ids["11000900102"]["reply_hours"]) == pytest.approx(0.5)


def test_customers_give_buyers_their_owner_and_grade(workbook):
    rep = import_into([str(CUSTOMERS), str(WEEK1)], str(workbook), progress=False, recalc=False)
    cust, inq = rep.files
    assert (cust.added, len(cust.rejected)) == (4, 1) and "duplicate customer" in cust.rejected[0][1]
    assert (inq.added, inq.updated) == (10, 1)  # Yuki Novak matched the customer's row by buyer + salesperson
    fol = _follow(workbook)
    yuki = fol[fol["buyer"] == "Yuki Novak"].iloc[0]
    assert (yuki["crm_grade"], yuki["buyer_level"], yuki["inquiry_id"]) == ("意向客户", "L2", "11000000000")
    assert yuki["received_at"] == dt.datetime(2026, 9, 5, 6, 22)  # the inquiry came before the customer record
    assert (fol["buyer"] == "Pawsome Imports Pty Ltd").sum() == 1  # no contact: the company is the buyer
    nordic = fol[fol["company"] == "Nordic Paws Oy"].iloc[0]
    assert nordic["buyer"] == "Nordic Paws Oy" and pd.isna(nordic["email"])  # hidden contact, hidden e-mail


def test_demo_buyers_updated_by_inquiry_id_new_ones_added(demo_book, tmp_path):
    from storeops.tables import to_headers
    from storeops.xlsx import write_tables

    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_book, wb)
    fol = _follow(wb)
    n = len(fol)
    # rename a demo buyer: the 询盘ID still finds the row
    i = fol.index[fol["inquiry_id"] == "11000087109"][0]
    fol.loc[i, "buyer"] = "Lena Khan (Khan Trading)"
    write_tables(str(wb), {"tblFollow": to_headers("tblFollow", fol, inputs_only=True)})
    rep = import_into([str(WEEK1)], str(wb), progress=False)
    f = rep.files[0]
    assert (f.added, f.updated, f.unchanged) == (7, 3, 1)
    assert "赵六" in format_report(rep)  # not on the roster: said so
    after = _follow(wb)
    assert len(after) == n + 7
    lena = after.loc[i]
    assert lena["buyer"] == "Lena Khan (Khan Trading)" and lena["inquiry_id"] == "11000087109; 11000900001"
    assert lena["salesperson"] == "王芳 Wang Fang" and lena["last_contact"] == dt.datetime(2026, 11, 19)
    new = after.iloc[n:]
    assert set(new["salesperson"]) == {"王芳 Wang Fang", "李强 Li Qiang", "张敏 Zhang Min", "赵六"}  # roster spelling
    hours = pd.to_numeric(new["reply_hours"], errors="coerce")
    replied = new["replied_at"].notna()
    assert hours[replied].notna().all() and (hours[replied] > 0).all()
    before = _sha(wb)
    again = import_into([str(WEEK1)], str(wb), progress=False)
    assert (again.files[0].added, again.files[0].updated) == (0, 0) and _sha(wb) == before


def _sheet_xml(path: Path, sheet_name: str) -> str:
    from storeops.xlsx import open_package

    with open_package(str(path)) as pkg:
        return pkg.read(pkg.sheet(sheet_name).path).decode("utf-8")


def test_texts_that_look_like_formulas_stay_texts(workbook):
    import_into([str(WEEK1)], str(workbook), progress=False)
    fol = _follow(workbook)
    evil = fol[fol["inquiry_id"] == "11000900009"].iloc[0]
    assert evil["buyer"] == '=HYPERLINK("http://evil.example","Bob")'
    assert (evil["company"], evil["email"], evil["last_message"]) == (
        "+Plus Pets LLC",
        "@bob@pluspets.example",
        "-2+3 harness price?",
    )
    xml = _sheet_xml(workbook, "跟进 Follow-up")
    assert "evil.example" in xml and "<f>HYPERLINK" not in xml and "<f>=HYPERLINK" not in xml


def test_older_workbook_without_the_new_columns_is_refused_clearly():
    from storeops.importers.into_workbook import Context

    tables = {t: to_keys(t, pd.DataFrame()) for t in ("tblFollow", "tblKeywords", "tblStaff")}
    ctx = Context(columns={"tblFollow": {"buyer", "salesperson"}, "tblKeywords": {"keyword"}, "tblStaff": set()})
    reps = import_frames(tables, [str(WEEK1), str(EXPORTS / "staff-2026-11-15.csv")], ctx)
    assert all(r.error and "older than this StoreOps" in r.error for r in reps)
    assert "询盘ID Inquiry ID" in reps[0].error


def test_cli_reports_and_never_tracebacks(workbook, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "notes.csv"
    bad.write_text("name,age\nx,1\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "import", str(WEEK1), str(bad), "--into", str(workbook), "--no-recalc"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert "询盘 inquiries" in out.stdout and "not a known export" in out.stdout
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "import", str(WEEK1), "--into", str(workbook), "--tz", "Mars/Base"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "unknown time zone" in (out.stderr + out.stdout)
    with zipfile.ZipFile(workbook) as zf:
        assert zf.testzip() is None


def _rows_xml(path: Path) -> dict[int, str]:
    xml = _sheet_xml(path, "跟进 Follow-up")
    return {int(n): whole for whole, n in re.findall(r'(<row r="(\d+)"[^>]*>.*?</row>)', xml, re.S)}


def test_only_the_rows_an_import_changes_are_rewritten(demo_book, tmp_path):
    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_book, wb)
    before = _rows_xml(wb)
    n = len(_follow(wb))
    import_into([str(WEEK1)], str(wb), progress=False, recalc=False)
    after = _rows_xml(wb)
    fol = _follow(wb)
    first = 5  # the table's first data row in the sheet
    updated = {
        first + i
        for i in fol.index[:n]
        if any(x in str(fol.loc[i, "inquiry_id"]) for x in ("11000000000", "11000055433", "11000087109"))
    }
    assert len(updated) == 3
    for r, xml in before.items():  # every other row is byte for byte what it was
        assert (xml != after[r]) == (r in updated), r
    assert len(after) == len(before) + 7


def test_mask_follow_keeps_the_own_salespersons_rows():
    from storeops.masking import mask_follow

    f = pd.DataFrame(
        {
            "buyer": ["Ann", "Bob bob@x.com"],
            "salesperson": ["王芳 Wang Fang", "李强 Li Qiang"],
            "email": ["ann@pets.com", "bob@x.com"],
            "phone": ["+86 13812341234", 13912345678.0],
            "last_message": ["call 13812341234", "mail me: bob@x.com"],
            "paid_orders": [1, 2],
        }
    )
    out = mask_follow(f, keep=["王芳 wang fang"])
    assert out.loc[0].tolist() == f.loc[0].tolist()  # her own buyer stays readable
    assert out.loc[1].tolist() == [
        "Bob b***@x.com",
        "李强 Li Qiang",
        "b***@x.com",
        "139****5678",
        "mail me: b***@x.com",
        2,
    ]
    assert f.loc[1, "email"] == "bob@x.com"  # the input is not changed


def test_same_name_buyers_at_two_companies_stay_two_and_new_rows_get_buyer_ids():
    from storeops.buyer_ids import assign_ids
    from storeops.importers.follow_upsert import Buyer, upsert_buyers

    li, at = "李强 Li Qiang", dt.datetime(2026, 11, 3, 9, 30)
    existing = to_keys(
        "tblFollow", pd.DataFrame({"buyer": ["Fatima Garcia"], "company": ["Garcia Pet Store"], "salesperson": [li]})
    )
    existing["buyer_id"] = assign_ids(existing)

    def buyer(company, email):
        return Buyer(
            {"buyer": "fatima  GARCIA", "company": company, "salesperson": li, "received_at": at, "email": email}
        )

    res = upsert_buyers(
        existing, [buyer("Garcia Outdoor Dogs Ltd", "f@dogs.example"), buyer("garcia pet store", "f@pet.example")]
    )
    assert (res.added, res.updated) == (1, 1)  # the other company is another buyer; the same company the same
    f = res.frame
    assert f.loc[0, "email"] == "f@pet.example" and f.loc[1, "company"] == "Garcia Outdoor Dogs Ltd"
    assert f.loc[0, "buyer_id"] == existing.loc[0, "buyer_id"]  # an ID once written never changes
    assert f.loc[1, "buyer_id"] and f.loc[1, "buyer_id"] != f.loc[0, "buyer_id"]
    assert list(f["buyer_id"]) == assign_ids(f)  # what recalc would give the new row
    # a file with the company blank matches the one buyer of that name only when there is one
    again = upsert_buyers(f, [buyer(None, "x@example.com")])
    assert (again.added, again.updated) == (1, 0)
    one = upsert_buyers(existing, [buyer(None, None)])
    assert one.added == 0 and len(one.frame) == 1
