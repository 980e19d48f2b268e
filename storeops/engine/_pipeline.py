"""The stages of one recalculation in order (see :mod:`storeops.engine.recalc`); each is
one call, so a new step is one more line here."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ._eval import Book, Evaluator
from ._incremental import prior_groups, select
from ._parked import park_big_sheets, read_sheets
from ._partial import open_partial
from ._read import (
    add_reads,
    convert_inputs,
    guess_inputs,
    load_cached,
    parse_groups,
    prepare_sheets,
    scan_sheets,
    start_sst_hashes,
)
from ._run import Run, first_sheets
from ._state import Clock
from ._values import Rng, Unsupported, is_vec
from ._write import finish, write_sheets
from .chartcache import chart_ranges, fill_chart_caches


def new_book(pkg, clock: Clock) -> Book:
    """What the evaluator sees of the workbook: tables, defined names, sheet names, dates."""
    names: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    sheets = pkg.sheets
    for d in pkg.names:
        local = sheets[d.local_sheet].name if d.local_sheet is not None and d.local_sheet < len(sheets) else None
        names[d.name.lower()].append((local, d.text))
    from ._serial import serial_from_datetime

    today, now = serial_from_datetime(clock.day()), serial_from_datetime(clock.now_dt or clock.day())
    return Book(pkg.tables, names, [s.name for s in sheets], today, now)


def run_stages(run: Run, deflated: bool) -> None:
    """Read, select, evaluate and write (the package edits end up in ``run.edit``)."""
    timer = run.timer
    run.report.mode = "full" if run.prior is None else "incremental"
    start_sst_hashes(run)
    run.charts = chart_ranges(run.pkg)
    names = first_sheets(run)
    read_sheets(run, names, prepare_sheets, scan_sheets, _columns_to_scan)  # rows typed below a table join it
    if run.ids is not None:  # the deferred buyer-ID check had no scan to read: the upkeep's own pass
        from storeops.maintain import IdsNeeded

        raise IdsNeeded(run.ids.sheet)
    for s in run.sheets:  # sheets not read: their groups as the last write left them
        if s.name not in run.scans and run.prior is not None:
            kept = prior_groups(run.prior, s.name)  # None only when given formula records
            run.groups[s.name] = kept if kept is not None else []
            run.book.max_row[s.name] = int(run.prior.sheets[s.name].get("max_row", 1))
    timer("read and scan sheets")
    parse_groups(run.all_groups(), run.book)
    promote_spills(run)
    timer("parse formulas")
    run.plan = select(run)
    while more := [s.name for s in run.sheets if s.name in run.plan.sheets and s.name not in run.scans]:
        # the selected groups live on (or read) sheets not read yet: read them too (a big
        # one as the last write left it, where needed: _partial)
        more = [n for n in more if not open_partial(run, n)]
        if more:
            read_sheets(run, more, prepare_sheets, scan_sheets, _columns_of_plan)
        parse_groups(run.all_groups(), run.book)
        promote_spills(run)
        run.plan = select(run)
    timer("select changed formulas")
    convert_inputs(run, run.plan.evaluate + run.plan.cyclic)
    park_big_sheets(run)  # the evaluation does not need the big sheets' XML (brought back to write)
    timer("convert input columns")
    evaluate(run)
    fill_charts(run)
    run.book.cols.clear()  # only the results are written: let the columns go
    run.book.pending.clear()
    run.book.cache.clear()
    run.bar.update(1)
    timer("evaluate")
    write_sheets(run, deflated)
    finish(run)
    run.bar.close()
    timer("write values and deflate")


class FullRecalcNeeded(Exception):
    """Raised by an incremental run that met a range typed by a user (an array block,
    :mod:`storeops.engine.spill`): those are evaluated in a full recalculation only."""


class _OneCellFields:
    """``F[i, field]`` for the one-cell formulas of a sheet (what :meth:`Spills.promote` reads)."""

    def __init__(self, fields: dict):
        self.fields = fields

    def __getitem__(self, key):
        i, k = key
        return self.fields[i][k]


def promote_spills(run: Run) -> None:
    """One-cell formulas whose StoreOps call gets ranges become array blocks (spill.py)."""
    live = [g for g in run.all_groups() if not g.reason and g.node is not None]
    F_of = {name: _OneCellFields(d) for name, d in run.single.items()}
    run.spills.promote(run.book, live, F_of)
    if run.spills.by_group and run.prior is not None:
        raise FullRecalcNeeded


def _columns_to_scan(run: Run, names: list[str]) -> dict[str, set[int]]:
    """The columns whose value records a scan collects: what the last write's formulas read,
    else a guess from the first rows (both checked after grouping), and the charts' series."""
    if run.prior is None:
        cols = guess_inputs(run, names)
    else:
        cols = defaultdict(set)
        for entry in run.prior.groups:
            add_reads(cols, [tuple(r) for r in entry[5]])
    add_reads(cols, [(s, c1, c2, r1, r2) for s, c1, r1, c2, r2 in run.charts])
    if run.ids is not None:  # the buyer IDs the deferred check reads
        cols[run.ids.sheet].add(run.ids.col)
    return cols


def _columns_of_plan(run: Run, names: list[str]) -> dict[str, set[int]]:
    """The columns whose value records the scan of a sheet the plan needs collects: what
    the planned groups read, and the charts' series (a column a later plan reads too is
    scanned again when converting: ``_read._convert_sheet``)."""
    assert run.plan is not None
    cols: dict[str, set[int]] = defaultdict(set)
    for g in run.plan.evaluate + run.plan.cyclic:
        add_reads(cols, g.reads)
    add_reads(cols, [(s, c1, c2, r1, r2) for s, c1, r1, c2, r2 in run.charts])
    if run.ids is not None:
        cols[run.ids.sheet].add(run.ids.col)
    return cols


def evaluate(run: Run) -> None:
    """Evaluate the plan's groups in dependency order."""
    from storeops_xl import FUNCTIONS

    book, plan = run.book, run.plan
    if plan is None:
        raise RuntimeError("evaluate() before select(): the run has no plan")
    for g in plan.cyclic:
        g.reason = "circular reference"
    for g in plan.evaluate:
        rows = plan.rows(run, g)  # incremental: only as far as values change (_incremental.Pruning)
        if rows is None:
            continue
        if g in run.spills:
            run.spills.evaluate(g, book, FUNCTIONS)
            plan.evaluated(run, g, g.rows, None)
            continue
        if g.node is None:  # never planned: select() takes parsed groups only
            raise RuntimeError(f"group {g.sheet}!{g.col} planned without a parsed formula")
        partial = run.partial.get(g.sheet)
        if partial is not None:  # its cells there: the segments holding them
            partial.ensure(run, rows)
        ev = Evaluator(book, g.sheet, rows, g.base_row, FUNCTIONS, col=g.col)
        try:
            with np.errstate(all="ignore"):
                res = ev.eval(g.node)
            if isinstance(res, Rng):
                res = ev._single(res)
        except Exception as exc:  # unsupported, a bug or an unexpected input: leave it to Excel, say why
            g.reason = str(exc) if isinstance(exc, Unsupported) else f"{type(exc).__name__}: {exc}"
            load_cached(run, g)
            plan.evaluated(run, g, g.rows, None)
            continue
        values = res if is_vec(res) else _broadcast(res, len(rows))
        g.result = res if rows is g.rows else values
        book.col(g.sheet, g.col).set(rows, values)
        plan.evaluated(run, g, rows, values)
    plan.settle(run)


class _WholeColumns:
    """The book as the chart caches see it: only the columns it holds whole."""

    def __init__(self, book: Book, whole: set):
        self.cols = {k: v for k, v in book.cols.items() if k in whole}


def fill_charts(run: Run) -> None:
    """Every chart series whose cells the book holds gets their values as its cache
    (:mod:`storeops.engine.chartcache`); the others keep theirs — nothing they show was
    read, so nothing they show changed since the last write."""
    if run.charts:
        for s, c1, _r1, c2, _r2 in run.charts:  # the columns they show, converted if still waiting
            for c in range(c1, c2 + 1):
                if (s, c) in run.book.pending:
                    run.book.col(s, c)
        fill_chart_caches(run.pkg, _WholeColumns(run.book, run.converted), run.edit.replace)


def _broadcast(v, n: int) -> np.ndarray:
    if isinstance(v, float):
        return np.full(n, v)
    out = np.empty(n, dtype=object)
    out[:] = [v] * n
    return out
