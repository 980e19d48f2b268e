"""``recalc``: evaluate every formula of a StoreOps workbook headlessly and store the
cached values in place (SPEC §8).

Read path: the package is validated (:func:`storeops.xlsx.open_package`), each sheet's
XML is scanned once by a compiled kernel (:mod:`storeops.xlsx._scan`) that records where
every cell, formula and value is; formulas of one column that are the same relative to
their row form one *group* (:mod:`._groups`), and only the columns the groups read are
converted.  Groups run in dependency order, vectorised with numpy; StoreOps functions
are called once per group with whole columns.

Write path: the values go next to the formulas (``<v>``) in the untouched sheet XML,
spliced in by a compiled kernel (:mod:`storeops.xlsx._splice`, :mod:`._encode`); other
parts are copied raw (compressed bytes as they are) and the file is replaced atomically.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storeops.xlsx._tables import set_table_ref

from ..xlsx import _cells
from ..xlsx._atomic import atomic_replace, check_not_locked
from ..xlsx._jit import needs_compiling
from ..xlsx._package import Package, open_package
from ..xlsx._scan import F_ROW, MAX_COL, V_COL, V_ROW, ScanError, SheetScan, scan_kernel, scan_sheet, split_kernel
from ..xlsx._session import workbook_session
from ..xlsx._zipwrite import deflate, write_zip
from . import editions as _editions
from ._encode import ValueSink, _serial
from ._eval import Book, Evaluator, Group, walk_reads
from ._formula import FormulaError, parse, shift_formula
from ._groups import make_groups
from ._sheetxml import add_row_cells, formula_cell, has_value, row_cells, row_span
from ._sst import EmptyString
from ._values import Rng, Unsupported, is_vec
from .chartcache import fill_chart_caches
from .spill import Spills

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
    unchanged_sheets: list[str] = field(default_factory=list)  # every cached value was already right

    def summary(self) -> str:
        """One bilingual line, Chinese first."""
        added = sum(self.rows_added.values())
        zh = f"已重算 {self.evaluated}/{self.formulas} 个公式"
        en = f"recalculated {self.evaluated}/{self.formulas} formulas"
        if added:
            zh += f"，表格新增 {added} 行"
            en += f", {added} new table rows filled"
        if self.left_to_excel:
            zh += f"，{self.left_to_excel} 个公式留给 Excel"
            en += f", {self.left_to_excel} formulas left to Excel"
        return f"{zh}（{self.seconds:.2f} 秒） / {en} ({self.seconds:.2f} s)"

    def __str__(self) -> str:
        return self.summary()


# --------------------------------------------------------------------------- groups
def _order(groups: list[Group]) -> tuple[list[Group], list[Group]]:
    """Topological order of groups by the cells they read; groups on a cycle are returned apart."""
    writers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for gi, g in enumerate(groups):
        writers[(g.sheet, g.col)].append(gi)
    deps: list[set[int]] = [set() for _ in groups]
    for gi, g in enumerate(groups):
        for s, c1, c2, r1, r2 in g.reads:
            for c in range(c1, min(c2, 16384) + 1):
                for wj in writers.get((s, c), ()):
                    w = groups[wj]
                    lo = np.searchsorted(w.rows, r1, "left")
                    hi = np.searchsorted(w.rows, r2, "right")
                    if hi > lo:
                        deps[gi].add(wj)
            if c2 - c1 > 200:  # whole-row style ranges: check writers on that sheet only
                continue
    indeg = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in groups]
    for gi, d in enumerate(deps):
        for wj in d:
            users[wj].append(gi)
    ready = [gi for gi, k in enumerate(indeg) if k == 0]
    out: list[int] = []
    while ready:
        gi = ready.pop()
        out.append(gi)
        for u in users[gi]:
            indeg[u] -= 1
            if indeg[u] == 0:
                ready.append(u)
    done = set(out)
    return [groups[i] for i in out], [groups[i] for i in range(len(groups)) if i not in done]


# --------------------------------------------------------------------------- tables
def _extend_tables(pkg: Package, sheet_name: str, xml: bytes, replace: dict[str, bytes], report: RecalcReport) -> bytes:
    """Rows typed directly below a table become table rows with the table's formulas."""
    for t in list(pkg.tables.values()):
        if t.sheet != sheet_name or t.totals_rows:
            continue
        c1, r1, c2, r2 = t.bounds
        first_data = r1 + t.header_rows
        new_rows = []
        r = r2 + 1
        pos = max(xml.rfind(b'<row r="%d"' % r2), 0)  # the table's last row, searched from the end
        while True:
            span = row_span(xml, r, pos)
            if span is None:
                break
            cells = [cx for c, cx in row_cells(xml, span) if c1 <= c <= c2 and has_value(cx)]
            if not cells:
                break
            new_rows.append(r)
            pos = span[0]
            r += 1
        if not new_rows:
            continue
        # formula columns: from the first data row (or calculatedColumnFormula)
        tmpl: dict[int, tuple[bytes, str, int]] = {}
        span = row_span(xml, first_data)
        if span is not None:
            for c, cx in row_cells(xml, span):
                m = re.match(rb'<c r="[A-Z]+\d+"((?: [\w:]+="[^"]*")*)\s*>(<f>([^<]*)</f>)', cx)
                if m and c1 <= c <= c2:
                    style = re.search(rb' s="\d+"', m.group(1))
                    tmpl[c] = (style.group(0) if style else b"", _cells.unescape(m.group(3)), first_data)
        for j, col in enumerate(t.columns):
            c = c1 + j
            if c not in tmpl and col.formula:
                tmpl[c] = (b"", col.formula, -1)
        for r in new_rows:
            new = {}
            for c, (style, text, base) in tmpl.items():
                try:
                    f = shift_formula(text, r - base) if base > 0 else _this_row(text)
                except (FormulaError, ValueError):
                    continue
                new[c] = formula_cell(c, r, style, f.lstrip("="))
            xml = add_row_cells(xml, r, new)
        new_ref = f"{_cells.col_letters(c1)}{r1}:{_cells.col_letters(c2)}{new_rows[-1]}"
        replace[t.path] = set_table_ref(replace.get(t.path) or pkg.read(t.path), new_ref)
        t.ref = new_ref
        report.rows_added[t.name] = len(new_rows)
    return xml


def _this_row(text: str) -> str:
    return text


# --------------------------------------------------------------------------- main
def evaluate_package(
    pkg: Package,
    *,
    today: _dt.date | None = None,
    progress: bool = False,
    report: RecalcReport | None = None,
    deflated: bool = False,
    overlay: dict[str, bytes] | None = None,
) -> tuple[dict[str, Any], RecalcReport]:
    """Evaluate a package in memory; returns replaced members and the report.

    With ``deflated`` the rewritten sheets are :class:`storeops.xlsx._zipwrite.Deflated`
    (compressed as soon as they are rebuilt, for :func:`~storeops.xlsx._zipwrite.write_zip`)
    instead of bytes, so a big sheet is never held uncompressed twice.

    ``overlay`` (member → bytes) is evaluated as if it replaced those members (an import's
    or a merge's new table rows), and is part of the returned members: the change and its
    recalculation are written in one atomic replace.
    """
    from storeops_xl import FUNCTIONS

    if overlay:  # hook (issue 15): one write per command
        pkg = pkg.overlaid(overlay)

    t0 = time.perf_counter()
    if progress and needs_compiling(scan_kernel):
        print(
            "首次运行：正在编译重算加速模块，约 20 秒，只需一次 / first run: compiling the recalc kernels "
            "(about 20 s, once)",
            file=sys.stderr,
            flush=True,
        )
    report = report or RecalcReport(pkg.path)
    now = _dt.datetime.now()
    today_d = today or now.date()
    replace: dict[str, Any] = dict(overlay or {})
    sheets = pkg.sheets
    bar = _bar(progress, len(sheets) * 3 + 1)
    sst = pkg.shared_strings
    clock = _Clock(report.stages)
    names: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for d in pkg.names:
        local = sheets[d.local_sheet].name if d.local_sheet is not None and d.local_sheet < len(sheets) else None
        names[d.name.lower()].append((local, d.text))
    book = Book(
        pkg.tables,
        names,
        [s.name for s in sheets],
        _serial(today_d),
        _serial(now) if today is None else _serial(today_d),
    )
    # 1. one scan per sheet: formula cells, and the value cells of the columns the formulas
    #    of the first rows read (a guess checked in step 3)
    xmls: dict[str, bytes] = {}
    edition_state = _editions.EditionState(today_d)
    spills = Spills(native=_editions.vba_code_names(pkg)[0] is None)  # typed ranges (spill.py)
    for s in sheets:
        xml = _editions.prepare_sheet(pkg, s.name, pkg.read(s.path), edition_state)
        if pkg.tables:
            xml = _extend_tables(pkg, s.name, xml, replace, report)
        xmls[s.name] = xml
    guess = _guess_inputs(book, sheets, xmls)
    scans: dict[str, SheetScan | None] = {}
    all_groups: list[Group] = []
    bad_cells: dict[str, int] = {}
    for s in sheets:
        xml = xmls[s.name]
        try:
            sc = scan_sheet(xml, sorted(guess[s.name]))
        except ScanError as exc:
            scans[s.name] = None
            bad_cells[s.name] = xml.count(b"<f")
            report.left_examples.append(f"{s.name}: {exc}")
            bar.update(1)
            continue
        scans[s.name] = sc
        groups, bad = make_groups(s.name, xml, sc.formulas)
        arrays, bad = spills.array_groups(s.name, xml, sc.formulas, bad)
        all_groups.extend(groups + arrays)
        bad_cells[s.name] = len(bad)
        bar.update(1)
    clock("read and scan sheets")
    for s in sheets:
        sc = scans[s.name]
        book.max_row[s.name] = int(sc.formulas[:, F_ROW].max()) if sc is not None and len(sc.formulas) else 1
    # 2. parse one template per group, collect what it reads
    need: dict[str, set[int]] = defaultdict(set)
    live: list[Group] = []
    for g in all_groups:
        if g.reason:
            continue
        try:
            g.node = parse(g.text)
            walk_reads(book, g.node, g.sheet, int(g.rows.min()), int(g.rows.max()), g.base_row, g.reads)
        except (FormulaError, Unsupported, ValueError, KeyError) as exc:
            g.reason = str(exc) or type(exc).__name__
            continue
        live.append(g)
        for s, c1, c2, _r1, _r2 in g.reads:  # wide ranges and whole rows too (issue 16)
            need[s].update(range(c1, min(c2, MAX_COL) + 1))
    spills.promote(book, live, {k: v.formulas for k, v in scans.items() if v is not None})
    clock("parse formulas")
    # 3. read the needed columns (cells that live groups recompute are read only if their group fails)
    deferred: dict[str, np.ndarray] = {}
    for s in sheets:
        cols = need.get(s.name)
        sc = scans[s.name]
        if cols and sc is not None:
            if not cols <= guess[s.name]:  # a formula further down reads more columns: scan again
                sc.values = scan_sheet(xmls[s.name], sorted(cols)).values
            load, deferred[s.name] = _split_inputs(sc, cols, [g for g in live if g.sheet == s.name])
            data = _cells.records_to_columns(xmls[s.name], load, sst, pkg.date_styles, objects=False)
        elif cols:
            data = _cells.read_columns(
                xmls[s.name], sst, pkg.date_styles, [_cells.col_letters(c) for c in sorted(cols)]
            )
        else:
            data = {}
        if sc is not None:
            sc.values = sc.values[:0]  # free the value records
        _set_columns(book, s.name, data)
        del data
        bar.update(1)
    clock("convert input columns")
    # 4. evaluate in dependency order
    ordered, cyclic = _order(live)
    for g in cyclic:
        g.reason = "circular reference"
    for g in ordered:
        if g.reason:
            continue
        if g in spills:
            spills.evaluate(g, book, FUNCTIONS)
            continue
        ev = Evaluator(book, g.sheet, g.rows, g.base_row, FUNCTIONS, col=g.col)
        try:
            with np.errstate(all="ignore"):
                res = ev.eval(g.node)
            if isinstance(res, Rng):
                res = ev._single(res)
        except Exception as exc:  # unsupported, a bug or an unexpected input: leave it to Excel, say why
            g.reason = str(exc) if isinstance(exc, Unsupported) else f"{type(exc).__name__}: {exc}"
            _load_cached(book, g, xmls[g.sheet], deferred.get(g.sheet), sst, pkg.date_styles)
            continue
        g.result = res
        book.col(g.sheet, g.col).set(g.rows, res if is_vec(res) else _broadcast(res, len(g.rows)))
    bar.update(1)
    fill_chart_caches(pkg, book, replace)
    clock("evaluate")
    # 5. write the cached values in place
    empty = EmptyString(pkg, sst, any(sc is not None and len(sc.formulas) for sc in scans.values()))
    for s in sheets:
        sc = scans[s.name]
        n_f = len(sc.formulas) if sc is not None else bad_cells[s.name]
        stats = {"formulas": n_f, "evaluated": 0, "left_to_excel": bad_cells[s.name]}
        sink = ValueSink(empty.ref)
        for g in (x for x in all_groups if x.sheet == s.name):
            if g in spills:
                spills.check_room(g, xmls[s.name])  # cells in its way: left to Excel (#SPILL!)
            if g.result is None and g.reason:
                stats["left_to_excel"] += len(g.rows)
                if len(report.left_examples) < 10:
                    report.left_examples.append(f"{s.name}!{_cells.col_letters(g.col)}{g.base_row}: {g.reason}")
                continue
            sink.add(g.cell_index, g.result)
            empty.note(g.result)
            stats["evaluated"] += len(g.rows)
        grew = any(t.sheet == s.name and t.name in report.rows_added for t in pkg.tables.values())
        pieces = sink.write(xmls[s.name], sc.formulas) if sc is not None else None
        pieces = spills.write_sheet(s.name, pieces, xmls[s.name], sink.encode1, empty)
        pieces = _editions.finish_sheet(pkg, s.name, pieces, xmls[s.name], edition_state)
        if pieces is not None:
            replace[s.path] = deflate(pieces) if deflated else b"".join(bytes(p) for p in pieces)
        elif grew:
            replace[s.path] = xmls[s.name]
        else:
            report.unchanged_sheets.append(s.name)
        xmls[s.name] = b""
        scans[s.name] = None
        report.per_sheet[s.name] = stats
        report.formulas += stats["formulas"]
        report.evaluated += stats["evaluated"]
        report.left_to_excel += stats["left_to_excel"]
        bar.update(1)
    empty.commit(replace)  # the shared string "" only when a blank result needs it
    clock("write values and deflate")
    # 6. calcPr: ask Excel to recalculate on open only when something is left to it
    wb = pkg.read(pkg.workbook_path)
    new_wb = _editions.finish_workbook(pkg, _set_full_calc(wb, report.left_to_excel > 0))
    if new_wb != wb:
        replace[pkg.workbook_path] = new_wb
    bar.close()
    report.seconds = time.perf_counter() - t0
    return replace, report


_GUESS_BYTES = 1 << 18


def _guess_inputs(book: Book, sheets, xmls: dict[str, bytes]) -> dict[str, set[int]]:
    """Columns (per sheet) that the formulas in the first rows of every sheet read.

    Scanning value cells of only these columns saves work on big sheets; the real set is
    known after grouping, and a sheet whose formulas read more is scanned again."""
    guess: dict[str, set[int]] = defaultdict(set)
    for s in sheets:
        xml = xmls[s.name]
        try:
            F = scan_sheet(xml, [], limit=_GUESS_BYTES).formulas
        except ScanError:
            continue
        groups, _ = make_groups(s.name, xml, F)
        for g in groups:
            if g.reason:
                continue
            reads: list = []
            try:
                walk_reads(book, parse(g.text), g.sheet, int(g.rows.min()), int(g.rows.max()), g.base_row, reads)
            except (FormulaError, Unsupported, ValueError, KeyError):
                continue
            for sh, c1, c2, _r1, _r2 in reads:
                if c2 - c1 <= 200:
                    guess[sh].update(range(c1, c2 + 1))
    return guess


def _split_inputs(sc: SheetScan, cols: set[int], live: list[Group]) -> tuple[np.ndarray, np.ndarray]:
    """Value records of the needed columns: (to convert now, formula cells a live group
    recomputes — converted only if that group fails)."""
    V, F = sc.values, sc.formulas
    colmask = np.zeros(MAX_COL + 1, np.bool_)
    colmask[[c for c in cols if 1 <= c <= MAX_COL]] = True
    live_f = np.zeros(len(F) + 1, np.bool_)
    for g in live:
        live_f[g.cell_index] = True
    return split_kernel(V, colmask, live_f)


def _set_columns(book: Book, sheet: str, data: dict) -> None:
    for cc in data.values():
        if len(cc.rows):
            book.max_row[sheet] = max(book.max_row[sheet], int(cc.rows.max()))
    for letters, cc in data.items():
        col = book.col(sheet, _cells.col_index(letters))
        col.ensure(book.max_row[sheet] + 2)
        col.set_raw(cc.rows, cc.values, cc.nums, cc.numeric, cc.sparse)


def _load_cached(book: Book, g: Group, xml: bytes, V: np.ndarray | None, sst, date_styles) -> None:
    """A group failed: its cells keep their cached values, which later groups may read."""
    if V is None or not len(V):
        return
    mine = (V[:, V_COL] == g.col) & np.isin(V[:, V_ROW], g.rows)
    if mine.any():
        _set_columns(book, g.sheet, _cells.records_to_columns(xml, V[mine], sst, date_styles, objects=False))


class _Clock:
    """Adds the seconds since the last call to ``stages[name]``."""

    def __init__(self, stages: dict[str, float]):
        self.stages = stages
        self.t = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.t
        self.t = now


def _broadcast(v: Any, n: int) -> np.ndarray:
    if isinstance(v, float):
        return np.full(n, v)
    out = np.empty(n, dtype=object)
    out[:] = [v] * n
    return out


def _set_full_calc(wb: bytes, on: bool) -> bytes:
    m = re.search(rb"<calcPr\b[^>]*?/?>", wb)
    if m is None:
        if not on:
            return wb
        i = wb.find(b"</workbook>")
        # calcPr must come after definedNames and before oleSize/customWorkbookViews/…
        anchor = re.search(
            rb"<(oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b",
            wb,
        )
        j = anchor.start() if anchor else i
        return wb[:j] + b'<calcPr fullCalcOnLoad="1"/>' + wb[j:]
    tag = m.group(0)
    new = re.sub(rb'\sfullCalcOnLoad="[^"]*"', b"", tag)
    if on:
        new = re.sub(rb"^<calcPr", b'<calcPr fullCalcOnLoad="1"', new)
    return wb[: m.start()] + new + wb[m.end() :]


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(progress: bool, total: int):
    if not progress or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="重算 recalc", unit="step", file=sys.stderr, leave=False)


def recalc(
    path: str | os.PathLike[str],
    *,
    today: _dt.date | None = None,
    progress: bool = True,
    overlay: dict[str, bytes] | None = None,
) -> RecalcReport:
    """Recalculate a StoreOps workbook headlessly and save cached values in place.

    Parameters
    ----------
    path : str or PathLike
        The ``.xlsm``/``.xlsx`` file.  It is replaced atomically; a locked (open) or
        hostile file raises :class:`storeops.errors.StoreOpsError` and stays untouched.
    today : date, optional
        The date ``TODAY()`` returns (default: the real today).
    progress : bool
        Show a progress bar on a terminal.
    overlay : dict of member → bytes, optional
        Parts to substitute before evaluating (the new table rows of an import or a merge):
        the change and the recalculated values are written in one atomic replace, and a
        failed recalculation leaves the file as it was.

    Returns
    -------
    RecalcReport
        Formulas seen, evaluated, left to Excel (per sheet), seconds, rows added to tables.

    Examples
    --------
    >>> from storeops.engine import recalc
    >>> print(recalc("StoreOps.xlsm", progress=False))      # doctest: +SKIP
    已重算 1520/1520 个公式（0.41 秒） / recalculated 1520/1520 formulas (0.41 s)
    """
    t0 = time.perf_counter()
    path = os.fspath(path)
    check_not_locked(path)
    stages: dict[str, float] = {}
    clock = _Clock(stages)
    with workbook_session(path), open_package(path) as pkg:  # session: lock + stamp (issue 15)
        _ = pkg.shared_strings
        clock("open package")
        replace, report = evaluate_package(pkg, today=today, progress=progress, deflated=True, overlay=overlay)
        report.stages = {**stages, **report.stages}
        pkg.validate_all()  # parts only copied are checked too: a damaged file is never rewritten (issue 15)
        clock.t = time.perf_counter()
        infos = pkg.infos

        def write(fh):
            write_zip(fh, pkg, infos, replace)  # raw copies from the very file read (issue 15)

        atomic_replace(path, write)
        clock("write file")
        report.stages["write file"] = stages["write file"]
    report.seconds = time.perf_counter() - t0
    return report
