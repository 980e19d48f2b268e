"""Banned words 禁用词: built-in lists (SPEC §4) plus the workbook's own words, read in context.

The built-in lists are text files in ``storeops_xl/data/banned_words/`` (one group per
file, each with a header comment naming its source):

* ``absolute_zh.txt`` 广告法极限词 (最X, 第一, 唯一, 国家级, 顶级, 极品 …);
* ``misleading_en.txt`` misleading English claims (best, No.1, #1, 100% guaranteed …);
* ``counterfeit.txt`` replica / counterfeit terms (replica, fake, imitation, 高仿 …);
* ``brands.txt`` other companies' brand names (nike, adidas, jordan, gucci, LV, Louis Vuitton …);
* ``medical.txt`` medical claims (治疗, 治愈, cure, heal, treats arthritis …);
* ``contact.txt`` contact details and off-platform wording (WeChat, WhatsApp, QQ, 微信, e-mail
  addresses, web links, phone numbers).

Matching: text is normalised (full-width → half-width, lower case, "-" read as a space);
Latin terms match as whole words (``best`` is not found in ``bestow``, ``lv`` not in
``silver``); Chinese terms match as whole terms inside Chinese text, and ``最`` only as a
``最X`` word.  Each match is then judged in its sentence (:mod:`.banned_context`): some are
no claim at all (最近 "recently", "fake fur", "dog treats", "Hong Kong"), some are a
**warning** (提示) with the regulator's reason — self-comparison, usage tips, specifications,
mottos, official titles (2023 guide to the Advertising Law) — and the rest are **banned**.

``extra_words`` (the workbook's 禁用词 table) adds shop-specific banned words;
``allowed_words`` (``cfg_allowed_words``) lists terms the shop may use — its registered
trademarks, model names — which are never reported.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, restore
from ._spec import excel
from .banned_context import PATTERNS, REASONS, judge

__all__ = [
    "GROUPS",
    "LABELS",
    "Finding",
    "banned",
    "builtin_words",
    "find_banned",
    "findings",
    "format_findings",
    "is_banned",
    "parse_extra_words",
]

#: Group file stem → bilingual group name.
GROUPS = {
    "absolute_zh": "广告法极限词 absolute terms",
    "misleading_en": "误导宣传 misleading claims",
    "counterfeit": "仿冒 replica/counterfeit",
    "brands": "品牌词 brand names",
    "medical": "医疗用语 medical claims",
    "contact": "站外联系 contact details",
}
#: Group → the short label a cell shows (``custom`` = the workbook's own words).
LABELS = {
    "absolute_zh": "极限词 absolute",
    "misleading_en": "夸大 claim",
    "counterfeit": "仿冒 replica",
    "brands": "品牌 brand",
    "medical": "医疗 medical",
    "contact": "联系方式 contact",
    "custom": "自定义 custom",
}
_CJK_CH = "\u3400-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_CH}]")
_LATIN_CH = "0-9A-Za-z\u00c0-\u024f"
_MAX_TERM = 60  # longer "words" in the workbook's list are ignored
_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_SPLIT = re.compile(r"[;,；，、|\n\r\t]+")
#: Cheap test for the pattern rules (phone numbers, e-mail addresses, links, disease claims).
_HINT_WORDS = frozenset("www http https wa treat treats treating prevent prevents preventing".split())
_DIGITS = re.compile(r"[0-9]{3}[ 0-9][0-9]{3}|\+ ?[0-9]")
#: Brands often glued to a product word in search terms (asicsshoes, nikesneakers).
_GLUED_BRANDS = "nike adidas asics puma vans gucci prada dior fila skechers reebok converse jordan yeezy balenciaga"
_GLUED_WORDS = ("shoe", "shoes", "sneaker", "sneakers", "bag", "bags", "slides")


class Finding(NamedTuple):
    """One banned or doubtful term found in a text."""

    term: str
    group: str  # a key of LABELS
    level: str  # "block" (banned) or "warn" (提示: allowed by the regulator, a filter may flag it)
    reason: str = ""  # a key of banned_context.REASONS for warnings


def _is_comment(line: str) -> bool:
    """``# …`` (hash and a space) or a lone ``#`` is a comment; ``#1`` is a term."""
    t = line.strip()
    return t == "#" or t.startswith("# ") or t.startswith("##")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _term_norm(text: str) -> str:
    """A term or text as matched: normalised, "-" and "_" read as spaces (same length as _norm)."""
    return _norm(text).replace("-", " ").replace("_", " ")


@functools.lru_cache(maxsize=1)
def builtin_words() -> dict[str, tuple[str, ...]]:
    """The built-in lists: group → terms (normalised, lower case), read once."""
    out: dict[str, tuple[str, ...]] = {}
    folder = resources.files("storeops_xl") / "data" / "banned_words"
    for group in GROUPS:
        lines = (folder / f"{group}.txt").read_text(encoding="utf-8").splitlines()
        out[group] = tuple(_norm(t) for t in lines if t.strip() and not _is_comment(t))
    return out


def parse_extra_words(extra_words: Any) -> tuple[str, ...]:
    """The workbook's extra words: a range and/or ``;``-separated text → distinct terms.

    Entries longer than 60 characters are ignored (they are sentences, not words).

    Examples
    --------
    >>> parse_extra_words([["Acme"], ["foo; bar"], [None]])
    ('acme', 'foo', 'bar')
    """
    terms: list[str] = []
    for cell in C.range_values(extra_words):
        if cell is None or isinstance(cell, bool):
            continue
        for part in _SPLIT.split(str(cell)):
            t = _norm(part)
            if t and len(t) <= _MAX_TERM and not _is_comment(t) and t not in terms:
                terms.append(t)
    return tuple(terms)


def _trie_pattern(terms: Iterable[str]) -> str:
    """One regex alternation shaped as a prefix tree: fast in ``re`` for many terms."""
    trie: dict[str, Any] = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


def _word_regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Latin terms as whole words, Chinese terms as substrings, in one regex (None when no terms)."""
    uniq = sorted(set(terms), key=lambda t: (-len(t), t))
    latin = [t for t in uniq if not _CJK.search(t)]
    cjk = [t for t in uniq if _CJK.search(t)]
    parts = []
    if latin:
        parts.append(rf"(?<![{_LATIN_CH}])(?:{_trie_pattern(latin)})(?![{_LATIN_CH}])")
    if cjk:
        parts.append(_trie_pattern(cjk))
    return re.compile("|".join(parts)) if parts else None


class _Matcher:
    """Finds the terms of the built-in lists + ``extra`` in a text and judges each in context."""

    def __init__(self, extra: Iterable[str] = (), allowed: Iterable[str] = ()):
        group_of: dict[str, str] = {}
        for group, terms in builtin_words().items():
            for t in terms:
                group_of.setdefault(_term_norm(t), group)
        for b in _GLUED_BRANDS.split():
            for w in _GLUED_WORDS:
                group_of.setdefault(b + w, "brands")
        for t in extra:
            group_of.setdefault(_term_norm(t), "custom")
        self.group_of = group_of
        terms = tuple(group_of)
        regex = _word_regex(terms)
        # "最" is found as a word "最X" (最好, 最佳 …), judged in context
        zui = f"最[{_CJK_CH}]?"
        self.regex = re.compile((regex.pattern + "|" if regex else "") + zui)
        allowed_terms = tuple(t for t in (_term_norm(a) for a in allowed) if t)
        self.allowed = _word_regex(allowed_terms)
        # Cheap pre-check (most texts are clean), exact: a Latin term can only match when
        # each of its words is a whole word of the text, a Chinese term only when it is a
        # substring; terms without any word (e.g. "#1") are looked for when the text holds
        # "#" or the first character of one of them.
        latin = [t for t in terms if not _CJK.search(t)]
        self.wordless_chars = frozenset(t[0] for t in latin if not _TOKEN.search(t))
        by_first: dict[str, list[frozenset[str]]] = {}
        for t in latin:
            toks = _TOKEN.findall(t)
            if toks:
                by_first.setdefault(toks[0], []).append(frozenset(toks))
        self.latin_need = {k: tuple(v) for k, v in by_first.items()}
        self.latin_first = frozenset(self.latin_need)
        by_char: dict[str, list[str]] = {"最": ["最"]}
        for t in terms:
            m = _CJK.search(t)
            if m:
                by_char.setdefault(m.group(0), []).append(t)
        self.cjk_need = {k: tuple(v) for k, v in by_char.items()}
        self.cjk_first = frozenset(self.cjk_need)

    def _may_match(self, text: str, tokens: list[str] | None) -> bool:
        words = set(_TOKEN.findall(text) if tokens is None else tokens)
        for first in self.latin_first.intersection(words):
            for need in self.latin_need[first]:
                if need <= words:
                    return True
        if not text.isascii() and not self.cjk_first.isdisjoint(text):
            for ch in self.cjk_first.intersection(text):
                for t in self.cjk_need[ch]:
                    if t in text:
                        return True
        if self.wordless_chars and not self.wordless_chars.isdisjoint(text):
            return True
        if "@" in text or not _HINT_WORDS.isdisjoint(words):
            return True
        return ("+" in text or max(map(len, filter(str.isdigit, words)), default=0) > 2) and _DIGITS.search(
            text
        ) is not None

    def findings_normed(self, text: str, tokens: list[str] | None = None) -> list[Finding]:
        """Findings in a text already normalised by :func:`_term_norm`, in order of appearance,
        each (term, level) once; ``tokens`` may pass ``_TOKEN.findall(text)``."""
        if not text or not self._may_match(text, tokens):
            return []
        hits: list[tuple[int, int, str, str]] = []
        for m in self.regex.finditer(text):
            term = m.group(0)
            hits.append((m.start(), m.end(), term, self.group_of.get(term, "absolute_zh")))
        for group, rx in PATTERNS:
            for m in rx.finditer(text):
                hits.append((m.start(), m.end(), m.group(0).strip(), group))
        if not hits:
            return []
        hits.sort()
        spans = [(m.start(), m.end()) for m in self.allowed.finditer(text)] if self.allowed else []
        out: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        end = -1
        for s, e, term, group in hits:
            if s < end:  # inside an earlier match (a pattern and a list term on the same text)
                continue
            if any(a <= s and e <= b for a, b in spans):
                continue
            verdict = ("block", "") if group == "custom" else judge(group, term, text, s, e)
            if verdict is None:
                continue
            end = e
            key = (term, verdict[0])
            if key not in seen:
                seen.add(key)
                out.append(Finding(term, group, verdict[0], verdict[1]))
        return out

    def findings(self, text: str) -> list[Finding]:
        return self.findings_normed(_term_norm(text)) if text else []


@functools.lru_cache(maxsize=64)
def _matcher(extra: tuple[str, ...] = (), allowed: tuple[str, ...] = ()) -> _Matcher:
    return _Matcher(extra, allowed)


def findings(text: str, extra: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[Finding]:
    """Every banned or doubtful term of one text, judged in context, in order of appearance.

    Examples
    --------
    >>> [(f.term, f.level) for f in findings("Best NIKE style shoes 最新款, 最近上架")]
    [('best', 'block'), ('nike', 'block'), ('最新', 'block')]
    >>> [(f.term, f.level, f.reason) for f in findings("最大承重 30kg 的宠物箱")]
    [('最大', 'warn', 'spec')]
    >>> findings("Faux Leather Collar with Fake Fur Lining")
    []
    """
    return _matcher(tuple(extra), tuple(allowed)).findings(text)


def find_banned(text: str, extra: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[str]:
    """The banned terms of one text (warnings left out), in order of appearance, each once.

    Examples
    --------
    >>> find_banned("Best NIKE style shoes 最新款")
    ['best', 'nike', '最新']
    >>> find_banned("Bestow Nikelike silver")
    []
    """
    return [f.term for f in findings(text, extra, allowed) if f.level == "block"]


#: the label of the trailing warnings part of a ``BANNED`` text ("提示 note: …")
NOTE_LABEL = "提示 note"


def has_block(findings_text: Any) -> np.ndarray:
    """A flat boolean column: does each ``BANNED`` text name a banned term (warnings alone do not)?

    ``BANNED`` lists banned terms first and warnings last (``"提示 note: …"``), so a text
    names a banned term exactly when it is not blank and does not start with the note label.

    Examples
    --------
    >>> has_block(["品牌 brand: nike", "提示 note: 最佳 (使用提示 usage tip)", "", None]).tolist()
    [True, False, False, False]
    """
    (t,), _ = broadcast(findings_text)
    col = C.text(t, "banned")
    return np.array([bool(v) and not v.startswith(NOTE_LABEL + ":") for v in col.values.ravel()], dtype=bool)


def format_findings(found: list[Finding]) -> str:
    """The cell text: banned terms by group, then warnings with their reason; ``""`` when none.

    Examples
    --------
    >>> format_findings(findings("Replica Gucci Bag #1 最佳使用时间"))
    '仿冒 replica: replica; 品牌 brand: gucci; 夸大 claim: #1; 提示 note: 最佳 (使用提示 usage tip)'
    """
    groups: dict[str, list[str]] = {}
    notes: list[str] = []
    for f in found:
        if f.level == "block":
            groups.setdefault(f.group, []).append(f.term)
        else:
            notes.append(f"{f.term} ({REASONS[f.reason]})")
    parts = [f"{LABELS[g]}: {', '.join(terms)}" for g, terms in groups.items()]
    if notes:
        parts.append(f"{NOTE_LABEL}: " + ", ".join(notes))
    return "; ".join(parts)


def _columns(text: Any, extra_words: Any, allowed_words: Any) -> tuple[Any, Any, _Matcher]:
    matcher = _matcher(parse_extra_words(extra_words), parse_extra_words(allowed_words))
    (t,), shape = broadcast(text)
    return C.text(t, "text"), shape, matcher


def is_banned(text: Any, extra_words: Any = None, allowed_words: Any = None) -> np.ndarray:
    """A flat boolean column: does each text hold a banned term (warnings do not count)?

    Examples
    --------
    >>> is_banned(["nike shoes", "dog collar", "最近上新", None]).tolist()
    [True, False, False, False]
    """
    col, _, matcher = _columns(text, extra_words, allowed_words)
    hit = C.map_distinct(lambda s: any(f.level == "block" for f in matcher.findings(s)) if s else False, col.values)
    return hit.astype(bool)


@excel(
    "BANNED",
    "禁用词 Banned words by group (ad-law terms, claims, replicas, brands, medical, contact details), warnings last.",
    "text",
    help={
        "text": "文字 title, keyword or description",
        "extra_words": "自定义禁用词 extra banned words (range or ;-separated)",
        "allowed_words": "允许词 cfg_allowed_words (registered trademarks)",
    },
    ranges=("extra_words", "allowed_words"),
    source="seed 002 禁售词; 广告法 art. 9(3) and the 2023 执法指南 exemptions; Alibaba.com IPR and listing rules",
    example='`=BANNED("Replica Gucci Bag, No.1 Quality") → 仿冒 replica: replica; 品牌 brand: gucci; 夸大 claim: no.1`; `=BANNED("最佳使用时间") → 提示 note: 最佳 (使用提示 usage tip)`',
)
def banned(text: Any, extra_words: Any = None, allowed_words: Any = None) -> Any:
    """Banned words 禁用词 in a title, keyword or description, by group with the reason; ``""`` when clean.

    Banned terms come first as ``"<group>: term, term"`` (极限词 absolute, 夸大 claim, 仿冒
    replica, 品牌 brand, 医疗 medical, 联系方式 contact, 自定义 custom), then warnings as
    ``"提示 note: term (reason)"``: terms the regulator's 2023 guide allows in that context
    (self-comparison, usage tip, specification, motto, official title) but a platform filter
    may still flag.  The text never starts with ``#``.

    Parameters
    ----------
    text : text or column
        A title, keyword or description.  Blank gives a blank.
    extra_words : range or text, optional
        The workbook's 禁用词 table (a range) or ``;``-separated words, added to the
        built-in lists.
    allowed_words : range or text, optional
        ``cfg_allowed_words``: the shop's registered trademarks and other terms it may use.

    Examples
    --------
    >>> banned("Replica Gucci Bag, No.1 Quality")
    '仿冒 replica: replica; 品牌 brand: gucci; 夸大 claim: no.1'
    >>> banned("Dog Collar Nylon Adjustable, Faux Fur Lining")
    ''
    >>> banned("Dog Collar Acme", "acme;foo")
    '自定义 custom: acme'
    >>> banned("顶级狗狗牵引绳, 加微信 wx123 或 +86 138 1234 5678")
    '极限词 absolute: 顶级; 联系方式 contact: 加微信, +86 138 1234 5678'
    >>> banned("最近上新: 第一时间发货")
    ''
    >>> banned("第一坊 牵引绳", None, "第一坊")
    ''
    """
    col, shape, matcher = _columns(text, extra_words, allowed_words)
    out = C.map_distinct(lambda s: format_findings(matcher.findings(s)) if s else None, col.values)
    return restore(finish(out, col), shape)
