"""The keywords a title is judged against 评分关键词: typed ones, or guessed from the shop's keyword export.

After a Data Manager import the products' keyword cells are blank, yet the shop's own
keyword export (选词参谋: the words buyers used to reach it, with impressions) says what
buyers search.  :func:`title_keywords` keeps the keywords an operator typed and, for a blank
cell, guesses four from the export:

1. the **core word**: the heaviest keyword (by ``shop_weights``, e.g. impressions) whose words
   all appear in the title — the product's best keyword; when none appears whole, the
   heaviest one sharing at least half its words with the title; when none shares any, the
   shop's heaviest keyword (the title then misses the shop's core word);
2. three more: the heaviest other keywords sharing at least half their words with the title,
   each bringing a search word the ones before lack ("sneakers for men" adds nothing to
   "sneakers" and "shoes men") — the searches this title could also catch.

Keywords holding a banned word (a brand, "replica" …) are never chosen, nor keywords in
another script (Chinese ones for an Alibaba.com title, Latin-only ones for 1688).  A keyword
aimed at another audience is skipped: "shoes men" is not suggested for a title that says
"Women" (audiences: men / women / kids / dog / cat).  Weights blank or missing: the
export's order counts (first = heaviest).

The work is vectorised: the title × keyword word-overlap is one matrix product.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, is_error, restore
from ._spec import excel
from ._words import CJK, STOP, latin_words, zh_words
from .banned import _matcher, _term_norm, parse_extra_words
from .titles import platform_column

__all__ = ["title_keywords"]

_CHUNK = 4096  # titles per matrix product
#: Audience word groups: a keyword naming one the title does not, while the title names another, is skipped.
_AUDIENCE = (
    frozenset("men man male boy boys mens gent gents homme hombre masculino".split()),
    frozenset("women woman female lady ladies girl girls womens femme mujer feminino wanita".split()),
    frozenset("kid kids child children baby toddler enfant nino".split()),
    frozenset("dog dogs puppy puppies".split()),
    frozenset("cat cats kitten kittens".split()),
)


def _audience(words: set[str] | frozenset[str]) -> int:
    return sum(1 << i for i, group in enumerate(_AUDIENCE) if not group.isdisjoint(words))


class _Index:
    """The shop's usable keywords: texts, weights, word-incidence matrix, audience bits."""

    def __init__(self, keywords: tuple[Any, ...], weights: tuple[Any, ...], zh: bool, extra: tuple[str, ...]):
        matcher = _matcher(extra)
        split = zh_words if zh else latin_words
        nums = C.num(np.asarray(list(weights) + [None] * (len(keywords) - len(weights)), dtype=object), "w").values
        ranked = np.isnan(nums[: len(keywords)]).all()
        best: dict[tuple[str, ...], tuple[float, str, int]] = {}
        for i, kw in enumerate(keywords):
            if kw is None or isinstance(kw, bool) or (isinstance(kw, float) and np.isnan(kw)):
                continue
            text = " ".join(str(kw).split())
            if not text or bool(CJK.search(text)) != zh:
                continue
            if any(f.level == "block" for f in matcher.findings(text)):
                continue
            words = tuple(dict.fromkeys(w for w in split(_term_norm(text)) if w not in STOP and w.strip()))
            if not words:
                continue
            weight = float(len(keywords) - i) if ranked else (0.0 if np.isnan(nums[i]) else float(nums[i]))
            if words not in best or weight > best[words][0]:
                best[words] = (weight, text, i)
        items = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][2]))
        self.texts = [v[1] for _, v in items]
        self.weights = np.array([v[0] for _, v in items], dtype=np.float64)
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for r, (words, _) in enumerate(items):
            for w in words:
                rows.append(r)
                cols.append(vocab.setdefault(w, len(vocab)))
        self.vocab = vocab
        self.matrix = np.zeros((len(items), len(vocab)), dtype=np.float32)
        self.matrix[rows, cols] = 1.0
        self.lengths = self.matrix.sum(axis=1)
        self.audience = np.array([_audience(set(words)) for words, _ in items], dtype=np.int64)
        self.word_sets = [frozenset(words) for words, _ in items]
        self.split = split

    def guess(self, titles: list[str], count: int) -> list[str]:
        """``"core; other; other"`` for each title ("" when the shop has no usable keyword)."""
        if not len(self.texts):
            return ["" for _ in titles]
        out: list[str] = []
        for at in range(0, len(titles), _CHUNK):
            out += self._guess(titles[at : at + _CHUNK], count)
        return out

    def _guess(self, titles: list[str], count: int) -> list[str]:
        n = len(titles)
        incidence = np.zeros((n, len(self.vocab)), dtype=np.float32)
        aud = np.zeros(n, dtype=np.int64)
        rows, cols = [], []
        for r, t in enumerate(titles):
            title_words = set(self.split(_term_norm(t)))
            aud[r] = _audience(title_words)
            for w in title_words:
                c = self.vocab.get(w)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        incidence[rows, cols] = 1.0
        overlap = incidence @ self.matrix.T  # (titles, keywords): shared words
        other = self.audience[None, :] & ~aud[:, None]
        fits = (other == 0) | (aud[:, None] == 0)
        present = (overlap >= self.lengths[None, :]) & fits
        related = (overlap * 2 >= self.lengths[None, :]) & (overlap > 0) & fits
        # keywords are sorted heaviest first, so the first True column is the heaviest
        fallback = np.where(related.any(axis=1), related.argmax(axis=1), 0)
        core = np.where(present.any(axis=1), present.argmax(axis=1), fallback)
        related[np.arange(n), core] = False
        picks = [[int(c)] for c in core]
        if count > 1:
            word_sets = self.word_sets
            for row in np.flatnonzero(related.any(axis=1)):
                pick = picks[row]
                covered = set(word_sets[pick[0]])
                for k in np.flatnonzero(related[row]).tolist():  # heaviest first
                    if not word_sets[k] <= covered:  # a keyword adds a search word the others lack
                        pick.append(k)
                        covered |= word_sets[k]
                        if len(pick) == count:
                            break
        return ["; ".join(self.texts[c] for c in p) for p in picks]


@functools.lru_cache(maxsize=16)
def _index(keywords: tuple[Any, ...], weights: tuple[Any, ...], zh: bool, extra: tuple[str, ...]) -> _Index:
    return _Index(keywords, weights, zh, extra)


def _hashable(values: list[Any]) -> tuple[Any, ...]:
    return tuple(None if isinstance(v, float) and np.isnan(v) else v for v in values)


@excel(
    "TITLE_KEYWORDS",
    "评分关键词 Keywords a title is judged by: the typed ones, or guessed from the shop's keyword export.",
    "text",
    help={
        "title": "产品标题 product title",
        "keywords": "已填关键词 typed keywords (kept when not blank)",
        "shop_keywords": "店铺关键词 the shop's keywords (tblKeywords keyword column)",
        "shop_weights": "关键词权重 weight per keyword (impressions)",
        "platform": "平台 alibaba 或 1688 (cfg_platform)",
        "extra_words": "自定义禁用词 extra banned words (tblBannedWords)",
        "count": "关键词个数 how many keywords (4)",
    },
    ranges=("shop_keywords", "shop_weights", "extra_words"),
    source="seed 000 找词 (hot / potential / core words); the shop's keyword export 选词参谋",
    example="`=TITLE_KEYWORDS([@Title], [@Keywords], tblKeywords[关键词 Keyword], tblKeywords[曝光 Impressions]) → shoes; sneakers; shoes men; sneakers for men`",
)
def title_keywords(
    title: Any,
    keywords: Any = None,
    shop_keywords: Any = None,
    shop_weights: Any = None,
    platform: Any = None,
    extra_words: Any = None,
    count: Any = None,
) -> Any:
    """Keywords to judge a title by 评分关键词: the typed keywords, or guessed from the shop's keyword export.

    Parameters
    ----------
    title : text or column
        Product title.  Blank gives a blank.
    keywords : text or column, optional
        The keywords typed for the product; when not blank they are returned as they are.
    shop_keywords : range, optional
        The shop's keywords (the Keywords sheet's keyword column, from the Data Manager export).
    shop_weights : range, optional
        A weight per shop keyword (impressions, keyword index …); blank = the export's order.
    platform : text, optional
        ``alibaba`` or ``1688``; blank uses ``cfg_platform``.
    extra_words : range or text, optional
        The workbook's extra banned words (keywords holding one are never suggested).
    count : number, optional
        How many keywords to give, core word first (4).

    Examples
    --------
    >>> shop = ["nike shoes", "shoes", "sneakers", "shoes men", "walking shoes", "dog collar"]
    >>> title_keywords("Breathable Walking Shoes Lightweight Sneakers for Women", None, shop, [289, 1089, 737, 497, 150, 3])
    'shoes; sneakers; walking shoes'
    >>> title_keywords("Nylon Dog Collar", "dog collar; nylon collar", shop)
    'dog collar; nylon collar'
    """
    (t, k, p, n), shape = broadcast(title, keywords, platform, count)
    tcol, kcol = C.text(t, "title"), C.text(k, "keywords")
    plat, pcol = platform_column(p)
    ncol = C.num(n, "count")
    counts = np.where(np.isnan(ncol.values), 4, np.clip(np.nan_to_num(ncol.values), 1, 10)).astype(int)
    extra = parse_extra_words(extra_words)
    # a cell of the keyword export holding an Excel error (#N/A from a lookup) is no keyword:
    # it is left out with its weight, never suggested as a word
    shop_cells = C.range_values(shop_keywords)
    keep = [i for i, v in enumerate(shop_cells) if not is_error(v)]
    shop = _hashable([shop_cells[i] for i in keep])
    weight_cells = C.range_values(shop_weights)
    weights = _hashable([weight_cells[i] for i in keep if i < len(weight_cells)]) if weight_cells else ()
    out = np.empty(len(tcol.values), dtype=object)
    out[:] = None
    typed = (kcol.values != "") & (tcol.values != "")
    out[typed] = [" ".join(v.split()) for v in kcol.values[typed]]
    todo = (tcol.values != "") & ~typed & np.not_equal(plat, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    for zh in (False, True):
        for cnt in np.unique(counts[todo]):
            rows = np.flatnonzero(todo & ((plat == "1688") == zh) & (counts == cnt))
            if not len(rows):
                continue
            titles = tcol.values[rows]
            uniq, inverse = np.unique(titles.astype(str), return_inverse=True)
            guessed = np.asarray(_index(shop, weights, zh, extra).guess(list(uniq), int(cnt)), dtype=object)
            out[rows] = guessed[inverse]
    return restore(finish(out, tcol, kcol, pcol, ncol), shape)
