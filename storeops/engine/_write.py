"""The writing stages of a recalculation: the new cached values spliced into each sheet
that changed and deflated on both cores, the per-sheet counts of the report, and the
package edits that go with them (the shared string "" and ``fullCalcOnLoad``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..xlsx import _cells
from ..xlsx._digest import DK_FORMULA, make_keys
from ..xlsx._scan import F_COL, F_ROW, SheetScan
from ..xlsx._segments import StaleMap, check_map, deflate_spliced, segment_map
from ..xlsx._splice import StreamSplice, digest_deltas, spliced
from ..xlsx._zipwrite import Deflated, data_offset, deflate
from . import editions
from ._encode import ValueSink
from ._extracts import builder, extract_unchanged
from ._parked import SheetXml, submit
from ._partial import formula_count
from ._run import Run
from ._sst import EmptyString

#: cells whose digest keys are made at once (2.4 million cells of the reference's follow-up
#: sheet at once made ~150 MB of temporaries at the end of its write)
DIGEST_CHUNK = 1 << 18


def empty_string(run: Run) -> EmptyString:
    """Where the shared string "" cached for blank results is (added to the package by
    :func:`write_sheets` only when a written result needs it)."""
    if run.empty is None:
        pkg, prior = run.pkg, run.prior
        has_formulas = any(sc is not None and formula_count(run, n, sc) for n, sc in run.scans.items())
        if prior is not None:  # sheets not read this time count as the last write saw them
            has_formulas |= any(int(e.get("formulas", 0)) for n, e in prior.sheets.items() if n not in run.scans)
        run.empty = EmptyString(pkg, pkg.shared_strings, has_formulas)
    return run.empty


def write_sheets(run: Run, deflated: bool) -> None:
    """Splice the evaluated values into every scanned sheet (the sheets at the same time,
    each deflated on both cores); count formulas per sheet."""
    plan = run.plan
    assert plan is not None
    empty = empty_string(run)
    evaluated = {id(g) for g in plan.evaluate + plan.cyclic}
    old = _old_reasons(run)
    zpool = _deflate_pool(run) if deflated else None
    with _short_switch_interval():
        _write_all(run, deflated, zpool, empty, evaluated, old)
    empty.commit(run.edit.replace)  # the shared string "" only when a blank result needs it


@contextmanager
def _short_switch_interval():
    """ISA-L deflates outside the GIL but takes it back between output blocks: with the
    default 5 ms switch interval each take-back can wait behind a Python thread (measured
    on the reference: a one-row edit's write 0.84 s → 0.65 s with 0.5 ms)."""
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(switch)


def _write_all(run: Run, deflated: bool, zpool, empty, evaluated: set[int], old: dict[int, str]) -> None:
    plan, report, prior = run.plan, run.report, run.prior
    assert plan is not None
    jobs: list = []
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
        n_f = formula_count(run, s.name, sc) if sc is not None else run.bad[s.name]
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
        if run.pool is not None and _parked(run, s.name):
            # a big sheet: its values encoded now, on the pool; its XML written after the last big one's
            sink = run.pool.submit(_sink, written, empty.ref)
            jobs.append((s, submit(run, s.name, _write_sheet, run, s, sink, empty.ref, deflated, zpool)))
        else:
            jobs.append((s, submit(run, s.name, _write_sheet, run, s, written, empty.ref, deflated, zpool)))
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


def _parked(run: Run, name: str) -> bool:
    xml = run.xml
    return isinstance(xml, SheetXml) and xml.parked(name)


def _sink(groups, empty_ref: bytes) -> ValueSink:
    """The new values of a sheet's written groups, encoded (needs no XML)."""
    sink = ValueSink(empty_ref)
    for g in groups:
        sink.add(g.cell_index, g.result)
        g.result = None  # encoded: the results go before the sheet is written
    if sink.cells:
        sink.arrays()  # computed once, here
    return sink


def _write_sheet(run: Run, s, groups, empty_ref: bytes, deflated: bool, zpool):
    """The new part of one sheet (``None``: unchanged), its digests updated (``groups``:
    the groups to write, or a job giving their :func:`_sink`)."""
    sc = run.scans[s.name]
    sink = groups.result() if hasattr(groups, "result") else _sink(groups, empty_ref)
    grew = any(t.sheet == s.name and t.name in run.report.rows_added for t in run.pkg.tables.values())
    if deflated and sc is not None and sink.cells and _streams(run, s, grew):
        return _write_streamed(run, s, sc, sink, grew, zpool)
    if sink.cells and sc is not None and s.name in run.partial:  # read where needed (_partial)
        arrays = sink.arrays()
        sp = spliced(run.xml[s.name], sc.formulas, *arrays)
        if sp is None:
            return None  # no cached value changes
        written = None
        if deflated and not grew and _values_only(run, s.name):  # only the segments with a changed cell
            written = _extracted(run, s.name, lambda build: run.partial[s.name].write(run, sp, build))
        if written is not None:
            _update_digests(run, sc, s.name, arrays)
            _release(run, s.name, sc)
            return written
        run.partial[s.name].materialize(run, sink)  # whole, to write it as a whole read does
    xml = run.xml[s.name]
    data: Deflated | bytes | None
    if deflated and sc is not None and sink.cells and _values_only(run, s.name):
        # only cached values change: deflated segment by segment, reusing the last write's
        # segments that stay the same (storeops.xlsx._segments)
        arrays = sink.arrays()
        sp = spliced(xml, sc.formulas, *arrays)
        if sp is not None:
            _update_digests(run, sc, s.name, arrays)
            data = _deflate_spliced(run, s, sp, zpool, reuse=not grew)
        else:
            data = deflate([xml], zpool) if grew else None
    else:
        pieces = None
        if sc is not None and sink.cells:
            arrays = sink.arrays()
            pieces = sink.write(xml, sc.formulas, arrays)
            if pieces is not None:
                _update_digests(run, sc, s.name, arrays)
        pieces = run.spills.write_sheet(s.name, pieces, xml, sink.encode1, run.empty)  # typed ranges' blocks
        # the workbook's edition: formulas put in for the evaluation only are taken out again
        pieces = editions.finish_sheet(run.pkg, s.name, pieces, xml, run.editions)
        if pieces is None and grew:
            pieces = [xml]
        if pieces is not None:
            data = _deflate(run, s.name, pieces, zpool) if deflated else b"".join(bytes(p) for p in pieces)
        else:
            data = None
    if data is None and deflated:  # read whole and left as it is: the extract a later run reads instead
        extract_unchanged(run, s.name, xml, zpool)
    _release(run, s.name, sc)
    return data


def _release(run: Run, name: str, sc: SheetScan | None) -> None:
    """A written sheet's XML and formula records let go."""
    run.xml[name] = b""
    if sc is not None:
        sc.formulas = sc.formulas[:0].copy()  # a view would keep the records alive


def _streams(run: Run, s, grew: bool) -> bool:
    """Whether sheet ``s`` is written from its XML in chunks (:func:`_write_streamed`): a
    parked sheet (:mod:`._parked`), unless a typed range's block or an edition's column
    needs it whole, or the last write's segments can be copied (that reads it whole)."""
    if not _parked(run, s.name) or run.spills.has_blocks(s.name) or run.editions.injected.get(s.name):
        return False
    return not _values_only(run, s.name) or grew or segment_map_of(run, s.path) is None


def _write_streamed(run: Run, s, sc: SheetScan, sink: ValueSink, grew: bool, zpool) -> Deflated | None:
    """A parked sheet written as its XML streams by (never whole): the new values spliced
    into each chunk, the edition's summary cells taken out, deflated in segments — the
    member the whole-XML write gives.  ``None`` when it would leave the sheet as it is."""
    arrays = sink.arrays()
    assert isinstance(run.xml, SheetXml)
    stream = StreamSplice(run.xml.chunks(s.name), sc.formulas, *arrays)
    data = _deflate(run, s.name, editions.finish_sheet(run.pkg, s.name, stream, b"", run.editions), zpool)
    if stream.changed:
        _update_digests(run, sc, s.name, arrays, stream.deltas)
    _release(run, s.name, sc)
    ed = run.editions
    return data if stream.changed or grew or s.name in ed.injected or s.name in ed.stamped else None


def _values_only(run: Run, sheet: str) -> bool:
    """Whether writing the sheet changes only its formulas' cached values (no typed
    range's block to fill, no formula of the edition to take out)."""
    ed = run.editions
    return not run.spills.has_blocks(sheet) and sheet not in ed.injected and sheet not in ed.stamped


def _deflate_spliced(run: Run, s, sp, zpool, reuse: bool) -> Deflated:
    """The sheet deflated in segments; when its member is byte for byte what the last
    StoreOps write stored (and the state kept its segment map), the segments without a
    changed cell are copied from the file as they are."""
    old = segment_map_of(run, s.path) if reuse else None
    if old is None:
        return _extracted(run, s.name, lambda build: deflate_spliced(sp, zpool, inspect=build))
    info = next(i for i in run.pkg.infos if i.filename == s.path)
    with run.pkg.source() as fh:
        base = data_offset(fh, info)

        def read_old(coff: int, clen: int) -> bytes:
            fh.seek(base + coff)
            return fh.read(clen)

        try:
            return _extracted(run, s.name, lambda build: deflate_spliced(sp, zpool, old, read_old, inspect=build))
        except StaleMap:  # not what the map says: the whole sheet, cut anew
            return _extracted(run, s.name, lambda build: deflate_spliced(sp, zpool, inspect=build))


def _deflate(run: Run, name: str, pieces, zpool) -> Deflated:
    """A sheet's new XML deflated in segments (and extracted, :mod:`._extracts`)."""
    return _extracted(run, name, lambda build: deflate(pieces, zpool, inspect=build))


def _extracted(run: Run, name: str, write: Callable[[Any], Any]) -> Any:
    """``write(build)``: a sheet deflated with its extract's builder (``None``: not extracted);
    when it gives ``None`` (not written that way), no extract is kept."""
    build = builder(run, name)
    try:
        data = write(build)
    except BaseException:
        if build is not None:
            build.abandon()
        raise
    if build is not None:
        if data is None:
            build.abandon()
        else:
            build.finish(data)
    return data


def segment_map_of(run: Run, path: str) -> list | None:
    """The segment map of a member that is byte for byte as the last StoreOps write left
    it (its digest matches the state's, it is not replaced in this run), checked against
    the member's sizes; else ``None``."""
    prior, verdict = run.prior, run.verdict
    if prior is None or verdict is None or verdict.full or path in verdict.members or path in run.edit.replace:
        return None
    m = prior.segments.get(path)
    info = next((i for i in run.pkg.infos if i.filename == path), None)
    if not m or info is None or path not in prior.members:  # compare() checked the members it lists
        return None
    try:
        check_map(m, info.file_size, info.compress_size)
    except StaleMap:
        return None
    return m


def segment_maps(run: Run, stored, members: dict[str, list[int]]) -> dict[str, list[list[int]]]:
    """The segment map of every value part written in segments: those deflated now, and
    those copied as they were when the map of the state the file held (``stored``) still
    fits (the same digest of the stored bytes)."""
    out = {}
    for name, digest in members.items():
        data = run.edit.replace.get(name)
        if isinstance(data, Deflated):
            if data.segments and data.size:
                out[name] = segment_map(data)
        elif data is None and stored is not None and name in stored.segments and stored.members.get(name) == digest:
            out[name] = stored.segments[name]
    return out


def _deflate_pool(run: Run):
    """Threads of their own for deflating (the run's pool writes the sheets)."""
    if run.pool is None:
        return None
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=run.pool._max_workers)


def _update_digests(run: Run, sc: SheetScan, name: str, arrays: tuple, deltas: np.ndarray | None = None) -> None:
    """The sheet's formula digests after its cells (of scan ``sc``) get these values
    (``deltas``: how each cell's digest changes, when already known)."""
    dig = run.digests[name]
    F = sc.formulas
    cells = arrays[0]
    if deltas is None:
        deltas = digest_deltas(run.xml[name], F, *arrays)
    for i in range(0, len(cells), DIGEST_CHUNK):  # a few blocks' keys at a time: small temporaries
        part = cells[i : i + DIGEST_CHUNK]
        keys = make_keys(DK_FORMULA, F[part, F_COL], F[part, F_ROW].astype(np.int64) >> dig.shift)
        dig = dig.add(keys, deltas[i : i + DIGEST_CHUNK])
    run.digests[name] = dig


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
