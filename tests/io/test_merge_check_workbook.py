"""`storeops merge` and `storeops check` on real workbook files (CLI, subprocess)."""

import subprocess
import sys

import pandas as pd

from storeops.tables import drop_blank_rows, to_keys
from storeops.workbook import build_workbook
from storeops.xlsx import read_tables

SP = pd.DataFrame({"salesperson": ["Li", "Wu", "Zhang"], "team": ["狼队", "狼队", "虎队"]})


def follow(rows):
    base = {
        "source": "TM",
        "channel": "TM",
        "received_at": "2026-11-03 09:00",
        "replied_at": "2026-11-03 09:20",
        "stage": "新询盘 New",
        "next_action": "quote",
        "last_contact": "2026-11-03",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "storeops.cli", *map(str, args)], capture_output=True, text=True, timeout=180
    )


def test_merge_three_salespeople(tmp_path):
    master = tmp_path / "master.xlsm"
    build_workbook(
        master,
        data={
            "tblSalespeople": SP,
            "tblFollow": follow(
                [
                    {"buyer": "Bob", "salesperson": "Li", "updated_at": "2026-11-03 10:00"},
                    {"buyer": "Cat", "salesperson": "Wu", "updated_at": "2026-11-03 10:00"},
                    {"buyer": "Only Master", "salesperson": "Zhang", "updated_at": "2026-11-01 10:00"},
                ]
            ),
        },
    )
    files = {
        "li.xlsm": [
            {"buyer": "Bob", "salesperson": "Li", "stage": "已报价 Quoted", "updated_at": "2026-11-05 17:00"},
            {"buyer": '=HYPERLINK("x")', "salesperson": "Li", "updated_at": "2026-11-05 17:00"},
        ],
        "wu.xlsm": [
            {"buyer": "Cat", "salesperson": "Wu", "updated_at": "2026-11-03 10:00"},  # unchanged copy
            {"buyer": "Dan", "salesperson": "Wu", "updated_at": "2026-11-05 18:00"},
            # Wu also edited Li's buyer Bob, differently and earlier: a conflict, Li's newer edit wins
            {"buyer": "Bob", "salesperson": "Li", "stage": "流失 Lost", "updated_at": "2026-11-04 09:00"},
        ],
        "zhang.xlsm": [{"buyer": "Eve", "salesperson": "Zhang", "updated_at": "2026-11-05 12:00"}],
    }
    paths = []
    for name, rows in files.items():
        p = tmp_path / name
        build_workbook(p, data={"tblSalespeople": SP, "tblFollow": follow(rows)})
        paths.append(p)
    out = cli("merge", *paths, "--into", master, "--conflicts", tmp_path / "conflicts.csv")
    assert out.returncode == 0, out.stderr
    assert "冲突 1 个 / 1 conflict(s)" in out.stdout and "Bob" in out.stdout
    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(master))["tblFollow"]))
    buyers = sorted(fk["buyer"].tolist())
    assert buyers == sorted(["Bob", "Cat", "Only Master", '=HYPERLINK("x")', "Dan", "Eve"])  # each exactly once
    assert fk.set_index("buyer").loc["Bob", "stage"] == "已报价 Quoted"
    csv = pd.read_csv(tmp_path / "conflicts.csv")  # one line naming both versions, the older one in full
    assert csv[["采用 Kept (file)", "未采用 Not kept (file)", "阶段 Stage"]].values.tolist() == [
        ["li.xlsm", "wu.xlsm", "流失 Lost"]
    ]
    # merged rows are recalculated: the new buyer has a class
    assert set(fk["buyer_class"].dropna()) <= {"A", "B", "C", "D"} and fk["buyer_class"].notna().all()


def test_check_lists_each_planted_bad_row_and_nothing_else(tmp_path):
    wb = tmp_path / "bad.xlsm"
    good = {"buyer": "Good", "salesperson": "Li"}
    build_workbook(
        wb,
        data={
            "tblSalespeople": SP,
            "tblFollow": follow(
                [
                    good,
                    {"buyer": "Late", "salesperson": "Li", "replied_at": "2026-11-02 08:00"},
                    {"buyer": "Ghosted", "salesperson": "Nobody"},
                    {"buyer": "NoNext", "salesperson": "Wu", "next_action": None},
                    {"buyer": "Bad count", "salesperson": "Wu", "platform_orders": "abc"},
                    {"buyer": "Bad date", "salesperson": "Wu", "last_contact": "2026-13-45"},
                ]
            ),
            "tblFunnel": pd.DataFrame(
                {
                    "period": ["2026-W46", "2026-W46"],
                    "item": ["collar", "leash"],
                    "impressions": [100, 100],
                    "clicks": [5, 150],
                    "orders": [1, -2],
                }
            ),
        },
    )
    out = cli("check", wb)
    assert out.returncode == 1, out.stderr
    lines = [l for l in out.stdout.splitlines() if l.startswith(("跟进", "漏斗"))]
    got = sorted((l.split()[0], int(l.split()[2])) for l in lines)
    assert got == sorted(
        [("跟进", 6), ("跟进", 7), ("跟进", 8), ("跟进", 9), ("跟进", 10), ("漏斗", 9), ("漏斗", 9)]
    ), out.stdout
    for reason in (
        "回复早于收到时间",
        "未知业务员",
        "缺少下一步",
        "不是数字",
        "不是有效日期",
        "点击大于曝光",
        "不能为负数",
    ):
        assert reason in out.stdout


def test_check_clean_workbook_exit_0(tmp_path):
    wb = tmp_path / "ok.xlsm"
    build_workbook(wb, data={"tblSalespeople": SP, "tblFollow": follow([{"buyer": "Fine", "salesperson": "Li"}])})
    out = cli("check", wb)
    assert out.returncode == 0 and "no problems" in out.stdout
