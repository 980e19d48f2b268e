"""``cfg_now`` (issue 11's as-of moment) inside the staged incremental recalc (issue 14): without
``cfg_as_of`` every recalc stamps the moment it runs, and that counts as an input change (the
reply hours of an unanswered inquiry move on); with ``cfg_as_of`` the stamp is fixed and a
second recalc changes nothing."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd

from storeops.engine import recalc
from storeops.tables import to_keys
from storeops.workbook import build_workbook
from storeops.xlsx import read_names, read_tables


def _book(path, settings):
    follow = pd.DataFrame(
        {
            "buyer": ["Amy"],
            "salesperson": ["Li"],
            "source": ["询盘 Inquiry"],
            "received_at": [dt.datetime.now() - dt.timedelta(hours=30)],
        }
    )
    data = {"tblSalespeople": pd.DataFrame({"salesperson": ["Li"], "team": ["A"]}), "tblFollow": follow}
    return build_workbook(path, data=data, settings=settings)


def _hours(path) -> float:
    return float(to_keys("tblFollow", read_tables(str(path))["tblFollow"])["reply_hours"].iloc[0])


def test_the_moment_of_each_recalc_is_an_input_change(tmp_path):
    path = _book(tmp_path / "now.xlsm", {})
    recalc(path, progress=False)
    now1, h1 = read_names(str(path))["cfg_now"], _hours(path)
    time.sleep(2)
    recalc(path, progress=False)
    now2, h2 = read_names(str(path))["cfg_now"], _hours(path)
    assert now2 > now1 and h2 > h1 >= 29.9  # the unanswered inquiry waits longer: recomputed


def test_with_an_as_of_date_a_second_recalc_changes_nothing(tmp_path):
    path = _book(tmp_path / "asof.xlsm", {"cfg_as_of": dt.date.today()})
    recalc(path, progress=False)
    first = path.read_bytes()
    recalc(path, progress=False)
    assert path.read_bytes() == first
