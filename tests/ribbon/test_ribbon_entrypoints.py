"""Each ribbon entry point, called on a workbook file the way RunPython would (no Excel),
gives the same result as the CLI command it mirrors."""

import datetime as dt
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import storeops.ribbon as r
from storeops.demo import demo_frames, demo_settings
from storeops.tables import drop_blank_rows, table, to_keys
from storeops.workbook import build_workbook
from storeops.xlsx import read_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def book_with_bad_row(tmp_path_factory):
    path = tmp_path_factory.mktemp("ribbon") / "Demo.xlsm"
    frames = demo_frames()
    frames["tblFollow"] = frames["tblFollow"].astype(object)
    frames["tblFollow"].loc[0, "platform_orders"] = "abc"  # one bad row for check_data
    build_workbook(path, data=frames, settings=demo_settings())
    return path


def _pair(src, tmp_path):
    a, b = tmp_path / "a" / "Book.xlsm", tmp_path / "b" / "Book.xlsm"
    for p in (a, b):
        p.parent.mkdir()
        shutil.copyfile(src, p)
    return a, b


def cli(*args):
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", *map(str, args)], capture_output=True, text=True, timeout=180
    )
    return out


def _tables(path):
    return {k: v for k, v in read_tables(str(path)).items()}


def _same_tables(a, b):
    ta, tb = _tables(a), _tables(b)
    assert ta.keys() == tb.keys()
    for k in ta:
        pd.testing.assert_frame_equal(ta[k], tb[k], check_dtype=False)


def test_refresh_equals_recalc(book_with_bad_row, tmp_path):
    from storeops.engine import recalc

    a, b = _pair(book_with_bad_row, tmp_path)
    r.refresh(str(a))
    recalc(str(b), progress=False)
    _same_tables(a, b)


def test_import_export_equals_cli_import(book_with_bad_row, tmp_path):
    a, b = _pair(book_with_bad_row, tmp_path)
    paths = [str(FIXTURES / "Products-2026-09-19.csv"), str(FIXTURES / "getKeywords-2026-09-19.csv")]
    rep = r.import_export(paths, book_path=str(a))
    out = cli("import", *paths, "--into", b)
    assert out.returncode == 0, out.stderr
    assert sum(f.added for f in rep.files) == 365 + 365 + 500
    _same_tables(a, b)


def test_new_week_equals_cli_and_keeps_every_input(demo_book, tmp_path):
    a, b = _pair(demo_book, tmp_path)
    inputs = [c.key for c in table("tblFollow").inputs]
    before = drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(a))["tblFollow"]))[inputs]
    n = r.new_week(str(a), today=dt.date(2026, 11, 23))
    out = cli("new-week", b, "--today", "2026-11-23")
    assert out.returncode == 0, out.stderr
    assert f"{n} buyer row(s)" in out.stdout
    _same_tables(a, b)
    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(a))["tblFollow"]))
    assert n == len(fk) == len(before)
    pd.testing.assert_frame_equal(fk[inputs].reset_index(drop=True), before.reset_index(drop=True))
    # last week's class is computed from the dated orders, so a buyer's class moves only with its orders
    ok = fk["buyer_class"].isin(["A", "B", "C", "D"]) & fk["class_last_week"].isin(["A", "B", "C", "D"])
    assert ok.sum() >= len(fk) - 1  # the planted bad row may have an error instead of a class


def _review_sheet(path):
    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        assert "周复盘 Review" in wb
        names = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        return {n: zf.read(n) for n in names}


def test_weekly_review_equals_cli_review(book_with_bad_row, tmp_path):
    a, b = _pair(book_with_bad_row, tmp_path)
    res = r.weekly_review(str(a), week="2026-W47", out_dir=str(tmp_path / "pa"))
    out = cli("review", b, "--week", "2026-W47", "--out", tmp_path / "pb")
    assert out.returncode == 0, out.stderr
    assert _review_sheet(a) == _review_sheet(b)
    assert Path(res.pdf).exists() and (tmp_path / "pb" / "Book-review-2026-W47.pdf").exists()


def test_check_data_equals_cli_check(book_with_bad_row):
    problems = r.check_data(str(book_with_bad_row))
    out = cli("check", book_with_bad_row)
    assert out.returncode == (1 if problems else 0)
    assert any("不是数字" in p.reason for p in problems)
    assert f"{len(problems)} problem(s)" in out.stdout


def test_excel_path_refuses_cleanly_on_linux():
    if sys.platform in ("win32", "darwin"):
        pytest.skip("live Excel path")
    from storeops.errors import StoreOpsError

    with pytest.raises(StoreOpsError):
        r.refresh()
