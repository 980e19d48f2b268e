"""``export --portable``: a copy for WPS/LibreOffice users, who cannot run xlwings.

A StoreOps workbook becomes the ``.xlsx`` edition (:mod:`storeops.workbook.editions`):
its tables and settings are read and the edition is built from the schema and
calculated — native twins live, Python-only results as values that ``storeops recalc``
and ``watch`` keep recomputing after each save.

Any other workbook that calls StoreOps functions is translated in place: each call
becomes its native twin (``FunctionSpec.twin``) where one exists and its computed value
otherwise; the VBA project and the ribbon are dropped and the file is saved as ``.xlsx``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

from ..xlsx._atomic import atomic_replace
from ..xlsx._cells import col_letters, escape
from ..xlsx._package import open_package, rels_of
from ..xlsx._scan import scan_sheet
from ..xlsx._sheetxml import cell_attrs, cell_value, replace_cells
from ..xlsx._zipwrite import write_zip
from ._formula import FormulaError, Node, parse, row_template, unparse
from ._groups import make_groups
from .recalc import evaluate_package


def _twin(name: str, args: list[str]) -> str | None:
    """The native twin of a StoreOps call (``FunctionSpec.twin``), or None."""
    from storeops.workbook.editions import twin_call
    from storeops_xl import FUNCTIONS

    spec = FUNCTIONS.get(name)
    if spec is None or spec.twin is None:
        return None
    try:
        return twin_call(name, args)
    except ValueError:  # a required argument is missing
        return None


class _NoEquivalent(Exception):
    pass


def _translate(node: Node, udfs: set[str]) -> Node:
    if node.kind == "call":
        args = [_translate(x, udfs) for x in node.args[1:]]
        name = node.args[0]
        if name in udfs:
            text = _twin(name, [unparse(x) for x in args])
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


def _as_edition(src: str, out: str, today: _dt.date | None) -> PortableReport | None:
    """A StoreOps workbook (the schema's tables with the schema's headers): rebuilt as the
    .xlsx edition with its data and settings.  ``None`` for any other workbook."""
    from storeops.workbook import build_workbook, schema
    from storeops.workbook.editions import python_only
    from storeops.workbook.inputs import workbook_inputs
    from storeops.xlsx import read_names, read_tables

    with open_package(src) as pkg:  # opened (and checked) once for both
        follow = pkg.tables.get("tblFollow")
        if follow is None or [c.name for c in follow.columns] != [c.header for c in schema.FOLLOW.columns]:
            return None
        # the builder writes the schema's formula columns itself: their cached values are not read
        inputs = {t.name: {c.header for c in t.columns if c.formula is None} for t in schema.TABLES.values()}
        tables = read_tables(pkg, only=inputs)
        names = read_names(pkg)
    data, settings = workbook_inputs(tables, names)
    with tempfile.TemporaryDirectory(prefix="storeops-export-") as folder:  # then one atomic write of ``out``
        built = build_workbook(
            os.path.join(folder, os.path.basename(out)),
            data=data,
            settings=settings,
            edition="xlsx",
            calculate=True,
            today=today or _dt.date.today(),
        )
        with open(built, "rb") as fh:
            atomic_replace(out, lambda dst: shutil.copyfileobj(fh, dst))
    rep = PortableReport(out)
    for t in schema.TABLES.values():
        n = max(len(data.get(t.name, ())), 1)
        for c in t.formulas:
            assert c.formula is not None  # Table.formulas lists the formula columns
            if python_only(c.formula):
                rep.values += n
            else:
                rep.native += n
    return rep


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
            f"已导出 {os.path.basename(self.out)}：{self.native} 个原生公式，{self.values} 个 Python 结果为数值"
            f"（保存后运行 storeops recalc 重算）/ exported: {self.native} native formulas, {self.values} Python-only "
            "results as values (run storeops recalc after each save to recompute them)"
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
    edition = _as_edition(src, out, today)
    if edition is not None:
        return edition
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
