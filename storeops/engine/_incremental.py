"""Which formula groups a recalculation evaluates, and the state it leaves behind.

Without a usable state every group is evaluated.  With the state of the last write
(:mod:`._state`), a group is *changed* when

* its sheet was rewritten and the group is not one of the last write's (other formula,
  other rows) or reads other cells (a table grew);
* it reads a cell whose digest changed — an input, or the cached value of a formula
  an editor rewrote (digests are kept per column and block of rows,
  :mod:`storeops.xlsx._digest`);
* it has a cell whose cached value or formula changed;
* it uses ``TODAY()``/``NOW()`` (or a StoreOps function that takes the real date when a
  date is left blank) and that date moved.

Every group that reads a changed one is a *candidate*; candidates are evaluated in
dependency order and only as far as values really change (:mod:`._pruning`).  Everything
not evaluated keeps its cached value, so the result is byte-identical to a full
recalculation (``tests/recalc`` checks it).
"""

from __future__ import annotations

import base64
import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..xlsx._digest import DK_FORMULA, Digests, split_key
from ..xlsx._scan import F_COL, F_ROW
from ._eval import Group
from ._formula import FormulaError, Node, row_pieces
from ._groups import closure, dependencies, topological
from ._pruning import Pruning
from ._run import Run
from ._state import RecalcState, engine_key, names_key, tables_key
from ._write import empty_string
from .editions import as_of_sheet


@dataclass
class Plan:
    """What this recalculation evaluates (in dependency order) and writes."""

    live: list[Group]  # every group the engine can evaluate, all sheets
    evaluate: list[Group]  # in dependency order
    cyclic: list[Group] = field(default_factory=list)
    write: set[int] = field(default_factory=set)  # id() of the groups whose values are written
    sheets: set[str] = field(default_factory=set)  # sheets the evaluated groups live on or read
    pruning: Pruning | None = None  # incremental runs: evaluate only as far as values change

    def writes(self, g: Group) -> bool:
        return id(g) in self.write

    def rows(self, run: Run, g: Group) -> np.ndarray | None:
        """The rows of ``g`` to evaluate now (``None``: none, its cached values stand)."""
        return g.rows if self.pruning is None else self.pruning.rows(run, g)

    def evaluated(self, run: Run, g: Group, rows: np.ndarray, values: Any) -> None:
        """``g`` got ``values`` at ``rows``: note which of its cells changed."""
        if self.pruning is not None:
            self.pruning.evaluated(run, g, rows, values)

    def output(self, g: Group) -> Any:
        """What the writer writes of ``g``: the group, or the part evaluated (``cell_index``,
        ``result``)."""
        return g if self.pruning is None else self.pruning.parts.get(id(g), g)

    def settle(self, run: Run) -> None:
        """After evaluating: the candidates not evaluated are neither evaluated nor written
        (the charts' series get their cached values)."""
        if self.pruning is None:
            return
        self.pruning.load_charted(run)
        done = self.pruning.done
        self.evaluate = [g for g in self.evaluate if id(g) in done]
        self.write &= {id(g) for g in self.evaluate}

    def count(self, g: Group) -> int:
        """Formulas of ``g`` evaluated (all its rows, or the part)."""
        part = None if self.pruning is None else self.pruning.parts.get(id(g))
        return len(g.rows) if part is None else len(part.cell_index)


# --------------------------------------------------------------------------- group records
def rows_rle(rows: np.ndarray) -> list[int]:
    """Rows as [start, count, start, count, …]."""
    rows = np.asarray(rows, np.int64)
    if not len(rows):
        return []
    cut = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.r_[0, cut]
    counts = np.diff(np.r_[starts, len(rows)])
    return np.column_stack([rows[starts], counts]).reshape(-1).tolist()


def rows_of(rle: list[int]) -> np.ndarray:
    if not rle:
        return np.zeros(0, np.int64)
    return np.concatenate([np.arange(s, s + n, dtype=np.int64) for s, n in zip(rle[::2], rle[1::2])])


def group_rle(g: Group) -> list[int]:
    """:func:`rows_rle` of the group's rows, worked out once for them (a group's key is
    asked for several times a run)."""
    if g.rle is not None and g.rle[0] is g.rows:
        return g.rle[1]
    rle = rows_rle(g.rows)
    g.rle = (g.rows, rle)
    return rle


def _keep_rle(g: Group, rle: list[int]) -> None:
    """The rows of ``g`` are :func:`rows_of` ``rle``: it is their :func:`rows_rle` when its
    runs are as that writes them (none empty, none continuing the one before)."""
    starts, counts = rle[::2], rle[1::2]
    if all(n > 0 for n in counts) and all(s1 != s0 + n0 for s0, n0, s1 in zip(starts, counts, starts[1:])):
        g.rle = (g.rows, list(rle))


def group_key(g: Group) -> tuple:
    return (g.sheet, g.col, g.base_row, g.text, tuple(group_rle(g)))


def group_record(g: Group, reason: str) -> list[Any]:
    return [g.sheet, g.col, g.base_row, g.text, list(group_rle(g)), [list(r) for r in g.reads], reason]


def prior_groups(state: RecalcState, sheet: str, F: np.ndarray | None = None) -> list[Group] | None:
    """The groups of a sheet whose formulas did not change, as the state recorded them.

    With the sheet's formula records ``F`` each group gets its cells' positions (``None``
    when a cell is missing: then the sheet is grouped afresh); without, none (the sheet
    is scanned if one of its groups has to be evaluated)."""
    out = []
    cells_of = _ColumnCells(F) if F is not None else None
    for s, col, base, text, rle, reads, reason in state.groups:
        if s != sheet:
            continue
        rows = rows_of(rle)
        cells = np.zeros(0, np.int64)
        if cells_of is not None:
            found = cells_of.find(col, rows)
            if found is None:
                return None
            cells = found
            reason = _grouping_reason(text, base)  # what make_groups says; the rest is found again
        # what it reads as recorded (parsing sets it anew; a group left to Excel keeps it)
        out.append(Group(s, col, rows, base, text, cells, reason=reason, reads=[tuple(r) for r in reads]))
        _keep_rle(out[-1], rle)
    return out


class _ColumnCells:
    """The formula records of a sheet by column, each column's in row order: where a
    group's cells are, searched in its own column (not among all the sheet's records)."""

    def __init__(self, F: np.ndarray):
        cols = F[:, F_COL].astype(np.uint16)  # a sheet has 16,384 columns
        self.order = np.argsort(cols, kind="stable")  # radix sort: each column's records in document order
        self.cols = cols[self.order]
        self.rows = np.ascontiguousarray(F[:, F_ROW])[self.order]
        self.by_col: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _column(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        got = self.by_col.get(col)
        if got is None:
            # bounds of the array's own dtype: an int64 pair would make numpy copy the 16-bit array each time
            lo, hi = np.searchsorted(self.cols, np.array([col, col + 1], self.cols.dtype))
            rows, idx = self.rows[lo:hi], self.order[lo:hi]
            if len(rows) > 1 and not (np.diff(rows) > 0).all():  # rows out of document order
                o = np.argsort(rows, kind="stable")
                rows, idx = rows[o], idx[o]
            got = self.by_col[col] = (rows, idx)
        return got

    def find(self, col: int, rows: np.ndarray) -> np.ndarray | None:
        """The records of the cells ``rows`` of column ``col`` (``None`` when one is missing)."""
        have, idx = self._column(col)
        if not len(rows):
            return np.zeros(0, np.int64)
        if not len(have):
            return None
        if len(rows) == len(have) and (rows == have).all():  # the group is its whole column (the common case)
            return idx.astype(np.int64)
        pos = np.clip(np.searchsorted(have, rows), 0, len(have) - 1)
        if not (have[pos] == rows).all():
            return None
        return idx[pos].astype(np.int64)


def _grouping_reason(text: str, base: int) -> str:
    """The reason :func:`~storeops.engine._groups.make_groups` gives a group of this formula."""
    try:
        row_pieces(text, base)
    except (FormulaError, ValueError):
        return "unreadable"
    return ""


# --------------------------------------------------------------------------- selection
def select(run: Run) -> Plan:
    """The :class:`Plan` for the groups now in ``run.groups`` (parsed)."""
    live = [g for g in run.all_groups() if not g.reason and g.node is not None]
    deps = dependencies(live)
    if run.prior is None:
        chosen = set(range(len(live)))
        written = chosen
    else:
        changed, by_input = _changed(run, live)
        changed |= by_input
        users: list[list[int]] = [[] for _ in live]
        for i, d in enumerate(deps):
            for j in d:
                users[j].append(i)
        written = closure(changed, users)
        chosen = written  # the groups they read keep their cached values (read as inputs)
    order = sorted(chosen)
    pos = {gi: k for k, gi in enumerate(order)}
    sub = [{pos[j] for j in deps[gi] if j in pos} for gi in order]
    seq, cyc = topological(len(order), sub)
    plan = Plan(
        live,
        [live[order[k]] for k in seq],
        [live[order[k]] for k in cyc],
        {id(live[i]) for i in written},
    )
    if run.prior is not None:
        plan.pruning = Pruning(
            {id(live[i]) for i in changed - by_input},
            {id(live[i]): [live[j] for j in deps[i] if j in chosen] for i in chosen},
            {id(live[i]) for i in by_input},
            failed_last_time(run, live),
        )
    for g in plan.evaluate + plan.cyclic:
        plan.sheets.add(g.sheet)
        plan.sheets.update(r[0] for r in g.reads)
    return plan


def _changed(run: Run, live: list[Group]) -> tuple[set[int], set[int]]:
    """The groups changed themselves (every row is evaluated: another formula or range, a
    formula cell an editor rewrote, a date that moved) and, apart, those changed only
    because they read a block of cells whose digest changed (evaluated on the rows that
    read those blocks, :meth:`Pruning.rows`)."""
    prior = run.prior
    assert prior is not None
    entries = {(s, c, b, t, tuple(rle)): [tuple(r) for r in reads] for s, c, b, t, rle, reads, _ in prior.groups}
    failed = {(s, c, b, t, tuple(rle)) for s, c, b, t, rle, _, reason in prior.groups if reason}
    keys = run.changed
    moved = set(run.verdict.clock) if run.verdict is not None else set()
    dated = _date_functions() if moved else set()
    if prior.blank != empty_string(run).ref.decode():
        return set(range(len(live))), set()  # blank results will be cached as another shared string
    out: set[int] = set()
    by_input: set[int] = set()
    for i, g in enumerate(live):
        old_reads = entries.get(group_key(g))
        if old_reads is None or old_reads != [tuple(r) for r in g.reads]:
            out.add(i)
        elif g.sheet in keys and _touches(g, keys[g.sheet], run.shift[g.sheet]):
            out.add(i)
        elif moved and volatility(run.book, g.node, g.sheet, dated) & moved:
            out.add(i)
        elif any(_read_touches(r, keys.get(r[0]), run.shift.get(r[0], 0)) for r in g.reads):
            # left to Excel last time: all its rows, as a full run (which may leave it again)
            (out if group_key(g) in failed else by_input).add(i)
    return out, by_input


def failed_last_time(run: Run, groups: list[Group]) -> set[int]:
    """id() of the groups the last write left to Excel: evaluated on all their rows when
    anything they read changed (:class:`~storeops.engine._pruning.Pruning`), else left to
    Excel again without evaluating, as a full run would leave them."""
    assert run.prior is not None
    failed = {(s, c, b, t, tuple(rle)) for s, c, b, t, rle, _, reason in run.prior.groups if reason}
    return {id(g) for g in groups if group_key(g) in failed} if failed else set()


def changed_cells(run: Run, sheet: str, r1: int, r2: int) -> dict[int, np.ndarray] | None:
    """Per column of ``sheet``, the rows ``r1``–``r2`` of its blocks whose digest changed
    (every cell of such a block may have changed); ``None``: the last write did not know
    the sheet (everything on it changed)."""
    keys = run.changed.get(sheet)
    if keys is None or not len(keys):
        return {}
    if keys[0] == -1:
        return None
    shift = run.shift.get(sheet, 0)
    _kind, cols, blocks = split_key(keys)
    out: dict[int, np.ndarray] = {}
    for col in np.unique(cols).tolist():
        starts = np.unique(blocks[cols == col]).astype(np.int64) << shift
        starts = starts[(starts + (1 << shift) > r1) & (starts <= r2)]
        if len(starts):
            rows = (starts[:, None] + np.arange(1 << shift, dtype=np.int64)).reshape(-1)
            out[int(col)] = rows[(rows >= r1) & (rows <= r2)]
    return out


def recorded_digests(entry: dict) -> Digests:
    """The digests the last write recorded for a sheet (its entry in ``RecalcState.sheets``)."""
    return Digests.from_bytes(base64.b64decode(entry["digests"]), int(entry["shift"]))


def changed_keys(run: Run, name: str) -> np.ndarray:
    """Digest keys of a scanned sheet that differ from the last write's (at the coarser
    of the two block sizes; ``run.shift`` follows).  ``[-1]``: the last write did not know
    the sheet."""
    now = run.digests[name]
    old = run.prior.sheets.get(name) if run.prior else None
    if old is None:
        return np.array([-1], np.int64)  # unknown sheet: everything on it changed
    before = recorded_digests(old)
    shift = max(now.shift, before.shift)
    run.shift[name] = shift
    return now.coarsen(shift).changed(before.coarsen(shift))


def _touches(g: Group, keys: np.ndarray, shift: int) -> bool:
    """Whether a changed key is a formula block holding one of the group's cells."""
    if not len(keys):
        return False
    if keys[0] == -1:
        return True
    kind, col, block = split_key(keys)
    blocks = block[(kind == DK_FORMULA) & (col == g.col)]
    return bool(len(blocks)) and bool(np.isin(np.unique(g.rows >> shift), blocks).any())


def _read_touches(read, keys: np.ndarray | None, shift: int) -> bool:
    if keys is None or not len(keys):
        return False
    if keys[0] == -1:
        return True
    _s, c1, c2, r1, r2 = read
    _kind, col, block = split_key(keys)
    return bool(((col >= c1) & (col <= c2) & (block >= (r1 >> shift)) & (block <= (r2 >> shift))).any())


# --------------------------------------------------------------------------- dates
def _date_functions() -> set[str]:
    """StoreOps functions that take the real date when a date argument is blank."""
    from storeops_xl import FUNCTIONS

    out = set()
    for name, spec in FUNCTIONS.items():
        try:
            params = inspect.signature(spec.func).parameters.values()
        except (TypeError, ValueError):
            continue
        if any(p.name in ("today", "as_of", "now") and p.default is None for p in params):
            out.add(name)
    return out


def volatility(book, node: Node | None, sheet: str, dated: set[str], depth: int = 0) -> set[str]:
    """Which dates a formula depends on: ``today`` (TODAY()), ``now`` (NOW()), ``date``
    (a StoreOps function that may take the real date)."""
    if depth > 50 or not isinstance(node, Node):
        return set()
    out: set[str] = set()
    if node.kind == "call":
        name = node.args[0]
        if name == "TODAY":
            out.add("today")
        elif name == "NOW":
            out.add("now")
        elif name in dated:
            out.add("date")
    elif node.kind == "name":
        try:
            return volatility(book, book.name_node(node.args[0], sheet), sheet, dated, depth + 1)
        except Exception:  # an unknown name: the group fails anyway
            return out
    for a in node.args:
        if isinstance(a, Node):
            out |= volatility(book, a, sheet, dated, depth)
    return out


# --------------------------------------------------------------------------- the new state
def new_state(run: Run) -> RecalcState:
    """The state describing the workbook as this recalculation writes it (the member
    digests are added while the file is written)."""
    pkg, prior, plan = run.pkg, run.prior, run.plan
    assert plan is not None
    if any(sc is None for sc in run.scans.values()) or run.spills.by_group:
        # a sheet only the slow reader reads, or a range typed by a user: no shortcuts
        return RecalcState(engine="", clock=run.clock)
    dated = _date_functions()
    volatile: set[str] = set()
    for g in plan.live:
        volatile |= volatility(run.book, g.node, g.sheet, dated)
    if as_of_sheet(pkg) is not None:  # the as-of cell is stamped with the day of each recalculation
        volatile.add("today")
    if run.editions is not None and run.editions.used_now:  # cfg_now: the moment of this recalculation
        volatile.add("now")
    evaluated = {id(g) for g in plan.evaluate + plan.cyclic}
    old_reason = {}
    if prior is not None:
        old_reason = {(s, c, b, t, tuple(rle)): reason for s, c, b, t, rle, _r, reason in prior.groups}
    records = []
    order = {s.name: i for i, s in enumerate(pkg.sheets)}
    for g in sorted(run.all_groups(), key=lambda g: (order[g.sheet], g.col, g.base_row, g.text)):
        if id(g) in evaluated or g.reason or g.node is None:
            reason = g.reason
        else:
            reason = old_reason.get(group_key(g), "")
        records.append(group_record(g, reason))
    sheets = {}
    for s in pkg.sheets:
        sc = run.scans.get(s.name)
        if sc is None:
            assert prior is not None
            sheets[s.name] = prior.sheets[s.name]
            continue
        dig = run.digests[s.name]
        sheets[s.name] = {
            "path": s.path,
            "shift": dig.shift,
            "max_row": int(run.book.max_row.get(s.name, 1)),
            "formulas": int(run.report.per_sheet[s.name]["formulas"]),
            "bad": int(run.bad.get(s.name, 0)),
            "digests": base64.b64encode(dig.to_bytes()).decode(),
        }
    return RecalcState(
        engine=engine_key(),
        clock=run.clock,
        volatile=sorted(volatile),
        names=names_key(pkg),
        blank=empty_string(run).ref.decode(),
        tables=tables_key(pkg),
        sheets=sheets,
        groups=records,
    )
