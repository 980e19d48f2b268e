"""``export --portable``: a copy for WPS/LibreOffice users, who cannot run xlwings.

StoreOps function calls become native Excel formulas where an exact native
equivalent exists (ratios, REPLY_HOURS, BUYER_CLASS, OVERDUE) and their computed values
otherwise (TITLE_SCORE, SCAM_RISK, BANNED, …).  The VBA project and the ribbon are
dropped and the file is saved as ``.xlsx``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..xlsx._atomic import atomic_replace
from ..xlsx._cells import col_letters, escape
from ..xlsx._package import open_package, rels_of
from ..xlsx._scan import scan_sheet
from ..xlsx._zipwrite import write_zip
from ._formula import FormulaError, Node, parse, row_template, unparse
from ._groups import make_groups
from ._sheetxml import cell_attrs, cell_value, replace_cells
from .recalc import evaluate_package


def _ratio(a: list[str]) -> str | None:
    if len(a) != 2:
        return None
    n, d = a
    return f'IF({d}>0,{n}/{d},"")'


def _reply_hours(a: list[str]) -> str | None:
    if len(a) != 2:
        return None
    x, y = a
    return f'IF(OR({x}="",{y}=""),"",({y}-{x})*24)'


def _buyer_class(a: list[str]) -> str | None:
    if not 3 <= len(a) <= 5:
        return None
    u, p, s = a[:3]
    au = a[3] if len(a) > 3 and a[3] else "10000"
    ar = a[4] if len(a) > 4 and a[4] else "3"
    return f'IF(OR(N({u})>={au},N({p})>={ar}),"A",IF(N({p})>0,"B",IF(N({s})>0,"C","D")))'


def _overdue(a: list[str]) -> str | None:
    if not 1 <= len(a) <= 2:
        return None
    d = a[0]
    t = a[1] if len(a) == 2 and a[1] else "TODAY()"
    return f'IF({d}="","",{d}<{t})'


#: StoreOps function → native-formula writer (argument texts → formula text).
NATIVE_EQUIVALENTS: dict[str, Callable[[list[str]], str | None]] = {
    "CTR": _ratio,
    "BOUNCE": _ratio,
    "INQUIRY_RATE": _ratio,
    "CONVERSION": _ratio,
    "CPC": _ratio,
    "COST_PER": _ratio,
    "REPLY_HOURS": _reply_hours,
    "BUYER_CLASS": _buyer_class,
    "OVERDUE": _overdue,
}


class _NoEquivalent(Exception):
    pass


def _translate(node: Node, udfs: set[str]) -> Node:
    if node.kind == "call":
        args = [_translate(x, udfs) for x in node.args[1:]]
        name = node.args[0]
        if name in udfs:
            fn = NATIVE_EQUIVALENTS.get(name)
            text = fn([unparse(x) for x in args]) if fn else None
            if text is None:
                raise _NoEquivalent(name)
            return parse(text)
        return Node("call", (name, *args))
    if node.kind == "bin":
        return Node("bin", (node.args[0], _translate(node.args[1], udfs), _translate(node.args[2], udfs)))
    if node.kind in ("neg", "pct"):
        return Node(node.kind, (_translate(node.args[0], udfs),))
    return node


def _uses(node: Node, udfs: set[str]) -> bool:
    if node.kind == "call":
        return node.args[0] in udfs or any(_uses(x, udfs) for x in node.args[1:] if isinstance(x, Node))
    if node.kind == "bin":
        return _uses(node.args[1], udfs) or _uses(node.args[2], udfs)
    if node.kind in ("neg", "pct"):
        return _uses(node.args[0], udfs)
    return False


@dataclass
class PortableReport:
    """What ``export_portable`` did."""

    out: str
    native: int = 0
    values: int = 0
    kept: int = 0
    dropped_parts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"已导出 {os.path.basename(self.out)}：{self.native} 个公式改为原生公式，{self.values} 个改为数值"
            f" / exported: {self.native} formulas made native, {self.values} replaced by values"
        )


def export_portable(
    src: str | os.PathLike[str], out: str | os.PathLike[str], *, today: _dt.date | None = None
) -> PortableReport:
    """Write a WPS/LibreOffice-friendly ``.xlsx`` copy of a StoreOps workbook.

    Examples
    --------
    >>> from storeops.engine import export_portable
    >>> export_portable("StoreOps.xlsm", "StoreOps-portable.xlsx").native   # doctest: +SKIP
    412000
    """
    from storeops_xl import FUNCTIONS

    src, out = os.fspath(src), os.fspath(out)
    rep = PortableReport(out)
    udfs = set(FUNCTIONS)
    with open_package(src) as pkg:
        replace, _ = evaluate_package(pkg, today=today)
        drop = set()
        for s in pkg.sheets:
            xml = replace.get(s.path) or pkg.read(s.path)
            F = scan_sheet(xml, []).formulas
            groups, _bad = make_groups(s.name, xml, F)
            new_cells: dict[int, bytes] = {}
            for g in groups:
                try:
                    node = parse(g.text)
                except FormulaError:
                    continue
                if not _uses(node, udfs):
                    rep.kept += len(g.rows)
                    continue
                try:
                    text = unparse(_translate(node, udfs))
                    tpl, offs = row_template(text, g.base_row)
                except (_NoEquivalent, FormulaError, ValueError):
                    tpl = None
                letters = col_letters(g.col).encode()
                for i, r in zip(g.cell_index.tolist(), g.rows.tolist()):
                    attrs, vals = cell_attrs(xml, F, i), cell_value(xml, F, i)
                    if tpl is not None:
                        f = (tpl % tuple(r + o for o in offs)) if offs else tpl.replace("%%", "%")
                        new_cells[i] = b'<c r="%s%d"%s><f>%s</f>%s</c>' % (
                            letters,
                            r,
                            attrs,
                            escape(f).encode("utf-8"),
                            vals,
                        )
                        rep.native += 1
                    else:
                        new_cells[i] = b'<c r="%s%d"%s>%s</c>' % (letters, r, attrs, vals)
                        rep.values += 1
            if new_cells:
                replace[s.path] = replace_cells(xml, F, new_cells)
        # drop VBA and the ribbon
        for info in pkg.infos:
            n = info.filename
            if (
                n.endswith("vbaProject.bin")
                or n.startswith("customUI/")
                or n.endswith("vbaProjectSignature.bin")
                or n.endswith("vbaData.xml")
                or (n.startswith("xl/") and "/_rels/vbaProject" in n)
            ):
                drop.add(n)
        ct = pkg.read("[Content_Types].xml")
        ct = ct.replace(
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        )
        ct = re.sub(rb'<Override PartName="/[^"]*(vbaProject\.bin|vbaData\.xml|customUI[^"]*)"[^>]*/>', b"", ct)
        ct = re.sub(rb'<Default Extension="bin" ContentType="application/vnd\.ms-office\.vbaProject"/>', b"", ct)
        replace["[Content_Types].xml"] = ct
        root_rels = pkg.read("_rels/.rels")
        replace["_rels/.rels"] = re.sub(
            rb'<Relationship [^>]*Type="[^"]*ui/(\d+/)?extensibility"[^>]*/>', b"", root_rels
        )
        wr = rels_of(pkg.workbook_path)
        if pkg.has(wr):
            replace[wr] = re.sub(rb'<Relationship [^>]*Type="[^"]*/vbaProject"[^>]*/>', b"", pkg.read(wr))

        pkg.validate_all()  # a damaged part is refused, never copied into the export (issue 15)
        infos = [i for i in pkg.infos if i.filename not in drop]
        rep.dropped_parts = sorted(drop)

        def write(fh):
            write_zip(fh, pkg, infos, replace)  # raw copies from the very file read (issue 15)

        atomic_replace(out, write)
    return rep
