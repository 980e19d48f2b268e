"""Schema versions: which layout a workbook has, and the explicit upgrade of older ones.

Every workbook StoreOps builds carries its layout version as the custom document property
``StoreOpsSchemaVersion`` (``docProps/custom.xml``; Excel, WPS and LibreOffice keep it when
they save).  :data:`storeops.workbook.schema.SCHEMA_VERSION` is the version this code writes
and reads; whoever changes the tables so that an older file can no longer be merged with a
new one bumps it, adds the new layout to :mod:`._layouts` and a step to :data:`MIGRATIONS`.

A workbook without the property was built before versions were stamped: version 0.  Nothing
converts a file behind the user's back: ``storeops migrate WORKBOOK`` upgrades it, step by
step, after checking that its tables really have the layout of its version, and stamps it.

API for the other commands (``merge`` refuses a salesperson file of another version)::

    schema_version(pkg_or_path) -> int | None       # storeops.xlsx.schema_version
    layout_problems(pkg, version) -> list[str]      # tables/columns that differ from that version
    migrate(path) -> MigrationReport
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from storeops.errors import StoreOpsError
from storeops.xlsx import Package, atomic_replace, open_package, schema_version, workbook_session, write_package
from storeops.xlsx._docprops import schema_version_parts
from storeops.xlsx._zipwrite import write_zip

from . import schema
from ._layouts import LAYOUTS, RETIRED_FORMULA_HEADERS
from .build import LISTS_SHEET
from .opening import OLD_TOTALS, opening_orders, split_typed_totals
from .schema import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "MigrationReport", "layout_problems", "migrate"]


def layout_problems(pkg: Package, version: int) -> list[str]:
    """What in the workbook differs from the layout of ``version``: missing tables and
    input columns (a renamed column shows as its old name missing).  Bilingual lines;
    empty when the workbook fits.

    Examples
    --------
    >>> with open_package("StoreOps.xlsm") as pkg:            # doctest: +SKIP
    ...     layout_problems(pkg, 1)
    []
    """
    expected = LAYOUTS.get(version)
    if expected is None:
        return [f"未知的版本 {version} / unknown schema version {version}"]
    tables = pkg.tables
    out = []
    for name, headers in expected.items():
        t = tables.get(name)
        if t is None:
            out.append(f"缺少表格 {name} / table {name} is missing")
            continue
        have = {c.name for c in t.columns}
        for h in headers:
            if h not in have:
                out.append(
                    f"表格 {name} 缺少列「{h}」（被改名或删除）/ table {name} lacks column {h!r} (renamed or removed)"
                )
    return out


def _check_layout(pkg: Package, version: int) -> None:
    problems = layout_problems(pkg, version)
    if problems:
        raise StoreOpsError(
            f"{os.path.basename(pkg.path)}: 无法升级，表格与 StoreOps 模板不符 / cannot upgrade: the tables do not "
            f"match the StoreOps template ({len(problems)}): " + "; ".join(problems[:5])
        )


def _check_v0(pkg: Package) -> dict[str, bytes]:
    """0 → 1: a file built before versions were stamped has the version-1 layout; check it."""
    _check_layout(pkg, 1)
    return {}


#: sheets a build makes besides the schema's (and the review sheet ``storeops review`` adds)
_BUILT_SHEETS = {LISTS_SHEET, schema.S_CONF}


def _not_carried(pkg: Package) -> list[str]:
    """What a new build around the file's inputs would not carry: sheets, tables and table
    columns StoreOps does not know (a user's own).  Bilingual lines; empty when none."""
    known_sheets = {s.name for s in schema.SHEETS} | _BUILT_SHEETS | {schema.S_REVIEW}
    out = [f"工作表「{s.name}」/ sheet {s.name!r}" for s in pkg.sheets if s.name not in known_sheets]
    for name, t in pkg.tables.items():
        table = schema.TABLES.get(name)
        if table is None:
            out.append(f"表格 {name} / table {name}")
            continue
        known = {c.header for c in table.columns} | set(RETIRED_FORMULA_HEADERS.get(name, ()))
        if name == "tblFollow":  # typed order totals of version ≤ 2: carried as opening entries
            known |= set(OLD_TOTALS)
        out += [f"表格 {name} 的列「{c.name}」/ column {c.name!r} of {name}" for c in t.columns if c.name not in known]
    return out


def _rebuild(version: int) -> Callable[[Package, str], str]:
    """A step that builds the workbook again in the current layout (:data:`SCHEMA_VERSION`).

    1 → 2: issue 12 added input columns to 跟进 Follow-up (询盘ID … 平台订单额) and 产品 Products
    (橱窗, 顶展, 直通车, 负责人), and the 员工分析 Staff analysis sheet; issue 13 added 产品 Products
    质量分 and changed formula columns and settings.  2 → 3: issue 10's team loop added to 跟进
    Follow-up 撞单 (a formula), 原业务员, 买家ID and 同步标记, to 买家汇总 Buyers the columns of who
    submitted since the last working day, and the Settings cell ``cfg_last_workday``.  3 → 4:
    issue 11's dated order log (订单 Orders): Follow-up's typed 样品单/付款订单/订单额 become dated
    opening entries on Orders (:mod:`.opening`) for the buyer's 买家ID (kept, else given by
    :func:`storeops.buyer_ids.assign_ids`).  4 → 5: issue 9's native ``FUNNEL_DIAG`` twin (漏斗
    Funnel's diagnosis and its four hidden helper columns; no input column changed).  Inserting columns would shift every
    formula, validation and format of those sheets, so the workbook is built again by this
    version's builder, in its edition, around everything it holds: each table's rows (every
    input column, by header), the settings, PK weights and summary inputs, the rows a user
    added to ``xlwings.conf`` (``storeops install``'s interpreter) and the last 周复盘 Review
    sheet.  A file holding a sheet, table or table column StoreOps does not know is refused
    (nothing would carry it).  Returns the path of the new workbook, in ``folder``; the new
    workbook has the current layout, so no later step runs."""

    def step(pkg: Package, folder: str) -> str:
        from storeops.review.sheet import copy_review_sheet
        from storeops.xlsx import read_names, read_tables

        from .build import build_workbook
        from .inputs import workbook_inputs

        _check_layout(pkg, version)
        extra = _not_carried(pkg)
        if extra:
            raise StoreOpsError(
                f"{os.path.basename(pkg.path)}: 无法升级，下列内容不是 StoreOps 模板的一部分，升级会丢失它们，请先移到别的文件 / "
                f"cannot upgrade: these are not part of the StoreOps template and would be lost; move them to "
                f"another file first ({len(extra)}): " + "; ".join(extra[:5])
            )
        tables, names = read_tables(pkg), read_names(pkg)
        follow, typed = split_typed_totals(tables["tblFollow"])
        tables["tblFollow"] = follow
        data, settings = workbook_inputs(tables, names)
        as_of = _as_of(names)
        ids, opening = opening_orders(data["tblFollow"], typed, as_of)
        data["tblFollow"] = data["tblFollow"].assign(buyer_id=ids)
        if len(opening):
            kept = data.get("tblOrders")
            data["tblOrders"] = opening if kept is None or kept.empty else pd.concat([kept, opening], ignore_index=True)
        out = os.path.join(folder, os.path.basename(pkg.path))
        build_workbook(out, data=data, settings=settings, calculate=True, today=_dt.date.today())
        if schema.S_CONF in {s.name for s in pkg.sheets}:
            from storeops.vba._conf import read_conf, write_conf

            built = {k.upper() for k in read_conf(out)}
            kept_conf = {k: v for k, v in read_conf(pkg.path).items() if k.upper() not in built}
            if kept_conf:
                write_conf(out, kept_conf)
        copy_review_sheet(pkg, out)
        return out

    return step


def _as_of(names: dict) -> _dt.date:
    """The as-of date the old workbook was last computed for (``cfg_as_of``, else ``cfg_today``),
    else today: the opening entries are dated up to it."""
    import numpy as np

    from storeops_xl.inputs import EXCEL_EPOCH, to_date

    for key in ("cfg_as_of", "cfg_today"):
        v = names.get(key)
        if v not in (None, ""):
            serial = float(to_date(np.asarray([v], dtype=object), key).values[0])
            if serial == serial:
                return (EXCEL_EPOCH + _dt.timedelta(days=serial)).date()
    return _dt.date.today()


#: version → the step that upgrades a package of that version to the next one: the members it
#: changes (member → new bytes), or the path of a workbook built anew (a step gets the package
#: and a temporary folder)
MIGRATIONS: dict[int, Callable[[Package, str], dict[str, bytes] | str]] = {
    0: lambda pkg, folder: _check_v0(pkg),
    1: _rebuild(1),
    2: _rebuild(2),
    3: _rebuild(3),
    4: _rebuild(4),
}


@dataclass
class MigrationReport:
    path: str
    before: int
    after: int
    steps: list[int] = field(default_factory=list)

    def summary(self) -> str:
        name = os.path.basename(self.path)
        if not self.steps:
            return f"{name}: 已是版本 {self.after}，无需升级 / already at schema version {self.after}; nothing to do"
        return f"{name}: 已从版本 {self.before} 升级到 {self.after} / upgraded from schema version {self.before} to {self.after}"


def migrate(path: str | os.PathLike[str]) -> MigrationReport:
    """Upgrade the workbook at ``path`` to :data:`SCHEMA_VERSION` (in place, atomically).

    Refuses a file of a newer version (made by a newer StoreOps) and a file whose tables do
    not have the layout of its version; a file already current is not rewritten.
    """
    path = os.fspath(path)
    with workbook_session(path), open_package(path) as pkg:
        before = schema_version(pkg) or 0
        report = MigrationReport(path, before, SCHEMA_VERSION)
        if before > SCHEMA_VERSION:
            raise StoreOpsError(
                f"{os.path.basename(path)}: 文件来自更新版本的 StoreOps（版本 {before}，本程序 {SCHEMA_VERSION}），请先升级 "
                f"StoreOps / the file comes from a newer StoreOps (schema {before}, this one reads {SCHEMA_VERSION}); "
                "update StoreOps first"
            )
        if before == SCHEMA_VERSION:
            return report
        with tempfile.TemporaryDirectory(prefix="storeops-migrate-") as folder, contextlib.ExitStack() as stack:
            current = pkg
            parts: dict[str, bytes] = {}
            # a file of the current layout that lost its stamp (a program that drops
            # docProps/custom.xml) is only stamped: it is no version-1 file
            start = before
            if before == 0 and layout_problems(pkg, 1) and not layout_problems(pkg, SCHEMA_VERSION):
                start = SCHEMA_VERSION
                report.steps.append(0)
            for v in range(start, SCHEMA_VERSION):
                step = MIGRATIONS[v](current.overlaid(parts) if parts else current, folder)
                report.steps.append(v)
                if isinstance(step, str):  # built anew, in the current layout: no later step
                    current, parts = stack.enter_context(open_package(step)), {}
                    break
                parts.update(step)
            parts.update(schema_version_parts(current.overlaid(parts) if parts else current, SCHEMA_VERSION))
            if current is pkg:
                write_package(pkg, parts)
            else:  # the new workbook replaces the file, still only if nobody saved it meanwhile
                atomic_replace(path, lambda fh: write_zip(fh, current, current.infos, parts))
    return report
