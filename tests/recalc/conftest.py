"""The workbook the incremental tests edit: a small demo, recalculated once."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 11, 21)


SMALL_SEGMENT = 16 << 10


@pytest.fixture(autouse=True)
def small_segments(monkeypatch):
    """Sheets deflated in segments of 16 KiB (not 4 MiB) in this folder's tests: the demo's
    sheets then have many, and every test here also checks the segments copied from the
    last write.  Every sheet a formula reads is extracted and trusted as a big one is
    (:mod:`storeops.engine._extracts`, :mod:`storeops.xlsx._trust`): a sheet as the last
    write left it is read partially (:mod:`storeops.engine._partial`) wherever it can be, and
    the kinds of every criteria column are kept between runs (:mod:`storeops.engine._kinds_cache`)."""
    monkeypatch.setattr("storeops.xlsx._zipwrite.SEGMENT", SMALL_SEGMENT)
    monkeypatch.setattr("storeops.engine._extracts.EXTRACT_BYTES", 0)
    monkeypatch.setattr("storeops.engine._extracts.MAX_FILES", 1 << 20)  # the session's base keeps its own
    monkeypatch.setattr("storeops.xlsx._trust.MIN_BYTES", 0)
    monkeypatch.setattr("storeops.engine._kinds_cache.MIN_ROWS", 0)  # every criteria column's kinds kept


@pytest.fixture
def whole_reads(monkeypatch):
    """No sheet is read partially in this test: a sheet the plan needs is read whole, as
    without an extract (what the test checks is that path)."""
    monkeypatch.setattr("storeops.engine._pipeline.open_partial", lambda run, name: False)


@pytest.fixture(scope="session")
def base(tmp_path_factory):
    return _base(tmp_path_factory, "base.xlsm")


@pytest.fixture(scope="session")
def base_xlsx(tmp_path_factory):
    """The same workbook as the ``.xlsx`` edition (Python-only columns hold values: their
    formulas are put in for each evaluation and taken out again)."""
    return _base(tmp_path_factory, "base.xlsx")


def _base(tmp_path_factory, name: str) -> str:
    from storeops.demo import demo_frames, demo_settings
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    frames = demo_frames(TODAY, buyers=40, products=12, funnel_weeks=2, keywords=12)
    path = build_workbook(tmp_path_factory.mktemp("inc") / name, data=frames, settings=demo_settings(TODAY))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("storeops.xlsx._zipwrite.SEGMENT", SMALL_SEGMENT)
        mp.setattr("storeops.engine._extracts.EXTRACT_BYTES", 0)
        mp.setattr("storeops.engine._extracts.MAX_FILES", 1 << 20)
        mp.setattr("storeops.xlsx._trust.MIN_BYTES", 0)
        recalc(path, today=TODAY, progress=False)
    return str(path)
