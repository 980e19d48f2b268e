"""Title and banned-word results equal the recorded outputs (a guard for speed-ups).

``tests/fixtures/titles_golden.json.gz`` holds the outputs of ``storeops_xl/titles.py`` and
``storeops_xl/banned.py`` for a fixed corpus: 2,500 random titles with random keywords,
platforms and extra banned words; 1,200 analyses with random length limits; 1,500
banned-word texts; 300 columns; the 365 real titles (and "M" variants) under five
settings; 224 banned-word edge cases.  A faster implementation must give exactly the same
scores, issue texts and banned words.  First recorded at commit 628201a; re-recorded by
``tests/core/regen_titles_golden.py`` when issue 13 changed the rules on purpose (banned
words in context, hard-limit and stuffing caps, Title Case as the platform defines it,
filler words, half points without keywords).  If a rule is changed on purpose again,
re-record the file the same way and say so in the change.
"""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path

import numpy as np
import pytest

titles = importlib.import_module("storeops_xl.titles")
banned = importlib.import_module("storeops_xl.banned")  # the package exports a function of that name

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "titles_golden.json.gz"


@pytest.fixture(scope="module")
def golden() -> dict:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _plain(x):
    """Nested lists of (type name, value) cells, NaN as a marker, as stored in the file."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)) and not (len(x) == 2 and isinstance(x[0], str) and x[0] in _TYPES):
        return [_plain(v) for v in x]
    if isinstance(x, float) and x != x:
        return "<NaN>"
    return [type(x).__name__, x]


_TYPES = {"float", "str", "int", "bool", "NoneType", "XLErr"}


def _as_stored(x):
    return json.loads(json.dumps(_plain(x), ensure_ascii=False))


def test_golden_file_is_complete(golden):
    assert {k: len(v) for k, v in golden.items()} == {
        "functions": 2500,
        "analyse": 1200,
        "banned": 1500,
        "columns": 300,
        "real": 5,
        "edge": 224,
        "real_banned": 730,
    }


def test_single_titles(golden):
    for t, kw, p, ex, score, issues in golden["functions"]:
        assert _as_stored(titles.title_score(t, kw, p, ex)) == score, (t, kw, p, ex)
        assert _as_stored(titles.title_issues(t, kw, p, ex)) == issues, (t, kw, p, ex)


def test_analysis_with_any_length_limits(golden):
    for t, kw, plat, tmax, tmin, ex, exw, want in golden["analyse"]:
        assert list(banned.parse_extra_words(ex)) == exw
        assert list(titles._analyse(t, kw, plat, float(tmax), float(tmin), tuple(exw))) == want, (t, kw, plat)


def test_banned_words(golden):
    for t, ex, found, cell in golden["banned"]:
        assert banned.find_banned(t, banned.parse_extra_words(ex)) == found, (t, ex)
        assert _as_stored(banned.banned(t, ex)) == cell


def test_columns(golden):
    for col, kw, p, ex, score, issues in golden["columns"]:
        assert _as_stored(titles.title_score(col, kw, p, ex)) == score
        assert _as_stored(titles.title_issues(col, kw, p, ex)) == issues


def real_titles() -> list[str]:
    """The real export's titles and an "M<i>" variant of each."""
    from storeops.importers.datamanager import read_export

    real: list[str] = []
    for path in sorted(GOLDEN.parent.glob("Products-*.csv")):
        real += [str(t) for t in read_export(path).frame["title"].tolist()]
    assert len(real) >= 365
    return real + [f"{t} M{i}" for i, t in enumerate(real)]


def test_real_titles(golden):
    col = [[t] for t in real_titles()]
    for p, kw, ex, score, issues in golden["real"]:
        assert _as_stored(titles.title_score(col, kw, p, ex)) == score, (p, kw, ex)
        assert _as_stored(titles.title_issues(col, kw, p, ex)) == issues, (p, kw, ex)
    assert _as_stored(banned.banned(col)) == golden["real_banned"]


def test_banned_edge_cases(golden):
    for t, ex, found, analyses in golden["edge"]:
        exw = banned.parse_extra_words(ex)
        assert banned.find_banned(t, exw) == found, (t, ex)
        for plat, want in zip(("alibaba", "1688"), analyses):
            assert list(titles._analyse(t or "x", "dog", plat, 128.0, 50.0, exw)) == want, (t, ex, plat)


def test_clear_cache_forgets_results_and_word_memos():
    title = "Adjustable Nylon Dog Collar With Quick Release Buckle for Small Medium Large Pets"
    first = titles.title_score(title, "dog collar")
    assert titles._analyse.cache_info().currsize > 0 and len(titles._STEMS) > 0 and len(titles._CASE_REST) > 0
    titles.clear_cache()
    assert titles._analyse.cache_info().currsize == 0
    assert len(titles._STEMS) == len(titles._CASE_FIRST) == len(titles._CASE_REST) == 0
    assert titles.title_score(title, "dog collar") == first
