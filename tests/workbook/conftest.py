from __future__ import annotations

from datetime import date

import pytest

from storeops.workbook import build_workbook


@pytest.fixture(scope="session")
def template_path(tmp_path_factory):
    """A freshly built empty StoreOps workbook, calculated as `storeops build` writes it."""
    return build_workbook(tmp_path_factory.mktemp("template") / "StoreOps.xlsm", calculate=True)


@pytest.fixture(scope="session")
def small_demo_frames():
    from storeops.demo import demo_frames

    return demo_frames(date(2026, 11, 21), buyers=60, products=16, funnel_weeks=3, keywords=20)


@pytest.fixture(scope="session")
def data_path(tmp_path_factory, small_demo_frames):
    """A workbook built with demo data (not recalculated)."""
    from storeops.demo import demo_settings

    return build_workbook(
        tmp_path_factory.mktemp("data") / "data.xlsm",
        data=small_demo_frames,
        settings=demo_settings(date(2026, 11, 21)),
    )
