"""Golden test on the real Data Manager export: our ratios equal the export's own columns.

The export prints percentages rounded half-up (products: 2 decimals of %, keywords:
1 decimal of %); a row whose rate has no base (0 impressions / visitors) shows "0%" or "-".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import storeops_xl as core
from storeops.importers.datamanager import read_export

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: Rows where the export itself disagrees with its own counts (source anomalies).
INQUIRY_RATE_ANOMALIES = {
    # 访问人数 6, 询盘人数 1, 询盘个数 3: the export shows 50% = 3 ÷ 6, i.e. it divided the
    # number of inquiries (询盘个数) instead of inquiring buyers (询盘人数) for this row.
    "1601943611671": "export used 询盘个数 3 ÷ 访问人数 6 instead of 询盘人数 1 ÷ 6",
}


def _pct(value: float | None, places: int) -> Decimal:
    if value is None or value != value:
        return Decimal(0)
    q = Decimal(1).scaleb(-places)
    return (Decimal(repr(float(value))) * 100).quantize(q, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def products():
    return read_export(FIXTURES / "Products-2026-09-19.csv").frame


def test_products_ctr_matches_export(products):
    ours = core.ctr(products["clicks"], products["impressions"])
    assert len(ours) == 365
    mismatches = [
        pid
        for pid, mine, theirs in zip(products["product_id"], ours, products["ctr_export"])
        if _pct(mine, 2) != _pct(theirs, 2)
    ]
    assert mismatches == []


def test_products_inquiry_rate_matches_export(products):
    ours = core.inquiry_rate(products["inquiry_buyers"], products["visitors"])
    mismatches = {
        pid
        for pid, mine, theirs in zip(products["product_id"], ours, products["inquiry_rate_export"])
        if _pct(mine, 2) != _pct(theirs, 2)
    }
    assert mismatches == set(INQUIRY_RATE_ANOMALIES)


def test_keywords_ctr_matches_export():
    kw = read_export(FIXTURES / "getKeywords-2026-09-19.csv").frame
    ours = core.ctr(kw["clicks"], kw["impressions"])
    mismatches = [
        k for k, mine, theirs in zip(kw["keyword"], ours, kw["ctr_export"]) if _pct(mine, 1) != _pct(theirs, 1)
    ]
    assert mismatches == []


def test_real_titles_are_scored(products):
    scores = core.title_score(products["title"])
    assert len(scores) == 365 and all(0 <= s <= 100 for s in scores)
    brand = [t for t in core.banned(products["title"]) if t]
    assert brand == []  # the shop's own titles carry no brand words …
    kw = read_export(FIXTURES / "getKeywords-2026-09-19.csv").frame
    flagged = [w for w in core.banned(kw["keyword"]) if w]
    brands = {x.strip() for w in flagged if w.startswith("品牌 brand: ") for x in w.split(";")[0][10:].split(",")}
    assert {"nike", "adidas", "jordan"} <= brands  # … its traffic does
