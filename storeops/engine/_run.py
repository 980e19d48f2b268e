"""The working state of one recalculation, passed from stage to stage (see
:func:`storeops.engine.recalc.evaluate_package` for the stages)."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._parked import SheetXml

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..xlsx._digest import Digests
    from ..xlsx._edit import PackageEdit
    from ..xlsx._package import Package
    from ..xlsx._scan import SheetScan
    from ._eval import Book, Group
    from ._incremental import Plan
    from ._state import Clock, RecalcState, Verdict
    from .recalc import RecalcReport


_TRACE_MEMORY = os.environ.get("STOREOPS_TRACE_MEMORY") == "1"


class Timer:
    """Adds the seconds since the last call to ``stages[name]`` (wall clock), and the
    processor seconds of all threads to ``cpu[name]``."""

    def __init__(self, stages: dict[str, float], cpu: dict[str, float] | None = None):
        self.stages = stages
        self.cpu = cpu if cpu is not None else {}
        self.t = time.perf_counter()
        self.c = time.process_time()

    def __call__(self, name: str) -> None:
        if _TRACE_MEMORY:  # pragma: no cover - a developer's switch
            import resource

            print(f"{name}: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", file=sys.stderr)
        now, cnow = time.perf_counter(), time.process_time()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.t
        self.cpu[name] = self.cpu.get(name, 0.0) + cnow - self.c
        self.t, self.c = now, cnow

    def restart(self) -> None:
        self.t, self.c = time.perf_counter(), time.process_time()


@dataclass
class Run:
    """One recalculation: the package and its edits, the report, and what each stage
    leaves for the next (sheet XML, scans, groups, the plan)."""

    pkg: Package
    edit: PackageEdit
    report: RecalcReport
    clock: Clock
    book: Book
    timer: Timer
    bar: Any
    pool: Any = None  # a ThreadPoolExecutor (both cores) or None
    prior: RecalcState | None = None  # the state of the last write, when usable
    verdict: Verdict | None = None
    xml: dict[str, bytes] = field(default_factory=SheetXml)  # sheet name → XML (tables extended; big ones parked)
    pending: dict[str, Future] = field(default_factory=dict)  # sheet name → XML being inflated
    kept: dict[str, bytes] = field(default_factory=dict)  # part → bytes inflated already (by maintaining)
    scans: dict[str, SheetScan | None] = field(default_factory=dict)  # None: the scanner could not read it
    groups: dict[str, list[Group]] = field(default_factory=dict)  # per sheet
    bad: dict[str, int] = field(default_factory=dict)  # formula cells nobody can evaluate here, per sheet
    shift: dict[str, int] = field(default_factory=dict)  # digest block shift per sheet
    digests: dict[str, Digests] = field(default_factory=dict)  # per scanned sheet (after writing: updated)
    changed: dict[str, np.ndarray] = field(default_factory=dict)  # digest keys that differ from the last write's
    deferred: dict[str, np.ndarray] = field(default_factory=dict)  # value records of recomputed cells
    sst_h: np.ndarray | None = None
    sst_job: Future | None = None  # the shared strings' hashes being computed (_read.start_sst_hashes)
    plan: Plan | None = None
    editions: Any = None  # storeops.engine.editions.EditionState: as-of stamp, Python-only cells
    spills: Any = None  # storeops.engine.spill.Spills: ranges typed by users (array blocks)
    single: dict = field(default_factory=dict)  # sheet → {formula record: (kind, col)} of one-cell groups
    empty: Any = None  # storeops.engine._sst.EmptyString: the shared string "" of blank results
    charts: list = field(default_factory=list)  # (sheet, c1, r1, c2, r2) of every chart series
    converted: set = field(default_factory=set)  # (sheet, col) of the book's complete columns
    ids: Any = None  # storeops.maintain.DeferredIds: the buyer-ID check the scan makes (issue 14)
    as_read: set[str] = field(default_factory=set)  # sheets whose XML to evaluate is the part's bytes as read
    rewritten: set[str] | None = None  # sheets not as the last write left them (_run.as_written)
    partial: dict = field(default_factory=dict)  # sheet → _partial.PartialSheet: read where needed
    extracts: bool = False  # whether big sheets written are extracted (a run that keeps its state)
    stored: Any = None  # the state the file held (also when this run is a full one)
    _sst_array: Any = None

    @property
    def sheets(self):
        return self.pkg.sheets

    def sst_array(self) -> np.ndarray:
        """The shared strings as an object array (built once; see ``records_to_columns``)."""
        arr = self._sst_array
        if arr is None:
            from ..xlsx._cells import sst_array

            arr = self._sst_array = sst_array(self.pkg.shared_strings)
        return arr

    def all_groups(self) -> list[Group]:
        return [g for s in self.pkg.sheets for g in self.groups.get(s.name, [])]


def first_sheets(run: Run) -> list[str]:
    """The sheets a recalculation reads first: every sheet, or with the state of the last
    write only those not :func:`as_written`."""
    rewritten = _rewritten(run)
    return [s.name for s in run.pkg.sheets if rewritten is None or s.name in rewritten]


def as_written(run: Run, name: str) -> bool:
    """Whether sheet ``name`` is as the last StoreOps write left it: its part byte for byte
    (the member digest the state recorded), its tables' parts too, the state knows it at
    the same path, and no date stamped on it moved.  The one rule for "this sheet is as we
    wrote it": such a sheet is not read first, and when it is read anyway (a changed group
    reads it) its formula groups are the state's, not checked again."""
    rewritten = _rewritten(run)
    return rewritten is not None and name not in rewritten


def _rewritten(run: Run) -> set[str] | None:
    """The sheets not :func:`as_written` (``None``: no state, every sheet)."""
    if run.prior is None:
        return None
    if run.rewritten is not None:
        return run.rewritten
    names = [s.name for s in run.pkg.sheets]
    dirty = set(run.verdict.dirty) if run.verdict is not None else set(names)
    if run.verdict is not None and {"today", "now"} & set(run.verdict.clock):  # as-of date/time stamped anew
        from .editions import as_of_sheet, now_sheet

        moved = set(run.verdict.clock)
        for stamped in (
            as_of_sheet(run.pkg) if "today" in moved else None,
            now_sheet(run.pkg) if "now" in moved else None,
        ):
            if stamped is not None:
                dirty.add(stamped)
    if run.verdict is not None:  # a table resized or rewritten: its sheet's cells may join or leave it
        changed = set(run.verdict.members)
        dirty |= {t.sheet for t in run.pkg.tables.values() if t.path in changed}
    for s in run.pkg.sheets:
        entry = run.prior.sheets.get(s.name)
        if entry is None or entry.get("path") != s.path:
            dirty.add(s.name)
    run.rewritten = dirty & set(names)
    return run.rewritten


def start_inflating(run: Run, names) -> None:
    """Inflate these sheets on the pool's threads while this one goes on."""
    if run.pool is None:
        return
    from ._parked import big_sheets

    big = big_sheets(run, names)  # one of them at a time (_parked)
    skip = set(big[1:] if not any(run.pkg.sheet(n).path in run.kept for n in big) else big)
    for name in names:
        if name in skip:
            continue
        if name not in run.xml and name not in run.pending and run.pkg.sheet(name).path not in run.kept:
            run.pending[name] = run.pool.submit(run.edit.read, run.pkg.sheet(name).path)


def sheet_xml(run: Run, name: str) -> bytes:
    """A sheet's XML (waiting for it when it is being inflated)."""
    if name not in run.xml:
        fut = run.pending.pop(name, None)
        path = run.pkg.sheet(name).path
        if fut is not None:
            run.xml[name] = fut.result()
        elif path in run.kept and path not in run.edit.replace:
            run.xml[name] = run.kept.pop(path)
        else:
            run.xml[name] = run.edit.read(path)
    return run.xml[name]


class NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(progress: bool, total: int):
    if not progress or not sys.stderr.isatty():
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="重算 recalc", unit="step", file=sys.stderr, leave=False)
