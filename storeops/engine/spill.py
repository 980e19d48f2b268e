"""StoreOps functions over ranges a person typed: ``=CTR(F5:F10,E5:E10)`` gives a column.

Two ways a file holds such a call (hooks called by :mod:`.recalc`):

* an **array formula** ``<f t="array" ref="G5:G10">`` — what LibreOffice and older Excel
  write for Ctrl+Shift+Enter and what Excel 365 writes for a spilled formula.  The engine
  evaluates it once, with every per-row parameter as the whole block it names (the same
  call the xlwings UDF gets, see ``udfs/_excel.py``), and writes the results into the
  block: the top-left cell keeps the formula, the other cells get the values.
* a **plain formula** in one cell whose StoreOps call gets a range where it takes one value
  per row (what ``openpyxl`` or a script writes for ``=CTR(F5:F10,E5:E10)``).  Excel 365
  would spill it; the engine turns it into the array formula over the cells the results
  fill (``ref`` = the shape of the ranges passed) and writes them, so LibreOffice, WPS and
  every Excel show the column.  When one of those cells is not empty (Excel shows
  ``#SPILL!``), nothing is overwritten: the formula is left to Excel and the report says why.

A block larger than the result gets ``#N/A`` outside it, a one-row or one-column result
fills every row or column of the block (Excel's rules for array formulas).

In a file without VBA (the ``.xlsx`` edition, for LibreOffice, WPS and Excel without the
add-in) a call whose function has a native twin is written as that twin in array form
(:func:`array_twin`): LibreOffice recomputes every array formula when it opens a file and
keeps no cached result for them, so only a native formula shows values there.  A native
array formula over a one-column block made only of element-wise functions (such a twin,
or ``{=IF(A1:A3>1,A1:A3*2,"")}``) is evaluated row by row on later recalcs; any other
array formula (``{=SUM(A1:A3*B1:B3)}``) is left to Excel as before.

>>> _fit(np.array([[1.0], [2.0]], dtype=object), 3, 2).tolist()
[[1.0, 1.0], [2.0, 2.0], ['#N/A', '#N/A']]
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..xlsx._cells import col_letters, escape, parse_range, unescape
from ..xlsx._scan import F_COL, F_FKIND, F_FTE, F_FTS, F_ROW, FK_ARRAY, FK_NORMAL
from ..xlsx._sheetxml import has_value, row_cells, row_span
from ._eval import Evaluator, Group, table_area
from ._formula import Node, parse, tokenize
from ._native import MISSING
from ._values import NA, Rng, Unsupported, XLErr, from_datetime64

__all__ = ["Spills"]

_REF = re.compile(rb'\bref="([^"]+)"')
_F_OPEN = re.compile(rb"<f\b[^>]*?>")


@dataclass
class Spill:
    """One array block: (c1, r1, c2, r2), whether it was a plain formula, its results."""

    sheet: str
    ref: tuple[int, int, int, int]
    promoted: bool
    block: np.ndarray | None = None
    twin: str | None = None  # the formula written instead (``.xlsx`` edition)


class Spills:
    """The array blocks of one recalculation, keyed by their group."""

    def __init__(self, native: bool = False) -> None:
        #: a file without VBA (the ``.xlsx`` edition): StoreOps calls with an array-safe
        #: native twin are written as that twin, which LibreOffice and WPS compute
        self.native = native
        self.by_group: dict[int, Spill] = {}

    def __contains__(self, g: Group) -> bool:
        return id(g) in self.by_group

    # ------------------------------------------------------------------ find
    def array_groups(self, sheet: str, xml: bytes, F: np.ndarray, bad: np.ndarray) -> tuple[list[Group], np.ndarray]:
        """Groups for the array formulas among the records ``bad`` (left to Excel until
        now), and the records still left."""
        groups, left = [], []
        for i in bad.tolist():
            fts, fte = int(F[i, F_FTS]), int(F[i, F_FTE])
            ref = _REF.search(xml, xml.rfind(b"<f", 0, fts), fts) if F[i, F_FKIND] == FK_ARRAY and fte > fts else None
            if ref is None:
                left.append(i)
                continue
            c1, r1, c2, r2 = parse_range(ref.group(1).decode().replace("$", ""))
            row = int(F[i, F_ROW])
            g = Group(sheet, c1, np.arange(r1, r2 + 1), row, unescape(xml[fts:fte]), np.array([i], np.int64))
            self.by_group[id(g)] = Spill(sheet, (c1, r1, c2, r2), False)
            groups.append(g)
        return groups, np.array(left, np.int64)

    def promote(self, book, groups: list[Group], F_of: dict[str, np.ndarray]) -> None:
        """Single plain formulas whose StoreOps call gets ranges for per-row parameters
        become array blocks (their rows widened to the block, so dependents order after)."""
        for g in groups:
            if id(g) in self.by_group or len(g.rows) != 1 or g.node is None:
                continue
            F = F_of.get(g.sheet)
            if F is None or F[int(g.cell_index[0]), F_FKIND] != FK_NORMAL:
                continue
            shape = _spill_shape(book, g)
            if shape is None or shape == (1, 1):
                continue
            h, w = shape
            c1, r1 = int(F[int(g.cell_index[0]), F_COL]), int(g.rows[0])
            self.by_group[id(g)] = Spill(g.sheet, (c1, r1, c1 + w - 1, r1 + h - 1), True)
            g.rows = np.arange(r1, r1 + h)

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, g: Group, book, udfs: dict) -> None:
        """Evaluate the block of ``g``; its values go into ``book`` for the formulas after it.
        A failure leaves it to Excel, with the reason."""
        sp = self.by_group[id(g)]
        c1, r1, c2, r2 = sp.ref
        try:
            assert g.node is not None
            with np.errstate(all="ignore"):
                if g.node.kind == "call" and g.node.args[0] in udfs:
                    ev = _SpillEvaluator(book, g.sheet, np.array([g.base_row]), g.base_row, udfs, col=c1)
                    out = ev.spill(g.node)
                    sp.twin = array_twin(g.text) if self.native else None
                else:
                    out = _rowwise(book, g, sp.ref, udfs)
        except Exception as exc:  # unsupported or unexpected: leave it to Excel, say why
            g.reason = str(exc) if isinstance(exc, Unsupported) else f"{type(exc).__name__}: {exc}"
            self._give_up(g, sp)
            return
        if sp.promoted:  # the block is what the call answers
            r2, c2 = r1 + out.shape[0] - 1, c1 + out.shape[1] - 1
            sp.ref = (c1, r1, c2, r2)
            g.rows = np.arange(r1, r2 + 1)
        block = _fit(out, r2 - r1 + 1, c2 - c1 + 1)
        sp.block = block
        g.result = block[0, 0]
        rows = np.arange(r1, r2 + 1)
        for j in range(block.shape[1]):
            book.col(g.sheet, c1 + j).set(rows, _column(block[:, j]))

    def _give_up(self, g: Group, sp: Spill) -> None:
        sp.block = None
        g.result = None
        g.rows = g.rows[:1]

    def check_room(self, g: Group, xml: bytes) -> None:
        """A plain formula spills only into empty cells (else Excel shows ``#SPILL!``):
        nothing is overwritten, the formula is left to Excel.  A block left to Excel counts
        as its one formula cell."""
        sp = self.by_group[id(g)]
        if sp.block is None:
            g.rows = g.rows[:1]
        if sp.block is None or not sp.promoted:
            return
        c1, r1, _c2, _r2 = sp.ref
        h, w = sp.block.shape
        cells = [(c1 + j, r1 + i) for i in range(h) for j in range(w) if (i, j) != (0, 0)]
        if _occupied(xml, cells):
            g.reason = "溢出区域不空 spill range not empty (#SPILL! in Excel)"
            self._give_up(g, sp)

    # ------------------------------------------------------------------ write
    def has_blocks(self, sheet: str) -> bool:
        """Whether :meth:`write_sheet` has blocks to write on the sheet."""
        return any(sp.block is not None and sp.sheet == sheet for sp in self.by_group.values())

    def write_sheet(self, sheet: str, pieces, xml: bytes, encode1, empty) -> Any:
        """The sheet's pieces with every evaluated block's other cells written (and
        promoted formulas made array formulas); ``pieces`` unchanged without blocks."""
        mine = [sp for sp in self.by_group.values() if sp.block is not None and sp.sheet == sheet]
        if not mine:
            return pieces
        data = b"".join(bytes(p) for p in pieces) if pieces is not None else xml
        cells: dict[tuple[int, int], tuple[bytes, bytes]] = {}
        for sp in mine:
            c1, r1, _c2, _r2 = sp.ref
            assert sp.block is not None
            for (i, j), v in np.ndenumerate(sp.block):
                if (i, j) != (0, 0):
                    cells[(c1 + j, r1 + i)] = encode1(v)
            empty.note(sp.block.reshape(-1)[1:] if sp.block.size > 1 else np.array([0], object))
        data = _put_cells(data, cells)  # every block of the sheet in one pass
        for sp in mine:
            c1, r1, c2, r2 = sp.ref
            if sp.promoted or sp.twin:
                data = _make_array(data, c1, r1, f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}", sp.twin)
        return [data]


# --------------------------------------------------------------------------- evaluation
class _SpillEvaluator(Evaluator):
    def spill(self, node: Node) -> np.ndarray:
        """The 2-D answer of a StoreOps call at the root of an array formula."""
        if node.kind != "call" or node.args[0] not in self.udfs:
            raise Unsupported("array formula")
        spec = self.udfs[node.args[0]]
        if spec.aggregate:
            raise Unsupported("array formula")
        params = list(inspect.signature(spec.func).parameters)
        args: list[Any] = []
        for i, arg in enumerate(node.args[1:]):
            v = self._udf_arg(arg)
            pname = params[i] if i < len(params) else ""
            if v is MISSING:
                v = None
            elif isinstance(v, Rng):
                v = v.flat_obj.copy() if pname in spec.ranges else v.padded(v.shape[0]).obj.copy()
            if isinstance(v, XLErr):
                return np.array([[v]], dtype=object)
            args.append(v)
        out = spec.func(*args)
        arr = np.asarray(out)
        if arr.dtype.kind == "M":
            arr = from_datetime64(arr.reshape(-1)).reshape(arr.shape)
        arr = arr.astype(object)
        if arr.ndim == 0:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        return arr


def _spill_shape(book, g: Group) -> tuple[int, int] | None:
    """(rows, columns) a StoreOps call at the root of ``g`` answers when a per-row
    parameter gets a block; None when none does."""
    node = g.node
    if node is None or node.kind != "call":
        return None
    from storeops_xl import FUNCTIONS

    spec = FUNCTIONS.get(str(node.args[0]).upper())
    if spec is None or spec.aggregate:
        return None
    params = list(inspect.signature(spec.func).parameters)
    h = w = 1
    for i, arg in enumerate(node.args[1:]):
        if i >= len(params) or params[i] in spec.ranges or not isinstance(arg, Node):
            continue
        dims = _block_dims(book, arg, g.sheet)
        if dims is None:
            continue
        ah, aw = dims
        h, w = max(h, ah), max(w, aw)
    return h, w


def _block_dims(book, node: Node, sheet: str) -> tuple[int, int] | None:
    a = node.args
    if node.kind == "area":
        return a[4] - a[2] + 1, a[3] - a[1] + 1
    if node.kind == "sref":
        t = book.table(a[0])
        c1, r1, c2, r2, this_row = table_area(book, t, a[1], a[2], a[3])
        return None if this_row else (max(r2 - r1 + 1, 1), c2 - c1 + 1)
    return None


def _fit(out: np.ndarray, h: int, w: int) -> np.ndarray:
    """``out`` over an ``h`` × ``w`` block: one row/column repeated, ``#N/A`` outside."""
    rh, rw = out.shape
    block = np.full((h, w), NA, dtype=object)
    src = out
    if rh == 1 and h > 1:
        src = np.repeat(src, h, axis=0)
    if rw == 1 and w > 1:
        src = np.repeat(src, w, axis=1)
    sh, sw = min(h, src.shape[0]), min(w, src.shape[1])
    block[:sh, :sw] = src[:sh, :sw]
    return block


def _column(values: np.ndarray) -> np.ndarray:
    """One block column as the evaluator stores results: floats (NaN blank) or objects."""
    vals = [None if (isinstance(v, float) and v != v) else v for v in values]
    if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in vals):
        return np.array([np.nan if v is None else float(v) for v in vals])
    return np.array(["" if v is None else v for v in vals], dtype=object)


# --------------------------------------------------------------------------- native twins over ranges
_AGGREGATES = re.compile(r"\b(MAX|MIN|SUM|COUNT\w*|AVERAGE\w*|PRODUCT|SUMPRODUCT|CONCAT\w*|TEXTJOIN)\(", re.I)
_ROOT = re.compile(r"^=?(?:_xludf\.|_xlfn\.)?([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$", re.S)


def array_twin(text: str) -> str | None:
    """The native twin of the StoreOps call ``text`` as an array formula: ``OR``/``AND``
    (which would fold a whole range into one answer) become ``+``/``*``; ``None`` when the
    function has no twin covering the call or the twin folds ranges some other way.

    >>> array_twin("CTR(F5:F10,E5:E10)")
    'IF(((((F5:F10)="")+((E5:E10)=""))<>0),"",IF(--(E5:E10)>0,(F5:F10)/(E5:E10),""))'
    >>> array_twin("TITLE_SCORE(A1:A3)") is None
    True
    """
    from storeops.workbook.editions import _split_args, _twin_covers, twin_call

    m = _ROOT.match(text.strip())
    if m is None:
        return None
    name, args = m.group(1).upper(), _split_args(m.group(2))
    try:
        if not _twin_covers(name, args):
            return None
        twin = twin_call(name, args)
    except (KeyError, ValueError):
        return None
    out = _elementwise(twin)
    return None if out is None or _AGGREGATES.search(out) else out


def _elementwise(text: str) -> str | None:
    """``OR(a,b)`` → ``(((a)+(b))<>0)``, ``AND(a,b)`` → ``(((a)*(b))<>0)``, innermost first."""
    from storeops.workbook.editions import _close_paren, _split_args

    for _ in range(100):
        m = re.search(r"(?<![A-Za-z0-9_.])(OR|AND)\(", text)
        if m is None:
            return text
        j = m.end() - 1
        k = _close_paren(text, j)
        parts = _split_args(text[j + 1 : k])
        op = "+" if m.group(1) == "OR" else "*"
        text = text[: m.start()] + "(((" + f"){op}(".join(parts) + "))<>0)" + text[k + 1 :]
    return None


#: functions that answer one value per element of an array (what the array twins use)
_ELEMENTWISE = frozenset(
    ("IF IFERROR INT ROUND LEFT RIGHT LEN ABS NOT TODAY TRUE FALSE ISBLANK ISNUMBER ISTEXT").split()
)


def _rowwise(book, g: Group, ref: tuple[int, int, int, int], udfs: dict) -> np.ndarray:
    """A native array formula over a one-column block, each range of the block's rows read
    as the cell in the row (``F5:F10`` → ``F5`` … ``F10``): one value per row.  Only for
    formulas of element-wise functions (the array twins); anything else is left to Excel."""
    c1, r1, c2, r2 = ref
    if c1 != c2:
        raise Unsupported("array formula")
    out, last = [], 0
    for tok in tokenize(g.text):
        if tok.kind == "func" and tok.text.upper().split(".")[-1] not in _ELEMENTWISE:
            raise Unsupported("array formula")  # SUM(A1:A3) folds the range: not one value per row
        if tok.kind != "ref" or ":" not in tok.text:
            continue
        body = tok.text[len(tok.sheet or "") :]
        a, b = (x.replace("$", "") for x in body.split(":"))
        ca, ra = _split_a1(a)
        cb, rb = _split_a1(b)
        if ca != cb or (ra, rb) != (r1, r2):
            raise Unsupported("array formula")
        out.append(g.text[last : tok.start] + (tok.sheet or "") + f"{ca}{r1}")
        last = tok.end
    out.append(g.text[last:])
    node = parse("".join(out))
    ev = Evaluator(book, g.sheet, np.arange(r1, r2 + 1), r1, udfs, col=c1)
    res = ev.eval(node)
    vals = np.asarray(res, dtype=object).reshape(-1) if not np.isscalar(res) else np.full(r2 - r1 + 1, res, object)
    return vals.reshape(-1, 1)


def _split_a1(ref: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref.upper())
    if m is None:
        raise Unsupported("array formula")
    return m.group(1), int(m.group(2))


# --------------------------------------------------------------------------- writing
_ROW_AT = re.compile(rb'<row r="(\d+)"')


def _rows(xml: bytes, wanted: list[int]):
    """(row, span or None, position of the next row after it) for each wanted row, ascending,
    in one pass over the sheet: ``span`` as :func:`row_span`, or where a missing row goes."""
    it = _ROW_AT.finditer(xml)
    m = next(it, None)
    end = xml.find(b"</sheetData>")
    for r in sorted(wanted):
        while m is not None and int(m.group(1)) < r:
            m = next(it, None)
        if m is not None and int(m.group(1)) == r:
            span = row_span(xml, r, m.start())
            yield r, span, None
        else:
            yield r, None, (m.start() if m is not None else end)


def _occupied(xml: bytes, cells: list[tuple[int, int]]) -> bool:
    want = set(cells)
    for r, span, _at in _rows(xml, list({r for _c, r in want})):
        if span is not None and any((c, r) in want and has_value(cx) for c, cx in row_cells(xml, span)):
            return True
    return False


def _cell(c: int, r: int, attrs: bytes, tv: tuple[bytes, bytes]) -> bytes:
    t, v = tv
    style = re.search(rb'\ss="[^"]*"', attrs)
    s = style.group(0) if style else b""
    return b'<c r="%s%d"%s%s><v>%s</v></c>' % (col_letters(c).encode(), r, s, t, v)


def _put_cells(xml: bytes, cells: dict[tuple[int, int], tuple[bytes, bytes]]) -> bytes:
    """Write value cells (column, row) → (t attribute, value), replacing what is there and
    adding missing cells and rows in order (one pass over the sheet)."""
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
    by_row: dict[int, dict[int, tuple[bytes, bytes]]] = {}
    for (c, r), tv in cells.items():
        by_row.setdefault(r, {})[c] = tv
    out, pos = [], 0
    for r, span, at in _rows(xml, list(by_row)):
        new = by_row[r]
        if span is None:
            out += [xml[pos:at], b'<row r="%d">' % r, *(_cell(c, r, b"", new[c]) for c in sorted(new)), b"</row>"]
            pos = at
            continue
        i, cs, end = span
        have = dict(row_cells(xml, span))
        for c, tv in new.items():
            old = have.get(c, b"")
            have[c] = _cell(c, r, old[: old.find(b">")] if old else b"", tv)
        head = xml[i:cs]
        if head.endswith(b"/>"):
            head = head[:-2] + b">"
        out += [xml[pos:i], re.sub(rb' spans="[^"]*"', b"", head), *(have[c] for c in sorted(have)), b"</row>"]
        pos = end
    out.append(xml[pos:])
    return b"".join(out)


def _make_array(xml: bytes, c: int, r: int, ref: str, text: str | None = None) -> bytes:
    """The formula of cell (c, r) as an array formula over ``ref`` (its text replaced by
    ``text`` when given)."""
    span = row_span(xml, r)
    if span is None:
        return xml
    key = b'<c r="%s%d"' % (col_letters(c).encode(), r)
    i = xml.find(key, span[0], span[2])
    m = _F_OPEN.search(xml, i, span[2]) if i >= 0 else None
    if m is None:
        return xml
    head = b'<f t="array" ref="%s">' % ref.encode()
    if text is None:
        return xml[: m.start()] + head + xml[m.end() :]
    close = xml.find(b"</f>", m.end())
    return xml[: m.start()] + head + escape(text).encode("utf-8") + xml[close:]
