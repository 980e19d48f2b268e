"""The team's daily loop on real files (CLI): merge loses nothing, refuses what it cannot read."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

import openpyxl
import pandas as pd

from storeops.workbook import schema

from .conftest import append_below, cli, follow, replace_member

F = schema.FOLLOW


from .test_merge_orders import _add_orders  # noqa: E402


def _edit(path, buyer_id: str, **changes) -> None:
    """Change cells of one buyer's row with openpyxl, as a salesperson does in Excel/WPS."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[F.sheet]
    id_col = F.anchor_col + F.keys.index("buyer_id") + 1
    for r in range(F.anchor_row + 2, ws.max_row + 1):
        if ws.cell(r, id_col).value == buyer_id:
            for key, v in changes.items():
                ws.cell(r, F.anchor_col + F.keys.index(key) + 1, v)
            break
    else:
        raise AssertionError(buyer_id)
    wb.save(path)


def test_unchanged_copy_of_the_demo_changes_nothing(master, tmp_path):
    copy = tmp_path / "copy.xlsm"
    shutil.copyfile(master, copy)
    before = master.read_bytes()
    f0 = follow(master)
    out = cli("merge", copy, master, "--into", master)
    assert out.returncode == 0, out.stderr
    assert "新增 added 0, 更新 updated 0" in out.stdout and "没有冲突 / no conflicts" in out.stdout
    assert master.read_bytes() == before  # every cell byte-identical
    f1 = follow(master)
    assert len(f1) == len(f0) == 300 and f1["buyer_id"].nunique() == 300
    assert f1["order_usd"].sum() == f0["order_usd"].sum() == 742_440  # from the demo's order log
    assert (f0["buyer"].value_counts() > 1).sum() >= 20, "the demo has same-name buyers"


def test_same_name_buyers_typed_below_the_table_by_two_salespeople_both_survive(master, tmp_path):
    li, wang = tmp_path / "li.xlsm", tmp_path / "wang.xlsm"
    for p, who, company in ((li, "李强 Li Qiang", "Garcia Pet Store"), (wang, "王芳 Wang Fang", "Garcia Trading Co.")):
        shutil.copyfile(master, p)
        append_below(
            p,
            [
                {
                    "buyer": "Fatima Garcia",
                    "company": company,
                    "source": "TM",
                    "channel": "TM",
                    "salesperson": who,
                    "received_at": dt.datetime(2026, 11, 21, 10, 5),
                    "next_action": "报价 quote",
                    "updated_at": dt.datetime(2026, 11, 21, 17, 0),
                }
            ],
        )
    out = cli("merge", li, wang, "--into", master)
    assert out.returncode == 0, out.stderr
    assert "新增 added 2, 更新 updated 0" in out.stdout and "没有冲突 / no conflicts" in out.stdout
    f = follow(master)
    new = f[(f["buyer"] == "Fatima Garcia") & f["company"].isin(["Garcia Pet Store", "Garcia Trading Co."])]
    assert len(new) == 2 and new["buyer_id"].nunique() == 2
    assert len(f) == 302 and f["order_usd"].sum() == 742_440  # new buyers, no orders yet
    assert set(f["buyer_class"].dropna()) <= {"A", "B", "C", "D"}  # recalculated


def test_same_buyer_edited_by_two_people_one_row_and_one_conflict_line(master, tmp_path):
    bid = follow(master)["buyer_id"][5]
    li, wang = tmp_path / "li.xlsm", tmp_path / "wang.xlsm"
    shutil.copyfile(master, li)
    shutil.copyfile(master, wang)
    _edit(li, bid, stage="样品 Sample", next_action="li: send sample", updated_at=dt.datetime(2026, 11, 21, 18, 0))
    _edit(wang, bid, stage="谈判 Negotiating", next_action="wang: call", updated_at=dt.datetime(2026, 11, 21, 16, 0))
    csv = tmp_path / "conflicts.csv"
    out = cli("merge", wang, li, "--into", master, "--conflicts", csv)
    assert out.returncode == 0, out.stderr
    lines = [l for l in out.stdout.splitlines() if bid in l]
    assert len(lines) == 1 and "li.xlsm" in lines[0] and "wang.xlsm" in lines[0], out.stdout
    f = follow(master)
    row = f[f["buyer_id"] == bid]
    assert len(row) == 1 and row["stage"].item() == "样品 Sample"  # the newest edit
    rep = pd.read_csv(csv)
    assert rep[
        ["买家ID Buyer ID", "采用 Kept (file)", "未采用 Not kept (file)", "下一步 Next action"]
    ].values.tolist() == [[bid, "li.xlsm", "wang.xlsm", "wang: call"]]
    sheet = openpyxl.load_workbook(master, read_only=True)[schema.S_CONFLICTS]
    kept = [r for r in sheet.iter_rows(values_only=True) if bid in r]
    assert len(kept) == 1 and "wang: call" in kept[0]  # the older version, in full, in the master
    # the same merge again: nothing new, nothing written
    before = master.read_bytes()
    again = cli("merge", wang, li, "--into", master)
    assert again.returncode == 0 and "1 recorded before" in again.stdout, again.stdout
    assert master.read_bytes() == before


def test_split_then_merge_every_piece_gives_back_the_master(master, tmp_path):
    team = tmp_path / "team"
    out = cli("split", master, "--out", team)
    assert out.returncode == 0, out.stderr
    pieces = sorted(team.glob("*.xlsm"))
    assert len(pieces) == 3
    before = master.read_bytes()
    out = cli("merge", *pieces, "--into", master)
    assert out.returncode == 0 and "新增 added 0, 更新 updated 0" in out.stdout, out.stdout
    assert master.read_bytes() == before
    m = follow(master)
    # each piece: only its salesperson's buyers, none of the boss's costs
    for p in pieces:
        tables = {k: v for k, v in __import__("storeops.xlsx", fromlist=["read_tables"]).read_tables(p).items()}
        fk = follow(p)
        assert fk["salesperson"].nunique() == 1
        assert len(fk) == (m["salesperson"] == fk["salesperson"][0]).sum()
        assert tables["tblCost"].dropna(how="all").iloc[:, :3].dropna(how="all").empty
        assert len(tables["tblTarget"].dropna(how="all")) == 1
    # merged into an empty workbook, the pieces give the same buyers with the same values
    empty = tmp_path / "empty.xlsm"
    from storeops.workbook import build_workbook

    build_workbook(empty)
    assert cli("merge", *pieces, "--into", empty).returncode == 0
    e = follow(empty)
    keys = [c.key for c in F.inputs if c.key != "sync_mark"]
    norm = lambda f: f[keys].astype(str).sort_values("buyer_id").reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(norm(e), norm(m))


def test_an_edited_piece_merges_back_without_conflict(master, tmp_path):
    team = tmp_path / "team"
    assert cli("split", master, "--out", team).returncode == 0
    piece = next(team.glob("*Li Qiang*.xlsm"))
    bid = follow(piece)["buyer_id"][0]
    usd_before = follow(master).set_index("buyer_id").loc[bid, "order_usd"]
    _edit(piece, bid, stage="成交 Won", updated_at=dt.datetime(2026, 11, 21, 18))
    sp = follow(piece).set_index("buyer_id").loc[bid, "salesperson"]
    order = {"order_date": dt.datetime(2026, 11, 20), "buyer_id": bid, "salesperson": sp, "kind": "付款 Paid"}
    _add_orders(piece, [{**order, "amount": 5000.0, "currency": "USD"}])  # typed on the piece's Orders sheet
    out = cli("merge", *team.glob("*.xlsm"), "--into", master)
    assert out.returncode == 0 and "更新 updated 1" in out.stdout and "没有冲突" in out.stdout, out.stdout
    row = follow(master).set_index("buyer_id").loc[bid]
    assert row["stage"] == "成交 Won" and row["order_usd"] == usd_before + 5000 and row["buyer_class"] in ("B", "A")
    # the piece was merged: splitting again may replace it; an unmerged edit stops split
    _edit(piece, bid, next_action="not merged yet")
    out = cli("split", master, "--out", team)
    assert out.returncode != 0 and "merge it first" in out.stderr


def _refused(master, other, tmp_path):
    before = master.read_bytes()
    out = cli("merge", other, "--into", master)
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr and "nothing was merged" in out.stderr, out.stderr
    assert master.read_bytes() == before
    return out.stderr


def test_a_file_with_a_renamed_column_is_refused(master, tmp_path):
    for key in ("goal", "salesperson"):
        other = tmp_path / f"renamed-{key}.xlsm"
        shutil.copyfile(master, other)
        header = F.header(key)
        with zipfile.ZipFile(other) as z:
            table = next(
                n for n in z.namelist() if n.startswith("xl/tables/") and b'displayName="tblFollow"' in z.read(n)
            )
            data = z.read(table)
        replace_member(other, table, data.replace(f'name="{header}"'.encode(), b'name="Renamed"'))
        assert "Renamed" in _refused(master, other, tmp_path)


def test_a_damaged_file_is_refused(master, tmp_path):
    other = tmp_path / "damaged.xlsm"
    shutil.copyfile(master, other)
    with zipfile.ZipFile(other) as z:
        sst = z.read("xl/sharedStrings.xml")
    items = re.findall(rb"<si>.*?</si>", sst, re.S)
    cut = sst[: sst.index(items[len(items) // 3])] + b"</sst>"  # truncated: a third of the texts left
    replace_member(other, "xl/sharedStrings.xml", cut)
    before = master.read_bytes()
    out = cli("merge", other, "--into", master)  # refused while reading, by storeops.xlsx (issue 15)
    assert out.returncode != 0 and "Traceback" not in out.stderr and "damaged" in out.stderr, out.stderr
    assert master.read_bytes() == before


def test_a_file_of_another_template_version_is_refused(master, tmp_path):
    other = tmp_path / "v9.xlsm"
    shutil.copyfile(master, other)
    custom = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxml'
        b'formats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        b'name="StoreOpsSchemaVersion"><vt:i4>9</vt:i4></property></Properties>'
    )
    replace_member(other, "docProps/custom.xml", custom)
    assert "template version 9" in _refused(master, other, tmp_path)


def test_rows_typed_below_the_table_are_checked_without_a_recalc(master, tmp_path):
    base = {"source": "TM", "channel": "TM", "received_at": dt.datetime(2026, 11, 21, 9), "next_action": "x"}
    append_below(
        master,
        [
            {**base, "buyer": "Bad count", "salesperson": "李强 Li Qiang", "platform_orders": "abc"},
            {**base, "buyer": "Nobody's", "salesperson": "Nobody"},
            {**base, "buyer": "No next", "salesperson": "王芳 Wang Fang", "next_action": None},
        ],
    )
    out = cli("check", master)
    assert out.returncode == 1
    below = [l for l in out.stdout.splitlines() if l.startswith("跟进") and int(l.split()[2]) > 304]
    assert len(below) == 3, out.stdout
