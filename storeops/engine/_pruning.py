"""How far an incremental recalculation evaluates (issue 14): only as far as values change.

:func:`storeops.engine._incremental.select` picks the *candidates* — the groups that changed
and everything that reads them.  :class:`Pruning` then decides, group by group in
dependency order, which rows to evaluate:

* a changed group: all its rows;
* another candidate: only when a group it reads got a new value in some cell — on the rows
  that read those cells when it reads the column row by row (``{col}``, ``[@col]``,
  ``A5``), on the rows whose own key can match when it is a criteria aggregate with a plain
  ``range, {key}`` pair (``SUMIFS([tblOrders.usd],[tblOrders.buyer_id],{buyer_id},…)``:
  an edited order re-evaluates the follow-up rows of that buyer), else on all its rows.

After evaluating, the new values are compared with the cached ones (the cells' digest
terms, :func:`storeops.xlsx._splice.digest_deltas`); rows whose value is the same change
nothing downstream.  What is not evaluated keeps its cached value, put into the book only
where something evaluated reads it (numbers round-trip exactly,
:mod:`storeops.xlsx._numtext`), so the result is byte for byte a full recalculation's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..xlsx._scan import F_ROW, V_COL, V_ROW
from ._eval import Group
from ._formula import Node
from ._run import Run
from ._write import empty_string

__all__ = ["Pruning"]


class _Part:
    """The evaluated rows of a group, as the writer takes them."""

    __slots__ = ("cell_index", "result")

    def __init__(self, cell_index: np.ndarray, result: Any):
        self.cell_index, self.result = cell_index, result


class Pruning:
    """Evaluation of an incremental run that goes only as far as values change (see the
    module help): which rows of each candidate to evaluate, and which cells changed."""

    def __init__(
        self,
        direct: set[int],
        reads: dict[int, list[Group]],
        by_input: set[int] | None = None,
        failed: set[int] | None = None,
    ):
        self.direct = direct  # id() of the groups changed themselves (all rows evaluated)
        #: id() of the groups that read a block of cells whose digest changed (the rows
        #: reading those blocks are evaluated)
        self.by_input = by_input or set()
        #: id() of the groups the last write left to Excel: all rows once any row is dirty
        self.failed = failed or set()
        self.reads = reads  # id() → the candidates it reads
        self.moved: dict[int, np.ndarray] = {}  # id() → rows whose cached value changed
        self.done: set[int] = set()  # id() of the groups evaluated (all rows or a part)
        self.parts: dict[int, _Part] = {}  # id() → the part evaluated, when not all rows
        self._relative: dict[int, list[tuple]] = {}
        self._records: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # sheet → deferred records by column
        self._groups = {id(g): g for gs in reads.values() for g in gs}
        #: id() → (group, rows whose cached values are not in the book yet)
        self.unloaded: dict[int, tuple[Group, np.ndarray]] = {}
        self._criteria: dict[tuple[str, int], tuple] = {}

    # ------------------------------------------------------------------ which rows
    def rows(self, run: Run, g: Group) -> np.ndarray | None:
        rows = self._dirty(run, g)
        if rows is not g.rows:  # its other rows keep their cached values, read when needed
            self.unloaded[id(g)] = (g, g.rows if rows is None else _minus(g.rows, rows))
        if rows is not None:
            self._load_read(run, g, rows)
        return rows

    def _dirty(self, run: Run, g: Group) -> np.ndarray | None:
        if id(g) in self.direct or g in run.spills or run.scans.get(g.sheet) is None:
            return g.rows
        dirty: list[np.ndarray] = []
        if id(g) in self.by_input:
            rows = self._rows_reading_changed_blocks(run, g)
            if rows is g.rows:
                return g.rows
            dirty.append(rows)
        for d in self.reads.get(id(g), ()):
            moved = self.moved.get(id(d))
            if moved is None or not len(moved):
                continue
            rows = self._rows_reading(run, g, d, moved)
            if rows is g.rows:
                return g.rows
            dirty.append(rows)
        rows = np.unique(np.concatenate(dirty)) if dirty else g.rows[:0]
        if len(rows) == len(g.rows) or (len(rows) and id(g) in self.failed):
            return g.rows
        return rows if len(rows) else None

    def _load_read(self, run: Run, g: Group, rows: np.ndarray) -> None:
        """Before ``g`` is evaluated at ``rows``: the cached values it reads there of the
        candidates not evaluated (or evaluated in part) are put into the book."""
        for d in self.reads.get(id(g), ()):
            entry = self.unloaded.get(id(d))
            if entry is None or not len(entry[1]):
                continue
            missing = entry[1]
            need = []
            for s, c1, c2, offset, r1, r2 in self._reads_of(run, g):
                if s != d.sheet or not c1 <= d.col <= c2:
                    continue
                if offset is None:
                    need.append(missing[(missing >= r1) & (missing <= r2)])
                else:
                    need.append(missing[np.isin(missing, rows + offset)])
            if need:
                wanted = np.unique(np.concatenate(need))
                if len(wanted):
                    self._load_cached(run, d, wanted)
                    self.unloaded[id(d)] = (d, _minus(missing, wanted))

    def load_charted(self, run: Run) -> None:
        """The cached values of the columns a chart shows, before the chart caches are filled."""
        for d, missing in list(self.unloaded.values()):
            if len(missing) and any(s == d.sheet and c1 <= d.col <= c2 for s, c1, _r1, c2, _r2 in run.charts):
                self._load_cached(run, d, missing)
                self.unloaded[id(d)] = (d, missing[:0])

    def _rows_reading(self, run: Run, g: Group, d: Group, moved: np.ndarray) -> np.ndarray:
        """The rows of ``g`` that read one of the rows ``moved`` of ``d``'s column."""
        out = []
        for s, c1, c2, offset, r1, r2 in self._reads_of(run, g):
            if s != d.sheet or not c1 <= d.col <= c2:
                continue
            if offset is None:  # a fixed range: every row of g reads it (or those whose key matches)
                if ((moved >= r1) & (moved <= r2)).any():
                    rows = self._keyed_rows(run, g, d, moved)
                    if rows is g.rows:
                        return g.rows
                    out.append(rows)
                continue
            out.append(g.rows[np.isin(g.rows, moved - offset)])
        return np.concatenate(out) if out else g.rows[:0]

    def _rows_reading_changed_blocks(self, run: Run, g: Group) -> np.ndarray:
        """The rows of ``g`` that read, cell by cell, a block of rows whose digest changed
        since the last write.  A whole range that holds such a block (an aggregate)
        evaluates every row, as a full recalculation does: what the range now holds may
        make the formula one the engine leaves to Excel."""
        from ._incremental import changed_cells

        out = [g.rows[:0]]
        lo, hi = int(g.rows.min()), int(g.rows.max())
        for s, c1, c2, offset, r1, r2 in self._reads_of(run, g):
            if offset is not None:  # a cell that moves with the row: the rows it reads
                r1, r2 = lo + offset, hi + offset
            cells = changed_cells(run, s, r1, r2)
            if cells is None:
                return g.rows
            for col, rows in cells.items():
                if not (c1 <= col <= c2 and len(rows)):
                    continue
                if offset is None:
                    return g.rows
                out.append(g.rows[np.isin(g.rows, rows - offset)])
        return np.unique(np.concatenate(out))

    def _reads_of(self, run: Run, g: Group) -> list[tuple]:
        """What ``g`` reads (:func:`_classify`), worked out once."""
        out = self._relative.get(id(g))
        if out is None:
            assert g.node is not None  # candidates are parsed
            out = self._relative[id(g)] = _classify(run, g.node, g)
        return out

    def _keyed_rows(self, run: Run, g: Group, d: Group, moved: np.ndarray) -> np.ndarray:
        """For ``g = SUMIFS(…, range, {key}, …)`` (or COUNTIFS, AVERAGEIFS, MAXIFS, MINIFS) whose
        ranges hold the rows ``moved`` of ``d``: only the rows whose own ``{key}`` can equal
        the key cell of a moved row, as the criteria functions match
        (:class:`storeops.engine._native.criteria.Criterion`; a criterion that is not a
        plain equality counts as matching).  Else all rows of ``g``."""
        plan = _keyed_plan(run, g)
        if plan is None:
            return g.rows
        s, r1, r2, key_col, x_sheet, x_col, offset, range_cols, others = plan
        if d.sheet != s or d.col not in range_cols or d.col == key_col:
            return g.rows  # not a cell of the ranges (a criterion's cell, say): every row
        if any(
            os == d.sheet and c1 <= d.col <= c2 and ((moved >= q1) & (moved <= q2)).any()
            for os, c1, c2, q1, q2 in others
        ):
            return g.rows
        k = moved[(moved >= r1) & (moved <= r2)]
        if len(k) > 1000:
            return g.rows
        for other in self.moved:  # the key column itself moved at those rows: its old keys are gone
            og = self._groups.get(other)
            if og is not None and og.sheet == s and og.col == key_col and np.isin(self.moved[other], k).any():
                return g.rows
        if any((og.sheet, og.col) in ((s, key_col), (x_sheet, x_col)) for og in self._groups.values()):
            return g.rows  # keys computed this run: their book values may be partly loaded
        nums, texts = _cell_keys(run.book.col(s, key_col), k)
        hit = self._criteria_hits(run, x_sheet, x_col, nums, texts)
        src = g.rows + offset
        inside = (src >= 0) & (src < len(hit))
        mask = np.ones(len(g.rows), bool)
        mask[inside] = hit[src[inside]]
        return g.rows[mask]

    def _criteria_hits(self, run: Run, sheet: str, col: int, nums: set, texts: set) -> np.ndarray:
        """Per row of a column of criteria: whether it may match a cell whose keys are
        ``nums``/``texts`` (each distinct criterion is read once per column, by the
        evaluation's own :class:`~storeops.engine._native.criteria.Criterion`)."""
        key = (sheet, col)
        kinds = self._criteria.get(key)
        if kinds is None:
            kinds = self._criteria[key] = _criteria_kinds(run.book, sheet, col)
        if not kinds:  # a criterion the engine cannot read (its group is left to Excel): every row
            return np.ones(max(run.book.max_row.get(sheet, 1) + 2, len(run.book.col(sheet, col).num)), bool)
        codes, plain, is_num, numv, is_text, folded = kinds
        hit = ~plain  # an operator, a wildcard, a boolean, an error: taken to match every cell
        if nums:
            hit = hit | (is_num & np.isin(numv, np.array(sorted(nums), float)))
        if texts:
            hit = hit | (is_text & np.isin(folded, list(texts)))
        return hit[codes]

    # ------------------------------------------------------------------ what changed
    def evaluated(self, run: Run, g: Group, rows: np.ndarray, values: Any) -> None:
        self.done.add(id(g))
        if values is None:  # a range typed by a user, or left to Excel: what reads it is evaluated
            self.moved[id(g)] = g.rows
            return
        sc = run.scans.get(g.sheet)
        if rows is not g.rows:
            mine = np.isin(g.rows, rows)
            self.parts[id(g)] = _Part(g.cell_index[mine], values)
            cells = g.cell_index[mine]
        else:
            cells = g.cell_index
        if sc is None or not len(cells):
            self.moved[id(g)] = rows
            return
        from ..xlsx._splice import digest_deltas
        from ._encode import ValueSink

        sink = ValueSink(empty_string(run).ref)
        sink.add(cells, values)
        arrays = sink.arrays()
        deltas = digest_deltas(run.xml[g.sheet], sc.formulas, *arrays)
        self.moved[id(g)] = np.unique(sc.formulas[arrays[0][deltas != 0], F_ROW].astype(np.int64))

    # ------------------------------------------------------------------ cached values
    def _load_cached(self, run: Run, g: Group, rows: np.ndarray) -> None:
        """Put the cached values of ``g`` at ``rows`` into the book."""
        from ..xlsx import _cells
        from ._read import set_columns

        V = run.deferred.get(g.sheet)
        if V is None or not len(V):
            return
        index = self._records.get(g.sheet)
        if index is None:
            order = np.argsort(V[:, V_COL], kind="stable")
            index = self._records[g.sheet] = (order, V[order, V_COL])
        order, cols = index
        key = np.array(g.col, cols.dtype)  # of the array's dtype: a Python int would make numpy copy it
        lo, hi = np.searchsorted(cols, key), np.searchsorted(cols, key, side="right")
        if lo == hi:
            return
        recs = V[order[lo:hi]]
        recs = recs[np.isin(recs[:, V_ROW], rows)]
        if len(recs):
            sst: Any = run.sst_array()  # an object array serves as the list of strings
            data = _cells.records_to_columns(run.xml[g.sheet], recs, sst, run.pkg.date_styles, objects=False)
            set_columns(run.book, g.sheet, data)


def _minus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.setdiff1d(a, b)`` of two arrays of rows without repeats (a group's rows, and
    some of them), without sorting either: an edit's few rows out of 100,000 each time a
    group is evaluated in part.

    >>> _minus(np.array([2, 5, 7, 9]), np.array([7, 2])).tolist(), _minus(np.array([9, 2, 5]), np.array([5])).tolist()
    ([5, 9], [2, 9])
    """
    out = a[np.isin(a, b, assume_unique=True, invert=True)]
    return out if len(out) < 2 or bool((out[1:] > out[:-1]).all()) else np.sort(out)


#: criteria aggregates → index of their first (range, criterion) pair among the arguments
_CRITERIA_FUNCTIONS = {"COUNTIFS": 0, "SUMIFS": 1, "AVERAGEIFS": 1, "MAXIFS": 1, "MINIFS": 1}
_FAR = 1 << 40


def _classify(run: Run, node: Node, g: Group) -> list[tuple]:
    """What ``node`` (in ``g``) reads: (sheet, c1, c2, row offset, r1, r2) — a row offset for
    a reference that moves with the row and reads one row, else ``None`` and the rows."""
    from ._eval import walk_reads

    a: list = []
    b: list = []
    walk_reads(run.book, node, g.sheet, 0, 0, g.base_row, a)
    walk_reads(run.book, node, g.sheet, _FAR, _FAR, g.base_row, b)
    out = []
    for (s, c1, c2, r1, r2), (_s, _c1, _c2, q1, q2) in zip(a, b):
        if r1 == r2 and q1 == q2 and q1 - r1 == _FAR:
            out.append((s, c1, c2, r1, 0, 0))
        elif (r1, r2) == (q1, q2):
            out.append((s, c1, c2, None, r1, r2))
        else:  # a range that grows with the row: read as a whole
            out.append((s, c1, c2, None, min(r1, q1), max(r2, q2)))
    return out


def _keyed_plan(run: Run, g: Group) -> tuple | None:
    """For a criteria aggregate with aligned fixed ranges and a plain ``range, {key}`` pair:
    (sheet, first row, last row, key column, criterion sheet, criterion column, row offset,
    the ranges' columns, the fixed cells the criteria read); else ``None``."""
    node = g.node
    if node is None or node.kind != "call" or node.args[0] not in _CRITERIA_FUNCTIONS:
        return None
    args = node.args[1:]
    first = _CRITERIA_FUNCTIONS[node.args[0]]
    ranges = [args[0]] if first else []
    pairs = [(args[i], args[i + 1]) for i in range(first, len(args) - 1, 2)]
    spans = set()
    for rng in ranges + [p[0] for p in pairs]:
        if not isinstance(rng, Node):
            return None
        reads = _classify(run, rng, g)
        if len(reads) != 1 or reads[0][3] is not None:
            return None
        spans.add((reads[0][0], reads[0][4], reads[0][5]))
    if len(spans) != 1:
        return None
    s, r1, r2 = spans.pop()
    range_cols: set[int] = set()
    for rng in ranges + [p[0] for p in pairs]:
        _s, c1, c2, _o, _r1, _r2 = _classify(run, rng, g)[0]
        range_cols.update(range(c1, c2 + 1))
    others = [
        (e[0], e[1], e[2], e[4], e[5]) for _rng, crit in pairs for e in _classify(run, crit, g) if e[3] is None
    ]  # fixed cells the criteria read
    for rng, crit in pairs:
        if not isinstance(crit, Node) or crit.kind not in ("cell", "sref"):
            continue
        key = _classify(run, rng, g)[0]
        x = _classify(run, crit, g)
        if key[1] == key[2] and len(x) == 1 and x[0][3] is not None and x[0][1] == x[0][2]:
            return s, r1, r2, key[1], x[0][0], x[0][1], x[0][3], range_cols, others
    return None


def _cell_keys(col: Any, rows: np.ndarray) -> tuple[set[float], set[str]]:
    """The keys plain equality criteria match the cells at ``rows`` by: numbers (a text
    holding one too) and case-folded texts."""
    from ._values import XLErr, text_to_number

    nums: set[float] = set()
    texts: set[str] = set()
    for r in rows.tolist():
        v = col.value(int(r))
        if v is None or isinstance(v, (bool, np.bool_, XLErr)):
            continue
        if isinstance(v, str):
            if v:
                texts.add(v.casefold())
                n = text_to_number(v)
                if n is not None:
                    nums.add(float(n))
            continue
        f = float(v)
        if f == f:
            nums.add(f)
    return nums, texts


class _Context:
    """What :func:`~storeops.engine._native.criteria.criteria_codes` needs of an
    evaluation: its cache (so a criterion read here is not read again when evaluating)."""

    def __init__(self, cache: dict):
        self.cache = cache


def _criteria_kinds(book: Any, sheet: str, col: int) -> tuple:
    """A criteria column as the criteria functions read it: a code per row and, per code,
    whether it is a plain equality (``Criterion.simple``), with a number (and its value) or
    a case-folded text.  Rows below the column's stored cells are blanks.  The IDs and
    names most rows hold are read in one pass (``plain_texts``), the rest by
    :class:`~storeops.engine._native.criteria.Criterion`.  Empty when a criterion is one
    the engine cannot read.  Kept between runs for the same values (:mod:`._kinds_cache`)."""

    from ._kinds_cache import kinds

    column = book.col(sheet, col)
    n = max(book.max_row.get(sheet, 1) + 2, len(column.num))
    obj = np.full(n, None, dtype=object)
    obj[: len(column.num)] = column.obj[:n]
    return kinds(obj, lambda: _classify_criteria(book, obj))  # kept between runs: the same IDs every edit


def _classify_criteria(book: Any, obj: np.ndarray) -> tuple:
    """:func:`_criteria_kinds` of the values ``obj``."""
    from ._native.criteria import criteria_codes, plain_texts
    from ._values import Unsupported

    n = len(obj)
    quick = plain_texts(obj)
    rest = np.flatnonzero(~quick)
    try:
        rcodes, options, rplain = criteria_codes(_Context(book.cache), obj[rest])
    except Unsupported:  # "1/2/2008": a number only with regional settings
        return ()
    import pandas as pd

    texts = pd.Series(obj[quick], dtype=object).str.casefold()
    tcodes, tuniq = pd.factorize(texts)
    k = len(options)
    codes = np.empty(n, np.int64)
    codes[rest] = rcodes
    codes[quick] = np.asarray(tcodes, np.int64) + k
    plain = np.r_[np.asarray(rplain, bool), np.ones(len(tuniq), bool)]
    is_num = np.r_[np.array([c.kind == "num" for c in options], bool), np.zeros(len(tuniq), bool)]
    is_text = np.r_[np.array([c.kind == "text" for c in options], bool), np.ones(len(tuniq), bool)]
    numv = np.r_[
        np.array([c.value if c.kind == "num" else np.nan for c in options], float), np.full(len(tuniq), np.nan)
    ]
    folded = np.r_[
        np.array([c.value if c.kind == "text" else "" for c in options], dtype=object), np.asarray(tuniq, object)
    ]
    return codes, plain, is_num, numv, is_text, folded
