"""One roster; older workbooks upgraded by `storeops migrate`; buyers handed over; rows below tables count."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from storeops.engine import recalc
from storeops.tables import drop_blank_rows, to_keys
from storeops.workbook import build_workbook, schema
from storeops.xlsx import read_tables, write_tables

from .conftest import append_below, cli, follow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _names(path, table):
    key = schema.ROSTER_TABLES[table]
    f = drop_blank_rows(table, to_keys(table, read_tables(str(path))[table]))
    return f[key].tolist()


def _roster(path, rows):
    write_tables(
        path, {"tblSalespeople": pd.DataFrame(rows, columns=["业务员 Salesperson", "团队 Team", "在职 Active"])}
    )


def test_a_fourth_salesperson_appears_everywhere_after_a_recalc(master):
    targets = to_keys("tblTarget", read_tables(str(master))["tblTarget"]).set_index("salesperson")["sales_target"]
    people = [
        ("王芳 Wang Fang", "狼队 Wolves", "是 Yes"),
        ("李强 Li Qiang", "狼队 Wolves", "是 Yes"),
        ("张敏 Zhang Min", "鹰队 Eagles", "是 Yes"),
        ("赵六 Zhao Liu", "虎队 Tigers", None),
    ]
    _roster(master, people)
    out = cli("check", master)
    assert "run storeops recalc" in out.stdout and "赵六 Zhao Liu" in out.stdout  # not followed yet: check says so
    recalc(master, progress=False)
    everyone = [p for p, _, _ in people]
    for t in ("tblTarget", "tblPK", "tblBuyerSummary"):
        assert _names(master, t) == everyone, t
    assert _names(master, "tblTeams") == ["狼队 Wolves", "鹰队 Eagles", "虎队 Tigers"]
    after = to_keys("tblTarget", read_tables(str(master))["tblTarget"]).set_index("salesperson")
    for p in everyone[:3]:  # targets typed for the others stay with them
        assert after.loc[p, "sales_target"] == targets[p]
    pk = to_keys("tblPK", read_tables(str(master))["tblPK"]).set_index("salesperson")
    assert pk.loc["赵六 Zhao Liu", "team"] == "虎队 Tigers" and pk["rank"].notna().all()
    with zipfile.ZipFile(master) as z:  # the PK and target charts follow the roster
        charts = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/charts/"))
    assert b"PK!$A$5:$A$8" in charts and b"PK!$A$5:$A$7" not in charts
    assert cli("check", master).stdout.count("run storeops recalc") == 0

    # one leaves (在职 = 否): gone from every table at the next recalc, their buyers flagged for handover
    people[2] = ("张敏 Zhang Min", "鹰队 Eagles", "否 No")
    _roster(master, people)
    recalc(master, progress=False)
    rest = [everyone[i] for i in (0, 1, 3)]
    for t in ("tblTarget", "tblPK", "tblBuyerSummary"):
        assert _names(master, t) == rest, t
    assert _names(master, "tblTeams") == ["狼队 Wolves", "虎队 Tigers"]
    out = cli("check", master)
    assert "open buyer of a salesperson who left" in out.stdout
    rv = cli("review", master, "--out", master.parent)
    assert rv.returncode == 0 and "not on roster" in rv.stdout and "张敏" not in rv.stdout.split("not on roster")[0]


def test_reassign_moves_open_buyers_and_keeps_history(master):
    before = follow(master)
    who = "张敏 Zhang Min"
    mine = before[before["salesperson"] == who]
    closed = mine["stage"].isin(schema.CLOSED_STAGES)
    out = cli("reassign", master, "--from", who, "--to", "赵六")
    assert out.returncode != 0 and "not an active salesperson" in out.stderr  # a typo would hide the buyers
    out = cli("reassign", master, "--from", who, "--to", "李强 Li Qiang")
    assert out.returncode == 0, out.stderr
    after = follow(master).set_index("buyer_id")
    moved = after.loc[mine.loc[~closed, "buyer_id"]]
    assert (moved["salesperson"] == "李强 Li Qiang").all() and (moved["prev_salesperson"] == who).all()
    kept = after.loc[mine.loc[closed, "buyer_id"]]
    assert (kept["salesperson"] == who).all()
    assert len(after) == len(before) and after["order_usd"].sum() == before["order_usd"].sum()
    cols = ["buyer", "company", "stage", "order_usd", "last_message"]  # the buyers' history travels with them
    pd.testing.assert_frame_equal(
        moved[cols].reset_index(drop=True), mine.loc[~closed, cols].reset_index(drop=True), check_dtype=False
    )


#: schema version 2 (before buyer IDs), built by main's builder: see tests/hostile/test_schema_version.py
V2 = FIXTURES / "workbook-v2.xlsm"


def test_an_old_workbook_is_upgraded_by_migrate_losing_nothing(tmp_path):
    from storeops.workbook.migrate import layout_problems
    from storeops.xlsx import open_package, schema_version

    path = tmp_path / "old.xlsm"
    shutil.copyfile(V2, path)
    old = to_keys("tblFollow", read_tables(str(path))["tblFollow"])
    append_below(path, [{"buyer": "Typed below", "salesperson": "李强 Li Qiang", "source": "TM", "channel": "TM"}])
    recalc(path, progress=False)  # recalc never converts a file behind the user's back
    assert schema_version(path) == 2
    with open_package(path) as pkg:
        assert layout_problems(pkg, 2) == [] and layout_problems(pkg, schema.SCHEMA_VERSION) != []
    assert cli("migrate", path).returncode == 0
    new = follow(path)
    assert len(new) == 5 and new["buyer_id"].str.match(r"^B[0-9A-Z]{10}$").all() and new["buyer_id"].is_unique
    keys = [c.key for c in schema.FOLLOW.inputs if c.key not in ("buyer_id", "sync_mark", "prev_salesperson")]
    pd.testing.assert_frame_equal(new[keys].head(4).astype(str), old[keys].astype(str), check_dtype=False)
    assert new["buyer"].iloc[-1] == "Typed below"
    assert set(new["clash"].dropna()) <= {"", "撞单 Clash"}
    with zipfile.ZipFile(path) as z:
        table = next(z.read(n) for n in z.namelist() if b'displayName="tblFollow"' in z.read(n))
    assert table.count(b"<tableColumn ") == len(schema.FOLLOW.columns)
    recalc(path, progress=False)
    again = path.read_bytes()
    recalc(path, progress=False)
    assert path.read_bytes() == again  # up to date: a second recalc changes nothing


def test_import_counts_a_product_typed_below_the_table(tmp_path):
    path = tmp_path / "wb.xlsm"
    build_workbook(path)
    t = schema.TABLES["tblProducts"]
    import openpyxl

    from storeops.importers.datamanager import read_export

    pid = str(read_export(str(FIXTURES / "Products-2026-09-19.csv")).frame["product_id"].iloc[0])
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[t.sheet]
    first = t.anchor_row + 2
    ws.cell(first, t.anchor_col + 1, "999")  # the table's one row
    ws.cell(first + 1, t.anchor_col + 1, pid)  # typed right below it
    ws.cell(first + 1, t.anchor_col + t.keys.index("keywords") + 1, "my keywords")
    wb.save(path)
    assert cli("import", FIXTURES / "Products-2026-09-19.csv", "--into", path).returncode == 0
    p = to_keys("tblProducts", read_tables(str(path))["tblProducts"])
    mine = p[p["product_id"].astype(str) == pid]
    assert len(mine) == 1 and mine["keywords"].item() == "my keywords" and mine["impressions"].notna().item()


def test_watch_merges_rows_typed_below_with_their_ids(master, tmp_path):
    import io

    from storeops.watch import Watcher

    folder = tmp_path / "shared"
    folder.mkdir()
    li = folder / "li.xlsm"
    w = Watcher(folder, settle=0.1, merge_into=master, log_to=io.StringIO())
    w.baseline()
    tmp = tmp_path / "li-tmp.xlsm"
    shutil.copyfile(master, tmp)
    append_below(tmp, [{"buyer": "New Below", "salesperson": "李强 Li Qiang", "source": "TM", "channel": "TM"}])
    shutil.move(tmp, li)
    w.poll_once(now=100.0)
    assert w.poll_once(now=101.0) == [li]
    m, mine = follow(master), follow(li)
    assert (m["buyer"] == "New Below").sum() == 1
    assert (
        m.loc[m["buyer"] == "New Below", "buyer_id"].item() == mine.loc[mine["buyer"] == "New Below", "buyer_id"].item()
    )


@pytest.mark.parametrize("n", [3])
def test_review_says_who_submitted(master, n):
    out = cli("review", master, "--out", master.parent)
    assert out.returncode == 0
    part = out.stdout.split("提交情况")[1]
    assert part.count("已提交 Yes") == n - 1 and part.count("未提交 No") == 1 and "张敏" in part


def test_review_counts_a_buyer_typed_below_the_table(master):
    import datetime as dt

    from storeops.review import run_review

    week = "2026-W47"
    before = run_review(str(master), week=week, sheet=False, pdf=False).review.people
    row = {"buyer": "Walk-in", "salesperson": "李强 Li Qiang", "source": "RFQ", "channel": "询盘 Inquiry"}
    append_below(master, [{**row, "received_at": dt.datetime(2026, 11, 18, 10), "next_action": "quote"}])
    after = run_review(str(master), week=week, sheet=False, pdf=False).review.people
    key = "新买家 New buyers"
    b, a = before.set_index("业务员 Salesperson")[key], after.set_index("业务员 Salesperson")[key]
    assert a["李强 Li Qiang"] == b["李强 Li Qiang"] + 1 and a.sum() == b.sum() + 1


def test_merge_into_an_old_master_is_refused_until_it_is_migrated(tmp_path):
    master, li = tmp_path / "old-master.xlsm", tmp_path / "li.xlsm"
    shutil.copyfile(V2, master)
    shutil.copyfile(V2, li)
    assert cli("migrate", li).returncode == 0  # the salesperson's copy is upgraded, the master not yet
    append_below(li, [{"buyer": "Brand New", "salesperson": "李强 Li Qiang", "source": "TM", "channel": "TM"}])
    before = master.read_bytes()
    out = cli("merge", li, "--into", master)
    assert out.returncode != 0 and "storeops migrate old-master.xlsm" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and master.read_bytes() == before
    assert cli("migrate", master).returncode == 0
    out = cli("merge", li, "--into", master)
    assert out.returncode == 0, out.stderr
    assert "新增 added 1, 更新 updated 0" in out.stdout, out.stdout  # same buyers matched by their derived IDs
    m = follow(master)
    assert len(m) == 5 and m["buyer_id"].is_unique and m["buyer_id"].notna().all()
    assert set(m["buyer_id"]) == set(follow(li)["buyer_id"].dropna()) | {m["buyer_id"].iloc[-1]}
