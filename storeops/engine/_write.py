"""The writing stages of a recalculation: the new cached values spliced into each sheet
that changed and deflated on both cores, the per-sheet counts of the report, and the
package edits that go with them (the shared string "" and ``fullCalcOnLoad``)."""

from __future__ import annotations

import numpy as np

from ..xlsx import _cells
from ..xlsx._digest import DK_FORMULA, make_keys
from ..xlsx._scan import F_COL, F_ROW, SheetScan
from ..xlsx._splice import digest_deltas
from ..xlsx._zipwrite import Deflated, deflate
from . import editions
from ._encode import ValueSink
from ._run import Run
from ._sst import EmptyString


def empty_string(run: Run) -> EmptyString:
    """Where the shared string "" cached for blank results is (added to the package by
    :func:`write_sheets` only when a written result needs it)."""
    if run.empty is None:
        pkg, prior = run.pkg, run.prior
        has_formulas = any(sc is not None and len(sc.formulas) for sc in run.scans.values())
        if prior is not None:  # sheets not read this time count as the last write saw them
            has_formulas |= any(int(e.get("formulas", 0)) for n, e in prior.sheets.items() if n not in run.scans)
        run.empty = EmptyString(pkg, pkg.shared_strings, has_formulas)
    return run.empty


def write_sheets(run: Run, deflated: bool) -> None:
    """Splice the evaluated values into every scanned sheet (the sheets at the same time,
    each deflated on both cores); count formulas per sheet."""
    plan, report, prior = run.plan, run.report, run.prior
    assert plan is not None
    empty = empty_string(run)
    evaluated = {id(g) for g in plan.evaluate + plan.cyclic}
    old = _old_reasons(run)
    zpool = _deflate_pool(run) if deflated else None
    jobs = []
    for s in run.sheets:
        if s.name not in run.scans:  # not read at all: unchanged since the last write
            assert prior is not None
            entry = prior.sheets[s.name]
            stats = {"formulas": entry["formulas"], "evaluated": 0, "left_to_excel": entry["bad"], "kept": 0}
            for g in run.groups.get(s.name, []):
                _count(stats, g, g.reason, report)
            _add_stats(report, s.name, stats)
            report.unchanged_sheets.append(s.name)
            continue
        sc = run.scans[s.name]
        n_f = len(sc.formulas) if sc is not None else run.bad[s.name]
        stats = {"formulas": n_f, "evaluated": 0, "left_to_excel": run.bad[s.name], "kept": 0}
        written = []
        for g in run.groups.get(s.name, []):
            if g in run.spills:
                run.spills.check_room(g, run.xml[s.name])  # cells in its way: left to Excel (#SPILL!)
            if id(g) in evaluated or g.node is None or g.reason:
                if g.result is None and g.reason:
                    _count(stats, g, g.reason, report)
                    continue
                n = plan.count(g)  # an incremental run may evaluate some of its rows
                stats["evaluated"] += n
                stats["kept"] += len(g.rows) - n
                if plan.writes(g):
                    written.append(plan.output(g))
                    empty.note(g.result)
            else:
                _count(stats, g, old.get(id(g), ""), report)
        _add_stats(report, s.name, stats)
        job = (_write_sheet, run, s, written, empty.ref, deflated, zpool)
        jobs.append((s, run.pool.submit(*job) if run.pool is not None else _write_sheet(*job[1:])))
    try:
        for s, job in jobs:
            data = job.result() if hasattr(job, "result") else job
            if data is not None:
                run.edit.set(s.path, data)
            else:
                report.unchanged_sheets.append(s.name)
            run.bar.update(1)
    finally:
        if zpool is not None:
            zpool.shutdown()
    empty.commit(run.edit.replace)  # the shared string "" only when a blank result needs it


def _write_sheet(run: Run, s, groups, empty_ref: bytes, deflated: bool, zpool):
    """The new part of one sheet (``None``: unchanged), its digests updated."""
    sc = run.scans[s.name]
    xml = run.xml[s.name]
    sink = ValueSink(empty_ref)
    for g in groups:
        sink.add(g.cell_index, g.result)
    pieces = None
    if sc is not None and sink.cells:
        arrays = sink.arrays()
        pieces = sink.write(xml, sc.formulas, arrays)
        if pieces is not None:
            _update_digests(run, sc, s.name, arrays)
    pieces = run.spills.write_sheet(s.name, pieces, xml, sink.encode1, run.empty)  # typed ranges' blocks
    # the workbook's edition: formulas put in for the evaluation only are taken out again
    pieces = editions.finish_sheet(run.pkg, s.name, pieces, xml, run.editions)
    grew = any(t.sheet == s.name and t.name in run.report.rows_added for t in run.pkg.tables.values())
    data: Deflated | bytes | None
    if pieces is not None:
        data = deflate(pieces, zpool) if deflated else b"".join(bytes(p) for p in pieces)
    else:
        data = xml if grew else None
    run.xml[s.name] = b""
    if sc is not None:
        sc.formulas = sc.formulas[:0]
    return data


def _deflate_pool(run: Run):
    """Threads of their own for deflating (the run's pool writes the sheets)."""
    if run.pool is None:
        return None
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=run.pool._max_workers)


def _update_digests(run: Run, sc: SheetScan, name: str, arrays: tuple) -> None:
    """The sheet's formula digests after its cells (of scan ``sc``) get these values."""
    dig = run.digests[name]
    F = sc.formulas
    cells = arrays[0]
    deltas = digest_deltas(run.xml[name], F, *arrays)
    keys = make_keys(DK_FORMULA, F[cells, F_COL], F[cells, F_ROW].astype(np.int64) >> dig.shift)
    run.digests[name] = dig.add(keys, deltas)


def _old_reasons(run: Run) -> dict[int, str]:
    """id(group) → why the last write left it to Excel, for groups not evaluated now."""
    if run.prior is None:
        return {}
    from ._incremental import group_key

    by_key = {(s, c, b, t, tuple(rle)): reason for s, c, b, t, rle, _r, reason in run.prior.groups}
    return {id(g): by_key.get(group_key(g), "") for g in run.all_groups()}


def _count(stats: dict, g, reason: str, report) -> None:
    if reason:
        stats["left_to_excel"] += len(g.rows)
        if len(report.left_examples) < 10:
            report.left_examples.append(f"{g.sheet}!{_cells.col_letters(g.col)}{g.base_row}: {reason}")
    else:
        stats["kept"] += len(g.rows)


def _add_stats(report, name: str, stats: dict) -> None:
    report.per_sheet[name] = stats
    report.formulas += stats["formulas"]
    report.evaluated += stats["evaluated"]
    report.left_to_excel += stats["left_to_excel"]
    report.kept += stats["kept"]


def finish(run: Run) -> None:
    """Ask Excel to recalculate on open only when something is left to it; the current
    calcId and the workbook's VBA code name (:func:`storeops.engine.editions.finish_workbook`)."""
    edit, wb = run.edit, run.pkg.workbook_path
    edit.set_full_calc_on_load(run.report.left_to_excel > 0)
    edit.set_if_changed(wb, editions.finish_workbook(run.pkg, edit.read(wb)))
