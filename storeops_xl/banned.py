"""Banned words 禁用词: built-in lists (SPEC §4) plus the workbook's own words.

The built-in lists are text files in ``storeops_xl/data/banned_words/`` (one group per
file, each with a header comment naming its source):

* ``absolute_zh.txt`` 广告法极限词 (最, 第一, 唯一, 国家级, 顶级, 极品 …);
* ``misleading_en.txt`` misleading English claims (best, No.1, 100% guaranteed …);
* ``counterfeit.txt`` replica / counterfeit terms (replica, copy, fake, 高仿 …);
* ``brands.txt`` other companies' brand names (nike, adidas, jordan, gucci …);
* ``medical.txt`` medical claims (治疗, 治愈, cure, heal …).

Matching: text is normalised (full-width → half-width); Latin terms match as whole
words, case-insensitive; terms containing Chinese characters match as substrings.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import Any

from . import _columns as C
from ._coerce import broadcast, finish, restore

__all__ = ["GROUPS", "banned", "builtin_words", "find_banned", "parse_extra_words"]

#: Group file stem → bilingual group name.
GROUPS = {
    "absolute_zh": "广告法极限词 absolute terms",
    "misleading_en": "误导宣传 misleading claims",
    "counterfeit": "仿冒 replica/counterfeit",
    "brands": "品牌词 brand names",
    "medical": "医疗用语 medical claims",
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_CH = "0-9A-Za-z\u00c0-\u024f"
_MAX_TERM = 60  # longer "words" in the workbook's list are ignored
_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_SPLIT = re.compile(r"[;,；，、|\n\r\t]+")


def _is_comment(line: str) -> bool:
    """``# …`` (hash and a space) or a lone ``#`` is a comment; ``#1`` is a term."""
    t = line.strip()
    return t == "#" or t.startswith("# ") or t.startswith("##")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


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


class _Matcher:
    def __init__(self, terms: Iterable[str]):
        uniq = sorted(set(terms), key=lambda t: (-len(t), t))
        latin = [t for t in uniq if not _CJK.search(t)]
        cjk = [t for t in uniq if _CJK.search(t)]
        parts = []
        if latin:
            parts.append(rf"(?<![{_LATIN_CH}])(?:{_trie_pattern(latin)})(?![{_LATIN_CH}])")
        if cjk:
            parts.append(_trie_pattern(cjk))
        self.regex = re.compile("|".join(parts)) if parts else None
        # Cheap pre-check (most texts are clean), exact: a Latin term can only match when
        # each of its words is a whole word of the text (the match is bounded by non-Latin
        # characters), a Chinese term only when it is a substring.  Terms without any word
        # (e.g. "#") are only looked for when the text holds the first word of a Latin term
        # or the first Chinese character of a Chinese term (the long-standing rule).
        self.wordless = any(not _TOKEN.search(t) for t in latin)
        by_first: dict[str, list[frozenset[str]]] = {}
        for t in latin:
            toks = _TOKEN.findall(t)
            if toks:
                by_first.setdefault(toks[0], []).append(frozenset(toks))
        self.latin_need = {k: tuple(v) for k, v in by_first.items()}
        self.latin_first = frozenset(self.latin_need)
        by_char: dict[str, list[str]] = {}
        for t in cjk:
            by_char.setdefault(_CJK.search(t).group(0), []).append(t)  # type: ignore[union-attr]
        self.cjk_need = {k: tuple(v) for k, v in by_char.items()}
        self.cjk_first = frozenset(self.cjk_need)

    def _may_match(self, norm: str, tokens: list[str] | None) -> bool:
        words = set(_TOKEN.findall(norm) if tokens is None else tokens)
        firsts = self.latin_first.intersection(words)
        for first in firsts:
            for need in self.latin_need[first]:
                if need <= words:
                    return True
        chars = self.cjk_first.intersection(norm) if not self.cjk_first.isdisjoint(norm) else ()
        for ch in chars:
            for t in self.cjk_need[ch]:
                if t in norm:
                    return True
        return self.wordless and bool(firsts or chars)

    def find_normed(self, norm: str, tokens: list[str] | None = None) -> list[str]:
        """Like :meth:`find` for a text already normalised by :func:`_norm`; ``tokens``
        may pass ``_TOKEN.findall(norm)`` when the caller has them."""
        if self.regex is None or not norm or not self._may_match(norm, tokens):
            return []
        found: list[str] = []
        for m in self.regex.finditer(norm):
            t = " ".join(m.group(0).split())
            if t not in found:
                found.append(t)
        return found

    def find(self, text: str) -> list[str]:
        if self.regex is None or not text:
            return []
        return self.find_normed(_norm(text))


@functools.lru_cache(maxsize=64)
def _matcher(extra: tuple[str, ...]) -> _Matcher:
    words = [t for terms in builtin_words().values() for t in terms]
    return _Matcher(words + list(extra))


def find_banned(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Banned terms in one text, in order of appearance, each once (lower case).

    Examples
    --------
    >>> find_banned("Best NIKE style shoes 最新款")
    ['best', 'nike', '最']
    >>> find_banned("Bestow Nikelike")
    []
    """
    return _matcher(tuple(extra)).find(text)


def banned(text: Any, extra_words: Any = None) -> Any:
    """Banned words 禁用词 found in a text, ``"; "``-separated; ``""`` when clean.

    Parameters
    ----------
    text : text or column
        A title, keyword or description.  Blank gives a blank.
    extra_words : range or text, optional
        The workbook's 禁用词 table (a range) or ``;``-separated words, added to the
        built-in lists.

    Examples
    --------
    >>> banned("Replica Gucci Bag, No.1 Quality")
    'replica; gucci; no.1'
    >>> banned("Dog Collar Nylon Adjustable")
    ''
    >>> banned("Dog Collar Acme", "acme;foo")
    'acme'
    >>> banned("顶级狗狗牵引绳")
    '顶级'
    """
    extra = parse_extra_words(extra_words)
    (t,), shape = broadcast(text)
    col = C.text(t, "text")
    matcher = _matcher(extra)
    out = C.map_distinct(lambda s: "; ".join(matcher.find(s)) if s else None, col.values)
    return restore(finish(out, col), shape)
