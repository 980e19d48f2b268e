"""The schema-version stamp: written by the builder, kept by recalc and by LibreOffice, read
by storeops.xlsx.schema_version, upgraded explicitly by `storeops migrate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storeops.workbook import schema
from storeops.workbook._layouts import LAYOUTS
from storeops.workbook.migrate import layout_problems
from storeops.xlsx import open_package, read_names, read_tables, schema_version
from tests.compat._lo import convert

from .corpus import rezip
from .test_inputs_corpus import _unstamped
from .test_workbook_corpus import assert_clean_refusal, run


def test_layout_of_the_current_version_is_the_schema():
    """Bump SCHEMA_VERSION (and add a layout and a migration) when the input columns change."""
    current = {n: tuple(c.header for c in t.columns if c.kind == "input") for n, t in schema.TABLES.items()}
    assert LAYOUTS[schema.SCHEMA_VERSION] == current


def test_built_and_recalculated_workbooks_carry_the_version(books):
    master, _ = books
    assert schema_version(master) == schema.SCHEMA_VERSION
    with open_package(master) as pkg:
        assert layout_problems(pkg, schema.SCHEMA_VERSION) == []


def test_migrate_stamps_an_old_workbook_once(books, tmp_path, capsys):
    master, _ = books
    old = tmp_path / "old.xlsm"
    _unstamped(master, old)
    assert schema_version(old) is None
    rc, text = run(["migrate", old], capsys)
    assert rc == 0 and f"upgraded from schema version 0 to {schema.SCHEMA_VERSION}" in text, text
    assert schema_version(old) == schema.SCHEMA_VERSION
    stamped = old.read_bytes()
    rc, text = run(["migrate", old], capsys)
    assert rc == 0 and "nothing to do" in text and old.read_bytes() == stamped
    assert run(["recalc", old, "--no-progress"], capsys)[0] == 0 and schema_version(old) == schema.SCHEMA_VERSION


def test_migrate_refuses_a_renamed_column_and_a_newer_version(books, tmp_path, capsys):
    master, _ = books
    old = tmp_path / "old.xlsm"
    _unstamped(master, old)
    renamed = tmp_path / "renamed.xlsm"
    with open_package(old) as pkg:
        table = pkg.tables["tblFollow"].path
    rezip(old, renamed, change={table: lambda d: d.replace("下一步 Next action".encode(), b"Next step", 1)})
    before = renamed.read_bytes()
    rc, text = run(["migrate", renamed], capsys)
    assert_clean_refusal(rc, text, 2, "Next action")
    assert renamed.read_bytes() == before
    newer = tmp_path / "newer.xlsm"
    stamp = f"<vt:i4>{schema.SCHEMA_VERSION}<".encode()
    rezip(master, newer, change={"docProps/custom.xml": lambda d: d.replace(stamp, b"<vt:i4>99<")})
    assert schema_version(newer) == 99
    before = newer.read_bytes()
    rc, text = run(["migrate", newer], capsys)
    assert_clean_refusal(rc, text, 2, "newer StoreOps")
    assert newer.read_bytes() == before


#: a workbook as StoreOps wrote it at schema version 1 (built by the builder of commit 5077126,
#: before issue 12's and 13's columns): two buyers, one product, Settings cfg_class_a_usd 8000 and
#: cfg_as_of 2026-11-21, PK weight sales 0.5, xlwings.conf Interpreter_Win (as `storeops install`
#: writes it), recalculated, and the Review sheet of 2026-W47
V1 = Path(__file__).resolve().parents[1] / "fixtures" / "workbook-v1.xlsm"


def _values(frame):
    return [[None if v != v else v for v in row] for row in frame.itertuples(index=False)]


def test_migrate_version_1_builds_the_new_layout_and_keeps_every_input(tmp_path, capsys):
    from storeops.vba._conf import read_conf

    book = tmp_path / "shop.xlsm"
    shutil.copyfile(V1, book)
    assert schema_version(book) == 1
    with open_package(book) as pkg:
        assert layout_problems(pkg, 1) == [] and layout_problems(pkg, 2) != []
    old_tables, old_names = read_tables(book), read_names(book)
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and f"upgraded from schema version 1 to {schema.SCHEMA_VERSION}" in text, text
    assert schema_version(book) == schema.SCHEMA_VERSION
    with open_package(book) as pkg:
        assert layout_problems(pkg, schema.SCHEMA_VERSION) == []
        assert {"员工分析 Staff analysis", "周复盘 Review"} <= {s.name for s in pkg.sheets}
    new_tables, new_names = read_tables(book), read_names(book)
    for name, old in old_tables.items():  # every input cell of every table, as it was
        # (the typed order totals of version 1 became opening entries on 订单 Orders: below)
        inputs = [h for h in LAYOUTS[1][name] if h in old.columns and h in LAYOUTS[schema.SCHEMA_VERSION][name]]
        assert _values(new_tables[name][inputs].iloc[: len(old)]) == _values(old[inputs]), name
    new_follow = new_tables["tblFollow"]
    assert new_follow["询盘ID Inquiry ID"].isna().all() and new_follow["买家 Buyer"].tolist()[:2] == ["Amy", "Bob"]
    assert new_follow["最近消息 Last message"][0] == '=HYPERLINK("x")'  # text stays text
    # Amy's typed 2 paid orders / 12,000 USD are two dated opening entries on Orders, linked by her
    # new buyer ID; recalculated, Follow-up shows the same totals and class A (cfg_class_a_usd 8000)
    orders = new_tables["tblOrders"].dropna(how="all")
    amy = new_follow["买家ID Buyer ID"][0]
    assert isinstance(amy, str) and amy and amy != new_follow["买家ID Buyer ID"][1]
    assert orders["买家ID Buyer ID"].tolist() == [amy, amy] and orders["金额 Amount"].sum() == 12000
    assert {str(d)[:10] for d in orders["日期 Date"]} == {"2026-11-05"}  # her last contact
    assert (new_follow["付款订单 Paid orders (12m)"][0], new_follow["订单额 Order USD (12m)"][0]) == (2, 12000)
    assert new_follow["类别 Class"][0] == "A"
    for key in ("cfg_class_a_usd", "cfg_as_of", "cfg_platform", "cfg_pk_weights"):
        assert new_names[key] == old_names[key], key
    assert read_conf(book)["Interpreter_Win"] == r"C:\Python311\python.exe"
    assert read_tables(book) is not None and run(["recalc", book, "--no-progress"], capsys)[0] == 0
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and "nothing to do" in text


def test_migrate_refuses_what_a_new_build_would_not_carry(tmp_path, capsys):
    """A column of the user's own in a table: migrating would drop it, so nothing is written."""
    book = tmp_path / "shop.xlsm"
    with open_package(V1) as pkg:
        table = pkg.tables["tblFollow"].path
    rezip(V1, book, change={table: lambda d: d.replace("回复小时 Reply hours".encode(), "我的备注 My notes".encode())})
    before = book.read_bytes()
    rc, text = run(["migrate", book], capsys)
    assert_clean_refusal(rc, text, 2, "shop.xlsm", "My notes", "would be lost")
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.xlsm"]


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_version(soffice, books, tmp_path):
    master, _ = books
    src = tmp_path / "book.xlsx"
    shutil.copyfile(master, src)
    convert(soffice, src, tmp_path / "out", "xlsx:Calc MS Excel 2007 XML", tmp_path / "profile")
    assert schema_version(tmp_path / "out" / "book.xlsx") == schema.SCHEMA_VERSION  # LibreOffice writes vt:r8


#: a workbook as StoreOps wrote it at schema version 2 (built and recalculated by the builder of
#: main at 012f13f, before issue 10's buyer IDs): four buyers — two named Fatima Garcia at
#: different companies —, a formula-like text, the roster of three, cfg_as_of 2026-11-21
V2 = Path(__file__).resolve().parents[1] / "fixtures" / "workbook-v2.xlsm"


def test_migrate_version_2_adds_buyer_ids_and_keeps_every_input(tmp_path, capsys):
    book = tmp_path / "master.xlsm"
    shutil.copyfile(V2, book)
    assert schema_version(book) == 2
    with open_package(book) as pkg:
        assert layout_problems(pkg, 2) == [] and layout_problems(pkg, 3) != []
    old_tables = read_tables(book)
    typed_usd = old_tables["tblFollow"]["订单额 Order USD (12m)"].fillna(0).sum()
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and f"upgraded from schema version 2 to {schema.SCHEMA_VERSION}" in text, text
    assert schema_version(book) == schema.SCHEMA_VERSION
    with open_package(book) as pkg:
        assert layout_problems(pkg, schema.SCHEMA_VERSION) == []
    new_tables, names = read_tables(book), read_names(book)
    for name, old in old_tables.items():
        if name in schema.ROSTER_TABLES:  # rows follow the roster now: one per active salesperson
            key = schema.TABLES[name].header(schema.ROSTER_TABLES[name])
            got = new_tables[name][key].dropna().tolist()
            assert got and set(got) >= set(old[key].dropna()), name
            continue
        # (the typed order totals of version 2 became opening entries on 订单 Orders)
        inputs = [h for h in LAYOUTS[2][name] if h in old.columns and h in LAYOUTS[schema.SCHEMA_VERSION][name]]
        assert _values(new_tables[name][inputs].iloc[: len(old)]) == _values(old[inputs]), name
    assert new_tables["tblTarget"]["业务员 Salesperson"].tolist() == [
        "王芳 Wang Fang",
        "李强 Li Qiang",
        "张敏 Zhang Min",
    ]
    follow = new_tables["tblFollow"]
    ids = follow["买家ID Buyer ID"].tolist()[:4]
    assert all(isinstance(i, str) and len(i) == 11 for i in ids) and len(set(ids)) == 4  # the two Fatimas too
    assert follow["下一步 Next action"][2] == '=HYPERLINK("x")'
    assert "cfg_last_workday" in names and "已提交 Submitted" in new_tables["tblBuyerSummary"].columns
    orders = new_tables["tblOrders"].dropna(how="all")
    assert typed_usd > 0 and orders["金额 Amount"].sum() == pytest.approx(typed_usd)
    assert set(orders["买家ID Buyer ID"]) <= set(ids)
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and "nothing to do" in text


#: a workbook of schema version 3 (issue 10: buyer IDs, before issue 11's order log): V2 migrated by
#: ``storeops migrate`` of main at be742b4 — typed order totals (Fatima Garcia 1 paid / 1,200 USD,
#: Amy 2 paid / 5,400.50 USD) and the buyer IDs that version gave
V3 = Path(__file__).resolve().parents[1] / "fixtures" / "workbook-v3.xlsm"


def test_migrate_version_3_keeps_buyer_ids_and_dates_the_typed_orders(tmp_path, capsys):
    book = tmp_path / "master.xlsm"
    shutil.copyfile(V3, book)
    assert schema_version(book) == 3
    with open_package(book) as pkg:
        assert layout_problems(pkg, 3) == [] and layout_problems(pkg, 4) != []
    old_tables = read_tables(book)
    old_follow = old_tables["tblFollow"]
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and f"upgraded from schema version 3 to {schema.SCHEMA_VERSION}" in text, text
    assert schema_version(book) == schema.SCHEMA_VERSION
    with open_package(book) as pkg:
        assert layout_problems(pkg, schema.SCHEMA_VERSION) == []
    new_tables = read_tables(book)
    for name, old in old_tables.items():
        inputs = [h for h in LAYOUTS[3][name] if h in old.columns and h in LAYOUTS[schema.SCHEMA_VERSION][name]]
        assert _values(new_tables[name][inputs].iloc[: len(old)]) == _values(old[inputs]), name
    follow = new_tables["tblFollow"]
    ids = old_follow["买家ID Buyer ID"].tolist()[:4]
    assert follow["买家ID Buyer ID"].tolist()[:4] == ids  # the IDs version 3 gave are kept
    orders = new_tables["tblOrders"].dropna(how="all")
    by_id = orders.groupby("买家ID Buyer ID")["金额 Amount"].agg(["count", "sum"])
    for i, paid, usd in zip(ids, old_follow["付款订单 Paid orders"], old_follow["订单额 Order USD (12m)"]):
        if paid and paid == paid:
            assert (by_id.loc[i, "count"], by_id.loc[i, "sum"]) == (paid, pytest.approx(usd)), i
    assert orders["金额 Amount"].sum() == pytest.approx(old_follow["订单额 Order USD (12m)"].fillna(0).sum())
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and "nothing to do" in text
