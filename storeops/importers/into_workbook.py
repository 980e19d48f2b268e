"""``storeops import``: exports into a StoreOps workbook, then recalc.

Each file's kind is told by its header row (:func:`storeops.importers.kinds.read_any`), then
its rows are upserted:

* Data Manager products → ``tblProducts`` (by product ID, latest period's metrics, showcase /
  top display / P4P / owner) and ``tblFunnel`` (one row per product per period);
* Data Manager keywords → ``tblKeywords`` (by keyword + period);
* inquiries (询盘明细) and customers (客户通) → ``tblFollow`` (:mod:`.follow_upsert`: by
  询盘ID, else by buyer ID, else by the buyer key);
* staff analysis (员工分析) → ``tblStaff`` (by salesperson + period);
* P4P keyword report (直通车) → ``tblKeywords``' P4P columns (by keyword + period);
* 1688 生意参谋 products → ``tblFunnel`` + ``tblProducts``; keywords → ``tblKeywords``.

The workbook is read once, changed in memory and written once together with its
recalculation (one atomic replace; text as text, never formulas) — and not written at all
when nothing changed.  Every export is read and checked first: when one cannot be read, it
is reported and nothing is written.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from storeops.errors import StoreOpsError, describe
from storeops.tables import clean_value, drop_blank_rows, is_blank, to_headers, to_keys
from storeops.workbook.schema import TABLES

from . import ali1688, follow_upsert, reports
from .roster import roster_matcher
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
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row in the file, reason)
    notes: list[tuple[int, str]] = field(default_factory=list)  # accepted rows worth a remark
    messages: list[str] = field(default_factory=list)  # remarks about the whole file
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
    recalculated: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files)


@dataclass
class Context:
    """What an import needs from the workbook besides the tables it changes."""

    match_salesperson: Callable[[Any], Any] = lambda v: v
    roster: frozenset[str] = frozenset()
    fx_usd_cny: float = 7.2
    platform: str = "alibaba"
    zone: str | None = None
    #: table → column keys the workbook's table really has (an older workbook lacks new ones)
    columns: dict[str, set[str]] = field(default_factory=dict)
    #: table → rows (positions) an import added or changed, for tables upserted row by row
    changed_rows: dict[str, set[int]] = field(default_factory=dict)


#: table each kind writes → the columns it cannot do without
_NEEDS: dict[str, dict[str, tuple[str, ...]]] = {
    "products": {"tblProducts": ("product_id",), "tblFunnel": ("item",)},
    "keywords": {"tblKeywords": ("keyword",)},
    "inquiries": {"tblFollow": follow_upsert.NEEDED},
    "customers": {"tblFollow": follow_upsert.NEEDED},
    "staff": {"tblStaff": ("salesperson", "period")},
    "p4p": {"tblKeywords": ("keyword", "p4p_cost")},
    "products_1688": {"tblProducts": ("product_id",), "tblFunnel": ("item",)},
    "keywords_1688": {"tblKeywords": ("keyword",)},
}


def _check_columns(kind: str, ctx: Context) -> None:
    if not ctx.columns:
        return
    for t, keys in _NEEDS.get(kind, {}).items():
        have = ctx.columns.get(t)
        missing = [TABLES[t].header(k) for k in keys if have is None or k not in have]
        if missing:
            raise StoreOpsError(
                f"工作簿比本版本旧, {t} 缺少 {', '.join(missing)}: 请先运行 storeops migrate 升级工作簿再导入 / "
                f"the workbook is older than this StoreOps ({t} has no {', '.join(missing)}): "
                f"upgrade it with `storeops migrate WORKBOOK` and import again"
            )


def _present(t: str, cols: Sequence[str], ctx: Context) -> list[str]:
    have = ctx.columns.get(t)
    return [c for c in cols if have is None or c in have]


def _file_row(export: Any, pos: int) -> int:
    rows = getattr(export, "rows", None) or []
    return rows[pos] if 0 <= pos < len(rows) else pos + 1


def _upsert_into(
    tables: dict[str, pd.DataFrame],
    t: str,
    incoming: pd.DataFrame,
    keys: list[str],
    updates: Sequence[str],
    rep: FileReport,
    export: Any,
    ctx: Context,
    **kw: Any,
) -> None:
    updates = _present(t, [u for u in updates if u in incoming.columns], ctx)
    incoming = incoming[[c for c in incoming.columns if c in keys or c in updates]]
    res = upsert(tables[t], incoming, keys, updates, **kw)
    tables[t] = res.frame
    prev = rep.tables.get(t)
    if prev is None:
        rep.tables[t] = TableCounts(res.added, res.updated, res.unchanged)
    else:  # a second pass into the same table: the rows were counted by the first
        prev.added += res.added
        prev.updated += res.updated
    rep.rejected.extend((_file_row(export, p), m) for p, m in res.rejected)
    rep.notes.extend((_file_row(export, p), m) for p, m in res.notes)


def _roster_notes(names: Sequence[Any], ctx: Context, rep: FileReport) -> None:
    if not ctx.roster:
        return
    off = sorted({str(n) for n in names if not is_blank(n) and str(n) not in ctx.roster})
    if off:
        rep.messages.append(
            f"业务员不在设置名单中: {', '.join(off)} / not on the roster (Settings → salespeople): {', '.join(off)}"
        )


def _apply(export: Any, tables: dict[str, pd.DataFrame], rep: FileReport, ctx: Context | None = None) -> None:
    ctx = ctx or Context()
    kind = export.kind
    frame: pd.DataFrame = export.frame
    start, end = export.period_start, export.period_end
    period = period_text(start, end)
    rep.kind, rep.period, rep.read = kind, period, len(frame) + len(getattr(export, "rejected", []) or [])
    rep.rejected.extend((int(r), str(m)) for r, m in (getattr(export, "rejected", []) or []))
    rep.messages.extend(getattr(export, "notes", []) or [])
    _check_columns(kind, ctx)
    periodic = kind not in ("inquiries", "customers")
    if periodic and not period:
        rep.rejected.append((0, "没有找到时间周期 / no period found in the title row"))
    if kind in ("p4p", "staff"):
        note = reports.fx_note(export, ctx.fx_usd_cny)
        if note:
            rep.messages.append(note)
    if kind in ("products_1688", "keywords_1688") and str(ctx.platform).strip() != "1688":
        rep.messages.append(
            f"这是 1688 数据, 但设置中的平台是 {ctx.platform}: 请在设置中把 cfg_platform 改为 1688 / "
            f"a 1688 export, but the workbook's platform is {ctx.platform}: set cfg_platform to 1688"
        )
    if kind in ("products", "products_1688"):
        if kind == "products":
            prods, funnel = product_rows(frame, period), funnel_rows(frame, period, start)
        else:
            prods, funnel = ali1688.product_rows_1688(export, period), ali1688.funnel_rows_1688(export, period)
        keep = {"accept": newer_or_same_period, "what": "product ID", "keep_when_blank": ("title",)}
        _upsert_into(tables, "tblProducts", prods, ["product_id"], PRODUCT_UPDATES, rep, export, ctx, **keep)
        updates: tuple[str, ...] = FUNNEL_UPDATES + ("bounced",)
        _upsert_into(tables, "tblFunnel", funnel, ["item", "period"], updates, rep, export, ctx)
    elif kind in ("keywords", "keywords_1688", "p4p"):
        if kind == "keywords":
            rows, updates = keyword_rows(frame, period), KEYWORD_UPDATES
        elif kind == "keywords_1688":
            rows, updates = ali1688.keyword_rows_1688(export, period), KEYWORD_UPDATES
        else:
            rows = reports.p4p_rows(export, period, ctx.fx_usd_cny)
            updates = tuple(c for c in rows.columns if c not in ("keyword", "period"))
        keys = ["keyword", "period"]
        _upsert_into(
            tables, "tblKeywords", rows, keys, updates, rep, export, ctx, what="keyword", repeats=kind == "keywords"
        )
    elif kind in ("inquiries", "customers"):
        build = follow_upsert.inquiry_buyers if kind == "inquiries" else follow_upsert.customer_buyers
        buyers, rejected, notes = build(frame, list(export.rows), ctx.match_salesperson)
        rep.rejected.extend(rejected)
        rep.messages.extend(notes)
        _roster_notes([b.row.get("salesperson") for b in buyers], ctx, rep)
        as_of = follow_upsert.export_time(getattr(export, "exported_at", None), buyers)
        res = follow_upsert.upsert_buyers(tables["tblFollow"], buyers, as_of)
        tables["tblFollow"] = res.frame
        ctx.changed_rows.setdefault("tblFollow", set()).update(res.changed_rows)
        rep.tables["tblFollow"] = TableCounts(res.added, res.updated, res.unchanged)
    elif kind == "staff":
        rows = reports.staff_rows(export, period, ctx.match_salesperson, ctx.fx_usd_cny)
        _roster_notes(rows["salesperson"].tolist(), ctx, rep)
        updates = tuple(c for c in rows.columns if c not in ("salesperson", "period"))
        _upsert_into(tables, "tblStaff", rows, ["salesperson", "period"], updates, rep, export, ctx, what="salesperson")
    else:
        raise StoreOpsError(f"未知的导出类型 {kind!r} / unknown export kind {kind!r}")


def import_frames(
    tables: dict[str, pd.DataFrame], paths: Sequence[str], ctx: Context | None = None, *, progress: bool = False
) -> list[FileReport]:
    """Upsert each export in ``paths`` into key frames ``tables`` (changed in place).  No
    workbook I/O."""
    from .kinds import read_any

    ctx = ctx or Context()
    reports_ = []
    for p in paths:
        rep = FileReport(str(p))
        t0 = time.perf_counter()
        if progress:
            _say(f"读取 reading {os.path.basename(str(p))} …")
        try:
            export = read_any(p, zone=ctx.zone)
            if progress:
                _say(f"  {len(export.frame):,} 行 rows ({time.perf_counter() - t0:.1f} s); 合并 upserting …")
            _apply(export, tables, rep, ctx)
        except (StoreOpsError, OSError, ValueError, KeyError, MemoryError, RecursionError) as exc:
            known = describe(exc)
            rep.error = known[0] if known else f"无法读取 / cannot read: {type(exc).__name__}: {exc}"
        reports_.append(rep)
    return reports_


def _say(text: str) -> None:
    """A progress line on the terminal (stderr)."""
    print(f"导入 import: {text}", file=sys.stderr, flush=True)


_TABLES = ("tblProducts", "tblFunnel", "tblKeywords", "tblFollow", "tblStaff")
_CORE = ("tblProducts", "tblFunnel", "tblKeywords")


def _setting(names: dict[str, Any], key: str, default: Any) -> Any:
    v = names.get(key)
    v = getattr(v, "value", v)
    if isinstance(v, list):
        v = v[0] if v else None
    return default if is_blank(v) else v


def _context(pkg: Any, raw: dict[str, pd.DataFrame], zone: str | None) -> Context:
    from storeops.xlsx import read_names

    try:
        names = read_names(pkg)
    except StoreOpsError:
        names = {}
    roster = to_keys("tblSalespeople", raw["tblSalespeople"])["salesperson"].tolist() if "tblSalespeople" in raw else []
    names_ok = [str(clean_value(r)) for r in roster if not is_blank(r)]
    fx = _setting(names, "cfg_fx_usd_cny", 7.2)
    try:
        fx = float(fx)
    except (TypeError, ValueError):
        fx = 7.2
    if not math.isfinite(fx) or fx <= 0:
        fx = 7.2
    cols = {}
    for t, f in raw.items():
        if t in TABLES:
            by_header = TABLES[t].key_by_header()
            cols[t] = {by_header.get(" ".join(str(c).split()), c) for c in f.columns}
            cols[t] |= {k for k in TABLES[t].keys if k in f.columns}
    return Context(
        match_salesperson=roster_matcher(names_ok),
        roster=frozenset(names_ok),
        fx_usd_cny=fx,
        platform=str(_setting(names, "cfg_platform", "alibaba")),
        zone=zone,
        columns=cols,
    )


def import_into(
    paths: Sequence[str],
    workbook: str,
    *,
    recalc: bool = True,
    progress: bool = True,
    today: _dt.date | None = None,
    zone: str | None = None,
) -> ImportReport:
    """Import exports ``paths`` into ``workbook`` and recalculate it, in one atomic write.

    Every export is read and checked before the workbook is touched; the new rows and
    the recalculated values are written together (a failed recalculation leaves the
    workbook as it was).  The workbook is locked for StoreOps meanwhile, and a save
    someone makes while the import runs is never overwritten (the import runs again on
    the saved version, see :func:`storeops.xlsx.retry_on_change`).

    ``zone`` is the time zone of times written without one in the files (default: each
    export's own; China time for the back office).
    """
    from storeops.xlsx import check_not_locked, retry_on_change, workbook_session

    if not os.path.isfile(workbook):
        raise StoreOpsError(f"找不到工作簿 / workbook not found: {workbook}")
    check_not_locked(workbook)

    def once() -> ImportReport:
        with workbook_session(workbook):
            return _import_once(paths, workbook, recalc=recalc, progress=progress, today=today, zone=zone)

    return retry_on_change(once)


def _import_once(
    paths: Sequence[str], workbook: str, *, recalc: bool, progress: bool, today: _dt.date | None, zone: str | None
) -> ImportReport:
    from storeops.xlsx import open_package, read_tables, table_parts, write_package

    t0 = time.perf_counter()
    with open_package(workbook) as pkg:
        raw = read_tables(pkg)
        missing = [t for t in _CORE if t not in raw]
        if missing:
            raise StoreOpsError(
                f"不是 StoreOps 工作簿(缺少 {', '.join(missing)}) / not a StoreOps workbook "
                f"(missing {', '.join(missing)}): {workbook}"
            )
        ctx = _context(pkg, raw, zone)
        tables = {t: drop_blank_rows(t, to_keys(t, raw[t])).reset_index(drop=True) for t in _TABLES if t in raw}
        # a big Follow-up table is written row by row (only what changed) when its rows are the
        # sheet's rows one for one (no blank row dropped in between)
        partial = {t for t in ("tblFollow",) if t in raw and len(raw[t]) == len(tables[t])}
        del raw
        for t in _TABLES:
            if t not in tables:  # an older workbook: _check_columns refuses the kinds that need it
                ctx.columns[t] = set()
                tables[t] = to_keys(t, pd.DataFrame())
        before = {t: id(f) for t, f in tables.items()}
        t1 = time.perf_counter()
        reports_ = import_frames(tables, paths, ctx, progress=progress)
        t2 = time.perf_counter()
        changed = {t: to_headers(t, f, inputs_only=True) for t, f in tables.items() if id(f) != before[t]}
        report = ImportReport(reports_)
        if report.failed:  # every file is read and checked before anything is written
            changed = {}
        if progress and changed:
            rows = sum(len(f) for f in changed.values())
            _say(f"写入 writing {rows:,} 行 rows …")
        only = {t: ctx.changed_rows.get(t, set()) for t in changed if t in partial}
        parts = table_parts(pkg, changed, only_rows=only or None)[0] if changed else {}
        if parts and not recalc:
            write_package(pkg, parts)
    t3 = time.perf_counter()
    if parts:
        if recalc:
            from storeops.engine import recalc as _recalc

            _recalc(workbook, today=today, progress=progress, overlay=parts)  # rows + values: one write
            report.recalculated = True
        report.written = True
    t4 = time.perf_counter()
    report.seconds = {"read": t1 - t0, "upsert": t2 - t1, "write": t3 - t2, "recalc": t4 - t3, "total": t4 - t0}
    return report


def format_report(report: ImportReport, *, max_reasons: int = 20) -> str:
    """The per-file report, bilingual."""
    from .kinds import LABELS

    lines = []
    for f in report.files:
        name = os.path.basename(f.path)
        if f.error:
            lines.append(f"✗ {name}: 失败 failed — {f.error}")
            continue
        kind = LABELS.get(f.kind, f.kind)
        period = f", {f.period}" if f.period else ""
        lines.append(
            f"✓ {name} ({kind}{period}): 读取 read {f.read}, 新增 added {f.added}, "
            f"更新 updated {f.updated}, 未变 unchanged {f.unchanged}, 拒绝 rejected {len(f.rejected)}"
        )
        for t, c in f.tables.items():
            lines.append(f"    {t}: +{c.added} ~{c.updated} ={c.unchanged}")
        for msg in f.messages:
            lines.append(f"    注意 note: {msg}")
        for row, reason in f.rejected[:max_reasons]:
            lines.append(f"    拒绝 rejected row {row}: {reason}")
        for row, note in f.notes[:max_reasons]:
            lines.append(f"    注意 note row {row}: {note}")
        if len(f.rejected) > max_reasons:
            lines.append(f"    … 另有 {len(f.rejected) - max_reasons} 条 / {len(f.rejected) - max_reasons} more")
    if report.written and report.recalculated:
        lines.append("已写入并重新计算 / written and recalculated")
    elif report.written:
        lines.append("已写入(未重新计算) / written (not recalculated)")
    elif report.failed:
        lines.append("有文件无法读取，工作簿未改动 / a file could not be read: the workbook was not changed")
    else:
        lines.append("没有变化,文件未改动 / nothing changed; the file was not modified")
    return "\n".join(lines)
