"""Staff analysis, P4P, 1688 and the Data Manager product flags into the workbook."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from storeops.importers.into_workbook import format_report, import_into
from storeops.tables import to_keys
from storeops.xlsx import read_tables
from storeops_xl import p4p_action

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPORTS = FIXTURES / "exports"
P4P = EXPORTS / "p4p-2026-11-15.csv"
P4P_EN = EXPORTS / "p4p-en-2026-11-15.csv"
STAFF = EXPORTS / "staff-2026-11-15.csv"


def _table(path: Path, name: str) -> pd.DataFrame:
    return to_keys(name, read_tables(str(path))[name])


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_p4p_report_fills_p4p_columns_and_p4p_action_advises(demo_book, tmp_path):
    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_book, wb)
    before = _table(wb, "tblKeywords")
    rep = import_into([str(P4P)], str(wb), progress=False)
    f = rep.files[0]
    assert (f.kind, f.period, f.added, f.updated) == ("p4p", "2026-11-09~2026-11-15", 2, 4)
    text = format_report(rep)
    assert "totals row" in text and "converted to USD at 7.2" in text
    kw = _table(wb, "tblKeywords")
    assert len(kw) == len(before) + 2
    rows = kw[kw["period"] == "2026-11-09~2026-11-15"].drop_duplicates("keyword").set_index("keyword")
    expected = {  # 花费(元) ÷ 7.2, clicks, 询盘数
        "dog collar": (64.0, 96, 4),
        "dog harness": (71.0, 71, 1),
        "dog leash": (12.0, 30, 2),
        "cat collar": (20.0, 12, 0),
        "gps dog collar": (4.5, 9, 0),
    }
    for k, (cost, clicks, inq) in expected.items():
        r = rows.loc[k]
        assert (float(r["p4p_cost"]), float(r["p4p_clicks"]), float(r["p4p_inquiries"])) == (cost, clicks, inq), k
        # the workbook's advice is the core rule on those numbers, and it is there
        want = p4p_action(cost, clicks, inq, None if pd.isna(r["p4p_orders"]) else float(r["p4p_orders"]), 30)
        assert r["p4p_action"] == want and r["p4p_action"].split(":")[0] in {
            "保持 keep",
            "加价 raise bid",
            "降价 lower bid",
            "暂停 pause",
        }
    assert rows.loc["dog harness", "p4p_action"].startswith("暂停 pause")  # 71 USD for one inquiry
    # the people's columns of the keywords the demo had are kept (type, bid)
    old = before.drop_duplicates("keyword").set_index("keyword")
    assert rows.loc["dog collar", "type"] == old.loc["dog collar", "type"]
    h = _sha(wb)
    again = import_into([str(P4P)], str(wb), progress=False)
    assert (again.files[0].added, again.files[0].updated) == (0, 0) and _sha(wb) == h
    # the English report in USD says the same for dog collar: nothing to change
    en = import_into([str(P4P_EN)], str(wb), progress=False)
    assert (en.files[0].added, en.files[0].updated, en.files[0].unchanged) == (1, 0, 1)


def test_staff_analysis_beside_our_own_rates(demo_book, tmp_path):
    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_book, wb)
    rep = import_into([str(STAFF)], str(wb), progress=False)
    assert rep.files[0].added == 3 and "not on the roster" not in format_report(rep)
    st = _table(wb, "tblStaff").set_index("salesperson")
    assert list(st.index) == ["王芳 Wang Fang", "李强 Li Qiang", "张敏 Zhang Min"]  # roster spelling
    wang = st.loc["王芳 Wang Fang"]
    assert float(wang["timely_rate"]) == 1.0 and float(wang["reply_5min_rate"]) == pytest.approx(0.7143)
    assert float(wang["online_hours"]) == 6.5 and float(wang["ta_order_usd"]) == 12500
    # our own rate for the same period, from Follow-up, computed by the workbook
    fol = _table(wb, "tblFollow")
    recv = pd.to_datetime(fol["received_at"])
    mine = fol[(fol["salesperson"] == "王芳 Wang Fang") & (recv >= "2026-11-09") & (recv < "2026-11-16")]
    hours = pd.to_numeric(mine["reply_hours"], errors="coerce")
    assert int(wang["our_inquiries"]) == len(mine)
    replied = mine[hours.notna()]
    assert float(wang["our_timely_rate"]) == pytest.approx(replied["timely"].astype(bool).mean())
    assert float(wang["our_avg_reply_hours"]) == pytest.approx(hours.dropna().mean())


def test_1688_products_and_keywords(workbook):
    rep = import_into(
        [str(EXPORTS / "1688-products-2026-11-15.csv"), str(EXPORTS / "1688-keywords-2026-11-15.xlsx")],
        str(workbook),
        progress=False,
    )
    assert not rep.failed and "set cfg_platform to 1688" in format_report(rep)
    fun = _table(workbook, "tblFunnel").set_index("item")
    r = fun.loc["620123456789"]
    assert (float(r["visitors"]), float(r["bounced"]), float(r["inquiries"]), float(r["orders"])) == (356, 222, 18, 12)
    assert float(r["bounce_rate"]) == pytest.approx(0.625, abs=0.002)  # BOUNCE gives the export's 跳失率 back
    assert pd.isna(r["impressions"])  # the 1688 product report has none
    prods = _table(workbook, "tblProducts").set_index("product_id")
    assert prods.loc["620987654321", "title"] == "狗狗胸背带防爆冲背心式宠物牵引绳"
    kw = _table(workbook, "tblKeywords").set_index("keyword")
    k = kw.loc["狗狗项圈"]
    assert (float(k["impressions"]), float(k["clicks"]), float(k["keyword_index"])) == (12400, 310, 1860)
    assert float(k["ctr"]) == pytest.approx(0.025)
    assert pd.isna(k["seller_index"])  # 供需指数 is not the seller-scale index


def test_product_export_keeps_showcase_p4p_and_owner(workbook):
    import_into([str(FIXTURES / "Products-2026-09-19.csv")], str(workbook), progress=False, recalc=False)
    p = _table(workbook, "tblProducts").set_index("product_id")
    first = p.loc["1601825074604"]
    assert (first["showcase"], first["top_display"], first["p4p"], first["owner"]) == (
        "是 Yes",
        "否 No",
        "是 Yes",
        "User name",
    )
    assert p.loc["1601939625569", "showcase"] == "否 No"
    assert set(p["showcase"]) <= {"是 Yes", "否 No"}


@pytest.mark.parametrize(
    "name",
    [
        "staff-2026-11-15.csv",
        "p4p-en-2026-11-15.csv",
        "customers-en.xlsx",
        "1688-products-2026-11-15.csv",
        "1688-keywords-2026-11-15.xlsx",
        "inquiries-en-pacific.txt",
    ],
)
def test_every_kind_reimports_without_a_change(workbook, name):
    first = import_into([str(EXPORTS / name)], str(workbook), progress=False, recalc=False)
    assert first.written and first.files[0].added > 0
    h = _sha(workbook)
    again = import_into([str(EXPORTS / name)], str(workbook), progress=False, recalc=False)
    assert (again.files[0].added, again.files[0].updated) == (0, 0) and not again.written and _sha(workbook) == h
