"""The workbook the incremental tests edit: a small demo, recalculated once."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def base(tmp_path_factory):
    from storeops.demo import demo_frames, demo_settings
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    frames = demo_frames(TODAY, buyers=40, products=12, funnel_weeks=2, keywords=12)
    path = build_workbook(tmp_path_factory.mktemp("inc") / "base.xlsm", data=frames, settings=demo_settings(TODAY))
    recalc(path, today=TODAY, progress=False)
    return str(path)
