"""Product titles 标题: a 0–100 score and the reasons behind it (SPEC §4, PLATFORM.md).

Score components (they sum to 100):

============================  ======  ==========================================================
component                     points  full points when
============================  ======  ==========================================================
length 长度                      15    ``title_min`` ≤ length ≤ ``title_max`` (Alibaba.com 50–128
                                       characters; 1688 40–60 bytes, a Chinese character counting
                                       2: 30 汉字); shorter earns 15 × (length ÷ min)²
core keyword 核心词               25    the first keyword appears as a phrase; when only its words
                                       appear (split), 12.5 × share of its words present
core position 核心词位置          10    the core word comes before any "with"/"for" clause
                                       (1688: before 适用/用于/适合)
keyword coverage 关键词覆盖       15    every other keyword's words appear, "for"/"with"/"the" … aside
                                       (share of keywords)
no stuffing 不堆砌                10    no word repeated; a word twice before the "for"/"with"
                                       clause earns 5 (once in "Dog Harness for Large Dogs" is
                                       fine); a repeated phrase or a word 3 times earns 0
Title Case 首字母大写             10    Alibaba.com: the first word and every major word start
                                       upper-case; articles, conjunctions and prepositions under
                                       four letters (a, an, the, and, but, or, nor, for, as, at,
                                       by, in, of, per, to, via) lower-case unless first; "With",
                                       "From", "Into" … (four letters or more) capitalised; words
                                       with their own capitals (OEM, iPhone) keep them; particles
                                       (on, up, off, out) and units (cm, kg, pcs) either way.  The
                                       share of wrong words costs double.  1688: always full
no symbols 无特殊符号              5    only letters, digits, spaces and ``- / ' , . & + ( ) % " :``
                                       (1688 also allows Chinese and 、); Chinese in an Alibaba
                                       title counts as a symbol
no filler 无无效词                10    no filler word (``data/filler_en.txt``: hot sale, new
                                       arrival, high quality, free shipping, "2026 New" …;
                                       ``data/filler_1688.txt``: 一件代发, 爆款, 厂家直销 …); one
                                       earns 5, two or more 0
============================  ======  ==========================================================

Hard faults cap the score:

* a banned word (:mod:`.banned`, plus ``extra_words``) makes it **0** (one prohibited word can
  get a shop shielded for seven days, seed 002); a doubtful term the regulator allows in its
  context (最佳使用时间, "our best version yet") is a 提示 note in the issues and costs nothing;
* over the platform's hard limit (it cannot be published as is), keyword stuffing (a repeated
  phrase or a word three times: search demotes it) or far too short (under half of
  ``title_min``: no search finds it) cap it at **40** — below ``cfg_title_good`` (60), so such
  a listing never gets its fifth star.

Without keywords the three keyword components (50 points) earn half (25): a title cannot
score 100 on what was not checked.  In the workbook, ``TITLE_KEYWORDS`` (:mod:`.title_keywords`)
fills blank keywords from the shop's keyword export.  Keywords are text, core word first,
separated by ``;`` ``,`` ``|`` or new lines.  Words are compared case-insensitively, with a
simple plural rule (``shoes`` = ``shoe``); 1688 Chinese titles are segmented with jieba.

Results are cached per distinct (title, keywords, platform, limits, extra and allowed words);
:func:`clear_cache` empties the cache (for honest benchmarks).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from importlib import resources
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, error_text, finish, restore
from ._spec import excel
from ._words import CJK as _CJK
from ._words import STEMS as _STEMS
from ._words import STOP as _STOP
from ._words import WORD as _WORD
from ._words import Memo, latin_words, zh_words
from .banned import LABELS, _matcher, _term_norm, _word_regex, parse_extra_words
from .banned_context import REASONS
from .settings import DEFAULTS

__all__ = ["FAIL_CAP", "WEIGHTS", "clear_cache", "title_issues", "title_score"]

#: Points per component (sum 100).
WEIGHTS = {
    "length": 15,
    "core": 25,
    "position": 10,
    "coverage": 15,
    "stuffing": 10,
    "case": 10,
    "symbols": 5,
    "filler": 10,
}
#: The most a title with a hard fault (over the limit, stuffing, far too short) can score.
FAIL_CAP = 40.0
_KEYWORD_PARTS = ("core", "position", "coverage")
#: Title Case: short articles, conjunctions and prepositions (lower-case unless first).
_SHORT_MINOR = frozenset("a an the and but or nor for as at by in of per to via vs".split())
#: Particles ("Slip On", "Lace Up") and units: either case.
_EITHER = frozenset("on up off out cm mm km kg mg ml oz lb lbs pc pcs ft mah kw hz".split())
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
@functools.lru_cache(maxsize=4096)
def _keyword_words(keywords: str, zh: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    split = zh_words if zh else latin_words
    return tuple((k, tuple(split(k))) for k in _keywords(keywords))


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


@functools.lru_cache(maxsize=2)
def _filler_words(zh: bool) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    """The filler-word regex of a platform and the first words of its Latin terms."""
    name = "filler_1688.txt" if zh else "filler_en.txt"
    text = (resources.files("storeops_xl") / "data" / name).read_text(encoding="utf-8")
    terms = [t.strip().lower() for t in text.splitlines() if t.strip() and not t.startswith("#")]
    firsts = frozenset(_WORD.findall(t)[0] for t in terms if _WORD.findall(t) and not _CJK.search(t))
    return _word_regex(terms), firsts


_FILLER: dict[bool, tuple[re.Pattern[str] | None, frozenset[str]]] = {}


def _filler(zh: bool) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    got = _FILLER.get(zh)
    if got is None:
        got = _FILLER[zh] = _filler_words(zh)
    return got


# --------------------------------------------------------------------------- analysis
def _length(title: str, platform: str) -> int:
    return len(title) + (len(_WIDE.findall(title)) if platform == "1688" else 0)


@functools.lru_cache(maxsize=4096)
def _keyword_info(keywords: str, zh: bool) -> tuple[Any, list[str], list[str], str]:
    """(other keywords as (text, word set, text without spaces), keyword texts, core words,
    core text without spaces) for one keywords text; cached, so callers must not modify them."""
    kwords = _keyword_words(keywords, zh)
    kws = [k for k, _ in kwords]
    core = list(kwords[0][1]) if kws else []
    core_flat = kws[0].lower().replace(" ", "") if kws else ""
    # coverage needs a keyword's words, not its "for"/"with": "Men's … Sneakers" covers "sneakers for men"
    others = tuple(
        (k, frozenset(x for x in w if x not in _STOP) or frozenset(w), k.lower().replace(" ", ""))
        for k, w in kwords[1:]
    )
    return others, kws, core, core_flat


def _countable(w: str, zh: bool) -> bool:
    """Does a repeat of ``w`` count as stuffing?"""
    return bool(w not in _STOP and (len(w) >= 3 or len(w) == 2 and zh and _CJK.match(w)) and not w.isdigit())


def _stuffing(words: list[str], clause: int, zh: bool) -> tuple[float, str, bool]:
    """(points, issue, hard fault) of repeated words: a repeated phrase or a word three times
    is stuffing; a word twice before the "for"/"with" clause half; once inside it is fine."""
    full = float(WEIGHTS["stuffing"])
    ok = [_countable(w, zh) for w in words]
    last: dict[tuple[str, str], int] = {}
    phrases: Counter[tuple[str, str]] = Counter()
    for i in range(len(words) - 1):
        if ok[i] and ok[i + 1]:
            bigram = (words[i], words[i + 1])
            j = last.get(bigram)
            if j is None or i >= j + 2:  # a new, non-overlapping occurrence
                phrases[bigram] += 1
                last[bigram] = i
    repeated = [(b, n) for b, n in phrases.items() if n > 1]
    counts = Counter(w for w, k in zip(words, ok) if k)
    many = {w: n for w, n in counts.items() if n > 2}
    end = clause if clause >= 0 else len(words)
    twice = [w for w, n in counts.items() if n == 2 and all(i < end for i, x in enumerate(words) if x == w)]
    sep = "" if zh else " "
    if repeated or many:
        shown = [f"{sep.join(b)}×{n}" for b, n in sorted(repeated, key=lambda x: -x[1])]
        shown += [
            f"{w}×{n}" for w, n in sorted(many.items(), key=lambda x: -x[1]) if not any(w in b for b, _ in repeated)
        ]
        return (
            0.0,
            "关键词堆砌 keyword stuffing: " + ", ".join(shown[:3]) + " (搜索降权 search demotes it)",
            True,
        )
    if twice:
        return full / 2, "词语重复 repeated word: " + ", ".join(f"{w}×2" for w in twice[:3]), False
    return full, "", False


_CASE_LEAD = "(\"'-/"


def _case_code(raw: str, first: bool) -> str | None:
    """Title Case verdict for one space-separated token: None = not counted (no leading letter,
    a particle or unit, one letter), "" = right, "L<word>" = should be capitalised,
    "U<word>" = a short minor word that should be lower-case."""
    w = raw.lstrip(_CASE_LEAD)
    if not w or not w[0].isalpha():
        return None
    bare = w.lower().rstrip(",.;:)!?")
    lower_word = w[0].islower() and not any(ch.isupper() for ch in w)
    if first:
        return "L" + w if lower_word else ""
    if bare in _SHORT_MINOR:
        return "U" + w if w[0].isupper() and not w.isupper() else ""
    if bare in _EITHER or len(bare) == 1:
        return None
    return "L" + w if lower_word else ""


_CASE_FIRST = Memo(lambda raw: _case_code(raw, True))
_CASE_REST = Memo(lambda raw: _case_code(raw, False))


def _title_case(title: str, allowed: frozenset[str]) -> tuple[float, list[str]]:
    toks = title.split()
    codes = list(map(_CASE_REST.__getitem__, toks))
    if codes:
        codes[0] = _CASE_FIRST[toks[0]]
    wrong = [c for c in codes if c]
    if allowed and wrong:
        wrong = [c for c in wrong if c[1:].lower().strip(",.;:)!?") not in allowed]
    if not wrong:
        return float(WEIGHTS["case"]), []
    share = len(wrong) / (len(codes) - codes.count(None))
    issues = []
    lows = [c[1:] for c in wrong if c[0] == "L"]
    ups = [c[1:] for c in wrong if c[0] == "U"]
    if lows:
        issues.append("未用首字母大写 not Title Case: " + ", ".join(lows[:3]) + (" …" if len(lows) > 3 else ""))
    if ups:
        issues.append("短介词/连词应小写 short minor words lower-case: " + ", ".join(ups[:3]))
    return WEIGHTS["case"] * max(0.0, 1 - 2 * share), issues


@functools.lru_cache(maxsize=64)
def _case_exempt(allowed: tuple[str, ...]) -> frozenset[str]:
    """Allowed one-word terms (the shop's own brand names) keep their own case."""
    return frozenset(a for a in allowed if " " not in a)


@functools.lru_cache(maxsize=200_000)
def _analyse(
    title: str,
    keywords: str,
    platform: str,
    tmax: float,
    tmin: float,
    extra: tuple[str, ...],
    allowed: tuple[str, ...] = (),
) -> tuple[float, str]:
    title = unicodedata.normalize("NFKC", title).strip()
    points: dict[str, float] = {}
    issues: list[str] = []
    notes: list[str] = []
    fault = False
    zh = platform == "1688"
    low = title.lower()
    raw_words = None if zh else _WORD.findall(low)

    # banned words: the title is NFKC-normalised, so _term_norm(title) is the matcher's text;
    # for ASCII text its tokens are the words found above
    norm = " ".join(low.split()).replace("-", " ").replace("_", " ")  # = _term_norm(title)
    found = _matcher(extra, allowed).findings_normed(norm, raw_words if low.isascii() else None)
    blocked = [f for f in found if f.level == "block"] if found else found
    if blocked:
        issues.append("禁用词 banned words: " + ", ".join(f"{f.term} ({LABELS[f.group]})" for f in blocked))
    if found and len(blocked) < len(found):
        warned = [f for f in found if f.level == "warn"]
        notes.append("提示 note: " + ", ".join(f"{f.term} ({REASONS[f.reason]})" for f in warned))

    # length
    n = _length(title, platform)
    if n > tmax or n < tmin:
        unit, unit_en = ("字节", "byte") if zh else ("字符", "character")
        wide = " (汉字算 2 / a Chinese character counts 2)" if zh else ""
    if n > tmax:
        points["length"] = 0.0
        fault = True
        issues.append(
            f"超长 {n} > {tmax:g} {unit}上限, 无法发布 / over the {tmax:g}-{unit_en} limit, cannot be published: "
            f"cut {n - tmax:g}{wide}"
        )
    elif n < tmin:
        points["length"] = WEIGHTS["length"] * (n / tmin) ** 2
        if n < tmin / 2:
            fault = True
            issues.append(f"太短 far too short: {n} < {tmin / 2:g}, 搜不到 / searches will not find it{wide}")
        else:
            issues.append(f"标题偏短 {n} < {tmin:g} / short title, aim for {tmin:g}–{tmax:g} {unit_en}s{wide}")
    else:
        points["length"] = WEIGHTS["length"]

    words = zh_words(title) if zh else list(map(_STEMS.__getitem__, raw_words))  # type: ignore[arg-type]
    wordset = set(words)
    clause = -1
    for c in _CLAUSE_ZH if zh else ("for", "with"):
        if c in words:
            i = words.index(c)
            clause = i if clause < 0 else min(clause, i)
    others, kws, core, core_flat = _keyword_info(keywords, zh)
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
            zclause = min((p for p in (flat.find(c) for c in _CLAUSE_ZH) if p >= 0), default=-1)
            core_at = flat.find(core_flat) if core_is_phrase else -1
        else:
            zclause = clause
            core_at = at if at >= 0 else (words.index(core[-1]) if core and core[-1] in words else -1)
        if core_at < 0:
            points["position"] = 0.0
        elif zclause >= 0 and core_at >= zclause:
            points["position"] = 0.0
            issues.append("核心词应放在 with/for 之前 / put the core word before the 'with'/'for' clause")
        else:
            points["position"] = WEIGHTS["position"]
        if others:
            missing = [k for k, kw, kflat in others if not (kw <= wordset or (zh and kflat in flat))]
            points["coverage"] = WEIGHTS["coverage"] * (1 - len(missing) / len(others))
            if missing:
                issues.append(
                    "缺少关键词 missing keywords: " + ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
                )
        else:
            points["coverage"] = WEIGHTS["coverage"]
    else:
        for part in _KEYWORD_PARTS:
            points[part] = WEIGHTS[part] / 2
        issues.append(
            "未设关键词 no keywords: 核心词与覆盖未检查, 记一半分 / core word and coverage not checked (half points): "
            "type keywords or import the keyword export"
        )

    # stuffing (a repeat needs a word seen twice)
    if len(wordset) < len(words):
        points["stuffing"], stuffed, bad = _stuffing(words, clause, zh)
        if stuffed:
            issues.append(stuffed)
            fault = fault or bad
    else:
        points["stuffing"] = WEIGHTS["stuffing"]

    # Title Case (Alibaba only)
    if zh:
        points["case"] = WEIGHTS["case"]
    else:
        points["case"], case_issues = _title_case(title, _case_exempt(allowed))
        issues.extend(case_issues)

    # symbols
    bad_rx = _BAD_1688 if zh else _BAD_ALIBABA
    bad_chars = sorted(set(bad_rx.findall(title))) if bad_rx.search(title) else []
    points["symbols"] = 0.0 if bad_chars else WEIGHTS["symbols"]
    if bad_chars:
        cjk = [ch for ch in bad_chars if _CJK.match(ch)]
        sym = [ch for ch in bad_chars if not _CJK.match(ch)]
        if sym:
            issues.append(
                "特殊符号 special symbols: " + " ".join(ch if ch.isprintable() else repr(ch) for ch in sym[:8])
            )
        if cjk:
            issues.append("国际站标题含中文 Chinese characters in an Alibaba.com title")

    # filler words
    rx, firsts = _filler(zh)
    fill: list[str] = []
    if rx is not None and (zh or not firsts.isdisjoint(raw_words or ())):
        fill = list(dict.fromkeys(m.group(0) for m in rx.finditer(norm)))
    points["filler"] = WEIGHTS["filler"] * (1.0 if not fill else 0.5 if len(fill) == 1 else 0.0)
    if fill:
        issues.append("无效词 filler words: " + ", ".join(fill[:3]) + " (占字数无搜索价值 waste characters)")

    score = sum(points.values())
    if blocked:
        score = 0.0
    elif fault:
        score = min(score, FAIL_CAP)
    return round(score, 1), "; ".join(issues + notes)


def clear_cache() -> None:
    """Forget cached title results and the per-word memos (benchmarks use this to measure
    uncached speed)."""
    _analyse.cache_clear()
    _keyword_info.cache_clear()
    _keyword_words.cache_clear()
    for memo in (_STEMS, _CASE_FIRST, _CASE_REST):
        memo.clear()


# --------------------------------------------------------------------------- functions
def platform_key(value: Any) -> str | None:
    """``"alibaba"``, ``"1688"`` or None for a platform cell (blank = ``cfg_platform``)."""
    k = C.key(value)
    if k == "":
        k = C.key(DEFAULTS["cfg_platform"])
    return _PLATFORMS.get(k)


def platform_column(p: np.ndarray) -> tuple[np.ndarray, Any]:
    """A platform argument as ``"alibaba"``/``"1688"`` per row (None where unknown) and its
    column, which carries a ``#VALUE!`` for each unknown platform."""
    pcol = C.text(p, "platform")
    plat = C.map_distinct(platform_key, pcol.values)
    badp = np.equal(plat, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    if badp.any():
        pcol.add_error(
            badp, (error_text("#VALUE!", "platform", v, "is not alibaba or 1688") for v in pcol.values[badp])
        )
    return plat, pcol


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
    allowed_words: Any,
) -> Any:
    extra = parse_extra_words(extra_words)
    allowed = tuple(_term_norm(a) for a in parse_extra_words(allowed_words))
    (t, k, p, mx, mn, mx8, mn8), shape = broadcast(
        title, keywords, platform, title_max, title_min, title_max_1688, title_min_1688
    )
    tcol, kcol = C.text(t, "title"), C.text(k, "keywords")
    plat, pcol = platform_column(p)
    lims = [
        C.setting(a, nm, "cfg_" + nm)
        for a, nm in ((mx, "title_max"), (mn, "title_min"), (mx8, "title_max_1688"), (mn8, "title_min_1688"))
    ]
    is88 = plat == "1688"
    tmax = np.where(is88, lims[2].values, lims[0].values)
    tmin = np.where(is88, lims[3].values, lims[1].values)

    def one(title_: str, kw: str, pl: Any, hi: float, lo: float) -> Any:
        if not title_ or pl is None:
            return None
        return _analyse(title_, kw, pl, float(hi), float(lo), extra, allowed)[which]

    out = C.map_distinct(one, tcol.values, kcol.values, plat, tmax, tmin)
    if which == 0:
        out = np.where(np.equal(out, None), np.nan, out).astype(np.float64)  # type: ignore[call-overload]  # numpy stubs: no None operand
    return restore(finish(out, tcol, kcol, pcol, *lims), shape)


#: the help and settings TITLE_SCORE and TITLE_ISSUES share (same parameters)
_TITLE_HELP = {
    "platform": "平台 alibaba 或 1688 (cfg_platform)",
    "extra_words": "自定义禁用词 extra banned words (tblBannedWords)",
    "title_max": "国际站标题上限",
    "title_min": "国际站标题建议下限",
    "title_max_1688": "1688 标题上限",
    "title_min_1688": "1688 标题建议下限",
    "allowed_words": "允许词 cfg_allowed_words (registered trademarks)",
}
_TITLE_SETTINGS = {f"title_{k}": f"cfg_title_{k}" for k in ("max", "min", "max_1688", "min_1688")}


@excel(
    "TITLE_SCORE",
    "标题分 Title score 0–100 (length, core word, position, coverage, stuffing, Title Case, symbols, filler).",
    "score",
    help={
        "title": "产品标题 product title",
        "keywords": "关键词, 核心词在前, 分号分隔 keywords, core word first, ;-separated",
        **_TITLE_HELP,
    },
    settings=_TITLE_SETTINGS,
    ranges=("extra_words", "allowed_words"),
    guard='{title}=""',
    source="SPEC §4; PLATFORM.md (128-character limit, Title Case, 1688 60 bytes and filler words); seed 002 标题的合理构成",
    example='`=TITLE_SCORE([@Title], [@JudgedKeywords], cfg_platform, tblBannedWords[Word]) → 0–100`; `=TITLE_SCORE("Dog Leash Dog Leash Dog Leash …", "dog leash") → 40`',
)
def title_score(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
    allowed_words: Any = None,
) -> Any:
    """Title score 标题分 0–100: length, core word, position, coverage, stuffing, Title Case, symbols, filler.

    Weights: length 15, core keyword 25, core position 10, keyword coverage 15, no stuffing
    10, Title Case 10, no symbols 5, no filler 10.  A banned word gives 0; over the hard limit
    (Alibaba.com 128 characters, 1688 60 bytes), stuffing or under half the minimum length cap
    it at 40; no keywords earn half the keyword points.  Every rule: the module docstring.

    Parameters
    ----------
    title : text or column
        Product title.  Blank gives a blank.
    keywords : text or column, optional
        Target keywords, core word first, ``;``-separated (``TITLE_KEYWORDS`` guesses them
        from the keyword export when none are typed).
    platform : text, optional
        ``alibaba`` (国际站) or ``1688``; blank uses ``cfg_platform``.
    extra_words : range or text, optional
        The workbook's extra banned words.
    title_max, title_min, title_max_1688, title_min_1688 : number, optional
        ``cfg_title_max`` (128), ``cfg_title_min`` (50), ``cfg_title_max_1688`` (60),
        ``cfg_title_min_1688`` (40).
    allowed_words : range or text, optional
        ``cfg_allowed_words``: registered trademarks and terms the shop may use.

    Examples
    --------
    >>> title_score("Adjustable Nylon Dog Collar With Quick Release Buckle for Small Medium Large Pets",
    ...             "dog collar; nylon collar; quick release")
    100.0
    >>> title_score("Nike Style Dog Collar", "dog collar")
    0.0
    >>> title_score("Dog Leash Dog Leash Dog Leash Nylon Rope Lead for Large Dogs", "dog leash")
    40.0
    >>> title_score("狗狗项圈 可调节尼龙宠物项圈 中大型犬适用", "狗狗项圈", "1688")
    95.0
    """
    return _run(
        0, title, keywords, platform, extra_words, title_max, title_min, title_max_1688, title_min_1688, allowed_words
    )


@excel(
    "TITLE_ISSUES",
    "标题问题 Title issues: the reasons behind the title score, ; -separated.",
    "text",
    help={
        "title": "产品标题 product title",
        "keywords": "关键词, 核心词在前 keywords, core word first",
        **_TITLE_HELP,
    },
    settings=_TITLE_SETTINGS,
    ranges=("extra_words", "allowed_words"),
    source="SPEC §4; PLATFORM.md",
    example='`=TITLE_ISSUES("Nike Style Dog Collar", "dog collar") → 禁用词 banned words: nike (品牌 brand); 太短 far too short …`',
)
def title_issues(
    title: Any,
    keywords: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    title_max: Any = None,
    title_min: Any = None,
    title_max_1688: Any = None,
    title_min_1688: Any = None,
    allowed_words: Any = None,
) -> Any:
    """Title issues 标题问题: the reasons behind :func:`title_score`, ``"; "``-separated; ``""`` when none.

    Same parameters as :func:`title_score`.  Doubtful terms the regulator allows in their
    context come last as ``提示 note: term (reason)``.

    Examples
    --------
    >>> title_issues("Nike Style Dog Collar", "dog collar")
    '禁用词 banned words: nike (品牌 brand); 太短 far too short: 21 < 25, 搜不到 / searches will not find it'
    >>> title_issues("Adjustable Nylon Dog Collar With Quick Release Buckle for Small Medium Large Pets", "dog collar")
    ''
    >>> title_issues("Dog Harness for Large Dogs No Pull Reflective Vest With Handle", "dog harness")
    ''
    """
    return _run(
        1, title, keywords, platform, extra_words, title_max, title_min, title_max_1688, title_min_1688, allowed_words
    )
