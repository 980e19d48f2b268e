from __future__ import annotations

import pytest

from storeops.demo import DEMO_AS_OF, demo_settings
from storeops.workbook import build_workbook

# frames and demo_book: tests/conftest.py


@pytest.fixture(scope="session")
def results(demo_book):
    from storeops.demo.summary import read_results

    return read_results(demo_book)


@pytest.fixture(scope="session")
def demo_book_xlsx(tmp_path_factory, frames):
    """The .xlsx edition of the demo (native formulas + Python-only values), calculated."""
    return build_workbook(
        tmp_path_factory.mktemp("demo-xlsx") / "StoreOps-demo.xlsx",
        data=frames,
        settings=demo_settings(DEMO_AS_OF),
        edition="xlsx",
        calculate=True,
        today=DEMO_AS_OF,
    )
