"""Two editions of one schema: the ``.xlsm`` for Excel + xlwings and the ``.xlsx`` for WPS,
LibreOffice and Excel without the add-in.

The schema (:mod:`storeops.workbook.schema`) writes every formula once, with StoreOps
functions in it.  :func:`edition_template` rewrites a template for one edition, driven by
each function's :class:`storeops_xl.FunctionSpec`:

``xlsx``
    every StoreOps call with a native twin becomes the twin (live in every program as
    people type); a formula that still needs Python is *Python-only*
    (:class:`PythonOnly`): the builder writes its results as plain values, and
    ``storeops recalc`` / ``watch`` recompute them from the schema after each save
    (:mod:`storeops.engine.editions`).
``xlsm``
    StoreOps functions stay UDFs, except where a client without Python would recompute
    the cell (LibreOffice and WPS recompute every formula whose cached result is a blank,
    a boolean or an error, see ``docs/engine.md``) or where Excel would call Python once
    per row when one setting changes:

    * a function with a boolean result, fed by a ``cfg_*`` setting, summarising a table's
      rows (a ``[tblX.col]`` argument) or marked ``native`` (a per-row rule whose inputs
      change with every order) becomes its twin (``REPLY_OK``, ``REPLY_HOURS``, ``OVERDUE``,
      ``HOT_CANDIDATE``, ``OPPORTUNITY_WORD``, ``BUYER_CLASS``, ``NEXT_FOLLOWUP``,
      ``PACE_LABEL``, ``TARGET_PACE``, ``ORDER_USD``, ``ORDER_KIND``, ``CLASS_MOVE``,
      ``GOAL_STATUS``, ``SEASON_SHARE``, ``CLOSE_LABEL``, ``CLOSE_RATE``, ``COST_PER`` and
      ``PK_SCORE``);
    * a function with a ``guard`` is written ``IF(guard,"",FUNC(...))``: its blanks are
      native (``IF(OR(F8="",E8="",--E8=0),"",CTR(F8,E8))``);
    * any other call is written ``IFERROR(FUNC(...),"")``: where Python cannot run and the
      cached result was blank (a clean title has no ``BANNED`` words) the program shows the
      same blank instead of ``#NAME?``.  In Excel + xlwings a StoreOps function never
      raises (its errors are ``#…`` texts), so the wrapper changes nothing there.

Examples
--------
>>> edition_template("CTR({clicks},{impressions})", "xlsx")
'IF(OR({clicks}="",{impressions}=""),"",IF(--{impressions}>0,{clicks}/{impressions},""))'
>>> edition_template("CTR({clicks},{impressions})", "xlsm")
'IF(OR({clicks}="",{impressions}="",--{impressions}=0),"",CTR({clicks},{impressions}))'
>>> edition_template("OVERDUE({next_followup},cfg_today)", "xlsm")
'IF({next_followup}="","",INT({next_followup})<INT(cfg_today))'
>>> edition_template("BANNED({title},[tblBannedWords.word])", "xlsm")
'IFERROR(BANNED({title},[tblBannedWords.word]),"")'
>>> python_only("SCAM_RISK({last_message})")
True
"""

from __future__ import annotations

import inspect
import re
from functools import cache

__all__ = ["EDITIONS", "PythonOnly", "edition_template", "held_as_value", "python_only", "stamped", "twin_call"]

EDITIONS = ("xlsm", "xlsx")

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_PLACE = re.compile(r"\{(\w+)(?:\|([^{}]*))?\}")
#: an argument written as it is (anything else is put in parentheses): a column, a range of a
#: row's columns ``{a}:{b}``, a name, a number, a text
_ATOM = re.compile(r'^(\{\w+\}(:\{\w+\})?|\[tbl\w+\.\w+\]|[A-Za-z_][\w.]*|-?\d+(\.\d+)?|"(?:[^"]|"")*")$')


class PythonOnly(Exception):
    """The formula needs a StoreOps function that has no native twin."""


@cache
def _specs():
    from storeops_xl import FUNCTIONS

    return FUNCTIONS


@cache
def _params(name: str) -> tuple[str, ...]:
    return tuple(inspect.signature(_specs()[name].func).parameters)


def _skip(text: str, i: int) -> int:
    """Index after the string, bracket or brace starting at ``i`` (or ``i + 1``)."""
    c = text[i]
    if c == '"':
        j = i + 1
        while j < len(text):
            if text[j] == '"':
                if j + 1 < len(text) and text[j + 1] == '"':
                    j += 2
                    continue
                return j + 1
            j += 1
        return j
    if c in "[{":
        close = "]" if c == "[" else "}"
        depth, j = 0, i
        while j < len(text):
            if text[j] == c:
                depth += 1
            elif text[j] == close:
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j
    return i + 1


def _split_args(inner: str) -> list[str]:
    args, depth, start, i = [], 0, 0, 0
    while i < len(inner):
        c = inner[i]
        if c in '"[{':
            i = _skip(inner, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(inner[start:i])
            start = i + 1
        i += 1
    args.append(inner[start:])
    return [] if args == [""] else args


def _close_paren(text: str, i: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``i``."""
    depth = 0
    while i < len(text):
        c = text[i]
        if c in '"[{':
            i = _skip(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced parentheses: {text}")


def twin_call(name: str, args: list[str]) -> str:
    """The native twin of ``NAME(args)`` with the argument texts filled in.

    An omitted setting argument reads as a blank cell, so the setting's default applies:

    >>> twin_call("PACE_LABEL", ["Q8"])
    'IF(Q8="","",IF(--Q8>=IF(""="",1.05,--""),"领先",IF(--Q8<IF(""="",0.9,--""),"落后","正常")))'
    """
    spec = _specs()[name]
    return _fill(spec.twin, name, args)


def _fill(template: str, name: str, args: list[str]) -> str:
    params = _params(name)
    given = {p: (a if _ATOM.match(a.strip()) else f"({a})") for p, a in zip(params, args) if a.strip() != ""}

    def sub(m: re.Match) -> str:
        p, default = m.group(1), m.group(2)
        if p in given:
            return given[p]
        if default is None:
            raise ValueError(f"{name}: argument {p} is required by its twin")
        return default

    return _PLACE.sub(sub, template)


def _fed_by_setting(args: list[str]) -> bool:
    return any(re.search(r"\bcfg_\w+", a) for a in args)


def _reads_whole_column(args: list[str]) -> bool:
    """A summary over a table's rows (``CLOSE_RATE(COUNTIFS([tblFollow.salesperson],…),…)``):
    an edit to any row of that table would call Python again."""
    return any("[tbl" in a for a in args)


def _rewrite(text: str, edition: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c in '"[{':
            j = _skip(text, i)
            out.append(text[i:j])
            i = j
            continue
        m = _IDENT.match(text, i)
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            name, j = m.group(0), m.end()
            if j < len(text) and text[j] == "(":
                k = _close_paren(text, j)
                args = [_rewrite(a, edition) for a in _split_args(text[j + 1 : k])]
                out.append(_call(name, args, edition))
                i = k + 1
                continue
            out.append(name)
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _twin_covers(name: str, args: list[str]) -> bool:
    """True when the function has a twin that reads every argument given: a call passing an
    argument the twin ignores (``OPPORTUNITY_WORD``'s banned findings, say) is not its twin."""
    spec = _specs()[name]
    if spec.twin is None:
        return False
    used = {m.group(1) for m in _PLACE.finditer(spec.twin)}
    return all(p in used for p, a in zip(_params(name), args) if a.strip() != "")


def _call(name: str, args: list[str], edition: str) -> str:
    plain = f"{name}({','.join(args)})"
    spec = _specs().get(name.upper())
    if spec is None:
        return plain
    if edition == "xlsx":
        if not _twin_covers(spec.name, args):
            raise PythonOnly(name)
        return twin_call(spec.name, args)
    if _twin_covers(spec.name, args) and (
        spec.returns == "bool" or spec.native or _fed_by_setting(args) or _reads_whole_column(args)
    ):
        return twin_call(spec.name, args)
    if spec.guard is not None:
        return f'IF({_fill(spec.guard, spec.name, args)},"",{plain})'
    return f'IFERROR({plain},"")'


@cache
def edition_template(template: str, edition: str) -> str:
    """``template`` (schema syntax) as the ``edition`` writes it; :class:`PythonOnly` when
    the ``.xlsx`` cannot compute it natively."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}: {edition!r}")
    return _rewrite(template, edition)


def python_only(template: str) -> bool:
    """True when the ``.xlsx`` edition holds this formula's results as values."""
    try:
        edition_template(template, "xlsx")
    except PythonOnly:
        return True
    return False


def stamped(template: str) -> bool:
    """True when ``template`` is one call of a function with ``FunctionSpec.stamp``: its cell
    holds a value in both editions, recomputed by every recalc (and Refresh/save in Excel).

    >>> stamped("BENCHMARK([tblFunnel.ctr],[tblFunnel.impressions],cfg_min_impressions,cfg_bench_ctr)")
    True
    >>> stamped("SUM([tblFunnel.clicks])")
    False
    """
    m = _IDENT.match(template)
    if m is None or template[m.end() : m.end() + 1] != "(" or _close_paren(template, m.end()) != len(template) - 1:
        return False
    spec = _specs().get(m.group(0).upper())
    return spec is not None and spec.stamp


def held_as_value(template: str, edition: str) -> bool:
    """True when the ``edition`` writes ``template``'s results as values (Python-only in the
    ``.xlsx``, stamped in both)."""
    return stamped(template) or (edition == "xlsx" and python_only(template))
