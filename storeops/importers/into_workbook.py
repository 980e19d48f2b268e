"""``storeops import``: Data Manager exports into a StoreOps workbook, then recalc.

Each file is parsed by :func:`storeops.importers.datamanager.read_export` (header found by
content, Chinese/English column names, "1.62%", "-", thousands separators, the period from
the title row) and upserted (:mod:`.upsert`):

* products export → ``tblProducts`` (by product ID, latest period's metrics) and
  ``tblFunnel`` (one row per product per period);
* keywords export → ``tblKeywords`` (by keyword + period).

The workbook is read once, changed in memory and written once together with its
recalculation (one atomic replace; text as text, never formulas).  Every export is read
and checked first: when one cannot be read, it is reported and nothing is written.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from storeops.errors import StoreOpsError, describe
from storeops.tables import drop_blank_rows, to_headers, to_keys

from .upsert import (
    FUNNEL_UPDATES,
    KEYWORD_UPDATES,
    PRODUCT_UPDATES,
    funnel_rows,
    keyword_rows,
    newer_or_same_period,
    period_text,
    product_rows,
    upsert,
)

__all__ = ["FileReport", "ImportReport", "format_report", "import_frames", "import_into"]


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class FileReport:
    """What one export did."""

    path: str
    kind: str = ""
    period: str = ""
    read: int = 0
    tables: dict[str, TableCounts] = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row in the file or frame, reason)
    notes: list[tuple[int, str]] = field(default_factory=list)  # accepted rows worth a remark
    error: str | None = None  # the whole file failed

    @property
    def added(self) -> int:
        return sum(t.added for t in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables.values())


@dataclass
class ImportReport:
    files: list[FileReport]
    written: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files)


def _apply(export: object, tables: dict[str, pd.DataFrame], rep: FileReport) -> None:
    kind = export.kind
    frame: pd.DataFrame = export.frame
    start, end = export.period_start, export.period_end
    period = period_text(start, end)
    rep.kind, rep.period, rep.read = kind, period, len(frame) + len(getattr(export, "rejected", []) or [])
    rep.rejected.extend((int(r), str(m)) for r, m in (getattr(export, "rejected", []) or []))
    rep.notes.extend((int(r), str(m)) for r, m in (getattr(export, "notes", []) or []))
    if not period:
        rep.rejected.append((0, "没有找到时间周期 / no period found in the title row"))
    if kind == "products":
        res = upsert(
            tables["tblProducts"],
            product_rows(frame, period),
            ["product_id"],
            PRODUCT_UPDATES,
            accept=newer_or_same_period,
            what="product ID",
            keep_when_blank=("title",),
        )
        tables["tblProducts"] = res.frame
        rep.tables["tblProducts"] = TableCounts(res.added, res.updated, res.unchanged)
        rep.rejected.extend((p + 1, m) for p, m in res.rejected)
        res = upsert(
            tables["tblFunnel"],
            funnel_rows(frame, period, start),
            ["item", "period"],
            FUNNEL_UPDATES,
            what="product ID",
        )
        tables["tblFunnel"] = res.frame
        rep.tables["tblFunnel"] = TableCounts(res.added, res.updated, res.unchanged)
    elif kind == "keywords":
        res = upsert(
            tables["tblKeywords"],
            keyword_rows(frame, period),
            ["keyword", "period"],
            KEYWORD_UPDATES,
            what="keyword",
            repeats=True,
        )
        tables["tblKeywords"] = res.frame
        rep.tables["tblKeywords"] = TableCounts(res.added, res.updated, res.unchanged)
        rep.rejected.extend((p + 1, m) for p, m in res.rejected)
        rep.notes.extend((p + 1, m) for p, m in res.notes)
    else:
        raise StoreOpsError(f"未知的导出类型 {kind!r} / unknown export kind {kind!r}")


def import_frames(tables: dict[str, pd.DataFrame], paths: Sequence[str], *, progress: bool = False) -> list[FileReport]:
    """Upsert each export in ``paths`` into key frames ``tables`` (changed in place:
    ``tblProducts``, ``tblFunnel``, ``tblKeywords``).  No workbook I/O."""
    from .datamanager import read_export

    reports = []
    for p in paths:
        rep = FileReport(str(p))
        t0 = time.perf_counter()
        if progress:
            _say(f"读取 reading {os.path.basename(str(p))} …")
        try:
            export = read_export(p)
            if progress:
                _say(f"  {len(export.frame):,} 行 rows ({time.perf_counter() - t0:.1f} s); 合并 upserting …")
            _apply(export, tables, rep)
        except (StoreOpsError, OSError, ValueError, KeyError, MemoryError, RecursionError) as exc:
            known = describe(exc)
            rep.error = known[0] if known else f"无法读取 / cannot read: {type(exc).__name__}: {exc}"
        reports.append(rep)
    return reports


def _say(text: str) -> None:
    """A progress line on the terminal (stderr)."""
    print(f"导入 import: {text}", file=sys.stderr, flush=True)


_TABLES = ("tblProducts", "tblFunnel", "tblKeywords")


def import_into(
    paths: Sequence[str], workbook: str, *, recalc: bool = True, progress: bool = True, today: object = None
) -> ImportReport:
    """Import exports ``paths`` into ``workbook`` and recalculate it, in one atomic write.

    Every export is read and checked before the workbook is touched; the new rows and
    the recalculated values are written together (a failed recalculation leaves the
    workbook as it was).  The workbook is locked for StoreOps meanwhile, and a save
    someone makes while the import runs is never overwritten (the import runs again on
    the saved version, see :func:`storeops.xlsx.retry_on_change`).
    """
    from storeops.xlsx import check_not_locked, retry_on_change, workbook_session

    if not os.path.isfile(workbook):
        raise StoreOpsError(f"找不到工作簿 / workbook not found: {workbook}")
    check_not_locked(workbook)

    def once() -> ImportReport:
        with workbook_session(workbook):
            return _import_once(paths, workbook, recalc=recalc, progress=progress, today=today)

    return retry_on_change(once)


def _import_once(paths: Sequence[str], workbook: str, *, recalc: bool, progress: bool, today: object) -> ImportReport:
    from storeops.xlsx import open_package, read_tables, table_parts, write_package

    t0 = time.perf_counter()
    with open_package(workbook) as pkg:
        raw = read_tables(pkg)
        missing = [t for t in _TABLES if t not in raw]
        if missing:
            raise StoreOpsError(
                f"不是 StoreOps 工作簿(缺少 {', '.join(missing)}) / not a StoreOps workbook "
                f"(missing {', '.join(missing)}): {workbook}"
            )
        tables = {t: drop_blank_rows(t, to_keys(t, raw[t])).reset_index(drop=True) for t in _TABLES}
        del raw
        before = {t: id(f) for t, f in tables.items()}
        t1 = time.perf_counter()
        reports = import_frames(tables, paths, progress=progress)
        t2 = time.perf_counter()
        changed = {t: to_headers(t, f, inputs_only=True) for t, f in tables.items() if id(f) != before[t]}
        report = ImportReport(reports)
        if report.failed:  # every file is read and checked before anything is written
            changed = {}
        if progress and changed:
            rows = sum(len(f) for f in changed.values())
            _say(f"写入 writing {rows:,} 行 rows …")
        parts = table_parts(pkg, changed)[0] if changed else {}
        if parts and not recalc:
            write_package(pkg, parts)
    t3 = time.perf_counter()
    if parts:
        if recalc:
            from storeops.engine import recalc as _recalc

            _recalc(workbook, today=today, progress=progress, overlay=parts)  # rows + values: one write
        report.written = True
    t4 = time.perf_counter()
    report.seconds = {"read": t1 - t0, "upsert": t2 - t1, "write": t3 - t2, "recalc": t4 - t3, "total": t4 - t0}
    return report


def format_report(report: ImportReport, *, max_reasons: int = 20) -> str:
    """The per-file report, bilingual."""
    lines = []
    for f in report.files:
        name = os.path.basename(f.path)
        if f.error:
            lines.append(f"✗ {name}: 失败 failed — {f.error}")
            continue
        kind = {"products": "产品 products", "keywords": "关键词 keywords"}.get(f.kind, f.kind)
        lines.append(
            f"✓ {name} ({kind}, {f.period}): 读取 read {f.read}, 新增 added {f.added}, "
            f"更新 updated {f.updated}, 未变 unchanged {f.unchanged}, 拒绝 rejected {len(f.rejected)}"
        )
        for t, c in f.tables.items():
            lines.append(f"    {t}: +{c.added} ~{c.updated} ={c.unchanged}")
        for row, reason in f.rejected[:max_reasons]:
            lines.append(f"    拒绝 rejected row {row}: {reason}")
        for row, note in f.notes[:max_reasons]:
            lines.append(f"    注意 note row {row}: {note}")
        if len(f.rejected) > max_reasons:
            lines.append(f"    … 另有 {len(f.rejected) - max_reasons} 条 / {len(f.rejected) - max_reasons} more")
    if report.written:
        lines.append("已写入并重新计算 / written and recalculated")
    elif report.failed:
        lines.append("有文件无法读取，工作簿未改动 / a file could not be read: the workbook was not changed")
    else:
        lines.append("没有变化,文件未改动 / nothing changed; the file was not modified")
    return "\n".join(lines)
