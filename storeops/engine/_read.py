"""The reading stages of a recalculation: sheet XML (inflated on other cores while
this one imports and scans), one scan per sheet with its digests, the formula groups
and their parsed templates, and the input columns the evaluated groups read."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..xlsx import _cells
from ..xlsx._digest import Digests, block_shift
from ..xlsx._gather import gather_values
from ..xlsx._scan import (
    F_COL,
    F_FKIND,
    F_FTS,
    GROUP_FIELDS,
    MAX_COL,
    NARROW_FIELDS,
    V_COL,
    V_HASF,
    V_ROW,
    WRITE_FIELDS,
    ScanError,
    SheetScan,
    scan_sheet,
    split_kernel,
    sst_hashes,
    start_scan,
)
from . import editions
from ._eval import Group, walk_reads
from ._extend import extend_tables
from ._formula import FormulaError, Node, parse
from ._groups import make_groups, same_groups
from ._parked import SheetXml, parks, submit
from ._run import Run, as_written, sheet_xml
from ._values import Unsupported

#: the first rows of every sheet (this many bytes) tell which columns the formulas read
GUESS_BYTES = 1 << 18
#: value records converted at once (more are converted a few columns at a time)
CONVERT_CHUNK = 4_000_000


# --------------------------------------------------------------------------- sheet XML
def sst_hash_table(run: Run) -> np.ndarray:
    """Content hashes of the shared strings (computed once: :func:`start_sst_hashes`)."""
    if run.sst_h is None:
        job = run.sst_job
        run.sst_h = job.result() if job is not None else _sst_hashes(run)
    return run.sst_h


def start_sst_hashes(run: Run) -> None:
    """Hash the shared strings on the pool while the sheets are read (the kernel releases the GIL)."""
    if run.pool is not None and run.sst_h is None and run.sst_job is None:
        run.sst_job = run.pool.submit(_sst_hashes, run, len(run.pkg.shared_strings))  # parsed here, once


def _sst_hashes(run: Run, count: int | None = None) -> np.ndarray:
    pkg = run.pkg
    if not pkg.sst_path:
        return np.zeros(0, np.uint64)
    return sst_hashes(run.edit.read(pkg.sst_path), len(pkg.shared_strings) if count is None else count)


_DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')


def digest_shift(xml: bytes) -> int:
    """Rows per digest block (log2) for a sheet, from its ``<dimension>`` (else its size):
    a function of the sheet alone, so every recalculation of the same sheet agrees."""
    m = _DIMENSION.search(xml, 0, 4096)
    rows = int(m.group(1)) if m else len(xml) // 100
    return block_shift(rows)


# --------------------------------------------------------------------------- scan and group
def prepare_sheets(run: Run, names: list[str]) -> None:
    """Read these sheets, prepare them for the workbook's edition (as-of date stamped,
    Python-only cells given their formula: :mod:`storeops.engine.editions`) and take
    rows typed below a table into it."""
    for name in names:
        raw = sheet_xml(run, name)
        xml = editions.prepare_sheet(run.pkg, name, raw, run.editions)
        if run.pkg.tables:
            xml = extend_tables(run.edit, name, xml, run.report.rows_added)
        run.xml[name] = xml
        if xml is raw:  # the cells as read: a rewrite changes their values only (_trusted)
            run.as_read.add(name)


def scan_sheets(run: Run, names: list[str], cols: dict[str, set[int]]) -> None:
    """Scan each sheet once (value records of ``cols``) and group its formulas — the
    sheets at the same time on the pool's threads, big ones in two halves (written into one
    allocation and joined in place: no more memory than one piece)."""
    sst_h = sst_hash_table(run)
    # a full run recomputes (nearly) every formula: their cached values are not collected
    # (those of formulas left to Excel are read when converting: _convert_sheet)
    fvals = not parks(run)
    pending = {}
    narrow = {n for n in names if _narrow(run, n)}
    for name in names:
        xml = run.xml[name]
        shift = run.shift[name] = digest_shift(xml)
        virtual = editions.virtual_columns(run.editions, name)
        pending[name] = start_scan(
            xml,
            sorted(cols.get(name, ())),
            sst_hashes=sst_h,
            shift=-1 if name in narrow else shift,  # as written: the state's digests are the sheet's
            pool=run.pool,
            virtual=virtual,
            formula_values=fvals,
            fields=NARROW_FIELDS if name in narrow else GROUP_FIELDS,
        )
    grouping = {}
    for name in names:
        try:
            sc = pending[name].result()
            if not editions.virtual_complete(run.editions, name, sc.formulas):  # formulas put in after all
                run.xml[name] = editions.inject_columns(run.pkg, name, run.xml[name], run.editions)
                run.as_read.discard(name)
                del sc
                sc = start_scan(
                    run.xml[name],
                    sorted(cols.get(name, ())),
                    sst_hashes=sst_h,
                    shift=run.shift[name],
                    pool=run.pool,
                    formula_values=fvals,
                    fields=GROUP_FIELDS,
                ).result()
        except ScanError as exc:
            if run.ids is not None and name == run.ids.sheet:
                _check_ids(run, name, None)
            run.scans[name] = None
            run.groups[name] = []
            run.bad[name] = run.xml[name].count(b"<f")
            run.report.left_examples.append(f"{name}: {exc}")
            continue
        if run.ids is not None and name == run.ids.sheet:
            _check_ids(run, name, sc)
        run.scans[name] = sc
        run.digests[name] = sc.digests if name not in narrow else _recorded_digests(run, name)
        run.book.max_row[name] = max(sc.max_row, 1)
        groups = None
        if run.prior is not None:
            from ._incremental import changed_keys, prior_groups

            run.changed[name] = changed_keys(run, name)
            entry = run.prior.sheets.get(name)
            if entry is not None and len(sc.formulas) == entry["formulas"] and not entry["bad"]:
                groups = prior_groups(run.prior, name, sc.formulas)  # the last write's groups, if they still hold
                if groups is not None and (
                    as_written(run, name)
                    or same_groups(run.xml[name], sc.formulas, groups, _unchanged_cells(run, name, sc.formulas))
                ):  # a sheet as the last write left it holds the groups it had then (issue 14)
                    run.groups[name] = groups
                    run.bad[name] = 0
                else:
                    groups = None
        if groups is None:
            if sc.formulas.shape[1] < GROUP_FIELDS:  # grouped afresh after all: the fields grouping needs
                sc.formulas = scan_sheet(
                    run.xml[name], [], virtual=editions.virtual_columns(run.editions, name), fields=GROUP_FIELDS
                ).formulas
            virtual = run.editions.virtual.get(name)
            grouping[name] = (sc, _submit(run.pool, make_groups, name, run.xml[name], sc.formulas, virtual))
    for name, (sc, job) in grouping.items():
        groups, bad = job.result() if hasattr(job, "result") else job
        arrays, bad = run.spills.array_groups(name, run.xml[name], sc.formulas, bad)
        run.groups[name] = groups + arrays
        run.bad[name] = len(bad)
    big = getattr(run.xml, "big", ())  # trimmed once parked (_parked.read_sheets): the XML gone first
    trim_formulas(run, [n for n in names if n not in big])
    run.bar.update(len(names))


def _narrow(run: Run, name: str) -> bool:
    """Whether a sheet is scanned narrow (:data:`~storeops.xlsx._scan.NARROW_FIELDS`, no
    digests): it is as the last write left it, which recorded its formula groups (they need
    no other field) and its digests (the shared strings are as they were too: else no sheet
    is as written)."""
    entry = run.prior.sheets.get(name) if run.prior is not None else None
    return entry is not None and not entry["bad"] and as_written(run, name)


def _unchanged_cells(run: Run, name: str, F: np.ndarray) -> np.ndarray | None:
    """Per formula record of a changed sheet: whether its cell lies in a stretch byte for byte
    as the last write left it (its segments, :func:`storeops.xlsx._segments.unchanged_spans`:
    an import or a merge rewrites a few rows, and the rest of the sheet needs no check)."""
    from ..xlsx._segments import unchanged_spans

    m = run.prior.segments.get(run.pkg.sheet(name).path) if run.prior is not None else None
    if not m:
        return None
    spans = unchanged_spans(run.xml[name], m)
    if not spans:
        return None
    at = F[:, F_FTS]
    known = np.zeros(len(F), np.bool_)
    for lo, hi in spans:
        known |= (at >= lo) & (at < hi)
    return known


def _recorded_digests(run: Run, name: str) -> Digests:
    """The digests the last write recorded for a sheet (and its block shift for this run)."""
    from ._incremental import recorded_digests

    assert run.prior is not None
    dig = recorded_digests(run.prior.sheets[name])
    run.shift[name] = dig.shift
    return dig


def trim_formulas(run: Run, names: list[str]) -> None:
    """Grouped: writing needs only the first fields of the formula records.  A full run
    lets the rest go (for a big sheet once its XML is parked, so the copy never sits beside
    it); an incremental run keeps its records as scanned (:data:`GROUP_FIELDS` or
    :data:`NARROW_FIELDS`): the XML stays, and a copy beside it would be the run's peak."""
    for name in names:
        scan = run.scans.get(name)
        if scan is not None:  # what Spills.promote reads of one-cell formulas
            F = scan.formulas
            run.single[name] = {
                int(g.cell_index[0]): {F_FKIND: int(F[int(g.cell_index[0]), F_FKIND]), F_COL: int(g.col)}
                for g in run.groups.get(name, [])
                if len(g.rows) == 1 and len(g.cell_index) == 1
            }
        if scan is not None and scan.formulas.shape[1] > NARROW_FIELDS and parks(run):
            scan.formulas = np.ascontiguousarray(scan.formulas[:, :WRITE_FIELDS])


def _check_ids(run: Run, name: str, sc: SheetScan | None) -> None:
    """The buyer-ID check the upkeep left to this scan (:func:`storeops.maintain.ids_complete`):
    :class:`~storeops.maintain.IdsNeeded` when an ID is missing or repeated."""
    from storeops.maintain import IdsNeeded, ids_complete

    if sc is None or not ids_complete(sc.values, run.xml[name], run.pkg.shared_strings, run.ids):
        raise IdsNeeded(name)
    run.ids = None  # checked


def _submit(pool, fn, *args):
    """``fn(*args)`` on the pool, or at once without one."""
    return pool.submit(fn, *args) if pool is not None else fn(*args)


def guess_inputs(run: Run, names: list[str]) -> dict[str, set[int]]:
    """Columns (per sheet) that the formulas in the first rows of every sheet read.

    Scanning value cells of only these columns saves work on big sheets; the real set is
    known after grouping, and a sheet whose formulas read more is scanned again."""
    guess: dict[str, set[int]] = defaultdict(set)
    for name in names:
        xml = run.xml[name]
        virtual = editions.virtual_columns(run.editions, name)
        try:
            F = scan_sheet(xml, [], limit=GUESS_BYTES, virtual=virtual, fields=GROUP_FIELDS).formulas
        except ScanError:
            continue
        groups, _ = make_groups(name, xml, F, run.editions.virtual.get(name))
        for g in groups:
            if g.reason:
                continue
            reads: list = []
            try:
                walk_reads(run.book, parse(g.text), g.sheet, int(g.rows.min()), int(g.rows.max()), g.base_row, reads)
            except (FormulaError, Unsupported, ValueError, KeyError):
                continue
            add_reads(guess, reads)
    return guess


def add_reads(cols: dict[str, set[int]], reads) -> None:
    """Add the columns of ``reads`` (sheet, c1, c2, r1, r2) to ``cols`` (wide ranges and
    whole rows too: issue 16)."""
    for s, c1, c2, _r1, _r2 in reads:
        cols[s].update(range(c1, min(c2, MAX_COL) + 1))


def parse_groups(groups: list[Group], book) -> None:
    """Parse each group's template and collect what it reads; a formula the engine cannot
    read gets its reason (and is left to Excel)."""
    nodes: dict[str, Node] = {}  # one parse per text (a shared formula's first cell and the others')
    for g in groups:
        if g.reason or g.node is not None:
            continue
        try:
            node = nodes.get(g.text)
            if node is None:
                node = nodes[g.text] = parse(g.text)
            g.node = node
            g.reads = []
            walk_reads(book, node, g.sheet, int(g.rows.min()), int(g.rows.max()), g.base_row, g.reads)
        except (FormulaError, Unsupported, ValueError, KeyError) as exc:
            g.reason = str(exc) or type(exc).__name__
            g.node = None


# --------------------------------------------------------------------------- inputs
def convert_inputs(run: Run, live: list[Group]) -> None:
    """Convert the columns the ``live`` groups read, and those of the charts' series,
    into the book (cells a live group recomputes are converted only if that group
    fails); sheets at the same time.  ``run.converted`` lists the columns the book then
    holds whole (the chart caches are filled from those only)."""
    need: dict[str, set[int]] = defaultdict(set)
    for g in live:
        add_reads(need, g.reads)
    add_reads(need, [(s, c1, c2, r1, r2) for s, c1, r1, c2, r2 in run.charts if s in run.scans])
    _ = run.sst_array(), run.pkg.date_styles  # built once, here, before the threads read them
    jobs = {}
    for s in run.sheets:
        cols = need.get(s.name)
        if s.name in run.scans and cols:
            run.converted.update((s.name, c) for c in cols)
            mine = [g for g in live if g.sheet == s.name]
            if s.name in run.partial:  # from the extract of its columns (_partial)
                jobs[s.name] = run.partial[s.name].convert(run, cols, mine)
            else:
                jobs[s.name] = submit(run, s.name, _convert_sheet, run, s.name, cols, mine)  # big sheets one by one
    for s in run.sheets:
        if s.name in jobs:
            job = jobs.pop(s.name)
            set_columns(run.book, s.name, job.result() if hasattr(job, "result") else job)
        sc = run.scans.get(s.name)
        if sc is not None:
            sc.values = sc.values[:0].copy()  # free the value records (a view would keep them)
        run.bar.update(1)


def _convert_sheet(run: Run, name: str, cols: set[int], live: list[Group]) -> dict:
    pkg, sc = run.pkg, run.scans[name]
    parked = isinstance(run.xml, SheetXml) and run.xml.parked(name)
    if sc is None or (sc.cols is not None and not cols <= sc.cols):
        parked = False  # the whole XML is read again
    xml = b"" if parked else run.xml[name]
    if sc is None:  # the scanner could not read it: the regex reader
        return _cells.read_columns(
            xml, pkg.shared_strings, pkg.date_styles, [_cells.col_letters(c) for c in sorted(cols)]
        )
    if sc.cols is not None and not cols <= sc.cols:  # a formula further down reads more columns: scan again
        sc.values = scan_sheet(xml, sorted(cols), formula_values=sc.formula_values, fields=NARROW_FIELDS).values
    if not sc.formula_values:
        sc.values = _left_formula_values(run, name, sc, cols, live)
        if parked and not (isinstance(run.xml, SheetXml) and run.xml.parked(name)):  # brought back whole for that
            parked, xml = False, run.xml[name]
    load, deferred = split_inputs(sc, cols, live)
    if run.plan is None or run.plan.pruning is not None:  # an incremental run reads cached values back
        run.deferred[name] = deferred
    del deferred  # a full run rescans a column on the rare failure instead (load_cached): ~90 MB on the reference
    sc.values = sc.values[:0].copy()  # let the value records go (a view would keep them)
    if parked:  # only the bytes of the values, gathered as the XML streams by: never whole
        assert isinstance(run.xml, SheetXml)
        xml, load = gather_values(run.xml.chunks(name), load)
    if len(load) <= CONVERT_CHUNK:
        return _cells.records_to_columns(xml, load, run.sst_array(), pkg.date_styles, objects=False)
    # a few columns at a time: the conversion's temporaries stay the size of a few columns
    order = np.argsort(load[:, V_COL], kind="stable")
    edges = np.flatnonzero(np.diff(load[order, V_COL])) + 1
    out: dict = {}
    chunk: list[np.ndarray] = []
    for part in [*np.split(order, edges), None]:
        if part is None or sum(len(p) for p in chunk) + len(part) > CONVERT_CHUNK:
            if chunk:
                rec = load[np.concatenate(chunk)]
                out.update(_cells.records_to_columns(xml, rec, run.sst_array(), pkg.date_styles, objects=False))
            chunk = []
        if part is not None and len(part):
            chunk.append(part)
    return out


def _left_formula_values(run: Run, name: str, sc: SheetScan, cols: set[int], live: list[Group]) -> np.ndarray:
    """The scan's value records with the cached values of the formula cells in ``cols``
    that no live group recomputes (left to Excel, say), which a scan without formula
    values did not collect: from a scan of their columns (the sheet's XML whole again;
    nothing to do in the common case, every formula live)."""
    F = sc.formulas
    colmask, live_f = _masks(F, cols, live)
    left = ~live_f[: len(F)] & colmask[F[:, F_COL]]
    if not left.any():
        return sc.values
    more = scan_sheet(run.xml[name], sorted(set(F[left, F_COL].tolist())), fields=NARROW_FIELDS).values
    hasf = more[:, V_HASF]
    more = more[(hasf > 0) & ~live_f[np.maximum(hasf - 1, 0)]]
    V = np.concatenate([sc.values, more])
    return V[np.lexsort((V[:, V_COL], V[:, V_ROW]))]  # document order


def split_inputs(sc: SheetScan, cols: set[int], live: list[Group]) -> tuple[np.ndarray, np.ndarray]:
    """Value records of the needed columns: (to convert now, formula cells a live group
    recomputes — converted only if that group fails)."""
    return split_kernel(sc.values, *_masks(sc.formulas, cols, live))


def _masks(F: np.ndarray, cols: set[int], live: list[Group]) -> tuple[np.ndarray, np.ndarray]:
    """(column number → whether needed, formula record → whether a live group recomputes it;
    one entry more than records)."""
    colmask = np.zeros(MAX_COL + 1, np.bool_)
    colmask[[c for c in cols if 1 <= c <= MAX_COL]] = True
    live_f = np.zeros(len(F) + 1, np.bool_)
    for g in live:
        live_f[g.cell_index] = True
    return colmask, live_f


def set_columns(book, sheet: str, data: dict) -> None:
    for cc in data.values():
        if len(cc.rows):
            book.max_row[sheet] = max(book.max_row[sheet], int(cc.rows.max()))
    for letters, cc in data.items():
        col = book.col(sheet, _cells.col_index(letters))
        col.ensure(book.max_row[sheet] + 2)
        col.set_raw(cc.rows, cc.values, cc.nums, cc.numeric, cc.sparse)


def load_cached(run: Run, g: Group) -> None:
    """A group failed: its cells keep their cached values, which later groups may read."""
    V = run.deferred.get(g.sheet)
    if V is None and g.sheet in run.scans and run.scans[g.sheet] is not None:  # not kept: its column scanned again
        V = scan_sheet(run.xml[g.sheet], [g.col], fields=NARROW_FIELDS).values
    if V is None or not len(V):
        return
    mine = (V[:, V_COL] == g.col) & np.isin(V[:, V_ROW], g.rows)
    if mine.any():
        data = _cells.records_to_columns(run.xml[g.sheet], V[mine], run.sst_array(), run.pkg.date_styles, objects=False)
        set_columns(run.book, g.sheet, data)
