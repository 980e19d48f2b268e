"""``recalc``: evaluate the formulas of a StoreOps workbook headlessly and store the
cached values in place (SPEC §8), only as much as changed since the last write (§9).

The stages (``storeops recalc --timings`` prints their seconds; ``docs/engine.md``
tells the whole story):

1. **open** — validate the package (:func:`storeops.xlsx.open_package`) and compare it
   with the state the last write left in it (:mod:`._state`).  Nothing changed: done,
   before anything heavy is imported.
2. **extend tables** — rows typed below a table become table rows (:mod:`._extend`).
3. **scan** — one compiled pass per changed sheet: every cell, formula and value, and
   the cell digests (:mod:`storeops.xlsx._scan`), inflated and scanned on both cores.
4. **group** — the formulas of a column that are one expression relative to their row
   (:mod:`._groups`); each template is parsed once.
5. **select** — which groups changed, with everything that reads them, and what those
   read (:mod:`._incremental`); all of them without a state.
6. **convert inputs** — only the columns the selected groups read (:mod:`._read`).
7. **evaluate** — in dependency order, whole columns at a time (:mod:`._eval`).
8. **encode, splice and write** — new ``t=``/``<v>`` bytes in place, deflated on both
   cores (:mod:`._write`), the state of this write, one atomic replace.

This module imports only light modules at load time; the stages import numpy, pandas
and numba when they run.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from ..xlsx._zipwrite import write_zip  # light (stdlib and ISA-L)

__all__ = ["RecalcReport", "recalc", "evaluate_package"]


@dataclass
class RecalcReport:
    """What ``recalc`` did."""

    path: str
    formulas: int = 0
    evaluated: int = 0
    left_to_excel: int = 0
    per_sheet: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    rows_added: dict[str, int] = field(default_factory=dict)
    left_examples: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
    cpu: dict[str, float] = field(default_factory=dict)  # processor seconds per stage (all threads)
    unchanged_sheets: list[str] = field(default_factory=list)  # every cached value was already right
    kept: int = 0  # formulas not evaluated: nothing they depend on changed since the last write
    mode: str = "full"  # full | incremental | unchanged

    def summary(self) -> str:
        """One bilingual line, Chinese first."""
        if self.mode == "unchanged":
            zh = f"没有变化：{self.formulas} 个公式都已是最新"
            en = f"nothing changed: all {self.formulas} formulas are up to date"
        else:
            zh = f"已重算 {self.evaluated}/{self.formulas} 个公式"
            en = f"recalculated {self.evaluated}/{self.formulas} formulas"
            if self.kept:
                zh += f"，{self.kept} 个未受影响"
                en += f", {self.kept} unaffected"
        added = sum(self.rows_added.values())
        if added:
            zh += f"，表格新增 {added} 行"
            en += f", {added} new table rows filled"
        if self.left_to_excel:
            zh += f"，{self.left_to_excel} 个公式留给 Excel"
            en += f", {self.left_to_excel} formulas left to Excel"
        return f"{zh}（{self.seconds:.2f} 秒） / {en} ({self.seconds:.2f} s)"

    def __str__(self) -> str:
        return self.summary()


def recalc(
    path: str | os.PathLike[str],
    *,
    today: _dt.date | None = None,
    progress: bool = True,
    full: bool = False,
    keep_state: bool = True,
    overlay: dict[str, bytes] | None = None,
) -> RecalcReport:
    """Recalculate a StoreOps workbook headlessly and save cached values in place.

    Only what changed since the last ``recalc`` is evaluated (the workbook carries the
    state of that write); a workbook with nothing changed is left as it is.

    Parameters
    ----------
    path : str or PathLike
        The ``.xlsm``/``.xlsx`` file.  It is replaced atomically; a locked (open) or
        hostile file raises :class:`storeops.errors.StoreOpsError` and stays untouched.
    today : date, optional
        The date ``TODAY()`` returns (default: the real today).
    progress : bool
        Show a progress bar on a terminal.
    full : bool
        Evaluate every formula, whatever the state says.
    keep_state : bool
        Store the state of this write in the workbook (StoreOps workbooks only) so the
        next recalculation evaluates only what changed.  The builder does not: the
        committed template then does not change with every edit of the engine's code.
    overlay : dict of member → bytes, optional
        Parts to substitute before evaluating (the new table rows of an import or a merge):
        the change and the recalculated values are written in one atomic replace, and a
        failed recalculation leaves the file as it was.  They count as changed parts.

    Returns
    -------
    RecalcReport
        Formulas seen, evaluated, unaffected, left to Excel (per sheet), seconds, rows
        added to tables.

    Examples
    --------
    >>> from storeops.engine import recalc
    >>> print(recalc("StoreOps.xlsm", progress=False))      # doctest: +SKIP
    已重算 1520/1520 个公式（0.41 秒） / recalculated 1520/1520 formulas (0.41 s)
    """
    args = (path, today, progress, full, keep_state, overlay)
    try:  # an edited Follow-up sheet's buyer IDs are checked by the scan (storeops.maintain.ids_complete)
        return _recalc(*args, defer_ids=True)
    except Exception as exc:
        maintain = sys.modules.get("storeops.maintain")  # loaded whenever it can raise IdsNeeded
        if maintain is None or not isinstance(exc, maintain.IdsNeeded):
            raise
    # an ID is missing or repeated: nothing was written; the upkeep's whole pass, then evaluate
    return _recalc(*args, defer_ids=False)


def _recalc(path, today, progress, full, keep_state, overlay, *, defer_ids: bool) -> RecalcReport:
    from ..xlsx._atomic import atomic_replace, check_not_locked
    from ..xlsx._package import open_package
    from ..xlsx._session import workbook_session
    from ._run import Timer
    from ._state import Clock, compare, keep_moment, keeps_state, read_state, validate_copied

    t0 = time.perf_counter()
    path = os.fspath(path)
    check_not_locked(path)
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    timer = Timer(stages, cpu)
    with workbook_session(path), open_package(path) as pkg:  # session: lock + stamp (issue 15)
        if overlay:  # hook (issue 15): one write per command
            pkg = pkg.overlaid(overlay)
        stored = read_state(pkg)
        prior = None if full else stored
        clock = keep_moment(Clock.of(today), prior)  # cfg_now: a moment younger than 10 minutes stays
        if stored is not None:  # members StoreOps wrote in segments inflate on both cores (checked there)
            pkg._cache["segment maps"] = stored.segments
        verdict = compare(pkg, prior, clock, overlay=set(overlay or ()))
        timer("open package")
        if verdict.unchanged:
            report = _unchanged(path, pkg, prior)
            report.stages, report.cpu = stages, cpu
            report.seconds = time.perf_counter() - t0
            return report
        if not verdict.full and _changed_bytes(pkg, verdict) > HOLD_BYTES:  # a full run reads them one at a time
            prior, verdict = None, compare(pkg, None, clock)
        # hook (issue 10): buyer IDs, rows typed below Follow-up, roster rows — in memory, before
        # evaluating; the parts it changes count as changed like an overlay (a file left as the
        # last write left it has nothing to maintain, so the fast path above never needs it,
        # and a step whose sheets did not change since that write is skipped)
        from storeops.maintain import maintain_inputs

        upkeep = RecalcReport(path)
        follow = pkg.tables.get("tblFollow")  # the buyer-ID check waits for the scan when its rows are as written
        same_rows = prior is not None and follow is not None and prior.tables.get("tblFollow", [0, 0])[1] == follow.ref
        changed = None if verdict.full else set(verdict.members)
        if changed:  # the changed sheets are read first: inflated while the upkeep's modules import
            pkg.prefetch([s.path for s in pkg.sheets if s.path in changed])
        view = maintain_inputs(pkg, upkeep, changed=changed, defer_ids=defer_ids and same_rows)
        ids = view.deferred_ids
        if view.parts:
            overlay = {**(overlay or {}), **view.parts}
            pkg = pkg.overlaid(dict(view.parts))
            verdict = compare(pkg, prior, clock, overlay=set(overlay))
        kept = view.take_kept()  # sheets the upkeep inflated and left as they were: not inflated again
        kept.update((n, data) for n, data in view.take_prefetched().items() if n not in view.parts)
        del view
        timer("maintain inputs")
        _big_blocks_to_the_system()
        with _threads() as pool:
            run = _start(
                pkg, clock, progress, None, prior if not verdict.full else None, verdict, pool, timer, overlay, kept
            )
            run.ids = ids
            run.extracts, run.stored = keep_state and keeps_state(pkg), stored
            del kept
            timer("load the engine")
            from ._pipeline import FullRecalcNeeded, run_stages

            try:
                run_stages(run, deflated=True)
            except FullRecalcNeeded:  # a range typed by a user: everything, as without a state
                prior, verdict = None, compare(pkg, None, clock)
                run = _start(pkg, clock, progress, None, None, verdict, pool, timer, overlay)
                run.ids = ids
                run.extracts, run.stored = keep_state and keeps_state(pkg), stored
                run_stages(run, deflated=True)
            write_state = _StateWriter(run, stored) if keep_state and keeps_state(pkg) else None
            timer.restart()
            # parts only copied are checked too: a damaged file is never rewritten (issue 15);
            # a part byte for byte as the last StoreOps write left it was checked then
            validate_copied(pkg, prior if not verdict.full else None, verdict)
            infos = pkg.infos
            replace = run.edit.replace

            def write(fh):
                late = write_state.late if write_state is not None else ()
                write_zip(fh, pkg, infos, replace, late=late, last=write_state)  # raw copies from the file read

            atomic_replace(path, write)
            from ._trusted import remember_written

            remember_written(run)  # its big rewritten sheets need no well-formedness check next time
            timer("write file")
    report = run.report
    for name, n in upkeep.rows_added.items():  # rows the upkeep adopted into a table
        report.rows_added[name] = report.rows_added.get(name, 0) + n
    report.stages, report.cpu = stages, cpu
    report.seconds = time.perf_counter() - t0
    return report


def evaluate_package(
    pkg,
    *,
    today: _dt.date | None = None,
    progress: bool = False,
    report: RecalcReport | None = None,
    deflated: bool = False,
    overlay: dict[str, bytes] | None = None,
) -> tuple[dict[str, Any], RecalcReport]:
    """Evaluate every formula of an open package in memory; returns the replaced members
    and the report (no file is written, no state is kept).

    With ``deflated`` the rewritten sheets are :class:`storeops.xlsx._zipwrite.Deflated`
    (compressed as soon as they are rebuilt, for :func:`~storeops.xlsx._zipwrite.write_zip`)
    instead of bytes, so a big sheet is never held uncompressed twice.

    ``overlay`` (member → bytes) is evaluated as if it replaced those members (an import's
    or a merge's new table rows), and is part of the returned members.
    """
    from ._pipeline import run_stages
    from ._run import Timer
    from ._state import Clock

    t0 = time.perf_counter()
    if overlay:  # hook (issue 15)
        pkg = pkg.overlaid(overlay)
    report = report or RecalcReport(pkg.path)
    run = _start(pkg, Clock.of(today), progress, report, None, None, None, Timer(report.stages, report.cpu), overlay)
    run_stages(run, deflated=deflated)
    run.report.seconds = time.perf_counter() - t0
    return run.edit.replace, run.report


# --------------------------------------------------------------------------- helpers
#: an incremental run holds the XML of its changed sheets whole from reading to writing; when
#: they hold more than this, the run is a full one, which reads big sheets one at a time
#: (:mod:`._parked`) — an editor that rewrote every part (Excel, WPS, LibreOffice: the shared
#: strings too) changed every sheet anyway.  The reference saved by LibreOffice: 2.7 GiB at the peak
#: incrementally, 2.0 GiB in full, ~15 % more time.
HOLD_BYTES = 768 << 20


def _changed_bytes(pkg, verdict) -> int:
    """The XML size of the sheets ``verdict`` marks changed."""
    from ._parked import sheet_size

    return sum(sheet_size(pkg, s.name) for s in pkg.sheets if s.name in verdict.dirty)


def _start(pkg, clock, progress, report, prior, verdict, pool, timer, overlay=None, kept=None):
    """A :class:`~storeops.engine._run.Run` for the package: the sheets it reads first
    start inflating on the pool before the heavy modules are imported (those in ``kept``,
    member → bytes as the file holds them, are not inflated again)."""
    from ..xlsx._edit import PackageEdit
    from ._run import Run, first_sheets, progress_bar, start_inflating

    report = report or RecalcReport(pkg.path)
    bar = progress_bar(progress, len(pkg.sheets) * 3 + 1)
    run = Run(pkg, PackageEdit(pkg, overlay), report, clock, None, timer, bar, pool, prior, verdict)
    run.kept = kept if kept is not None else {}
    from .editions import EditionState

    run.editions = EditionState(clock.day(), clock.now_dt if clock.real else None)  # cfg_now (issue 11)
    from .editions import vba_code_names
    from .spill import Spills

    run.spills = Spills(native=vba_code_names(pkg)[0] is None)  # typed ranges (spill.py)
    if pool is not None:  # the kernels load (mostly outside the GIL) while pandas is imported here
        from ..xlsx._warm import warm_up

        pool.submit(warm_up)
    start_inflating(run, first_sheets(run))  # sheets in run.kept are taken from there (sheet_xml)
    from ._pipeline import new_book  # numpy, pandas, numba: while the sheets inflate

    run.book = new_book(pkg, clock)
    if progress:
        _compile_notice()
    return run


def _compile_notice() -> None:
    from ..xlsx._jit import needs_compiling
    from ..xlsx._scan import scan_kernel

    if needs_compiling(scan_kernel):
        print(
            "首次运行：正在编译重算加速模块，约 20 秒，只需一次 / first run: compiling the recalc kernels "
            "(about 20 s, once)",
            file=sys.stderr,
            flush=True,
        )


class _StateWriter:
    """Writes the state of this recalculation as the last member of the new file (it
    holds the digests of the members written before it)."""

    def __init__(self, run, stored=None):
        from ._incremental import new_state
        from ._state import ITEM_ID, NAMESPACE, value_parts

        self.state = new_state(run)
        self.run, self.stored = run, stored  # stored: the state the file held (its segment maps)
        edit = run.edit
        self.part = edit.set_custom_xml_item(NAMESPACE, b"", ITEM_ID)
        self.late = [self.part]
        self.parts = set(value_parts(run.pkg))
        created = edit.created_parts()
        self.parts |= {p for p in created if p.endswith("sharedStrings.xml")}

    def __call__(self, digests: dict) -> dict[str, bytes]:
        self.state.members = {k: list(v) for k, v in sorted(digests.items()) if k in self.parts}
        from ._write import segment_maps

        self.state.segments = segment_maps(self.run, self.stored, self.state.members)  # storeops.xlsx._segments
        return {self.part: self.state.to_xml()}


def _unchanged(path: str, pkg, state) -> RecalcReport:
    """The report of a recalculation that found nothing to do."""
    report = RecalcReport(path, mode="unchanged")
    left: dict[str, int] = {}
    for s, _c, _b, _t, rle, _r, reason in state.groups:
        if reason:
            left[s] = left.get(s, 0) + sum(rle[1::2])
    for s in pkg.sheets:
        entry = state.sheets.get(s.name, {})
        n, bad = int(entry.get("formulas", 0)), int(entry.get("bad", 0))
        stats = {"formulas": n, "evaluated": 0, "left_to_excel": bad + left.get(s.name, 0)}
        stats["kept"] = n - stats["left_to_excel"]
        report.per_sheet[s.name] = stats
        report.formulas += n
        report.left_to_excel += stats["left_to_excel"]
        report.kept += stats["kept"]
        report.unchanged_sheets.append(s.name)
    return report


def _big_blocks_to_the_system() -> None:
    """On glibc, serve blocks of 1 MiB and more from the system and give them back when
    freed.  A recalculation allocates and frees hundreds of such arrays (records, columns,
    results); glibc's default moves its threshold up to 32 MiB as they are freed, keeps
    them in the heap, and a workbook at the row limit then peaks half a gigabyte higher."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc: its allocator decides
        pass


class _threads:
    """A pool of worker threads, one per core beyond this one (at least one): the
    compiled kernels, ISA-L and zlib release the GIL while they work."""

    def __enter__(self):
        from concurrent.futures import ThreadPoolExecutor

        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        self.pool = ThreadPoolExecutor(max_workers=max(2, n)) if n > 1 else None
        return self.pool

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
