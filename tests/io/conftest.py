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
