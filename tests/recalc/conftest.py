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
    last write."""
    from storeops.xlsx import _zipwrite

    monkeypatch.setattr(_zipwrite, "SEGMENT", SMALL_SEGMENT)


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
    from storeops.xlsx import _zipwrite

    old, _zipwrite.SEGMENT = _zipwrite.SEGMENT, SMALL_SEGMENT
    try:
        recalc(path, today=TODAY, progress=False)
    finally:
        _zipwrite.SEGMENT = old
    return str(path)
