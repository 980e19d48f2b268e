"""Salesperson names from the platform, matched to the workbook's roster (设置 → tblSalespeople).

The back office and Data Manager write a salesperson as their account name (``王芳`` or
``Wang Fang``); the roster may say ``王芳 Wang Fang``.  :func:`roster_matcher` returns a
function that gives the roster's spelling when exactly one roster name matches — the whole
name, its Chinese part, its Latin part (either word order, spaces ignored) — and the
platform's own text otherwise (reported as not on the roster by the caller).

Examples
--------
>>> match = roster_matcher(["王芳 Wang Fang", "李强 Li Qiang"])
>>> match("王芳"), match("fang wang"), match("Li  Qiang"), match("赵六")
('王芳 Wang Fang', '王芳 Wang Fang', '李强 Li Qiang', '赵六')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["roster_matcher"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _forms(name: str) -> set[str]:
    n = _norm(name)
    forms = {n, n.replace(" ", "")}
    cjk = "".join(_CJK.findall(n))
    if cjk:
        forms.add(cjk)
    latin = " ".join(_CJK.sub(" ", n).split())
    if latin:
        forms |= {latin, latin.replace(" ", "")}
        words = latin.split()
        if len(words) == 2:
            forms |= {f"{words[1]} {words[0]}", words[1] + words[0]}
    return forms


def roster_matcher(roster: Iterable[Any]) -> Callable[[Any], Any]:
    """A function mapping a platform name to the roster's spelling (see the module docstring)."""
    names = [str(r).strip() for r in roster if isinstance(r, str) and r.strip()]
    by_form: dict[str, set[str]] = {}
    for name in names:
        for f in _forms(name):
            by_form.setdefault(f, set()).add(name)

    def match(value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return value
        hits: set[str] = set()
        for f in _forms(value):
            hits |= by_form.get(f, set())
        return next(iter(hits)) if len(hits) == 1 else value.strip()

    return match
