"""Titles and banned words (SPEC §4)."""

from __future__ import annotations

import pytest

import storeops_xl as core
from storeops_xl.titles import WEIGHTS

CLEAN = "Adjustable Nylon Dog Collar With Quick Release Buckle for Small Medium Large Pets"
KW = "dog collar; nylon collar; quick release"


def test_weights_sum_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_clean_title_scores_full():
    assert core.title_score(CLEAN, KW) == 100.0
    assert core.title_issues(CLEAN, KW) == ""


@pytest.mark.parametrize(
    "title, word",
    [
        pytest.param("Nike Style Running Shoes for Men Breathable Mesh Sneakers", "nike", id="brand"),
        pytest.param("Best Dog Collar Nylon Adjustable Quick Release Buckle Pet Collar", "best", id="en-claim"),
        pytest.param("最好的狗狗项圈 尼龙可调节宠物项圈", "最", id="zh-absolute"),
        pytest.param("Replica Designer Leather Handbag for Women Large Capacity Tote", "replica", id="replica"),
        pytest.param("Magnetic Bracelet That Can Cure Arthritis Pain Relief Jewelry", "cure", id="medical"),
    ],
)
def test_banned_word_scores_zero_and_is_named(title, word):
    assert core.title_score(title, "") == 0.0
    assert word in core.title_issues(title, "")
    assert word in core.banned(title)


def test_banned_matching_rules():
    assert core.banned("Bestow Nikelike Copyright") == ""  # whole words only for Latin
    assert core.banned("NIKE") == "品牌 brand: nike"  # case-insensitive
    assert core.banned("全网第一的项圈") == "极限词 absolute: 第一"  # Chinese substring
    assert core.banned("Dog Leash Acme", [["Acme"], [None]]) == "自定义 custom: acme"
    assert core.title_score(CLEAN + " Acme", KW, None, "acme") == 0.0


def test_over_length_is_flagged():
    title = (
        "Adjustable Nylon Dog Collar Quick Release Buckle Reflective Stitching Soft Padded "
        "Personalized Pet Collar Small Medium Large "
    )
    title = (title * 2)[:129]
    assert len(title) == 129
    issues = core.title_issues(title, "dog collar")
    assert "128" in issues and "超长" in issues
    assert core.title_score(title[:128], "dog collar") > core.title_score(title, "dog collar")


def test_stuffed_title_scores_below_clean():
    stuffed = "Dog Collar Dog Collar Nylon Dog Collar Pet Collar Dog Collar Cheap Dog Collar Collar"
    assert core.title_score(stuffed, KW) < core.title_score(CLEAN, KW)
    assert "stuffing" in core.title_issues(stuffed, KW)


def test_title_case_symbols_and_position():
    lower = "adjustable nylon dog collar with quick release buckle for small medium large pets"
    assert core.title_score(lower, KW) < 100 and "Title Case" in core.title_issues(lower, KW)
    assert "symbols" in core.title_issues(CLEAN + " ★!!", KW)
    late = "Quick Release Buckle with Adjustable Nylon Dog Collar for Small Medium Large Pets"
    assert "with/for" in core.title_issues(late, KW)
    split = "Adjustable Nylon Collar for Dog with Quick Release Buckle Small Medium Large Pets"
    assert "split" in core.title_issues(split, KW)


def test_1688_title_uses_segmenter_and_limit():
    title = "狗狗项圈可调节尼龙宠物项圈中大型犬适用"
    assert core.title_score(title, "狗狗项圈", "1688") > 50
    assert "项圈" in core.title_issues(title, "狗狗项圈", "1688")  # repeated word found by jieba
    assert "超长" in core.title_issues("宠物" * 31, "宠物", "1688")  # 62 > 60 (Chinese counts 2)
    assert core.title_score(title, "狗狗项圈", "fax").startswith("#VALUE! platform")


def test_title_score_column_and_cache_are_consistent():
    from storeops_xl.titles import clear_cache

    titles = [CLEAN, None, "Nike Dog Collar", CLEAN]
    first = core.title_score(titles, KW)
    clear_cache()
    again = core.title_score(titles, KW)
    assert first[0] == again[0] == 100.0 and first[2] == 0.0
