"""Evaluate a parsed formula for a whole group of rows at once.

A *group* is the cells of one column whose formulas are the same expression relative
to their row.  Relative references become the referenced column's values at the
group's rows, absolute references and defined names are scalars (or fixed ranges),
structured column references are whole table columns.  StoreOps UDFs are called once
per group through ``storeops_xl.FUNCTIONS`` with whole columns.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._formula import FormulaError, Node, parse
from ._native import _MISSING, NATIVE, _concat2
from ._values import (
    DIV0,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    from_datetime64,
    is_vec,
    merge_errors,
    to_num,
    to_scalar_or_vec,
    type_masks,
    with_errors,
)


class ColData:
    """One sheet column as dense arrays indexed by row number (index 0 unused).

    ``num`` holds the numbers (NaN elsewhere), ``text`` marks values that are neither
    numbers nor blank.  The object view ``obj`` is built only when something needs it:
    a column of numbers and blanks (plus a few other values, such as its header, kept
    in ``_extra``) is stored as ``num`` alone and ``obj`` is derived from it.
    """

    __slots__ = ("_obj", "_extra", "num", "numeric", "text")

    def __init__(self, size: int):
        self._obj: np.ndarray | None = None
        self._extra: dict[int, Any] = {}
        self.num = np.full(size, np.nan)
        self.numeric = True
        self.text = np.zeros(size, dtype=bool)  # True where the value is not a number and not blank

    @property
    def obj(self) -> np.ndarray:
        if self._obj is None:
            o = self.num.astype(object)
            o[np.isnan(self.num)] = None
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
        return None if x != x else float(x)

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
            self.num, self.text = n, t

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
        self.num[rows] = num
        if obj is None and self._obj is None:
            self.text[rows] = False
            if sparse is not None and len(sparse[0]):
                srows = rows[sparse[0]]
                for r, v in zip(srows.tolist(), sparse[1].tolist()):
                    self._extra[r] = v
                self.text[srows] = np.not_equal(sparse[1], None)
                self.numeric = False
            return
        if obj is None:
            obj = num.astype(object)
            obj[np.isnan(num)] = None
            if sparse is not None:
                obj[sparse[0]] = sparse[1]
        self.obj[rows] = obj
        self.text[rows] = False if numeric else (np.isnan(num) & np.not_equal(obj, None))
        if not numeric:
            self.numeric = False

    def set(self, rows: np.ndarray, values: Any) -> None:
        """Store a group's results."""
        self.ensure(int(rows.max()) + 2 if len(rows) else 0)
        if self._extra:
            self.obj  # noqa: B018 - results replace cells: build the object view first
        if is_vec(values) and values.dtype.kind == "M":
            values = from_datetime64(values)
        if is_vec(values) and values.dtype.kind in "fiu":
            values = values.astype(np.float64)
            self.num[rows] = values
            self.text[rows] = False
            if self._obj is not None:
                o = values.astype(object)
                o[np.isnan(values)] = None
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

    def take(self, rows: np.ndarray) -> np.ndarray:
        """Values at ``rows`` (float column when the column holds only numbers)."""
        inside = rows < len(self.num)
        if not inside.all():
            rows = np.where(inside, rows, 0)
        if self.numeric or not self.text[rows].any():
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


class Book:
    """What the evaluator sees of a workbook: column values, tables and names."""

    def __init__(self, tables: dict, names: dict, sheet_names: list[str], today: float, now: float):
        self.tables = {k.lower(): v for k, v in tables.items()}
        self.names = names  # lower name -> list of (local_sheet_name|None, text)
        self.sheet_names = sheet_names
        self.cols: dict[tuple[str, int], ColData] = {}
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
        return cd

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


class Evaluator:
    """Evaluates one group's formula tree over the group's rows."""

    def __init__(self, book: Book, sheet: str, rows: np.ndarray, base_row: int, udfs: dict):
        self.book = book
        self.sheet = sheet
        self.rows = rows
        self.base = base_row
        self.n = len(rows)
        self.today = book.today
        self.now = book.now
        self.cache = book.cache
        self.udfs = udfs

    # ---------------------------------------------------------------- refs
    def _cells(self, sheet: str, c: int, r: int, rabs: bool) -> Any:
        col = self.book.col(sheet, c)
        if rabs:
            return col.value(r)
        rows = self.rows + (r - self.base)
        if (rows < 1).any():
            raise Unsupported("reference above row 1")
        return col.take(rows)

    def _area(self, sheet: str, c1: int, r1: int, c2: int, r2: int, ra1: bool, ra2: bool) -> Rng:
        maxr = self.book.max_row.get(sheet, 1)
        if self.n == 1 and not (ra1 and ra2):  # a single cell: the range is fixed
            shift = int(self.rows[0]) - self.base
            r1, r2 = (r1 if ra1 else r1 + shift), (r2 if ra2 else r2 + shift)
            ra1 = ra2 = True
        if ra1 and ra2:
            r2 = min(r2, max(maxr, r1))
            key = ("area", sheet, c1, r1, c2, r2)
            hit = self.book.cache.get(key)
            if hit is not None:
                return hit
            if (c2 - c1 + 1) * (r2 - r1 + 1) > 50_000_000:
                raise Unsupported("range too large")
            objs, nums = [], []
            for c in range(c1, c2 + 1):
                col = self.book.col(sheet, c)
                col.ensure(r2 + 1)
                objs.append(col.obj[r1 : r2 + 1])
                nums.append(col.num[r1 : r2 + 1])
            rng = Rng(
                np.column_stack(objs) if len(objs) > 1 else objs[0][:, None].copy(),
                np.column_stack(nums) if len(nums) > 1 else nums[0][:, None].copy(),
                key=key[1:],
            )
            # groups run in dependency order, so a range is final once anyone reads it
            self.book.cache[key] = rng
            return rng
        if ra1 != ra2 or r1 != r2:
            raise Unsupported("range moving with the row")
        rows = self.rows + (r1 - self.base)
        objs, nums = [], []
        for c in range(c1, c2 + 1):
            col = self.book.col(sheet, c)
            col.ensure(int(rows.max()) + 2 if len(rows) else 1)
            objs.append(col.obj[rows])
            nums.append(col.num[rows])
        return Rng(np.column_stack(objs), np.column_stack(nums), per_row=True)

    # ---------------------------------------------------------------- eval
    def eval(self, node: Node) -> Any:
        k = node.kind
        a = node.args
        if k == "num" or k == "str" or k == "bool":
            return a[0]
        if k == "err":
            return XLErr(a[0])
        if k == "missing":
            return _MISSING
        if k == "cell":
            sheet = self.book.sheet_name(a[0], self.sheet)
            v = self._cells(sheet, a[1], a[2], a[4])
            return v
        if k == "area":
            sheet = self.book.sheet_name(a[0], self.sheet)
            return self._area(sheet, a[1], a[2], a[3], a[4], a[6], a[8])
        if k == "name":
            node2 = self.book.name_node(a[0], self.sheet)
            return self.eval(node2)
        if k == "sref":
            t = self.book.table(a[0])
            c1, r1, c2, r2, this_row = table_area(self.book, t, a[1], a[2], a[3])
            if this_row:
                if c1 != c2:
                    raise Unsupported("#This Row over several columns")
                return self._cells(t.sheet, c1, self.base, False)
            if r2 < r1:
                return Rng(np.empty((0, c2 - c1 + 1), dtype=object), np.empty((0, c2 - c1 + 1)))
            return self._area(t.sheet, c1, r1, c2, r2, True, True)
        if k == "neg":
            v, e = to_num(self._single(self.eval(a[0])))
            return with_errors(-v, e)
        if k == "pct":
            v, e = to_num(self._single(self.eval(a[0])))
            return with_errors(v / 100.0, e)
        if k == "bin":
            return self._binary(a[0], self._single(self.eval(a[1])), self._single(self.eval(a[2])))
        if k == "call":
            return self._call(a[0], a[1:])
        raise Unsupported(f"node {k}")

    def _single(self, v: Any) -> Any:
        return to_scalar_or_vec(v, "range in an operator (array formula)")

    def _binary(self, op: str, x: Any, y: Any) -> Any:
        if op == "&":
            return _concat2(self, x, y)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            return _compare(op, x, y, self.n)
        xv, xe = to_num(x)
        yv, ye = to_num(y)
        errs = merge_errors(xe, ye)
        with np.errstate(all="ignore"):
            if op == "+":
                out = xv + yv
            elif op == "-":
                out = xv - yv
            elif op == "*":
                out = xv * yv
            elif op == "/":
                if is_vec(yv) or is_vec(xv):
                    yy = np.broadcast_to(yv, np.shape(xv) if is_vec(xv) else np.shape(yv))
                    out = np.divide(xv, yv)
                    zero = yy == 0
                    if np.any(zero):
                        z = np.full(len(zero), None, dtype=object)
                        z[zero] = DIV0
                        errs = merge_errors(errs, z)
                else:
                    if yv == 0:
                        return errs[0] if errs is not None else DIV0
                    out = xv / yv
            elif op == "^":
                out = np.power(np.asarray(xv, float), yv)
                if not is_vec(out):
                    out = float(out)
            else:
                raise Unsupported(op)
        if isinstance(out, np.floating):
            out = float(out)
        if not is_vec(out) and isinstance(out, float) and not math.isfinite(out) and errs is None:
            return XLErr("#NUM!")
        return with_errors(out, errs)

    def _call(self, name: str, arg_nodes: tuple[Node, ...]) -> Any:
        spec = self.udfs.get(name)
        if spec is not None:
            return self._udf(spec, arg_nodes)
        fn = NATIVE.get(name)
        if fn is None:
            raise Unsupported(f"function {name}")
        args = [self.eval(x) for x in arg_nodes]
        try:
            out = fn(self, *args)
        except TypeError as exc:
            if "positional argument" in str(exc):
                raise Unsupported(f"{name}: wrong number of arguments") from None
            raise
        return out

    def _udf(self, spec, arg_nodes: tuple[Node, ...]) -> Any:
        try:
            params = list(inspect.signature(spec.func).parameters)
        except (TypeError, ValueError):
            params = []
        args = []
        row_matrix = False  # a same-row range was passed: the result has one value per row
        for i, node in enumerate(arg_nodes):
            v = self.eval(node)
            pname = params[i] if i < len(params) else ""
            if v is _MISSING:
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
                    v = self._single(v)
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
        if isinstance(out, (np.datetime64,)):
            out = float(from_datetime64(np.array([out]))[0])
        import datetime as _dt

        if isinstance(out, _dt.datetime):
            out = (out - _dt.datetime(1899, 12, 30)) / _dt.timedelta(days=1)
        elif isinstance(out, _dt.date):
            out = float((out - _dt.date(1899, 12, 30)).days)
        return out


def _cmp_key(v: Any) -> tuple[int, Any]:
    """Excel ordering: numbers < text < booleans; blank acts as 0 or ""."""
    if isinstance(v, (bool, np.bool_)):
        return (2, bool(v))
    if isinstance(v, str):
        return (1, v.casefold())
    if v is None:
        return (-1, None)
    f = float(v)
    if math.isnan(f):
        return (-1, None)
    return (0, f)


def _cmp1(op: str, x: Any, y: Any) -> Any:
    if isinstance(x, XLErr):
        return x
    if isinstance(y, XLErr):
        return y
    kx, ky = _cmp_key(x), _cmp_key(y)
    if kx[0] == -1 and ky[0] == -1:
        a, b = 0, 0
    elif kx[0] == -1:
        a, b = ({0: 0.0, 1: "", 2: False}[ky[0]], ky[1])
        kx = (ky[0], a)
    elif ky[0] == -1:
        ky = (kx[0], {0: 0.0, 1: "", 2: False}[kx[0]])
    a, b = kx, ky
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a >= b


def _compare(op: str, x: Any, y: Any, n: int) -> Any:
    if not is_vec(x) and not is_vec(y):
        return _cmp1(op, x, y)
    # fast path: numeric column vs number
    xs_num = (
        is_vec(x)
        and x.dtype.kind in "fiu"
        or (not is_vec(x) and isinstance(x, (int, float)) and not isinstance(x, bool))
    )
    ys_num = (
        is_vec(y)
        and y.dtype.kind in "fiu"
        or (not is_vec(y) and isinstance(y, (int, float)) and not isinstance(y, bool))
    )
    if xs_num and ys_num:
        xv = np.nan_to_num(np.asarray(x, float), nan=0.0)
        yv = np.nan_to_num(np.asarray(y, float), nan=0.0)
        return {
            "=": np.equal,
            "<>": np.not_equal,
            "<": np.less,
            ">": np.greater,
            "<=": np.less_equal,
            ">=": np.greater_equal,
        }[op](xv, yv)
    # blank test on a float column: H7="" is TRUE for blanks only
    if isinstance(y, str) and y == "" and is_vec(x) and x.dtype.kind == "f" and op in ("=", "<>"):
        m = np.isnan(x)
        return m if op == "=" else ~m
    if isinstance(x, str) and x == "" and is_vec(y) and y.dtype.kind == "f" and op in ("=", "<>"):
        m = np.isnan(y)
        return m if op == "=" else ~m
    xo, yo = as_object(x, n), as_object(y, n)
    out = [_cmp1(op, a, b) for a, b in zip(xo, yo)]
    if any(isinstance(v, XLErr) for v in out):
        return np.array(out, dtype=object)
    return np.array(out, dtype=bool)


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
