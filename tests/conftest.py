"""Workbooks many tests share, each built once per test session (pytest-xdist: once per worker).

Session-scoped files are read-only by convention: a test that edits a workbook copies it first
(``copy_book``, or the ``workbook`` fixture for an empty one).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
from storeops.workbook import build_workbook

# the engine's tiny hand-made .xlsm (tests/engine and tests/xlsx use them)
from tests.engine._book import vba_bytes, xlsm  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    """StoreOps' local record of the parts it wrote (storeops.xlsx._trust) lives in a folder
    of the test run, never in the user's cache (each xdist worker has its own)."""
    import os
    import tempfile

    folder = tempfile.mkdtemp(prefix="storeops-cache-")
    config._storeops_cache = (os.environ.get("STOREOPS_CACHE_DIR"), folder)  # type: ignore[attr-defined]
    os.environ["STOREOPS_CACHE_DIR"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    import os

    old, folder = getattr(config, "_storeops_cache", (None, None))
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if old is None:
        os.environ.pop("STOREOPS_CACHE_DIR", None)
    else:
        os.environ["STOREOPS_CACHE_DIR"] = old


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def frames() -> dict[str, pd.DataFrame]:
    """The demo store's tables (``storeops demo``'s data) at the demo's as-of date."""
    return demo_frames(DEMO_AS_OF)


@pytest.fixture(scope="session")
def built_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built, empty StoreOps workbook (not calculated)."""
    return build_workbook(tmp_path_factory.mktemp("built") / "StoreOps.xlsm")


@pytest.fixture
def workbook(built_workbook: Path, tmp_path: Path) -> Path:
    """A copy of the empty workbook this test may change."""
    return Path(shutil.copyfile(built_workbook, tmp_path / "StoreOps.xlsm"))


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory, frames: dict[str, pd.DataFrame]) -> Path:
    """The demo workbook as built, before any recalculation."""
    return build_workbook(
        tmp_path_factory.mktemp("demo-built") / "Demo.xlsm", data=frames, settings=demo_settings(DEMO_AS_OF)
    )


@pytest.fixture(scope="session")
def demo_book(tmp_path_factory: pytest.TempPathFactory, demo_built: Path) -> Path:
    """The demo workbook, built and recalculated by the headless engine."""
    from storeops.engine import recalc

    path = Path(shutil.copyfile(demo_built, tmp_path_factory.mktemp("demo") / "StoreOps-demo.xlsm"))
    recalc(path, progress=False)
    return path


@pytest.fixture
def copy_book(tmp_path: Path) -> Callable[[Path], Path]:
    """``copy_book(src)``: a copy of a shared workbook in this test's folder, to change."""

    def copy(src: Path) -> Path:
        return Path(shutil.copyfile(src, tmp_path / Path(src).name))

    return copy
