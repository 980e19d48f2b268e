"""Issue 13's "done means", on the real Data Manager export (tests/fixtures) and in a workbook.

* a 129-character title fails (and its listing is never five stars);
* no brand keyword is an opportunity word, and P4P says pause for it;
* a keyword-less real title does not score 100 (judged against the shop's keyword export);
* the paraphrased scams rate 高/中 with advice, the FOB Ningbo message 低;
* a product-week with 2 visitors is "too little data", never "high bounce".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import storeops_xl as core
from storeops.importers import read_export
from storeops.importers.into_workbook import import_into
from storeops.tables import to_keys
from storeops.xlsx import read_tables
from storeops_xl.settings import DEFAULTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRODUCTS = FIXTURES / "Products-2026-09-19.csv"
KEYWORDS = FIXTURES / "getKeywords-2026-09-19.csv"


@pytest.fixture(scope="module")
def exports():
    return read_export(PRODUCTS).frame, read_export(KEYWORDS).frame


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from storeops.workbook import build_workbook

    path = tmp_path_factory.mktemp("real") / "StoreOps.xlsm"
    build_workbook(path)
    rep = import_into([str(PRODUCTS), str(KEYWORDS)], str(path), progress=False)
    assert not rep.failed
    tables = read_tables(str(path))
    return {name: to_keys(name, tables[name]) for name in ("tblProducts", "tblKeywords", "tblFunnel")}


def test_a_129_character_real_title_fails(exports):
    products, keywords = exports
    longest = max(products["title"], key=len)
    assert len(longest) == 128  # the export's longest title sits right at the limit …
    title = longest + "S"  # … one more character cannot be published
    guessed = core.title_keywords(title, None, keywords["keyword"], keywords["impressions"])
    score = core.title_score(title, guessed)
    assert score < DEFAULTS["cfg_title_good"] and "超长 129 > 128" in core.title_issues(title, guessed)
    assert core.title_score(longest, guessed) >= DEFAULTS["cfg_title_good"]
    assert core.listing_stars(6, 8, 900, score) <= 4 and core.listing_stars(6, 8, 900, 95) == 5


def test_no_brand_keyword_is_an_opportunity_word(exports):
    _, keywords = exports
    cells = core.banned(keywords["keyword"])
    brand = [("品牌 brand" in (c or "")) for c in cells]
    assert sum(brand) >= 137  # PLATFORM.md: 137 of the 500 keywords hold a brand
    opp = core.opportunity_word(
        keywords["keyword_index"], keywords["seller_index"], None, None, core.banned(keywords["keyword"])
    )
    assert not any(o for o, b in zip(opp, brand) if b)
    nike = keywords.index[keywords["keyword"] == "nike shoes"][0]
    assert core.opportunity_word(keywords["keyword_index"][nike], keywords["seller_index"][nike]) is True
    assert not opp[nike]  # keyword index 259, seller index 0, but a brand
    actions = core.p4p_action(None, None, None, None, None, keywords["keyword"])
    assert all(a.startswith("暂停 pause") for a, b in zip(actions, brand) if b)


def test_keyword_less_real_titles_do_not_score_100(exports):
    products, keywords = exports
    titles = products["title"]
    assert max(core.title_score(titles)) <= 75  # nothing checked against keywords: half points
    guessed = core.title_keywords(titles, None, keywords["keyword"], keywords["impressions"])
    assert all(g and not core.banned(g) for g in guessed)
    scores = core.title_score(titles, guessed)
    assert scores[0] < 100
    assert (scores == 100).mean() < 0.05  # only titles holding the shop's top searches reach 100


def test_scams_in_paraphrase_and_an_ordinary_buyer():
    for message in (
        "I paid too much by mistake, please refund the excess",
        "transfer the extra money back to my friend's account",
        "Let's do a private deal on WeChat",
        "Can you invoice a higher value?",
    ):
        out = core.scam_risk(message)
        assert out.split(":")[0] in ("高", "中") and "→" in out, out
        assert core.scam_advice(message)
    assert core.scam_risk("Please send your price list for 500 harnesses, FOB Ningbo") == "低"


def test_two_visitors_are_too_little_data():
    for args in ((150, 3, 2, 0, 0, 1.0), (40, 2, 2, 0, 0, 1.0), (5000, 5, 2, 0, 0, 1.0)):
        out = core.funnel_diag(*args)
        assert "too little data" in out and "high bounce" not in out, out


def test_imported_workbook_judges_titles_keywords_and_funnel(imported):
    products, keywords, funnel = imported["tblProducts"], imported["tblKeywords"], imported["tblFunnel"]
    assert (products["judged_keywords"].fillna("") != "").all()  # guessed from the keyword export
    scores = pd.to_numeric(products["title_score"], errors="coerce")
    assert scores.iloc[0] < 100 and (scores == 100).mean() < 0.05
    brand = keywords["banned"].fillna("").str.contains("品牌 brand")
    assert brand.sum() >= 137
    assert not keywords.loc[brand, "opportunity"].map(lambda v: v is True or v == "TRUE").any()
    assert keywords.loc[brand, "p4p_action"].str.startswith("暂停 pause").all()
    few = pd.to_numeric(funnel["visitors"], errors="coerce") < DEFAULTS["cfg_min_visitors"]
    diag = funnel.loc[few, "diagnosis"].fillna("")
    assert len(diag) > 300 and not diag.str.contains("跳失率高|询盘率低|有询盘没成交").any()
    two = funnel.loc[pd.to_numeric(funnel["visitors"], errors="coerce") == 2, "diagnosis"]
    assert len(two) and two.str.contains("too little data").all()
