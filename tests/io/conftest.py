import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="session")
def built_workbook(tmp_path_factory):
    """A freshly built, empty StoreOps workbook (built once; copy it before changing it)."""
    from storeops.workbook import build_workbook

    path = tmp_path_factory.mktemp("built") / "StoreOps.xlsm"
    build_workbook(path)
    return path


@pytest.fixture
def workbook(built_workbook, tmp_path):
    dst = tmp_path / "StoreOps.xlsm"
    shutil.copyfile(built_workbook, dst)
    return dst


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory):
    """The demo workbook, built and recalculated once (copy it before changing it)."""
    from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    path = tmp_path_factory.mktemp("demo") / "Demo.xlsm"
    build_workbook(path, data=demo_frames(DEMO_AS_OF), settings=demo_settings(DEMO_AS_OF))
    recalc(path, progress=False)
    return path
