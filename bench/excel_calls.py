"""How many StoreOps UDF calls (Python calls through xlwings) Excel makes on a workbook.

Reads a workbook's formulas and what each reads, then follows Excel's dependency rules:
a cell is recalculated when it is volatile (TODAY, NOW, RAND, OFFSET, INDIRECT …) or
reads a changed or recalculated cell; on open everything is recalculated when the file's
``calcPr/@calcId`` is older than current Excel's (or ``fullCalcOnLoad`` is set), otherwise
only the volatile cells and what depends on them.  Every recalculated cell calls Python
once per StoreOps function in its formula (an upper bound where a native guard such as
``IF(OR(F8="",E8=""),"",CTR(F8,E8))`` skips the call).

Three counts per workbook:

* **open** — opening the file;
* **row edit** — a salesperson edits every input cell of one follow-up row (the middle one);
  the same for one row of the Funnel and of the Products table (what a hand edit there costs);
* **setting** — changing one ``cfg_*`` setting: the cost of each, the largest reported; and,
  for the settings that feed a stamped ``BENCHMARK`` cell (a value in the file), what the
  next save or Refresh costs when it rewrites that cell.

Usage::

    python bench/excel_calls.py                 # demo + reference (100,000 follow-up rows), both editions
    python bench/excel_calls.py --book FILE     # one workbook
    python bench/excel_calls.py --quick         # reference at 1/10 size
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from storeops.engine._eval import Book, table_area  # noqa: E402
from storeops.engine._formula import Node, parse  # noqa: E402
from storeops.engine._groups import make_groups  # noqa: E402
from storeops.xlsx._package import open_package  # noqa: E402
from storeops.xlsx._scan import scan_sheet  # noqa: E402
from storeops.xlsx.calcid import CALC_ID  # noqa: E402

VOLATILE = {"TODAY", "NOW", "RAND", "RANDBETWEEN", "OFFSET", "INDIRECT", "INFO", "CELL"}
ALL = None  # a read of every row of a block


@dataclass
class Cells:
    """Formula cells of one column that share a formula relative to their row."""

    sheet: str
    col: int
    rows: np.ndarray
    udf_calls: int
    volatile: bool
    row_reads: list[tuple[str, int, int, int]] = field(default_factory=list)  # sheet, c1, c2, row offset
    block_reads: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # sheet, c1, c2, r1, r2


def _walk(book: Book, node: Node, sheet: str, base: int, g: Cells, udfs: set[str], depth: int = 0) -> None:
    k, a = node.kind, node.args
    if depth > 50:
        return
    if k == "cell":
        s = book.sheet_name(a[0], sheet)
        if a[4]:
            g.block_reads.append((s, a[1], a[1], a[2], a[2]))
        else:
            g.row_reads.append((s, a[1], a[1], a[2] - base))
    elif k == "area":
        s = book.sheet_name(a[0], sheet)
        if not a[6] and not a[8] and a[2] == a[4]:  # a same-row range such as C5:F5
            g.row_reads.append((s, a[1], a[3], a[2] - base))
        else:
            g.block_reads.append((s, a[1], a[3], a[2], a[4]))
    elif k == "name":
        try:
            _walk(book, book.name_node(a[0], sheet), sheet, base, g, udfs, depth + 1)
        except Exception:  # noqa: BLE001 - an unknown name reads nothing we track
            pass
    elif k == "sref":
        t = book.table(a[0])
        c1, r1, c2, r2, this_row = table_area(book, t, a[1], a[2], a[3])
        if this_row:
            g.row_reads.append((t.sheet, c1, c2, 0))
        else:
            g.block_reads.append((t.sheet, c1, c2, r1, r2))
    elif k == "call":
        name = str(a[0]).upper()
        if name in udfs:
            g.udf_calls += 1
        if name in VOLATILE:
            g.volatile = True
        for x in a[1:]:
            if isinstance(x, Node):
                _walk(book, x, sheet, base, g, udfs, depth)
    elif k == "bin":
        _walk(book, a[1], sheet, base, g, udfs, depth)
        _walk(book, a[2], sheet, base, g, udfs, depth)
    elif k in ("neg", "pct"):
        _walk(book, a[0], sheet, base, g, udfs, depth)


@dataclass
class Workbook:
    groups: list[Cells]
    names: dict[str, tuple[str, int, int]]
    full_on_open: bool
    tables: dict


def load(path: str) -> Workbook:
    from storeops_xl import FUNCTIONS

    udfs = set(FUNCTIONS)
    with open_package(path) as pkg:
        names: dict[str, list] = defaultdict(list)
        for d in pkg.names:
            local = pkg.sheets[d.local_sheet].name if d.local_sheet is not None else None
            names[d.name.lower()].append((local, d.text))
        book = Book(pkg.tables, names, [s.name for s in pkg.sheets], 46000.0, 46000.0)
        groups: list[Cells] = []
        for s in pkg.sheets:
            xml = pkg.read(s.path)
            F = scan_sheet(xml, []).formulas
            gs, _bad = make_groups(s.name, xml, F)
            book.max_row[s.name] = int(max((int(g.rows.max()) for g in gs), default=1))
            for g in gs:
                cells = Cells(s.name, g.col, np.asarray(g.rows), 0, False)
                try:
                    _walk(book, parse(g.text), s.name, g.base_row, cells, udfs)
                except Exception:  # noqa: BLE001 - a formula the parser does not read: count it as reading nothing
                    pass
                groups.append(cells)
        cells_of_names = {}
        for d in pkg.names:
            text = d.text.lstrip("=")
            if "!" in text and ":" not in text:
                sheet, ref = text.rsplit("!", 1)
                from storeops.xlsx._cells import parse_cell

                try:
                    c, r = parse_cell(ref.replace("$", ""))
                except (ValueError, KeyError):
                    continue
                cells_of_names[d.name] = (sheet.strip("'").replace("''", "'"), c, r)
        calc = pkg.calc_pr or {}
        old = int(calc.get("calcId", "0") or 0) < CALC_ID
        full = old or calc.get("fullCalcOnLoad") in ("1", "true")
        return Workbook(groups, cells_of_names, full, dict(pkg.tables))


def dirty_calls(wb: Workbook, seeds: dict[tuple[str, int], set[int]], *, volatile: bool) -> tuple[int, int]:
    """(UDF calls, formula cells recalculated) after the ``seeds`` cells changed."""
    dirty: dict[tuple[str, int], set[int]] = defaultdict(set)
    for k, v in seeds.items():
        dirty[k] |= v
    done: dict[int, set[int]] = defaultdict(set)  # group index → dirty rows
    changed = True
    while changed:
        changed = False
        for gi, g in enumerate(wb.groups):
            rows_all = set(g.rows.tolist())
            if len(done[gi]) == len(rows_all):
                continue
            new: set[int] = set()
            if volatile and g.volatile:
                new = rows_all
            else:
                for s, c1, c2, r1, r2 in g.block_reads:
                    if any(any(r1 <= r <= r2 for r in dirty.get((s, c), ())) for c in range(c1, min(c2, c1 + 300) + 1)):
                        new = rows_all
                        break
                if not new:
                    for s, c1, c2, off in g.row_reads:
                        for c in range(c1, c2 + 1):
                            d = dirty.get((s, c))
                            if d:
                                new |= (
                                    {r for r in rows_all if r + off in d}
                                    if len(d) < len(rows_all)
                                    else {r - off for r in d if r - off in rows_all}
                                )
            new -= done[gi]
            if new:
                done[gi] |= new
                dirty[(g.sheet, g.col)] |= new
                changed = True
    calls = sum(len(done[gi]) * g.udf_calls for gi, g in enumerate(wb.groups))
    cells = sum(len(v) for v in done.values())
    return calls, cells


def count_open(wb: Workbook) -> int:
    if wb.full_on_open:
        return sum(len(g.rows) * g.udf_calls for g in wb.groups)
    return dirty_calls(wb, {}, volatile=True)[0]


def count_row_edit(wb: Workbook, table: str = "tblFollow") -> tuple[int, int]:
    """(UDF calls, UDF calls in the edited row itself) for one row of ``table`` edited (every
    input cell of its middle row)."""
    from storeops.workbook import schema

    t = wb.tables.get(table)
    if t is None:
        return 0, 0
    c1, _r1, _c2, _r2 = t.bounds
    first, last = t.data_rows
    row = (first + last) // 2
    cols = schema.TABLES[table].columns
    seeds = {(t.sheet, c1 + j): {row} for j, c in enumerate(cols) if c.kind == "input"}
    calls, _ = dirty_calls(wb, seeds, volatile=True)  # Excel also recomputes every volatile cell
    c2 = c1 + len(cols) - 1
    own = sum(
        g.udf_calls for g in wb.groups if g.sheet == t.sheet and c1 <= g.col <= c2 and row in set(g.rows.tolist())
    )
    return calls, own


def count_settings(wb: Workbook) -> dict[str, int]:
    from storeops_xl.settings import SETTINGS

    out = {}
    for s in SETTINGS:
        where = wb.names.get(s.name)
        if where is None:
            continue
        sheet, c, r = where
        out[s.name] = dirty_calls(wb, {(sheet, c): {r}}, volatile=True)[0]
    return out


def count_at_save(wb: Workbook) -> dict[str, int]:
    """Calls the next save/Refresh makes when a setting changed a stamped cell
    (``FunctionSpec.stamp``: the ``BENCHMARK`` shop medians, values in the file): what
    depends on the stamped cells that read the setting, per setting."""
    import re

    from storeops.workbook import schema
    from storeops.workbook.editions import stamped

    reads: dict[str, dict[tuple[str, int], set[int]]] = defaultdict(dict)
    for sh in schema.SHEETS:
        for cell in sh.cells:
            where = wb.names.get(cell.name)
            if cell.formula is None or where is None or not stamped(cell.formula):
                continue
            for name in set(re.findall(r"\bcfg_\w+", cell.formula)):
                reads[name][(where[0], where[1])] = reads[name].get((where[0], where[1]), set()) | {where[2]}
    return {name: dirty_calls(wb, seeds, volatile=True)[0] for name, seeds in reads.items()}


def report(label: str, path: str) -> dict:
    t0 = time.perf_counter()
    wb = load(path)
    udf_cells = sum(len(g.rows) for g in wb.groups if g.udf_calls)
    opened = count_open(wb)
    row, own = count_row_edit(wb)
    funnel, funnel_own = count_row_edit(wb, "tblFunnel")
    product, product_own = count_row_edit(wb, "tblProducts")
    per = count_settings(wb)
    later = count_at_save(wb)
    worst = max(per.items(), key=lambda kv: kv[1]) if per else ("-", 0)
    worst_later = max(later.items(), key=lambda kv: kv[1]) if later else ("-", 0)
    over = {k: v for k, v in per.items() if v > 10_000}
    print(
        f"{label}: {udf_cells:,} UDF cells | open {opened:,} | one follow-up row edited {row:,} "
        f"(UDF calls in that row: {own}) | one funnel row {funnel:,} ({funnel_own}) | one product row "
        f"{product:,} ({product_own}) | one setting changed: up to {worst[1]:,} ({worst[0]})"
        f"{'; over 10,000: ' + ', '.join(f'{k} {v:,}' for k, v in sorted(over.items())) if over else ''}"
        f" | through stamped benchmarks at the next save: up to {worst_later[1]:,} ({worst_later[0]})"
        f"  [{time.perf_counter() - t0:.1f} s]"
    )
    return {
        "udf_cells": udf_cells,
        "open": opened,
        "row": row,
        "row_own": own,
        "funnel_row": funnel,
        "product_row": product,
        "settings": per,
        "settings_at_save": later,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--book", help="count one workbook")
    ap.add_argument("--quick", action="store_true", help="reference workbook at 1/10 size")
    args = ap.parse_args()
    if args.book:
        report(os.path.basename(args.book), args.book)
        return 0
    from bench.recalc import frames
    from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
    from storeops.workbook import build_workbook

    scale = 10 if args.quick else 1
    with tempfile.TemporaryDirectory() as work:
        demo = demo_frames(DEMO_AS_OF)
        ref = frames(100_000 // scale, 50_000 // scale, 2_000 // scale, 500 // scale)
        for edition in ("xlsm", "xlsx"):
            for label, data, settings in (
                ("demo", demo, demo_settings(DEMO_AS_OF)),
                (f"reference ({100_000 // scale:,} follow-up rows)", ref, demo_settings(DEMO_AS_OF)),
            ):
                p = os.path.join(work, f"{label.split()[0]}.{edition}")
                build_workbook(
                    p, data=data, settings=settings, edition=edition, calculate=True, today=dt.date(2026, 11, 21)
                )
                report(f"{label} .{edition}", p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
