"""Hostile export files, arguments and operating-system failures: a clear bilingual line and
the right exit code, never an internal error, and the workbook untouched (issue 15)."""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from storeops.xlsx import read_tables

from .test_workbook_corpus import PRODUCTS, assert_clean_refusal, run, snapshot


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx_with_far_cell(path: Path) -> None:
    """A real products export as .xlsx plus one cell at XFD1048576 (the calamine case:
    512 GiB for a 9 KB file)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in _rows(PRODUCTS)[:12]:
        ws.append(r)
    ws.cell(row=1048576, column=16384, value="x")
    wb.save(path)


def _truncated_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("data")
    for i, r in enumerate(_rows(PRODUCTS)):
        for j, v in enumerate(r):
            sh.write(i, j, v)
    buf = io.BytesIO()
    book.save(buf)
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])


def _xlsx_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (40 << 20))


#: export files that cannot be read: id → (make(path), word in the message, or (word from
#: import, which reads every export kind, word from score-titles, which reads Data Manager exports))
BAD_EXPORTS = {
    "xlsx-cell-at-XFD1048576": (_xlsx_with_far_cell, "1048576"),
    "truncated-xls": (_truncated_xls, ".xls"),
    "xlsx-zip-bomb": (_xlsx_bomb, "bomb"),
    "binary-garbage": (lambda p: p.write_bytes(bytes(range(256)) * 40), "decode"),
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "other-csv": (lambda p: p.write_bytes(b"name,age\nx,1\n"), ("not a known export", "not a Data Manager")),
    "not-utf8-or-gb18030": (lambda p: p.write_bytes(b"\x81\x30\x81" * 1000), "decode"),
    "ole-header-only": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600), ".xls"),
    "zip-header-only": (lambda p: p.write_bytes(b"PK\x03\x04 half written"), "zip"),
}


@pytest.mark.parametrize("case", list(BAD_EXPORTS))
def test_unreadable_export_import_and_score_titles(case, books, tmp_path, capsys):
    master, _ = books
    make, word = BAD_EXPORTS[case]
    import_word, score_word = (word, word) if isinstance(word, str) else word
    src = tmp_path / "Products-export.csv"
    make(src)
    before = snapshot(tmp_path)
    rc, text = run(["import", src, "--into", master], capsys)
    assert rc == 1, text
    assert "Traceback" not in text and "internal error" not in text and "内部错误" not in text, text
    assert import_word.lower() in text.lower() and "工作簿未改动" in text, text
    assert snapshot(tmp_path) == before
    rc, text = run(["score-titles", src], capsys)
    assert_clean_refusal(rc, text, 2, "Products-export.csv", score_word)


def test_a_folder_as_export(books, tmp_path, capsys):
    master, _ = books
    before = master.read_bytes()
    rc, text = run(["import", tmp_path, "--into", master], capsys)
    assert rc == 1 and "Traceback" not in text and "not found" in text, text
    assert master.read_bytes() == before


def test_huge_csv_cell_is_cut_with_a_note(books, tmp_path, capsys):
    """A 200,000-character title (past csv's 131,072 field limit) is imported cut to Excel's
    32,767 characters, with a note."""
    master, _ = books
    rows = _rows(PRODUCTS)
    rows[6][1] = "Dog Collar " + "x" * 200_000
    src = tmp_path / "Products-2026-09-19.csv"
    src.write_bytes(_csv(rows))
    rc, text = run(["import", src, "--into", master, "--no-recalc"], capsys)
    assert rc == 0 and "32,767" in text and "Traceback" not in text, text
    titles = read_tables(master)["tblProducts"]["标题 Title"].dropna()
    assert titles.str.len().max() == 32_767


def test_broken_quote_is_reported_not_swallowed(books, tmp_path, capsys):
    master, _ = books
    lines = PRODUCTS.read_text(encoding="utf-8-sig").splitlines()
    lines[10] = lines[10].replace(",", ',"', 1)  # a stray quote opens a field that never closes
    src = tmp_path / "Products-2026-09-19.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc, text = run(["import", src, "--into", master, "--no-recalc"], capsys)
    assert rc == 0 and "unbalanced quote" in text and "拒绝 rejected 1" in text, text
    products = read_tables(master)["tblProducts"].dropna(how="all")
    assert len(products) == 364  # every other row imported, none swallowed


def test_utf16_csv_is_read(books, tmp_path, capsys):
    master, _ = books
    src = tmp_path / "Products-2026-09-19.csv"
    src.write_bytes(PRODUCTS.read_text(encoding="utf-8-sig").replace(",", "\t").encode("utf-16"))
    rc, text = run(["import", src, "--into", master, "--no-recalc"], capsys)
    assert rc == 0 and "新增 added 730" in text, text


def test_export_too_big_refused_before_parsing(books, tmp_path, capsys, monkeypatch):
    import storeops.importers.grid as grid

    monkeypatch.setattr(grid, "MAX_FILE_BYTES", 1000)
    master, _ = books
    before = master.read_bytes()
    rc, text = run(["import", PRODUCTS, "--into", master], capsys)
    assert rc == 1 and "too large" in text and "Traceback" not in text, text
    assert master.read_bytes() == before


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    "argv, word",
    [
        pytest.param(["recalc", "{w}", "--today", "2026-02-30"], "2026-02-30", id="recalc-today-feb-30"),
        pytest.param(["import", PRODUCTS, "--into", "{w}", "--today", "2026-02-30"], "2026-02-30", id="import-today"),
        pytest.param(["review", "{w}", "--today", "2026-13-01"], "2026-13-01", id="review-today"),
        pytest.param(["review", "{w}", "--week", "2026-W99"], "week", id="review-week-99"),
        pytest.param(["watch", "{d}", "--interval", "-1"], "seconds", id="watch-negative-interval"),
        pytest.param(["watch", "{d}/nowhere"], "folder", id="watch-missing-folder"),
        pytest.param(["export", "--portable", "{w}", "--out", "{w}"], "xlsx", id="export-onto-itself"),
        pytest.param(["recalc", "{d}"], "folder", id="recalc-a-folder"),
        pytest.param(["recalc", "{d}/missing.xlsm"], "not found", id="recalc-missing"),
        pytest.param(["score-titles", PRODUCTS, "--limit", "-3"], "limit", id="score-titles-negative-limit"),
        pytest.param(["demo", "--buyers", "0"], "buyers", id="demo-no-buyers"),
    ],
)
def test_bad_arguments(argv, word, books, tmp_path, capsys):
    master, _ = books
    argv = [str(a).format(w=master, d=tmp_path) for a in argv]
    before = snapshot(tmp_path)
    rc, text = run(argv, capsys)
    assert rc == 2, text
    assert "Traceback" not in text and "internal error" not in text and "内部错误" not in text, text
    assert word.lower() in text.lower(), text
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "argv, rc, word",
    [
        pytest.param(
            ["export", "--portable", "{w}", "--out", "{d}/no/such/folder/x.xlsx"],
            74,
            "cannot write",
            id="export-out-missing-folder",
        ),
        pytest.param(
            ["export", "--portable", "{w}", "--out", "{d}/afolder.xlsx"], 2, "folder", id="export-out-a-folder"
        ),
        pytest.param(["check", "{w}", "--csv", "{d}/no/such/folder/p.csv"], 74, "cannot write", id="check-csv-missing"),
        pytest.param(
            ["merge", "{s}", "--into", "{w}", "--conflicts", "{d}/no/such/c.csv"],
            74,
            "cannot write",
            id="merge-csv-missing",
        ),
    ],
)
def test_unwritable_outputs(argv, rc, word, books, tmp_path, capsys):
    master, sales = books
    (tmp_path / "afolder.xlsx").mkdir()
    argv = [str(a).format(w=master, s=sales, d=tmp_path) for a in argv]
    before = snapshot(tmp_path)
    got, text = run(argv, capsys)
    assert_clean_refusal(got, text, rc, word)
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- the operating system
def _fail_with(code):
    def boom(*a, **k):
        raise OSError(code, os.strerror(code))

    return boom


@pytest.mark.parametrize(
    "command", [pytest.param(c, id=c) for c in ("recalc", "import", "merge", "review", "export", "migrate")]
)
@pytest.mark.parametrize(
    "code, zh, en",
    [
        pytest.param(errno.ENOSPC, "磁盘已满", "disk is full", id="disk-full"),
        pytest.param(errno.EIO, "读写出错", "input/output error", id="EIO"),
    ],
)
def test_disk_full_and_io_errors_while_writing(command, code, zh, en, books, tmp_path, capsys, monkeypatch):
    import storeops.xlsx._atomic as atomic

    master, sales = books
    monkeypatch.setattr(atomic.os, "fsync", _fail_with(code))
    argv = {
        "recalc": ["recalc", master],
        "import": ["import", PRODUCTS, "--into", master],
        "merge": ["merge", sales, "--into", master],
        "review": ["review", master, "--today", "2026-11-21"],
        "export": ["export", "--portable", master, "--out", tmp_path / "p.xlsx"],
        "migrate": ["migrate", tmp_path / "old.xlsm"],
    }[command]
    if command == "migrate":
        _unstamped(master, tmp_path / "old.xlsm")
    before = snapshot(tmp_path)
    rc, text = run(argv, capsys)
    assert_clean_refusal(rc, text, 74, zh, en)
    assert snapshot(tmp_path) == before  # the original unchanged, the temporary file gone


def test_io_error_while_reading(books, capsys, monkeypatch):
    master, _ = books
    monkeypatch.setattr(zipfile.ZipFile, "read", _fail_with(errno.EIO))
    before = master.read_bytes()
    rc, text = run(["recalc", master], capsys)
    assert_clean_refusal(rc, text, 74, "cannot read", "input/output error")
    assert master.read_bytes() == before


def test_read_only_folder(books, tmp_path, capsys, monkeypatch):
    """Root ignores folder permissions, so the refusal of the operating system is simulated."""
    import storeops.xlsx._atomic as atomic

    master, _ = books

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".storeops-x.tmp"))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", denied)
    before = snapshot(tmp_path)
    rc, text = run(["recalc", master], capsys)
    assert_clean_refusal(rc, text, 74, "master.xlsm", "permission denied")
    assert snapshot(tmp_path) == before


def test_read_only_workbook_refused_not_replaced(books, tmp_path, capsys):
    master, sales = books
    os.chmod(master, 0o444)
    before = snapshot(tmp_path)
    for argv in (["recalc", master], ["import", PRODUCTS, "--into", master], ["merge", sales, "--into", master]):
        rc, text = run(argv, capsys)
        assert_clean_refusal(rc, text, 74, "read-only")
    assert snapshot(tmp_path) == before
    assert os.stat(master).st_mode & 0o777 == 0o444


def test_open_in_libreoffice_refused(books, tmp_path, capsys):
    master, _ = books
    (tmp_path / ".~lock.master.xlsm#").write_text("user,host;")
    before = snapshot(tmp_path)
    rc, text = run(["recalc", master], capsys)
    assert_clean_refusal(rc, text, 2, "close it first")
    assert snapshot(tmp_path) == before


def test_five_thousand_deep_formula_is_left_to_excel(books, capsys):
    """Not refused: the formula is beyond Excel's own limits, so it is left to Excel and said so."""
    from .corpus import members, rezip

    master, _ = books
    m = members(master)
    deep = master.with_name("deep.xlsm")
    formula = b"<f>" + b"(" * 5000 + b"1" + b")" * 5000 + b"</f>"
    rezip(master, deep, change={m["sheet"]: lambda d: re.sub(rb"<f>[^<]*</f>", formula, d, count=1)})
    rc, text = run(["recalc", deep], capsys)
    assert rc == 0 and "Traceback" not in text and "留给 Excel / left to Excel" in text, text


def _unstamped(src: Path, dst: Path) -> None:
    """A copy of ``src`` as built before schema versions were stamped."""
    from .corpus import rezip

    rezip(
        src,
        dst,
        drop=("docProps/custom.xml",),
        change={
            "_rels/.rels": lambda d: re.sub(rb'<Relationship [^>]*custom-properties"[^>]*/>', b"", d),
            "[Content_Types].xml": lambda d: re.sub(rb'<Override PartName="/docProps/custom.xml"[^>]*/>', b"", d),
        },
    )


# --------------------------------------------------------------------------- CSV injection
EVIL = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|'/C calc'!A0", "-2+3", "\tTAB", "\rCR"]


def _csv_cells(path: Path) -> list[str]:
    return [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for c in row]


def test_check_csv_neutralises_formulas(tmp_path, capsys):
    from storeops.workbook import build_workbook

    book = tmp_path / "book.xlsm"
    follow = pd.DataFrame({"buyer": EVIL, "salesperson": "Li", "platform_order_usd": EVIL, "next_action": "x"})
    build_workbook(book, data={"tblFollow": follow})
    rc, text = run(["check", book, "--csv", tmp_path / "p.csv"], capsys)
    assert rc == 1, text
    cells = _csv_cells(tmp_path / "p.csv")
    assert any("cmd|" in c for c in cells)
    for c in cells:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r")) or c.lstrip("+-").replace(".", "").isdigit(), c


def test_merge_conflicts_csv_neutralises_formulas(tmp_path, capsys):
    from storeops.workbook import build_workbook

    def book(name, stage, when):
        p = tmp_path / name
        follow = pd.DataFrame(
            {"buyer": EVIL[:3], "salesperson": "@SUM(1)", "stage": stage, "updated_at": when, "next_action": "x"}
        )
        build_workbook(p, data={"tblFollow": follow})
        return p

    master = book("master.xlsm", "新询盘 New", "2026-11-01")
    a = book("a.xlsm", "已报价 Quoted", "2026-11-03")
    b = book("b.xlsm", "样品 Sample", "2026-11-02")
    rc, text = run(["merge", a, b, "--into", master, "--no-recalc", "--conflicts", tmp_path / "c.csv"], capsys)
    assert rc == 0 and "冲突" in text, text
    cells = _csv_cells(tmp_path / "c.csv")
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
