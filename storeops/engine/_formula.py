"""Parser for the Excel formula subset StoreOps workbooks use (the tokenizer and the
reference rules are :mod:`storeops.xlsx._refs`).

``parse("=IF(H7=\\"\\",\\"\\",OVERDUE(H7,TODAY()))")`` gives a small tree of tuples-like
nodes (:class:`Node`).  Supported: numbers, strings, booleans, error literals, A1 refs
with ``$`` and optional (quoted) sheet, ranges (``A1:B9``, ``A:A``, ``3:3``), defined
names, structured refs (``tbl[col]``, ``tbl[[#This Row],[col]]``, ``tbl[@col]``,
``tbl[[#Headers],[a]:[b]]``), operators ``+ - * / ^ & = <> < > <= >=``, unary ``-``/``+``,
postfix ``%`` and function calls.

Formulas are read as Excel and LibreOffice save them: the prefixes Excel writes before
newer functions (``_xlfn.``, ``_xlfn._xlws.``, ``_xludf.``) and the ones of ODF
(``of:``, ``COM.MICROSOFT.``) are dropped, function names are case-insensitive
(LibreOffice lower-cases names it does not know, such as ``ctr(`` or ``ifs(``), and
``TRUE()``/``FALSE()`` are functions like any other.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ..xlsx._cells import col_letters
from ..xlsx._refs import (  # noqa: F401 - the lexical layer, re-exported: engine code imports it from here
    MAX_COL,
    MAX_ROW,
    FormulaError,
    Token,
    ref_parts,
    row_pieces,
    row_template,
    shift_formula,
    tokenize,
)


@dataclass(frozen=True)
class Node:
    """One node: ``kind`` plus fields in ``args``.

    kinds: ``num`` (v), ``str`` (v), ``bool`` (v), ``err`` (code), ``missing``,
    ``cell`` (sheet, col, row, col_abs, row_abs), ``area`` (sheet, c1, r1, c2, r2, c1_abs,
    r1_abs, c2_abs, r2_abs), ``name`` (name), ``sref`` (table, first_col, last_col, item),
    ``neg`` / ``pct`` (x), ``bin`` (op, a, b), ``call`` (NAME, args...).
    """

    kind: str
    args: tuple[Any, ...] = ()

    def __repr__(self) -> str:  # compact, for test ids and debugging
        return f"{self.kind}{self.args!r}"


def _ref_node(tok: Token) -> Node:
    parts = ref_parts(tok)
    return Node("cell" if len(parts) == 5 else "area", parts)


def _split_sref(text: str) -> tuple[str, list[str]]:
    """'tbl[[#This Row],[a b]]' → ('tbl', ['#This Row', 'a b']); '[a]:[b]' keeps ':'."""
    i = text.index("[")
    table, inner = text[:i], text[i + 1 : -1]
    if not inner.startswith("[") and not inner.startswith("#") and not inner.startswith("@"):
        return table, [_unescape_col(inner)]
    if inner.startswith("@"):
        rest = inner[1:]
        if rest.startswith("["):
            rest = rest[1:-1]
        return table, ["#This Row", _unescape_col(rest)] if rest else ["#This Row"]
    items, i, cur, depth = [], 0, "", 0
    while i < len(inner):
        ch = inner[i]
        if ch == "'" and depth:
            cur += inner[i : i + 2]
            i += 2
            continue
        if ch == "[":
            depth += 1
            if depth == 1:
                cur = ""
                i += 1
                continue
        elif ch == "]":
            depth -= 1
            if depth == 0:
                items.append(_unescape_col(cur))
                i += 1
                continue
        elif depth == 0:
            if ch == ":":
                items.append(":")
            elif ch == "#" and not items:  # bare special item: tbl[#All]
                items.append(inner.strip())
                break
            i += 1
            continue
        cur += ch
        i += 1
    return table, items


def _unescape_col(s: str) -> str:
    return re.sub(r"'(.)", r"\1", s).strip() if "'" in s else s.strip()


def _sref_node(tok: Token) -> Node:
    table, items = _split_sref(tok.text)
    special = [x for x in items if x.startswith("#")]
    cols = [x for x in items if not x.startswith("#") and x != ":"]
    item = special[0].lower() if special else "#data"
    if len(special) > 1:
        item = "+".join(sorted(x.lower() for x in special))
    first = cols[0] if cols else None
    last = cols[-1] if cols else None
    return Node("sref", (table, first, last, item))


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.t = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise FormulaError("formula ends too early")
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise FormulaError(f"expected {text!r}, found {tok.text!r}")

    # precedence climbing: comparison < & < +- < */ < ^ < unary < %
    def expr(self) -> Node:
        return self.comparison()

    def _binary(self, ops: tuple[str, ...], sub) -> Node:
        left = sub()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in ops:
            self.i += 1
            left = Node("bin", (tok.text, left, sub()))
        return left

    def comparison(self) -> Node:
        return self._binary(("=", "<>", "<", ">", "<=", ">="), self.concat)

    def concat(self) -> Node:
        return self._binary(("&",), self.additive)

    def additive(self) -> Node:
        return self._binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self._binary(("*", "/"), self.power)

    def power(self) -> Node:
        return self._binary(("^",), self.unary)

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in ("-", "+", "@"):
            self.i += 1
            x = self.unary()
            return Node("neg", (x,)) if tok.text == "-" else x
        return self.postfix()

    def postfix(self) -> Node:
        x = self.primary()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "%":
            self.i += 1
            x = Node("pct", (x,))
        return x

    def primary(self) -> Node:
        tok = self.take()
        k = tok.kind
        if k == "num":
            return Node("num", (float(tok.text),))
        if k == "str":
            return Node("str", (tok.text[1:-1].replace('""', '"'),))
        if k == "err":
            return Node("err", (tok.text,))
        if k == "ref":
            return _ref_node(tok)
        if k == "sref":
            return _sref_node(tok)
        if k == "name":
            up = tok.text.upper()
            if up in ("TRUE", "FALSE"):
                return Node("bool", (up == "TRUE",))
            return Node("name", (tok.text,))
        if k == "func":
            name = function_name(tok.text)
            self.expect("(")
            args: list[Node] = []
            first = self.peek()
            if first is not None and first.text == ")":
                self.i += 1
                return Node("call", (name, *args))
            while True:
                nxt = self.peek()
                if nxt is not None and nxt.kind == "op" and nxt.text in (",", ")"):
                    args.append(Node("missing"))
                else:
                    args.append(self.expr())
                sep = self.take()
                if sep.text == ")":
                    break
                if sep.text != ",":
                    raise FormulaError(f"expected ',' or ')', found {sep.text!r}")
            return Node("call", (name, *args))
        if k == "op" and tok.text == "(":
            x = self.expr()
            self.expect(")")
            return x
        raise FormulaError(f"unexpected {tok.text!r}")


_PREFIXES = ("_XLFN.", "_XLWS.", "_XLUDF.", "COM.MICROSOFT.")


def function_name(text: str) -> str:
    """The Excel name of a function as a file spells it.

    Examples
    --------
    >>> function_name("_xlfn._xlws.sort"), function_name("ctr"), function_name("COM.MICROSOFT.CONCAT")
    ('SORT', 'CTR', 'CONCAT')
    """
    name = text.upper()
    again = True
    while again:
        again = False
        for pre in _PREFIXES:
            if name.startswith(pre):
                name, again = name[len(pre) :], True
    return name


def parse(text: str) -> Node:
    """Parse a formula (leading ``=`` optional) into a :class:`Node` tree.

    Examples
    --------
    >>> parse("=1+2*3")
    bin('+', num(1.0,), bin('*', num(2.0,), num(3.0,)))
    >>> parse("'跟进 Follow-up'!$B$2").args[:3]
    ('跟进 Follow-up', 2, 2)

    The trees are immutable; a process that recalculates again (``storeops watch``) keeps
    the last :data:`PARSED` texts' trees.
    """
    return _parse_cached(text)


#: formula texts whose trees a process keeps (a workbook has a few hundred distinct ones)
PARSED = 4096


@functools.lru_cache(maxsize=PARSED)
def _parse_cached(text: str) -> Node:
    if text[:3].lower() == "of:":  # an ODF formula as LibreOffice may write one
        text = text[3:]
    if len(text) > MAX_FORMULA_CHARS + 1:  # limits (issue 15): a hostile formula is left to Excel
        raise FormulaError(f"longer than Excel's {MAX_FORMULA_CHARS:,} characters")
    tokens = tokenize(text)
    _check_nesting(tokens)
    p = _Parser(tokens)
    try:
        node = p.expr()
    except RecursionError:
        raise FormulaError("nested too deeply") from None
    rest = p.peek()
    if rest is not None:
        raise FormulaError(f"unexpected {rest.text!r}")
    _check_depth(node)
    return node


#: Excel's limits: a formula of at most 8,192 characters, at most 64 levels of nesting; a
#: parsed formula at most ``MAX_DEPTH`` nodes deep (``1+1+…+1`` of 4,000 terms is left to Excel)
MAX_FORMULA_CHARS = 8192
MAX_NESTING = 64
MAX_DEPTH = 100


def _check_nesting(tokens: list[Token]) -> None:
    depth = run = 0
    for tok in tokens:
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
        run = run + 1 if tok.kind == "op" and tok.text in ("-", "+", "@") else 0
        if depth > MAX_NESTING or run > MAX_NESTING:
            raise FormulaError(f"nested deeper than Excel's {MAX_NESTING} levels")


def _check_depth(node: Node) -> None:
    stack = [(node, 1)]
    while stack:
        n, d = stack.pop()
        if d > MAX_DEPTH:
            raise FormulaError(f"nested deeper than {MAX_DEPTH} levels")
        stack.extend((a, d + 1) for a in n.args if isinstance(a, Node))


def _quote_sheet(s: str) -> str:
    return s if re.fullmatch(r"[A-Za-z_][\w.]*", s) else "'" + s.replace("'", "''") + "'"


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def unparse(node: Node) -> str:
    """Formula text (without ``=``) for a tree from :func:`parse`.

    Examples
    --------
    >>> unparse(parse("=IF(A7>0,B7/A7,\\"\\")"))
    'IF(A7>0,B7/A7,"")'
    """
    k, a = node.kind, node.args
    if k == "num":
        return _num_text(a[0])
    if k == "str":
        return '"' + a[0].replace('"', '""') + '"'
    if k == "bool":
        return "TRUE" if a[0] else "FALSE"
    if k == "err":
        return a[0]
    if k == "missing":
        return ""
    if k == "cell":
        sheet, c, r, ca, ra = a
        pre = _quote_sheet(sheet) + "!" if sheet else ""
        return f"{pre}{'$' if ca else ''}{col_letters(c)}{'$' if ra else ''}{r}"
    if k == "area":
        sheet, c1, r1, c2, r2, ca1, ra1, ca2, ra2 = a
        pre = _quote_sheet(sheet) + "!" if sheet else ""
        if r1 == 1 and r2 == MAX_ROW:
            return f"{pre}{'$' if ca1 else ''}{col_letters(c1)}:{'$' if ca2 else ''}{col_letters(c2)}"
        return (
            f"{pre}{'$' if ca1 else ''}{col_letters(c1)}{'$' if ra1 else ''}{r1}:"
            f"{'$' if ca2 else ''}{col_letters(c2)}{'$' if ra2 else ''}{r2}"
        )
    if k == "name":
        return a[0]
    if k == "sref":
        table, first, last, item = a

        def esc(x: str) -> str:
            return re.sub(r"(['\[\]#])", r"'\1", x)

        items: list[str] = []
        if item != "#data":
            items.extend(
                "[" + ("#This Row" if p == "#this row" else p.title().replace("#", "#")) + "]" for p in item.split("+")
            )
        if first is not None:
            items.append(f"[{esc(first)}]" + (f":[{esc(last)}]" if last and last != first else ""))
        if len(items) == 1 and item == "#data":
            return f"{table}{items[0]}"
        return f"{table}[{','.join(items)}]"
    if k == "neg":
        return "-" + _wrap(a[0])
    if k == "pct":
        return _wrap(a[0]) + "%"
    if k == "bin":
        return f"{_wrap(a[1])}{a[0]}{_wrap(a[2])}"
    if k == "call":
        return f"{a[0]}({','.join(unparse(x) for x in a[1:])})"
    raise ValueError(k)


def _wrap(node: Node) -> str:
    s = unparse(node)
    return f"({s})" if node.kind in ("bin", "neg") else s
