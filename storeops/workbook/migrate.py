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

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from storeops.errors import StoreOpsError
from storeops.xlsx import Package, open_package, schema_version, workbook_session, write_package
from storeops.xlsx._docprops import schema_version_parts

from ._layouts import LAYOUTS
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


def _check_v0(pkg: Package) -> dict[str, bytes]:
    """0 → 1: a file built before versions were stamped has the version-1 layout; check it."""
    problems = layout_problems(pkg, 1)
    if problems:
        raise StoreOpsError(
            f"{os.path.basename(pkg.path)}: 无法升级，表格与 StoreOps 模板不符 / cannot upgrade: the tables do not "
            f"match the StoreOps template ({len(problems)}): " + "; ".join(problems[:5])
        )
    return {}


#: version → the step that upgrades a package of that version to the next one (member → new bytes)
MIGRATIONS: dict[int, Callable[[Package], dict[str, bytes]]] = {0: _check_v0}


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
        parts: dict[str, bytes] = {}
        for v in range(before, SCHEMA_VERSION):
            parts.update(MIGRATIONS[v](pkg.overlaid(parts) if parts else pkg))
            report.steps.append(v)
        parts.update(schema_version_parts(pkg.overlaid(parts) if parts else pkg, SCHEMA_VERSION))
        write_package(pkg, parts)
    return report
