"""Product titles 标题: a 0–100 score and the reasons behind it (SPEC §4).

Score components (they sum to 100):

============================  ======  ==========================================================
component                     points  full points when
============================  ======  ==========================================================
length 长度                      15    ``title_min`` ≤ length ≤ ``title_max`` (Alibaba 50–128
                                       characters; 1688 40–60 with a Chinese character counting 2);
                                       shorter earns length ÷ min × 15; over the limit earns 0
core keyword 核心词               25    the first keyword appears as a phrase; when only its words
                                       appear (split), 12.5 × share of its words present
core position 核心词位置          10    the core word comes before any "with"/"for" clause
                                       (1688: before 适用/用于/适合)
keyword coverage 关键词覆盖       15    every other keyword's words appear (share of keywords)
no stuffing 不堆砌                15    no word repeated; one repeat earns 7.5, more earn 0
Title Case 首字母大写             10    Alibaba: every word except a/an/the/and/or/for/with/of/in/
                                       on/to/by/at/from starts upper-case (mandatory since
                                       2025-01-16); the share of lower-case words costs double;
                                       1688: always full
no symbols 无特殊符号             10    only letters, digits, spaces and ``- / ' , . & + ( ) % " :``
                                       (1688 also allows Chinese and 、); Chinese in an Alibaba
                                       title counts as a symbol
============================  ======  ==========================================================

Any banned word (:mod:`.banned`, plus ``extra_words``) makes the score 0.  Without
keywords the keyword components (core, position, coverage: 50 points) are skipped and
the other four are scaled to 100.  Keywords are text, core word first, separated by
``;`` ``,`` ``|`` or new lines.  Words are compared case-insensitively, with a simple
plural rule (``shoes`` = ``shoe``); 1688 Chinese titles are segmented with jieba.

Results are cached per distinct (title, keywords, platform, limits, extra words);
:func:`clear_cache` empties the cache (for honest benchmarks).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import Counter
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, error_text, finish, restore
from .banned import _matcher, parse_extra_words
from .settings import DEFAULTS

__all__ = ["WEIGHTS", "clear_cache", "title_issues", "title_score"]

#: Points per component (sum 100).
WEIGHTS = {"length": 15, "core": 25, "position": 10, "coverage": 15, "stuffing": 15, "case": 10, "symbols": 10}
_KEYWORD_PARTS = ("core", "position", "coverage")
_MINOR = frozenset("a an the and or for with of in on to by at from as per via".split())
_STOP = _MINOR | {"s", "new", "hot"}
_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_BAD_ALIBABA = re.compile(r"[^A-Za-z0-9\u00c0-\u024f\s\-/'’,.&+()%\":]")
_BAD_1688 = re.compile(r"[^A-Za-z0-9\u00c0-\u024f\u3400-\u9fff\uf900-\ufaff\s\-/'’,.&+()%\":、]")
_KW_SPLIT = re.compile(r"[;,；，|\n\r\t]+")
_CLAUSE_ZH = ("适用于", "适用", "用于", "适合")
_PLATFORMS = {
    "alibaba": "alibaba",
    "alibaba.com": "alibaba",
    "国际站": "alibaba",
    "icbu": "alibaba",
    "international": "alibaba",
    "1688": "1688",
    "诚信通": "1688",
    "1688.com": "1688",
}


# --------------------------------------------------------------------------- words
_CACHE_MAX = 200_000  # per-word memo tables stop growing here


class _Memo(dict):  # type: ignore[type-arg]
    """A per-word memo: ``memo[w]`` computes ``fn(w)`` once (while the table is small)."""

    def __init__(self, fn: Any):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> Any:
        value = self.fn(key)
        if len(self) < _CACHE_MAX:
            self[key] = value
        return value


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w


_STEMS = _Memo(_stem)


def _latin_words(text: str) -> list[str]:
    """Lower-case words with a simple plural rule (``shoes`` → ``shoe``, ``glass`` kept)."""
    return list(map(_STEMS.__getitem__, _WORD.findall(text.lower())))


@functools.lru_cache(maxsize=4096)
def _keyword_words(keywords: str, zh: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    split = _zh_words if zh else _latin_words
    return tuple((k, tuple(split(k))) for k in _keywords(keywords))


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba  # lazy: its dictionary takes about a second to load

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _zh_words(text: str) -> list[str]:
    """Words of a Chinese/mixed text: jieba for Chinese runs, Latin words as they are."""
    out: list[str] = []
    for part in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", text.lower()):
        if not part:
            continue
        if _CJK.match(part):
            out.extend(w for w in _jieba().lcut(part, HMM=False) if w.strip())
        else:
            out.extend(_latin_words(part))
    return out


def _phrase_at(words: list[str], phrase: list[str]) -> int:
    """Index of ``phrase`` as consecutive words in ``words``, else -1."""
    if not phrase:
        return -1
    first = phrase[0]
    if first not in words:
        return -1
    n = len(phrase)
    if n == 1:
        return words.index(first)
    i = words.index(first)
    last = len(words) - n
    while i <= last:
        if words[i : i + n] == phrase:
            return i
        try:
            i = words.index(first, i + 1, last + 1)
        except ValueError:
            return -1
    return -1


def _keywords(keywords: str) -> list[str]:
    return [k.strip() for k in _KW_SPLIT.split(keywords) if k.strip()]


# --------------------------------------------------------------------------- analysis
def _length(title: str, platform: str) -> int:
    return len(title) + (len(_WIDE.findall(title)) if platform == "1688" else 0)


@functools.lru_cache(maxsize=4096)
def _keyword_info(keywords: str, zh: bool) -> tuple[Any, list[str], list[str], str]:
    """(keyword words, keyword texts, core words, core text without spaces) for one keywords
    text; cached, so callers must not modify the lists."""
    kwords = _keyword_words(keywords, zh)
    kws = [k for k, _ in kwords]
    core = list(kwords[0][1]) if kws else []
    core_flat = kws[0].lower().replace(" ", "") if kws else ""
    return kwords, kws, core, core_flat


def _countable(w: str, zh: bool) -> bool:
    """Does a repeat of ``w`` count as stuffing?"""
    return bool(w not in _STOP and (len(w) >= 3 or len(w) == 2 and zh and _CJK.match(w)) and not w.isdigit())


_CASE_LEAD = "(\"'-/"


def _case_code(raw: str, first: bool) -> str | None:
    """Title Case verdict for one space-separated token: None = not counted (no leading
    letter, or a minor word after the first), "" = a capitalised word, else the lower-case word."""
    w = raw.lstrip(_CASE_LEAD)
    if not w or not w[0].isalpha():
        return None
    if not first and w.lower().rstrip(",.)") in _MINOR:
        return None
    return w if w[0].islower() and not any(ch.isupper() for ch in w) else ""


_CASE_FIRST = _Memo(lambda raw: _case_code(raw, True))
_CASE_REST = _Memo(lambda raw: _case_code(raw, False))


@functools.lru_cache(maxsize=200_000)
def _analyse(
    title: str, keywords: str, platform: str, tmax: float, tmin: float, extra: tuple[str, ...]
) -> tuple[float, str]:
    title = unicodedata.normalize("NFKC", title).strip()
    points: dict[str, float] = {}
    issues: list[str] = []
    zh = platform == "1688"
    low = title.lower()
    raw_words = None if zh else _WORD.findall(low)

    # banned words: the title is already NFKC-normalised, so " ".join(low.split()) is
    # exactly banned._norm(title); for ASCII text its tokens are the words found above
    bad_words = _matcher(extra).find_normed(" ".join(low.split()), raw_words if low.isascii() else None)
    if bad_words:
        issues.append("禁用词 banned words: " + ", ".join(bad_words))

    # length
    n = _length(title, platform)
    unit = " (汉字算 2 / a Chinese character counts 2)" if zh else ""
    if n > tmax:
        points["length"] = 0.0
        issues.append(f"超长 {n} > {tmax:g} 字符上限 / over the {tmax:g}-character limit{unit}")
    elif n < tmin:
        points["length"] = WEIGHTS["length"] * n / tmin
        issues.append(f"标题偏短 {n} < {tmin:g} / short title, aim for {tmin:g}–{tmax:g} characters{unit}")
    else:
        points["length"] = WEIGHTS["length"]

    words = _zh_words(title) if zh else list(map(_STEMS.__getitem__, raw_words))  # type: ignore[arg-type]
    kwords, kws, core, core_flat = _keyword_info(keywords, zh)
    if kws:
        flat = low.replace(" ", "") if zh else ""
        at = _phrase_at(words, core)
        core_is_phrase = at >= 0 or (zh and core_flat in flat)
        if core_is_phrase:
            points["core"] = WEIGHTS["core"]
        else:
            present = [w for w in core if w in words]
            share = len(present) / len(core) if core else 0.0
            points["core"] = WEIGHTS["core"] * 0.5 * share
            if share == 1:
                issues.append(f"核心词被拆开 core word '{kws[0]}' is split, write it as one phrase")
            else:
                issues.append(f"缺少核心词 core word '{kws[0]}' is missing")
        # core position: before any with/for (适用/用于) clause
        if zh:
            clause = min((p for p in (flat.find(c) for c in _CLAUSE_ZH) if p >= 0), default=-1)
            core_at = flat.find(core_flat) if core_is_phrase else -1
        else:
            clause = words.index("with") if "with" in words else -1
            if "for" in words:
                j = words.index("for")
                if clause < 0 or j < clause:
                    clause = j
            core_at = at if at >= 0 else (words.index(core[-1]) if core and core[-1] in words else -1)
        if core_at < 0:
            points["position"] = 0.0
        elif clause >= 0 and core_at >= clause:
            points["position"] = 0.0
            issues.append("核心词应放在 with/for 之前 / put the core word before the 'with'/'for' clause")
        else:
            points["position"] = WEIGHTS["position"]
        others = kws[1:]
        if others:
            wordset = set(words)
            missing = [
                k
                for k, kw in kwords[1:]
                if not (all(w in wordset for w in kw) or (zh and k.lower().replace(" ", "") in flat))
            ]
            points["coverage"] = WEIGHTS["coverage"] * (1 - len(missing) / len(others))
            if missing:
                issues.append(
                    "缺少关键词 missing keywords: " + ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
                )
        else:
            points["coverage"] = WEIGHTS["coverage"]

    # stuffing (a repeat needs a word seen twice: skip counting when all words differ)
    if len(set(words)) < len(words):
        repeated = {w: c for w, c in Counter(words).items() if c > 1 and _countable(w, zh)}
    else:
        repeated = {}
    extra_uses = sum(c - 1 for c in repeated.values())
    points["stuffing"] = WEIGHTS["stuffing"] * (1.0 if extra_uses == 0 else 0.5 if extra_uses == 1 else 0.0)
    if repeated:
        shown = ", ".join(f"{w}×{c}" for w, c in sorted(repeated.items(), key=lambda x: -x[1])[:3])
        issues.append(f"词语重复(堆砌) repeated words (stuffing): {shown}")

    # Title Case (Alibaba only)
    if zh:
        points["case"] = WEIGHTS["case"]
    else:
        toks = title.split()
        codes = list(map(_CASE_REST.__getitem__, toks))
        if codes:
            codes[0] = _CASE_FIRST[toks[0]]
        counted = [c for c in codes if c is not None]
        major = len(counted)
        lows = [c for c in counted if c]
        lower = len(lows)
        share = lower / major if major else 0.0
        points["case"] = WEIGHTS["case"] * max(0.0, 1 - 2 * share)
        if lows:
            issues.append("未用首字母大写 not Title Case: " + ", ".join(lows[:3]) + (" …" if len(lows) > 3 else ""))

    # symbols
    bad = sorted(set((_BAD_1688 if zh else _BAD_ALIBABA).findall(title)))
    points["symbols"] = 0.0 if bad else WEIGHTS["symbols"]
    if bad:
        cjk = [ch for ch in bad if _CJK.match(ch)]
        sym = [ch for ch in bad if not _CJK.match(ch)]
        if sym:
            issues.append(
                "特殊符号 special symbols: " + " ".join(ch if ch.isprintable() else repr(ch) for ch in sym[:8])
            )
        if cjk:
            issues.append("国际站标题含中文 Chinese characters in an Alibaba.com title")

    if bad_words:
        score = 0.0
    elif kws:
        score = sum(points.values())
    else:
        rest = [k for k in WEIGHTS if k not in _KEYWORD_PARTS]
        score = sum(points[k] for k in rest) * 100.0 / sum(WEIGHTS[k] for k in rest)
    return round(score, 1), "; ".join(issues)


def clear_cache() -> None:
    """Forget cached title results and the per-word memos (benchmarks use this to measure
    uncached speed)."""
    _analyse.cache_clear()
    _keyword_info.cache_clear()
    _keyword_words.cache_clear()
    for memo in (_STEMS, _CASE_FIRST, _CASE_REST):
        memo.clear()


# --------------------------------------------------------------------------- functions
def _platform(value: str) -> str | None:
    k = C.key(value)
    if k == "":
        k = C.key(DEFAULTS["cfg_platform"])
    return _PLATFORMS.get(k)


def _run(
    which: int,
    title: Any,
    keywords: Any,
    platform: Any,
    extra_words: Any,
    title_max: Any,
    title_min: Any,
    title_max_1688: Any,
    title_min_1688: Any,
) -> Any:
    extra = parse_extra_words(extra_words)
    (t, k, p, mx, mn, mx8, mn8), shape = broadcast(
        title, keywords, platform, title_max, title_min, title_max_1688, title_min_1688
    )
    tcol, kcol, pcol = C.text(t, "title"), C.text(k, "keywords"), C.text(p, "platform")
    lims = [
        C.setting(a, nm, "cfg_" + nm)
        for a, nm in ((mx, "title_max"), (mn, "title_min"), (mx8, "title_max_1688"), (mn8, "title_min_1688"))
    ]
    plat = C.map_distinct(_platform, pcol.values)
    badp = np.equal(plat, None)
    if badp.any():
        pcol.add_error(
            badp, (error_text("#VALUE!", "platform", v, "is not alibaba or 1688") for v in pcol.values[badp])
        )
    is88 = plat == "1688"
    tmax = np.where(is88, lims[2].values, lims[0].values)
    tmin = np.where(is88, lims[3].values, lims[1].values)

    def one(title_: str, kw: str, pl: Any, hi: float, lo: float) -> Any:
        if not title_ or pl is None:
            return None
        return _analyse(title_, kw, pl, float(hi), float(lo), extra)[which]

    out = C.map_distinct(one, tcol.values, kcol.values, plat, tmax, tmin)
    if which == 0:
        out = np.where(np.equal(out, None), np.nan, out).astype(np.float64)
    return restore(finish(out, tcol, kcol, pcol, *lims), shape)


def title_score(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
) -> Any:
    """Title score 标题分 0–100 (weights in the module docstring; a banned word gives 0).

    Parameters
    ----------
    title : text or column
        Product title.  Blank gives a blank.
    keywords : text or column, optional
        Target keywords, core word first, ``;``-separated.
    platform : text, optional
        ``alibaba`` (国际站) or ``1688``; blank uses ``cfg_platform``.
    extra_words : range or text, optional
        The workbook's extra banned words.
    title_max, title_min, title_max_1688, title_min_1688 : number, optional
        ``cfg_title_max`` (128), ``cfg_title_min`` (50), ``cfg_title_max_1688`` (60),
        ``cfg_title_min_1688`` (40).

    Examples
    --------
    >>> title_score("Adjustable Nylon Dog Collar with Quick Release Buckle for Small Medium Large Pets",
    ...             "dog collar; nylon collar; quick release")
    100.0
    >>> title_score("Nike Style Dog Collar", "dog collar")
    0.0
    >>> title_score("狗狗项圈 可调节尼龙宠物项圈 中大型犬适用", "狗狗项圈", "1688")
    92.5
    """
    return _run(0, title, keywords, platform, extra_words, title_max, title_min, title_max_1688, title_min_1688)


def title_issues(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
) -> Any:
    """Title issues 标题问题: the reasons behind :func:`title_score`, ``"; "``-separated; ``""`` when none.

    Same parameters as :func:`title_score`.

    Examples
    --------
    >>> title_issues("Nike Style Dog Collar", "dog collar")
    '禁用词 banned words: nike; 标题偏短 21 < 50 / short title, aim for 50–128 characters'
    >>> title_issues("Adjustable Nylon Dog Collar with Quick Release Buckle for Small Medium Large Pets", "dog collar")
    ''
    """
    return _run(1, title, keywords, platform, extra_words, title_max, title_min, title_max_1688, title_min_1688)
