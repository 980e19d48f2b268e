"""Shared files for the hostile-input corpus: one small recalculated workbook and a
salesperson's copy of it, built once per test session; each case copies and damages them."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from demo.test_libreoffice import soffice  # noqa: F401  (fixture: LibreOffice, required in CI)

FOLLOW = pd.DataFrame(
    [
        {
            "buyer": b,
            "company": c,
            "source": "TM",
            "channel": "TM",
            "salesperson": "Li",
            "received_at": "2026-11-03 09:00",
            "stage": "新询盘 New",
            "next_action": "quote",
            "updated_at": "2026-11-03 10:00",
            "buyer_id": i,
        }
        for b, c, i in (
            ("Amy", "Pet Co", "B0000000001"),
            ("Bob", "Dog Ltd", "B0000000002"),
            ("Cai", "Cat GmbH", "B0000000003"),
        )
    ]
)


@pytest.fixture(scope="session")
def corpus_base(tmp_path_factory):
    """(master.xlsm, sales.xlsm): a recalculated workbook with three buyers, and a
    salesperson's copy in which one buyer moved on."""
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    d = tmp_path_factory.mktemp("corpus")
    master = d / "master.xlsm"
    build_workbook(master, data={"tblFollow": FOLLOW})
    recalc(str(master), progress=False, today=pd.Timestamp("2026-11-21").date())
    sales = d / "sales.xlsm"
    follow = FOLLOW.copy()
    follow.loc[1, ["stage", "updated_at"]] = ["已报价 Quoted", "2026-11-05 10:00"]
    build_workbook(sales, data={"tblFollow": follow})
    return master, sales


@pytest.fixture
def books(corpus_base, tmp_path):
    """Fresh copies of the corpus workbooks in this test's folder."""
    out = []
    for p in corpus_base:
        dst = tmp_path / p.name
        shutil.copyfile(p, dst)
        out.append(dst)
    return tuple(out)
