"""The lexical layer of formulas: tokens, cell references, and how a formula's
relative references move (Excel's copy-down rule, row templates).

It sits in ``storeops.xlsx`` because writing a table needs it (new rows get the first
row's formulas, shifted), and the parser (:mod:`storeops.engine._formula`) builds on it:
the dependency goes one way, engine → xlsx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storeops_xl.inputs import EXCEL_ERRORS as ERROR_CODES  # the core's one list of error values

from ._cells import col_index, col_letters

MAX_ROW = 1048576
MAX_COL = 16384


class FormulaError(ValueError):
    """The text is not a formula this parser understands."""


_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_\u0080-\uffff][\w.\u0080-\uffff]*)!"
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?P<sheet>%s)?(?:(?P<cell>%s(?::%s)?)|(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})|(?P<rows>\$?\d+:\$?\d+))(?![\w(\[]))
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<err>%s)
  | (?P<func>[A-Za-z_\\][\w.]*(?=\())
  | (?P<sref>[A-Za-z_\\\u0080-\uffff][\w.\u0080-\uffff]*\[)
  | (?P<name>[A-Za-z_\\\u0080-\uffff][\w.\u0080-\uffff]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%%(),@])
    """
    % (_SHEET, _CELL, _CELL, "|".join(re.escape(c) for c in ERROR_CODES).replace("%", "%%")),
    re.VERBOSE,
)


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int
    sheet: str | None = None


def tokenize(text: str) -> list[Token]:
    """Split a formula (with or without the leading ``=``) into tokens."""
    s = text[1:] if text.startswith("=") else text
    off = 1 if text.startswith("=") else 0
    pos, out = 0, []
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            raise FormulaError(f"cannot read formula at {s[pos : pos + 12]!r}")
        kind = m.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        if kind in ("sheet", "cell", "cols", "rows"):
            kind = "ref"
        if kind == "sref":  # table name + bracketed part, brackets balanced, ' escapes
            depth, i = 0, m.end() - 1
            while i < len(s):
                ch = s[i]
                if ch == "'":
                    i += 2
                    continue
                if ch == "[":
                    depth += 1
                elif ch == "]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            if depth:
                raise FormulaError("unbalanced [ ] in a table reference")
            out.append(Token("sref", s[pos : i + 1], pos + off, i + 1 + off))
            pos = i + 1
            continue
        if kind != "ws":
            sheet = m.group("sheet") if kind == "ref" else None
            out.append(Token(kind, m.group(0), pos + off, m.end() + off, sheet))
        pos = m.end()
    return out


def unquote_sheet(s: str) -> str:
    s = s[:-1]
    if s.startswith("'"):
        s = s[1:-1].replace("''", "'")
    return s


def _match_ref(pattern: str, text: str) -> re.Match[str]:
    m = re.match(pattern, text)
    if m is None:
        raise FormulaError(f"not a cell reference: {text!r}")
    return m


def ref_parts(tok: Token) -> tuple:
    """What a reference token names: ``(sheet, col, row, col_abs, row_abs)`` for a cell,
    ``(sheet, c1, r1, c2, r2, c1_abs, r1_abs, c2_abs, r2_abs)`` for a range (whole columns
    and rows run to the sheet's edges).

    Examples
    --------
    >>> ref_parts(tokenize("'设置 Settings'!$B$4")[0])
    ('设置 Settings', 2, 4, True, True)
    >>> ref_parts(tokenize("A:B")[0])
    (None, 1, 1, 2, 1048576, False, True, False, True)
    """
    body = tok.text
    sheet = None
    if tok.sheet:
        sheet = unquote_sheet(tok.sheet)
        body = body[len(tok.sheet) :]
    if ":" not in body:
        m = _match_ref(r"(\$?)([A-Za-z]+)(\$?)(\d+)$", body)
        return (sheet, col_index(m.group(2)), int(m.group(4)), bool(m.group(1)), bool(m.group(3)))
    a, b = body.split(":")
    parts = []
    for p in (a, b):
        m = _match_ref(r"(\$?)([A-Za-z]*)(\$?)(\d*)$", p)
        c = col_index(m.group(2)) if m.group(2) else None
        r = int(m.group(4)) if m.group(4) else None
        cabs = bool(m.group(1)) if m.group(2) else True
        rabs = bool(m.group(3) if m.group(2) else m.group(1)) if m.group(4) else True
        parts.append((c, r, cabs, rabs))
    (c1, r1, ca1, ra1), (c2, r2, ca2, ra2) = parts
    if c1 is None:
        c1, c2, ca1, ca2 = 1, MAX_COL, True, True
        if r1 is None:
            raise FormulaError(body)
    if r1 is None:
        r1, r2, ra1, ra2 = 1, MAX_ROW, True, True
    return (sheet, c1, r1, c2, r2, ca1, ra1, ca2, ra2)


_REL_ROW = re.compile(r"(\$?[A-Za-z]{1,3})(\d+)|(?<![\w$])(\d+)(?=:)|(?<=:)(\d+)")


def row_template(text: str, row: int) -> tuple[str, tuple[int, ...]]:
    """A ``%``-template of ``text`` whose holes are the relative row numbers as offsets
    from ``row``: ``row_template("CTR(G7,F7)", 7) == ("CTR(G%d,F%d)", (0, 0))``.
    ``$``-anchored rows, strings and table refs stay literal.
    """
    pieces, offs = row_pieces(text, row)
    return "%d".join(p.replace("%", "%%") for p in pieces), offs


def row_pieces(text: str, row: int) -> tuple[list[str], tuple[int, ...]]:
    """The literal pieces between relative row numbers, and the row offsets."""
    pieces, offs, last = [], [], 0
    for tok in tokenize(text):
        if tok.kind != "ref":
            continue
        body_start = tok.start + (len(tok.sheet) if tok.sheet else 0)
        body = text[body_start : tok.end]
        for m in re.finditer(r"(\$?)([A-Za-z]{0,3})(\$?)(\d+)", body):
            dollar_row = m.group(3) if m.group(2) else m.group(1)
            if dollar_row:
                continue
            a = body_start + m.start(4)
            pieces.append(text[last:a])
            offs.append(int(m.group(4)) - row)
            last = body_start + m.end(4)
    pieces.append(text[last:])
    return pieces, tuple(offs)


def shift_formula(text: str, drow: int, dcol: int = 0) -> str:
    """The formula as Excel would write it after copying it ``drow`` rows down and
    ``dcol`` columns right (relative parts move, ``$`` parts stay).

    Examples
    --------
    >>> shift_formula("=CTR(G7,F7)+$B$2+SUM(A7:C7)", 3)
    '=CTR(G10,F10)+$B$2+SUM(A10:C10)'
    """
    out, last = [], 0
    for tok in tokenize(text):
        if tok.kind != "ref":
            continue
        body_start = tok.start + (len(tok.sheet) if tok.sheet else 0)
        body = text[body_start : tok.end]

        def fix(m: re.Match) -> str:
            cd, letters, rd, digits = m.groups()
            if letters and not cd and dcol:
                letters = col_letters(max(1, col_index(letters) + dcol))
            if digits and not (rd if letters else cd) and drow:
                digits = str(max(1, int(digits) + drow))
            return f"{cd}{letters}{rd}{digits}"

        out.append(text[last:body_start])
        out.append(re.sub(r"(\$?)([A-Za-z]{0,3})(\$?)(\d*)", lambda m: fix(m) if m.group(0) else "", body))
        last = tok.end
    out.append(text[last:])
    return "".join(out)


def name_target(text: str):
    """What a defined name stands for: ``(sheet, col, row)`` for a cell, ``(sheet, c1, r1,
    c2, r2)`` for a range on a sheet, the value of a constant (number, text, TRUE/FALSE),
    else ``None``.

    Examples
    --------
    >>> name_target("'设置 Settings'!$B$4"), name_target("S!A1:B2"), name_target("0.5"), name_target("A1+1")
    (('设置 Settings', 2, 4), ('S', 1, 1, 2, 2), 0.5, None)
    """
    try:
        toks = tokenize(text)
    except FormulaError:
        return None
    if len(toks) != 1:
        return None
    tok = toks[0]
    if tok.kind == "num":
        return float(tok.text)
    if tok.kind == "str":
        return tok.text[1:-1].replace('""', '"')
    if tok.kind == "name" and tok.text.upper() in ("TRUE", "FALSE"):
        return tok.text.upper() == "TRUE"
    if tok.kind != "ref":
        return None
    try:
        parts = ref_parts(tok)
    except (FormulaError, AttributeError):
        return None
    if parts[0] is None:
        return None
    return parts[:3] if len(parts) == 5 else parts[:5]
