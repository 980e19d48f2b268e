"""Evaluate a parsed formula for a whole group of rows at once.

A *group* is the cells of one column whose formulas are the same expression relative
to their row.  Relative references become the referenced column's values at the
group's rows, absolute references and defined names are scalars (or fixed ranges),
structured column references are whole table columns.  StoreOps UDFs are called once
per group through ``storeops_xl.FUNCTIONS`` with whole columns.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._formula import FormulaError, Node, parse
from ._native import MISSING, NATIVE_FUNCTIONS
from ._native.text import concat2
from ._operators import arithmetic, compare
from ._serial import serial_from_datetime
from ._values import (
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    from_datetime64,
    is_vec,
    to_num,
    type_masks,
    with_errors,
)


class ColData:
    """One sheet column as dense arrays indexed by row number (index 0 unused).

    ``num`` holds the numbers (NaN elsewhere), ``text`` marks values that are neither
    numbers nor blank.  The object view ``obj`` is built only when something needs it:
    a column of numbers and blanks (plus a few other values, such as its header, kept
    in ``_extra``) is stored as ``num`` alone and ``obj`` is derived from it.

    A formula's result is never blank: where a group's numeric result holds NaN (a
    StoreOps function's blank answer, which xlwings hands Excel as "") the cell holds
    the empty text; ``empty`` marks those rows, which stay NaN in ``num``.
    """

    __slots__ = ("_obj", "_extra", "num", "numeric", "text", "empty")

    def __init__(self, size: int):
        self._obj: np.ndarray | None = None
        self._extra: dict[int, Any] = {}
        self.num = np.full(size, np.nan)
        self.numeric = True
        self.text = np.zeros(size, dtype=bool)  # True where the value is not a number and not blank
        self.empty: np.ndarray | None = None  # True where the value is the empty text of a result

    @property
    def obj(self) -> np.ndarray:
        if self._obj is None:
            o = self.num.astype(object)
            o[np.isnan(self.num)] = None
            if self.empty is not None:
                o[self.empty] = ""
            for r, v in self._extra.items():
                o[r] = v
            self._obj, self._extra = o, {}
        return self._obj

    def value(self, r: int) -> Any:
        """The value of one row (``None`` when blank or beyond the column)."""
        if r >= len(self.num):
            return None
        if self._obj is not None:
            return self._obj[r]
        if r in self._extra:
            return self._extra[r]
        x = self.num[r]
        if x != x:
            return "" if self.empty is not None and self.empty[r] else None
        return float(x)

    def ensure(self, size: int) -> None:
        if size > len(self.num):
            n = np.full(size, np.nan)
            n[: len(self.num)] = self.num
            t = np.zeros(size, dtype=bool)
            t[: len(self.text)] = self.text
            if self._obj is not None:
                o = np.full(size, None, dtype=object)
                o[: len(self._obj)] = self._obj
                self._obj = o
            if self.empty is not None:
                e = np.zeros(size, dtype=bool)
                e[: len(self.empty)] = self.empty
                self.empty = e
            self.num, self.text = n, t

    def _not_empty(self, rows: np.ndarray) -> None:
        if self.empty is not None:
            self.empty[rows] = False

    def set_raw(
        self,
        rows: np.ndarray,
        obj: np.ndarray | None,
        num: np.ndarray,
        numeric: bool,
        sparse: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """Store values read from the file: ``obj`` per cell, or ``obj=None`` with the numbers
        in ``num`` and the other values as ``sparse`` (positions in ``rows``, values)."""
        self.ensure(int(rows.max()) + 2 if len(rows) else 0)
        self._not_empty(rows)
        self.num[rows] = num
        if obj is None and self._obj is None:
            self.text[rows] = False
            if sparse is not None and len(sparse[0]):
                srows = rows[sparse[0]]
                for r, v in zip(srows.tolist(), sparse[1].tolist()):
                    self._extra[r] = v
                self.text[srows] = np.not_equal(sparse[1], None)  # type: ignore[call-overload]  # numpy stubs: no None operand
                self.numeric = False
            return
        if obj is None:
            obj = num.astype(object)
            obj[np.isnan(num)] = None
            if sparse is not None:
                obj[sparse[0]] = sparse[1]
        self.obj[rows] = obj
        self.text[rows] = False if numeric else (np.isnan(num) & np.not_equal(obj, None))  # type: ignore[call-overload]  # numpy stubs: no None operand
        if not numeric:
            self.numeric = False

    def set(self, rows: np.ndarray, values: Any) -> None:
        """Store a group's results (NaN in a numeric result is the empty text)."""
        self.ensure(int(rows.max()) + 2 if len(rows) else 0)
        if self._extra:
            self.obj  # noqa: B018 - results replace cells: build the object view first
        self._not_empty(rows)
        if is_vec(values) and values.dtype.kind == "M":
            values = from_datetime64(values)
        if is_vec(values) and values.dtype.kind in "fiu":
            values = values.astype(np.float64)
            self.num[rows] = values
            nan = np.isnan(values)
            self.text[rows] = nan
            if nan.any():
                if self.empty is None:
                    self.empty = np.zeros(len(self.num), dtype=bool)
                self.empty[rows[nan]] = True
                self.numeric = False
            if self._obj is not None:
                o = values.astype(object)
                o[nan] = ""
                self._obj[rows] = o
            return
        if is_vec(values) and values.dtype == bool:
            self.obj[rows] = values.astype(object)
            self.num[rows] = np.nan
            self.text[rows] = True
            self.numeric = False
            return
        o = as_object(values, len(rows))
        kinds = type_masks(o)
        isf = kinds["num"]
        num = np.full(len(o), np.nan)
        blank = kinds["none"].copy()  # None, or NaN where type_masks counts it as blank
        if isf.any():
            num[isf] = o[isf].astype(np.float64)
            blank[isf] = np.isnan(num[isf])
        if blank.any():
            o = o.copy()
            o[blank] = None
        self.obj[rows] = o
        self.num[rows] = num
        txt = ~isf & ~kinds["none"]
        self.text[rows] = txt
        if txt.any():
            self.numeric = False

    def take(self, rows: np.ndarray, empty_as_blank: bool = False) -> np.ndarray:
        """Values at ``rows`` (float column when the column holds only numbers).  With
        ``empty_as_blank`` empty texts count as blanks (NaN), as StoreOps functions read them."""
        inside = rows < len(self.num)
        if not inside.all():
            rows = np.where(inside, rows, 0)
        txt = self.text[rows] if not self.numeric else None
        if (
            txt is None
            or not txt.any()
            or (empty_as_blank and self.empty is not None and not (txt & ~self.empty[rows]).any())
        ):
            v = self.num[rows]
            if not inside.all():
                v[~inside] = np.nan
            return v
        v = self.obj[rows]
        if not inside.all():
            v = v.copy()
            v[~inside] = None
        return v


@dataclass
class Group:
    """Cells of one column sharing one row-relative formula."""

    sheet: str
    col: int
    rows: np.ndarray
    base_row: int
    text: str
    cell_index: np.ndarray  # positions in the sheet's formula-cell list
    node: Node | None = None
    reason: str = ""
    result: Any = None
    reads: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    #: (the rows, their runs) once worked out (storeops.engine._incremental.group_rle)
    rle: tuple[np.ndarray, list[int]] | None = field(default=None, repr=False, compare=False)


class Book:
    """What the evaluator sees of a workbook: column values, tables and names."""

    def __init__(self, tables: dict, names: dict, sheet_names: list[str], today: float, now: float):
        self.tables = {k.lower(): v for k, v in tables.items()}
        self.names = names  # lower name -> list of (local_sheet_name|None, text)
        self.sheet_names = sheet_names
        self.cols: dict[tuple[str, int], ColData] = {}
        #: (sheet, column) → what puts its values in when it is first read (:meth:`col`)
        self.pending: dict[tuple[str, int], Any] = {}
        self.max_row: dict[str, int] = {s: 1 for s in sheet_names}
        self.today = today
        self.now = now
        self.cache: dict[Any, Any] = {}
        self._name_nodes: dict[tuple[str, str | None], Node] = {}
        self._sheet_lc = {s.lower(): s for s in sheet_names}

    def sheet_name(self, s: str | None, default: str) -> str:
        if s is None:
            return default
        real = self._sheet_lc.get(s.lower())
        if real is None:
            raise Unsupported(f"unknown sheet {s!r}")
        return real

    def col(self, sheet: str, c: int) -> ColData:
        cd = self.cols.get((sheet, c))
        if cd is None:
            cd = self.cols[(sheet, c)] = ColData(self.max_row.get(sheet, 1) + 2)
            load = self.pending.pop((sheet, c), None)
            if load is not None:  # converted when first read (storeops.engine._partial)
                load()
        return cd

    def load_pending(self, sheet: str | None = None) -> None:
        """Convert the columns (of ``sheet``) still waiting to be read (:attr:`pending`)."""
        for key in [k for k in self.pending if sheet is None or k[0] == sheet]:
            self.col(*key)

    def name_node(self, name: str, sheet: str) -> Node:
        key = (name.lower(), sheet)
        node = self._name_nodes.get(key)
        if node is None:
            defs = self.names.get(name.lower())
            if not defs:
                raise Unsupported(f"unknown name {name}")
            text = next((t for s, t in defs if s == sheet), None) or next((t for s, t in defs if s is None), None)
            if text is None:
                raise Unsupported(f"unknown name {name}")
            try:
                node = parse(text)
            except FormulaError as exc:
                raise Unsupported(f"name {name}: {exc}") from None
            self._name_nodes[key] = node
        return node

    def table(self, name: str):
        t = self.tables.get(name.lower())
        if t is None:
            raise Unsupported(f"unknown table {name}")
        return t


def table_area(book: Book, t, first: str | None, last: str | None, item: str) -> tuple[int, int, int, int, bool]:
    """(c1, r1, c2, r2, this_row) for a structured reference."""
    from ..xlsx._cells import parse_range

    c1, r1, c2, r2 = parse_range(t.ref)
    names = [c.name.lower() for c in t.columns]
    if first is not None:
        try:
            a = names.index(first.lower())
            b = names.index((last or first).lower())
        except ValueError:
            raise Unsupported(f"unknown column {first!r} of {t.name}") from None
        c1, c2 = c1 + min(a, b), c1 + max(a, b)
    hdr, tot = t.header_rows, t.totals_rows
    parts = set(item.split("+"))
    if parts == {"#this row"}:
        return c1, 0, c2, 0, True
    if parts <= {"#data"} or parts == {"#data"}:
        return c1, r1 + hdr, c2, r2 - tot, False
    if parts == {"#all"}:
        return c1, r1, c2, r2, False
    if parts == {"#headers"}:
        return c1, r1, c2, r1 + hdr - 1, False
    if parts == {"#totals"}:
        return c1, r2 - tot + 1, c2, r2, False
    if parts == {"#headers", "#data"}:
        return c1, r1, c2, r2 - tot, False
    if parts == {"#data", "#totals"}:
        return c1, r1 + hdr, c2, r2, False
    raise Unsupported(f"table item {item}")


_WATCHERS: list[list] = []


@contextmanager
def capture_results() -> Iterator[list]:
    """Collect every group's evaluated values, for checking the engine against an oracle:
    yields a list that fills with ``(sheet, column, rows, values)``."""
    got: list = []
    _WATCHERS.append(got)
    try:
        yield got
    finally:
        _WATCHERS.remove(got)


#: the nodes whose value is kept when the formula repeats them (calls and operators)
_MEMO_KINDS = frozenset({"call", "bin", "neg", "pct"})
#: functions whose every call gives a new value
_VOLATILE = frozenset({"RAND", "RANDBETWEEN", "RANDARRAY"})
_NOT_YET = object()


def repeated_subtrees(root: Node) -> frozenset[Node]:
    """The calls and operations a formula holds more than once (``IF(F2="",0,--F2)/(--E2)``
    eight times in a native twin): evaluated once per group and reused, since every part
    of a group's formula is evaluated over the same rows.  Parts with a volatile function
    are left out.

    >>> from storeops.engine._formula import parse
    >>> sorted(map(repr, repeated_subtrees(parse("MIN(1,A2/B2)+MAX(0,A2/B2)+RAND()*RAND()"))))
    ["bin('/', cell(None, 1, 2, False, False), cell(None, 2, 2, False, False))"]
    """
    seen: set[Node] = set()
    out: set[Node] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if n.kind in _MEMO_KINDS:
            if n in seen:
                out.add(n)
                continue  # its parts are counted where it was first met
            seen.add(n)
        stack.extend(a for a in n.args if isinstance(a, Node))
    return frozenset(n for n in out if not _volatile(n))


def _volatile(n: Node) -> bool:
    if n.kind == "call" and n.args[0] in _VOLATILE:
        return True
    return any(_volatile(a) for a in n.args if isinstance(a, Node))


def _memoizable(v: Any) -> bool:
    """A value kept for reuse: a column (handed out as a copy) or an immutable scalar."""
    return is_vec(v) or isinstance(v, (float, int, str, bool, np.bool_, np.floating, XLErr)) or v is None


class Evaluator:
    """Evaluates one group's formula tree over the group's rows.

    ``col`` is the group's column: a range where one value is expected is read by
    Excel's implicit intersection (the cell in the formula's row, or column)."""

    def __init__(self, book: Book, sheet: str, rows: np.ndarray, base_row: int, udfs: dict, col: int | None = None):
        self.book = book
        self.sheet = sheet
        self.rows = rows
        self.base = base_row
        self.n = len(rows)
        self.col = col
        self.today = book.today
        self.now = book.now
        self.cache = book.cache
        self.udfs = udfs
        self._root: Node | None = None
        self._memo: dict[Node, Any] = {}  # values of the parts the formula repeats (eval)
        self._repeat: frozenset[Node] = frozenset()

    # ---------------------------------------------------------------- refs
    def _cells(self, sheet: str, c: int, r: int, rabs: bool, empty_as_blank: bool = False) -> Any:
        col = self.book.col(sheet, c)
        if rabs:
            v = col.value(r)
            return None if empty_as_blank and v == "" else v
        rows = self.rows + (r - self.base)
        if (rows < 1).any():
            raise Unsupported("reference above row 1")
        return col.take(rows, empty_as_blank)

    def _columns(self, sheet: str, c1: int, c2: int) -> tuple[int, list[ColData | None]]:
        """The columns of a block (``None`` for columns nothing was read into); a very
        wide block (whole rows) ends at the last column that holds anything."""
        if c2 - c1 > 200:
            self.book.load_pending(sheet)
            present = [c for (s, c) in self.book.cols if s == sheet and c1 <= c <= c2]
            c2 = max(present) if present else c1
            return c2, [self.book.cols.get((sheet, c)) for c in range(c1, c2 + 1)]
        return c2, [self.book.col(sheet, c) for c in range(c1, c2 + 1)]

    def _area(self, sheet: str, c1: int, r1: int, c2: int, r2: int, ra1: bool, ra2: bool) -> Rng:
        maxr = self.book.max_row.get(sheet, 1)
        if self.n == 1 and not (ra1 and ra2):  # a single cell: the range is fixed
            shift = int(self.rows[0]) - self.base
            r1, r2 = (r1 if ra1 else r1 + shift), (r2 if ra2 else r2 + shift)
            ra1 = ra2 = True
        if ra1 and ra2:
            height = r2 - r1 + 1
            r2 = min(r2, max(maxr, r1))  # rows below the last used one are blank: not stored
            key = ("area", sheet, c1, r1, c2, r2, height)
            hit = self.book.cache.get(key)
            if hit is not None:
                return hit
            c2, cols = self._columns(sheet, c1, c2)
            if len(cols) * (r2 - r1 + 1) > 50_000_000:
                raise Unsupported("range too large")
            objs, nums = [], []
            blank: tuple[np.ndarray, np.ndarray] | None = None  # one pair shared by every empty column
            for col in cols:
                if col is None:
                    if blank is None:
                        blank = np.full(r2 - r1 + 1, None, dtype=object), np.full(r2 - r1 + 1, np.nan)
                    objs.append(blank[0])
                    nums.append(blank[1])
                    continue
                col.ensure(r2 + 1)
                objs.append(col.obj[r1 : r2 + 1])
                nums.append(col.num[r1 : r2 + 1])
            rng = Rng(
                np.column_stack(objs) if len(objs) > 1 else objs[0][:, None].copy(),
                np.column_stack(nums) if len(nums) > 1 else nums[0][:, None].copy(),
                key=(sheet, c1, r1, c2, r2),
                col1=c1,
                height=height,
            )
            # groups run in dependency order, so a range is final once anyone reads it
            self.book.cache[key] = rng
            return rng
        if ra1 != ra2 or r1 != r2:
            raise Unsupported("range moving with the row")
        rows = self.rows + (r1 - self.base)
        if (rows < 1).any():
            raise Unsupported("reference above row 1")
        c2, cols = self._columns(sheet, c1, c2)
        objs, nums = [], []
        for col in cols:
            if col is None:
                objs.append(np.full(self.n, None, dtype=object))
                nums.append(np.full(self.n, np.nan))
                continue
            col.ensure(int(rows.max()) + 2 if len(rows) else 1)
            objs.append(col.obj[rows])
            nums.append(col.num[rows])
        return Rng(np.column_stack(objs), np.column_stack(nums), per_row=True, col1=c1)

    def block(self, sheet: str, c1: int, r1: int, c2: int, r2: int) -> Rng:
        """A fixed block of cells (SUMIF reads its sum range in the criteria range's shape)."""
        return self._area(sheet, c1, r1, c2, r2, True, True)

    def _cell_ref(self, sheet: str, c: int, r: int, rabs: bool) -> Rng:
        """One referenced cell as a block, for functions that treat references apart."""
        col = self.book.col(sheet, c)
        if rabs or self.n == 1:
            rr = r if rabs else int(self.rows[0]) + (r - self.base)
            v = col.value(rr)
            num = float(v) if isinstance(v, float) else math.nan
            return Rng(np.array([[v]], dtype=object), np.array([[num]]), key=(sheet, c, rr, c, rr), col1=c)
        rows = self.rows + (r - self.base)
        if (rows < 1).any():
            raise Unsupported("reference above row 1")
        col.ensure(int(rows.max()) + 2)
        return Rng(col.obj[rows][:, None], col.num[rows][:, None], per_row=True, col1=c)

    def _reference(self, node: Node, depth: int = 0) -> Rng | None:
        """The block a reference node stands for (``None`` when it is no reference)."""
        k, a = node.kind, node.args
        if k == "cell":
            return self._cell_ref(self.book.sheet_name(a[0], self.sheet), a[1], a[2], a[4])
        if k == "area":
            return self._eval(node)
        if k == "sref":
            t = self.book.table(a[0])
            c1, _r1, c2, _r2, this_row = table_area(self.book, t, a[1], a[2], a[3])
            if this_row and c1 == c2:
                return self._cell_ref(t.sheet, c1, self.base, False)
            return self._eval(node)
        if k == "name" and depth < 50:
            return self._reference(self.book.name_node(a[0], self.sheet), depth + 1)
        return None

    def single(self, v: Any) -> Any:
        """One value per row from a range: Excel's implicit intersection takes the cell in
        the formula's row (a one-column range) or column (a one-row range); any other
        range, or a cell outside the range, is ``#VALUE!``."""
        if not isinstance(v, Rng):
            return v
        h, w = v.shape
        if v.per_row:
            if w == 1:
                return v.obj[:, 0]
            return self._in_column(v, w, lambda j: v.obj[:, j])
        if h == 1 and w == 1:
            return v.obj[0, 0]
        if v.key is None:
            raise Unsupported("range used as a single value")
        if w == 1 and h > 0:
            v = v.padded(min(int(self.rows.max()) - v.key[2] + 1, h))
            idx = self.rows - v.key[2]
            ok = (idx >= 0) & (idx < h)
            got = v.obj[np.clip(idx, 0, v.obj.shape[0] - 1), 0].copy()
            got[~ok] = VALUE
            return got[0] if self.n == 1 else got
        if h == 1 and w > 1:
            return self._in_column(v, w, lambda j: v.obj[0, j])
        return VALUE

    def _in_column(self, v: Rng, w: int, pick) -> Any:
        if self.col is None or v.col1 is None:
            raise Unsupported("range used as a single value")
        j = self.col - v.col1
        return pick(j) if 0 <= j < w else VALUE

    # ---------------------------------------------------------------- eval
    def eval(self, node: Node) -> Any:
        """The value of the formula ``node`` in each of the group's cells."""
        self._root = node
        self._memo = {}
        self._repeat = repeated_subtrees(node)
        out = self._finish(node, self._eval(node))
        for w in _WATCHERS:
            w.append((self.sheet, self.col, self.rows, out))
        return out

    def _finish(self, node: Node, v: Any) -> Any:
        """A cell's value is never blank: a reference to an empty cell gives 0.  A StoreOps
        function's blank answer is the empty text, as xlwings gives Excel (kept as NaN
        in a numeric column)."""
        v = self.single(v)
        if v is MISSING:
            return 0.0
        udf_root = node.kind == "call" and node.args[0] in self.udfs
        if not is_vec(v):
            if v is None:
                return "" if udf_root else 0.0
            return v
        if v.dtype.kind == "f":
            return v if udf_root else np.nan_to_num(v, nan=0.0)
        if v.dtype == object:
            blank = pd.isna(v)  # None or NaN (a C loop)
            if blank.any():
                v = v.copy()
                v[blank] = "" if udf_root else 0.0
        return v

    def _eval(self, node: Node) -> Any:
        if node.kind in _MEMO_KINDS and node in self._repeat:  # a part the formula repeats: once
            got = self._memo.get(node, _NOT_YET)
            if got is _NOT_YET:
                got = self._eval_node(node)
                if not _memoizable(got):
                    self._repeat = self._repeat - {node}
                    return got
                self._memo[node] = got
            return got.copy() if is_vec(got) else got  # a caller may change its array in place
        return self._eval_node(node)

    def _eval_node(self, node: Node) -> Any:
        k = node.kind
        a = node.args
        if k == "num" or k == "str" or k == "bool":
            return a[0]
        if k == "err":
            return XLErr(a[0])
        if k == "missing":
            return MISSING
        if k == "cell":
            sheet = self.book.sheet_name(a[0], self.sheet)
            return self._cells(sheet, a[1], a[2], a[4])
        if k == "area":
            sheet = self.book.sheet_name(a[0], self.sheet)
            return self._area(sheet, a[1], a[2], a[3], a[4], a[6], a[8])
        if k == "name":
            return self._eval(self.book.name_node(a[0], self.sheet))
        if k == "sref":
            t = self.book.table(a[0])
            c1, r1, c2, r2, this_row = table_area(self.book, t, a[1], a[2], a[3])
            if this_row:
                if c1 != c2:
                    return self._area(t.sheet, c1, self.base, c2, self.base, False, False)
                return self._cells(t.sheet, c1, self.base, False)
            if r2 < r1:
                return Rng(np.empty((0, c2 - c1 + 1), dtype=object), np.empty((0, c2 - c1 + 1)))
            return self._area(t.sheet, c1, r1, c2, r2, True, True)
        if k == "neg":
            v, e = to_num(self.single(self._eval(a[0])))
            return with_errors(-v, e)
        if k == "pct":
            v, e = to_num(self.single(self._eval(a[0])))
            return with_errors(v / 100.0, e)
        if k == "bin":
            x, y = self.single(self._eval(a[1])), self.single(self._eval(a[2]))
            op = a[0]
            if op == "&":
                return concat2(self, x, y)
            if op in ("=", "<>", "<", ">", "<=", ">="):
                return compare(op, None if x is MISSING else x, None if y is MISSING else y, self.n)
            return arithmetic(op, None if x is MISSING else x, None if y is MISSING else y)
        if k == "call":
            return self._call(a[0], a[1:], node)
        raise Unsupported(f"node {k}")

    def _single(self, v: Any) -> Any:  # kept for callers of the old name
        return self.single(v)

    def _call(self, name: str, arg_nodes: tuple[Node, ...], node: Node) -> Any:
        spec = self.udfs.get(name)
        if spec is not None:
            return self._udf(spec, arg_nodes, nested=node is not self._root)
        fn = NATIVE_FUNCTIONS.get(name)
        if fn is None:
            raise Unsupported(f"function {name}")
        if getattr(fn, "takes_nodes", False):  # evaluates its arguments itself (as arrays)
            return fn(self, *arg_nodes)
        if getattr(fn, "takes_refs", False):
            args = [self._reference(x) or self._eval(x) for x in arg_nodes]
        else:
            args = [self._eval(x) for x in arg_nodes]
        try:
            return fn(self, *args)
        except TypeError as exc:
            if "positional argument" in str(exc):
                raise Unsupported(f"{name}: wrong number of arguments") from None
            raise

    def _udf_arg(self, node: Node) -> Any:
        """A StoreOps function reads a cell holding the empty text as blank (fast path)."""
        if node.kind == "cell":
            return self._cells(
                self.book.sheet_name(node.args[0], self.sheet), node.args[1], node.args[2], node.args[4], True
            )
        return self._eval(node)

    def _udf(self, spec, arg_nodes: tuple[Node, ...], nested: bool) -> Any:
        try:
            params = list(inspect.signature(spec.func).parameters)
        except (TypeError, ValueError):
            params = []
        args = []
        row_matrix = False  # a same-row range was passed: the result has one value per row
        for i, node in enumerate(arg_nodes):
            v = self._udf_arg(node)
            pname = params[i] if i < len(params) else ""
            if v is MISSING:
                v = None
            if isinstance(v, Rng):
                if v.per_row and v.obj.shape[1] > 1:
                    if spec.aggregate:
                        raise Unsupported(f"{spec.name}: per-row range")
                    row_matrix = True
                    v = v.obj.copy()  # a same-row range: an (n rows × k cells) matrix, e.g. PK_SCORE's actuals
                elif pname in spec.ranges or spec.aggregate or not v.per_row and v.obj.size > 1:
                    if v.per_row:
                        raise Unsupported(f"{spec.name}: per-row range")
                    v = v.flat_obj.copy()
                else:
                    v = self.single(v)
            elif pname in spec.ranges and not is_vec(v):
                v = [v]
            elif pname in spec.ranges and is_vec(v):
                raise Unsupported(f"{spec.name}: {pname} must be a range")
            args.append(v)
        if any(isinstance(a, XLErr) for a in args):
            return next(a for a in args if isinstance(a, XLErr))
        per_row = row_matrix or any(
            is_vec(a) and not (params and i < len(params) and (params[i] in spec.ranges or spec.aggregate))
            for i, a in enumerate(args)
        )
        out = spec.func(*args)
        if isinstance(out, list):
            out = np.array(out, dtype=object)
        if is_vec(out):
            out = out.reshape(-1)
            if out.dtype.kind == "M":
                out = from_datetime64(out)
            if per_row and len(out) != self.n:
                raise Unsupported(f"{spec.name} returned {len(out)} values for {self.n} rows")
            if not per_row:
                if len(out) == 1:
                    out = out[0]
                else:
                    raise Unsupported(f"{spec.name} returned an array")
        if isinstance(out, np.generic):
            out = out.item()
        if isinstance(out, np.datetime64):
            out = float(from_datetime64(np.array([out]))[0])
        if isinstance(out, (_dt.datetime, _dt.date)):
            out = serial_from_datetime(out)
        if nested:  # inside a native formula the blank answer is the empty text it is in Excel
            out = _blank_as_empty_text(out)
        return out


def _blank_as_empty_text(v: Any) -> Any:
    if not is_vec(v):
        return "" if v is None or (isinstance(v, float) and v != v) else v
    if v.dtype.kind == "f":
        nan = np.isnan(v)
        if not nan.any():
            return v
        o = v.astype(object)
        o[nan] = ""
        return o
    if v.dtype == object:
        blank = pd.isna(v)
        if blank.any():
            v = v.copy()
            v[blank] = ""
    return v


def walk_reads(book: Book, node: Node, sheet: str, rmin: int, rmax: int, base: int, out: list, depth: int = 0) -> None:
    """Collect the cell blocks a formula reads as (sheet, c1, c2, r1, r2)."""
    if depth > 50:
        raise Unsupported("names nest too deep")
    k, a = node.kind, node.args
    if k == "cell":
        s = book.sheet_name(a[0], sheet)
        if a[4]:
            out.append((s, a[1], a[1], a[2], a[2]))
        else:
            o = a[2] - base
            out.append((s, a[1], a[1], rmin + o, rmax + o))
    elif k == "area":
        s = book.sheet_name(a[0], sheet)
        if a[6] and a[8]:
            out.append((s, a[1], a[3], a[2], a[4]))
        else:
            o1, o2 = a[2] - base, a[4] - base
            out.append(
                (s, a[1], a[3], rmin + (o1 if not a[6] else 0) if not a[6] else a[2], rmax + o2 if not a[8] else a[4])
            )
    elif k == "name":
        walk_reads(book, book.name_node(a[0], sheet), sheet, rmin, rmax, base, out, depth + 1)
    elif k == "sref":
        t = book.table(a[0])
        c1, r1, c2, r2, this_row = table_area(book, t, a[1], a[2], a[3])
        if this_row:
            out.append((t.sheet, c1, c2, rmin, rmax))
        else:
            out.append((t.sheet, c1, c2, r1, r2))
    elif k == "call" or k == "bin":
        for x in a[1:]:
            if isinstance(x, Node):
                walk_reads(book, x, sheet, rmin, rmax, base, out, depth)
    elif k in ("neg", "pct"):
        walk_reads(book, a[0], sheet, rmin, rmax, base, out, depth)
