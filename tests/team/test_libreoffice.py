"""Files the team loop writes open right in LibreOffice: a master after a merge and a roster
change (its tables grew) and a split piece — no error cell anywhere, and every formula shows
the value StoreOps cached."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pandas as pd
import pytest

from storeops.engine import recalc
from storeops.workbook import schema
from storeops.xlsx import write_tables
from tests.compat._lo import CSV_ALL_SHEETS, convert, error_texts, shown_vs_cached, soffice_or_skip

from .conftest import append_below, cli

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def soffice():
    return soffice_or_skip()


def _opens_right(soffice, path, tmp_path):
    work = tmp_path / path.stem
    assert error_texts(soffice, path, work) == []
    compared, diffs = shown_vs_cached(soffice, path, work)
    assert compared > 100 and diffs == []


def test_team_files_open_without_errors(soffice, master, tmp_path):  # noqa: F811
    # the master after a merge with a new buyer and a fourth salesperson on the roster
    li = tmp_path / "li.xlsm"
    shutil.copyfile(master, li)
    append_below(li, [{"buyer": "Amy", "company": "A Co", "salesperson": "李强 Li Qiang", "source": "TM",
                       "channel": "TM", "received_at": dt.datetime(2026, 11, 21, 9), "next_action": "x"}])  # fmt: skip
    assert cli("merge", li, "--into", master).returncode == 0
    roster = [("王芳 Wang Fang", "狼队 Wolves"), ("李强 Li Qiang", "狼队 Wolves"), ("张敏 Zhang Min", "鹰队 Eagles"),
              ("赵六 Zhao Liu", "虎队 Tigers")]  # fmt: skip
    write_tables(master, {"tblSalespeople": pd.DataFrame(roster, columns=["业务员 Salesperson", "团队 Team"])})
    recalc(master, progress=False)
    _opens_right(soffice, master, tmp_path)
    out = convert(soffice, master, tmp_path / "pk", CSV_ALL_SHEETS, tmp_path / "profile")
    pk = next(p for p in out.glob("*.csv") if schema.S_PK in p.stem)
    assert any("赵六 Zhao Liu" in r for r in csv.reader(pk.open(encoding="utf-8")))
    # a split piece
    assert cli("split", master, "--out", tmp_path / "team").returncode == 0
    piece = next((tmp_path / "team").glob("*Li Qiang*.xlsm"))
    _opens_right(soffice, piece, tmp_path)
