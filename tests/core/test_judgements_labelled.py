"""Every case of the labelled judgement set gets its expected verdict (tests/labelled.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/labelled.py
import labelled  # noqa: E402


def _cases(name: str, key: str) -> list:
    return [pytest.param(r, id=f"{name}{i + 2}-{r[key][:40]}") for i, r in enumerate(labelled.rows(name))]


def test_the_set_is_large_and_labelled():
    counts = {n: len(labelled.rows(n)) for n in ("messages", "banned", "titles", "keywords")}
    assert sum(counts.values()) >= 200, counts
    for name in counts:
        for row in labelled.rows(name):
            assert row["reason"], row  # every case says where its verdict comes from
    verdicts = {r["verdict"] for r in labelled.rows("messages")}
    assert verdicts == {"risk", "low"}
    assert {r["verdict"] for r in labelled.rows("banned")} == {"block", "warn", "clean"}


@pytest.mark.parametrize("row", _cases("messages", "message"))
def test_scam_risk_case(row):
    assert labelled.message_problems(row) == []


@pytest.mark.parametrize("row", _cases("banned", "text"))
def test_banned_case(row):
    assert labelled.banned_problems(row) == []


@pytest.mark.parametrize("row", _cases("titles", "title"))
def test_title_case(row):
    assert labelled.title_problems(row) == []


@pytest.mark.parametrize("row", _cases("keywords", "keyword"))
def test_keyword_case(row):
    assert labelled.keyword_problems(row) == []
