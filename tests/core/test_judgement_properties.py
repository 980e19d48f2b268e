"""Invariants of the issue-13 judgements (hypothesis): caps, samples, brands, monotone scam levels."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storeops_xl as core
from storeops_xl._coerce import is_error
from storeops_xl._stats import wilson
from storeops_xl.titles import FAIL_CAP

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    "Adjustable Nylon Dog Collar Harness Leash Reflective Padded Soft Breathable Mesh Walking Shoes Sneakers "
    "Waterproof Durable Quick Release Buckle Metal Rope Training Outdoor Small Medium Large Pet Cat Puppy".split()
)
BRANDS = st.sampled_from(["nike", "Adidas", "GUCCI", "Louis Vuitton", "LV", "new balance", "Julius-K9", "fake"])
ASCII_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
COUNT = st.integers(0, 100_000)


@FAST
@given(st.lists(WORDS, min_size=1, max_size=40), st.sampled_from(["", "dog collar", "walking shoes; sneakers"]))
def test_title_score_bounds_and_caps(words, keywords):
    title = " ".join(words)
    score = core.title_score(title, keywords or None)
    assert 0 <= score <= 100
    if len(title) > 128:
        assert score <= FAIL_CAP  # over the hard limit it cannot be published
    if not keywords:
        assert score <= 75  # keyword parts unchecked earn half
    assert core.title_score(title + " " + "Nike", keywords or None) == 0.0


@FAST
@given(ASCII_TEXT)
def test_banned_is_case_blind_and_never_reads_like_an_error(text):
    out = core.banned(text)
    if is_error(out) or (out or "").startswith("#") and text.strip().startswith("#"):
        # an Excel error value arriving in the cell (#N/A, #BLOCKED! …) is passed on as an error
        assert out.split()[1] == "text:"
        return
    assert not (out or "").startswith("#")
    assert core.banned(text.upper()) == out or out is None


@FAST
@given(ASCII_TEXT.filter(lambda s: not s.lstrip().startswith("#")), BRANDS)
def test_a_brand_keyword_is_never_an_opportunity_and_p4p_pauses(prefix, brand):
    keyword = f"{prefix} {brand} shoes"
    assert core.opportunity_word(900, 0, None, None, core.banned(keyword)) is False
    assert core.p4p_action(12.5, 40, 3, 1, 30, keyword).startswith("暂停 pause")
    assert core.p4p_action(None, None, None, None, None, keyword).startswith("暂停 pause")


@FAST
@given(COUNT, COUNT, st.integers(0, 29), COUNT, st.floats(0, 1))
def test_few_visitors_never_judge_visitor_stages(impressions, clicks, visitors, inquiries, bounce):
    out = core.funnel_diag(impressions, min(clicks, impressions), visitors, inquiries, None, bounce)
    for stage in ("跳失率高", "询盘率低", "有询盘没成交"):
        assert stage not in out


@FAST
@given(st.integers(0, 99), COUNT, COUNT, COUNT)
def test_few_impressions_never_judge_ctr(impressions, clicks, visitors, inquiries):
    out = core.funnel_diag(impressions, min(clicks, impressions), visitors, inquiries)
    assert "点击率低" not in out


@FAST
@given(st.lists(st.integers(0, 5000), min_size=12, max_size=30), st.data())
def test_hot_candidate_needs_enough_impressions(impressions, data):
    n = len(impressions)
    clicks = [data.draw(st.integers(0, max(i, 0))) for i in impressions]
    inquiries = data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    hot = core.hot_candidate(impressions, clicks, inquiries)
    for i, h in zip(impressions, hot):
        if i < 100:
            assert not h


LEVEL = {"低": 0, "中": 1, "高": 2}


@FAST
@given(st.text(max_size=80), st.sampled_from(["I cannot pay", "please refund the difference", "加我QQ", "hello"]))
def test_scam_level_never_drops_when_a_sentence_is_added(message, extra):
    before = core.scam_risk(message)
    after = core.scam_risk(f"{message}. {extra}" if message.strip() else extra)
    if before is not None:
        assert LEVEL[after.split(":")[0]] >= LEVEL[before.split(":")[0]]
    assert after.split(":")[0] in LEVEL
    advice = core.scam_advice(f"{message}. {extra}")
    assert (advice == "") == (after == "低")


@FAST
@given(
    st.lists(st.sampled_from(["nike shoes", "shoes", "sneakers", "walking shoes", "shoes men", "replica bag"])),
    st.lists(WORDS, min_size=1, max_size=15),
    st.integers(1, 6),
)
def test_guessed_keywords_come_from_the_shop_and_are_never_banned(shop, words, count):
    title = " ".join(words)
    out = core.title_keywords(title, None, shop, None, None, None, count)
    guessed = [k for k in out.split("; ") if k] if out else []
    assert len(guessed) <= count
    assert all(k in shop and not core.banned(k) for k in guessed)
    assert core.title_keywords(title, " dog  collar ; nylon ", shop) == "dog collar ; nylon"


@FAST
@given(st.lists(st.floats(0, 1), min_size=0, max_size=30), st.lists(st.integers(0, 500), min_size=0, max_size=30))
def test_benchmark_is_a_median_of_qualifying_rows_or_the_fixed_value(values, sample):
    n = min(len(values), len(sample))
    values, sample = values[:n], sample[:n]
    got = core.benchmark(values, sample, 100)
    ok = [v for v, s in zip(values, sample) if s >= 100]
    if len(ok) >= 10:
        assert min(ok) <= got <= max(ok)
    else:
        assert got is None
    assert core.benchmark(values, sample, 100, 0.02) == 0.02


@FAST
@given(st.integers(0, 20), st.integers(0, 30), st.integers(0, 2000), st.floats(0, 100), st.floats(0, 5))
def test_listing_stars_bounds(main, detail, chars, title_score, quality):
    for platform in ("alibaba", "1688"):
        stars = core.listing_stars(main, detail, chars, title_score, None, platform)
        assert 0 <= stars <= 5
        if title_score < 60:
            assert stars <= 4
    scored = core.listing_stars(main, detail, chars, max(title_score, 60), None, "alibaba", quality)
    assert scored == (5 if quality >= 4.5 else math.floor(quality))


@FAST
@given(st.integers(0, 10_000), st.integers(1, 10_000), st.floats(0.5, 0.999))
def test_wilson_interval_holds_the_rate(k, n, confidence):
    from statistics import NormalDist

    k = min(k, n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    lo, hi = wilson(np.array([k], float), np.array([n], float), np.array([z]))
    assert 0 <= lo[0] <= k / n + 1e-12 and k / n - 1e-12 <= hi[0] <= 1


@FAST
@given(
    st.lists(st.sampled_from(["shoes", "sneakers", "#N/A", "#VALUE!", "#ref!", "walking shoes"]), min_size=1),
    st.lists(WORDS, min_size=1, max_size=8),
)
def test_an_error_cell_in_the_keyword_export_is_never_a_keyword(shop, words):
    """A lookup's #N/A in the shop's keyword column is no keyword: it is never suggested
    (it once came back as the guess for a title that matched nothing)."""
    out = core.title_keywords(" ".join(words), None, shop)
    guessed = [k for k in out.split("; ") if k] if out else []
    assert not any(is_error(k) for k in guessed)
    assert core.title_keywords(False, None, "#N/A") in ("", None)
