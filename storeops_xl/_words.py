"""Words of titles and keywords: Latin words with a plural rule, Chinese words by jieba.

Shared by :mod:`.titles` (the score) and :mod:`.title_keywords` (guessing the keywords a
title is judged against), so both read a title the same way.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

__all__ = ["CJK", "STOP", "Memo", "latin_words", "stem", "zh_words"]

#: Articles, conjunctions and prepositions a title's words are not judged on.
MINOR = frozenset("a an the and or for with of in on to by at from as per via".split())
#: Words too common to count as a keyword word or a repeat.
STOP = MINOR | {"s", "new", "hot"}
WORD = re.compile(r"[a-z0-9]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CACHE_MAX = 200_000  # per-word memo tables stop growing here


class Memo(dict):  # type: ignore[type-arg]
    """A per-word memo: ``memo[w]`` computes ``fn(w)`` once (while the table is small)."""

    def __init__(self, fn: Any):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> Any:
        value = self.fn(key)
        if len(self) < _CACHE_MAX:
            self[key] = value
        return value


def stem(w: str) -> str:
    """``shoes`` → ``shoe``; ``glass`` stays (a simple plural rule)."""
    return w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w


STEMS = Memo(stem)


def latin_words(text: str) -> list[str]:
    """Lower-case words with a simple plural rule (``shoes`` → ``shoe``, ``glass`` kept)."""
    return list(map(STEMS.__getitem__, WORD.findall(text.lower())))


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba  # lazy: its dictionary takes about a second to load

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def zh_words(text: str) -> list[str]:
    """Words of a Chinese/mixed text: jieba for Chinese runs, Latin words as they are."""
    out: list[str] = []
    for part in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", text.lower()):
        if not part:
            continue
        if CJK.match(part):
            out.extend(w for w in _jieba().lcut(part, HMM=False) if w.strip())
        else:
            out.extend(latin_words(part))
    return out
