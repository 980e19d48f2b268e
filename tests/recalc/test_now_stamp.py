"""``cfg_now`` (issue 11's as-of moment) inside the staged incremental recalc (issue 14): without
``cfg_as_of`` a recalc that writes stamps the moment it runs (the reply hours of an unanswered
inquiry move on), but the moment alone is no change: a file as the last write left it is
answered without evaluating anything and keeps its bytes (SPEC §9: nothing changed ≤ 1 s), and
an edit within ``NOW_TOLERANCE`` keeps the moment of the last write (one-row edit ≤ 1 s);
with ``cfg_as_of`` the stamp is fixed."""

from __future__ import annotations

import datetime as dt
import os
import time

import pandas as pd

from storeops.engine import recalc
from storeops.maintain import edit_workbook
from storeops.tables import to_headers, to_keys
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


def test_an_unchanged_file_keeps_its_moment_and_its_bytes(tmp_path):
    path = _book(tmp_path / "now.xlsm", {})
    recalc(path, progress=False)
    first, stat = path.read_bytes(), os.stat(path)
    time.sleep(1.1)  # the stamp has whole seconds: a moment that moved
    report = recalc(path, progress=False)
    assert report.mode == "unchanged" and report.evaluated == 0 and report.formulas > 0
    assert path.read_bytes() == first and os.stat(path).st_mtime_ns == stat.st_mtime_ns  # not rewritten


def test_an_edit_within_the_tolerance_keeps_the_moment(tmp_path):
    """``cfg_now`` moves in steps of at most ``NOW_TOLERANCE``: an edit saved a moment after the
    last write re-evaluates what it changed, not every cell that reads the moment."""
    path = _book(tmp_path / "now.xlsm", {})
    recalc(path, progress=False)
    now1, h1 = read_names(str(path))["cfg_now"], _hours(path)
    time.sleep(2.1)  # the stamp has whole seconds: a moment that moved (5.8e-4 h)
    edit_workbook(str(path), lambda view: _rename_buyer(view, "Amy B."))  # as `storeops import` saves
    report = recalc(path, progress=False)
    now2, h2 = read_names(str(path))["cfg_now"], _hours(path)
    assert report.mode == "incremental"
    # the same moment: the hours did not move on by the seconds slept; the edit's rewrite of
    # the row rounds its received time to whole seconds (at most 1.4e-4 h)
    assert now2 == now1 and abs(h2 - h1) < 2e-4 and h1 >= 29.9
    assert to_keys("tblFollow", read_tables(str(path))["tblFollow"])["buyer"].iloc[0] == "Amy B."


def test_an_edit_after_the_tolerance_stamps_the_moment_anew(tmp_path, monkeypatch):
    from storeops.engine import _state

    path = _book(tmp_path / "now.xlsm", {})
    recalc(path, progress=False)
    now1, h1 = read_names(str(path))["cfg_now"], _hours(path)
    monkeypatch.setattr(_state, "NOW_TOLERANCE", 1 / 86400)  # one second
    time.sleep(2.1)
    edit_workbook(str(path), lambda view: _rename_buyer(view, "Amy B."))  # as `storeops import` saves
    report = recalc(path, progress=False)
    now2, h2 = read_names(str(path))["cfg_now"], _hours(path)
    assert report.mode == "incremental"
    assert now2 > now1 and h2 > h1 >= 29.9  # the unanswered inquiry waits longer: recomputed


def test_a_new_day_or_a_given_date_never_keeps_an_old_moment():
    from storeops.engine._state import Clock, RecalcState, keep_moment

    now = dt.datetime(2026, 11, 29, 9, 30, 15)
    last = RecalcState(engine="x", clock=Clock.of(None))
    later = Clock.of(None)
    kept = keep_moment(later, last)
    assert kept.now == last.clock.now and abs((kept.now_dt - last.clock.now_dt).total_seconds()) < 1e-3
    assert keep_moment(Clock.of(now.date()), last) == Clock.of(now.date())  # a given date: as it is
    yesterday = RecalcState(engine="x", clock=Clock.of(dt.date.today() - dt.timedelta(days=1)))
    yesterday.clock.real = True
    assert keep_moment(later, yesterday) is later


def _rename_buyer(view, name: str) -> None:
    from storeops.xlsx._tables import update_tables

    frame = to_keys("tblFollow", read_tables(view.path)["tblFollow"])
    frame.loc[0, "buyer"] = name
    update_tables(view, {"tblFollow": to_headers("tblFollow", frame, inputs_only=True)}, view.parts)


def test_with_an_as_of_date_a_second_recalc_changes_nothing(tmp_path):
    path = _book(tmp_path / "asof.xlsm", {"cfg_as_of": dt.date.today()})
    recalc(path, progress=False)
    first = path.read_bytes()
    recalc(path, progress=False)
    assert path.read_bytes() == first


def test_a_stamp_older_than_the_tolerance_is_stamped_anew(tmp_path, monkeypatch):
    """Nothing typed, but the moment moved past ``NOW_TOLERANCE``: the waiting hours move on."""
    from storeops.engine import _state

    path = _book(tmp_path / "now.xlsm", {})
    recalc(path, progress=False)
    now1, h1 = read_names(str(path))["cfg_now"], _hours(path)
    monkeypatch.setattr(_state, "NOW_TOLERANCE", 1 / 86400)  # one second
    time.sleep(2.1)
    report = recalc(path, progress=False)
    now2, h2 = read_names(str(path))["cfg_now"], _hours(path)
    assert report.mode != "unchanged" and report.evaluated > 0
    assert now2 > now1 and h2 > h1
