"""``storeops split MASTER --out DIR``: one workbook per salesperson, to hand out.

Each piece is the master's template with

* only that salesperson's follow-up rows (buyer IDs and sync marks set, so the piece
  merges back losslessly: an untouched piece changes nothing, an edited row is taken,
  a row the boss changed meanwhile becomes a conflict, never a silent overwrite);
* only that salesperson on the roster, so Target, Buyers and PK show their own rows;
* none of the boss's costs: 成本 Costs (``tblCost``) emptied, the platform fee and P4P
  budget settings cleared; and no report sheet about other people's buyers (the weekly
  review and the merge conflicts are emptied);

recalculated, so it opens right in Excel, WPS and LibreOffice.  A piece already in
``DIR`` is replaced only when merging it would change nothing in the master (its edits
were merged); otherwise ``split`` stops and says which file to merge first (``--force``
replaces anyway).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

import pandas as pd

from storeops.errors import StoreOpsError
from storeops.workbook import schema

__all__ = ["SplitReport", "piece_name", "split_master"]

#: named cells of the boss's costs, cleared in every piece
COST_CELLS = ("cfg_platform_fee_cny", "cfg_p4p_budget_cny")


@dataclass
class SplitReport:
    pieces: dict[str, tuple[str, int]] = field(default_factory=dict)  # salesperson → (path, buyers)
    not_split: dict[str, int] = field(default_factory=dict)  # salesperson not on the roster → buyers


def piece_name(master: str, salesperson: str) -> str:
    """File name of a salesperson's piece: ``StoreOps-王芳 Wang Fang.xlsm``.

    >>> piece_name("/x/StoreOps.xlsm", "王芳 / Wang:Fang")
    'StoreOps-王芳 _ Wang_Fang.xlsm'
    """
    stem, ext = os.path.splitext(os.path.basename(master))
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", salesperson).strip(" .") or "_"
    return f"{stem}-{safe}{ext}"


def _clear_cells(view, names: tuple[str, ...]) -> None:
    """Empty named single cells (their style kept)."""
    from storeops.engine._formula import FormulaError, parse
    from storeops.maintain.cells import set_cells
    from storeops.maintain.columns import _cell_style
    from storeops.xlsx._cells import col_letters

    by_sheet: dict[str, dict[int, dict[int, bytes]]] = {}
    for d in view.names:
        if d.name not in names or d.local_sheet is not None:
            continue
        try:
            node = parse(d.text)
        except FormulaError:
            continue
        if node.kind != "cell" or node.args[0] is None:
            continue
        sheet, c, r = node.args[0], node.args[1], node.args[2]
        path = view.sheet(sheet).path
        style = _cell_style(view.read(path), c, r)
        by_sheet.setdefault(path, {}).setdefault(r, {})[c] = b'<c r="%s%d"%s/>' % (col_letters(c).encode(), r, style)
    for path, cells in by_sheet.items():
        view.parts[path] = set_cells(view.parts.get(path) or view.read(path), cells)


def _empty_report_sheets(view) -> None:
    from storeops.xlsx._sheets import plain_sheet_xml

    for s in view.sheets:
        if s.name in (schema.S_REVIEW, schema.S_CONFLICTS):
            view.parts[s.path] = plain_sheet_xml([])


def _piece(view, rows: pd.DataFrame, roster_row: pd.DataFrame) -> None:
    from storeops.tables import to_headers
    from storeops.xlsx._tables import update_tables

    frames = {
        "tblFollow": to_headers("tblFollow", rows, inputs_only=True),
        "tblSalespeople": to_headers("tblSalespeople", roster_row, inputs_only=True),
    }
    if "tblCost" in view.tables:
        frames["tblCost"] = to_headers("tblCost", pd.DataFrame(columns=schema.COST.keys), inputs_only=True)
    update_tables(view, frames, view.parts)
    _clear_cells(view, COST_CELLS)
    _empty_report_sheets(view)


def _unmerged(master: pd.DataFrame, path: str) -> bool:
    """True when merging the piece at ``path`` would change the master."""
    from storeops.merge import merge_follow
    from storeops.merge_workbooks import read_follow
    from storeops.xlsx import open_package

    with open_package(path) as pkg:
        piece = read_follow(pkg, who=os.path.basename(path))
    res = merge_follow(master, [(os.path.basename(path), piece)])
    return bool(res.added or res.updated or res.conflicts)


def split_master(master: str, out_dir: str, *, force: bool = False, progress: bool = False) -> SplitReport:
    """Write one workbook per active salesperson of ``master``'s roster into ``out_dir``."""
    from storeops.buyer_ids import assign_ids
    from storeops.maintain import edit_workbook
    from storeops.merge import fingerprint, make_mark
    from storeops.merge_workbooks import read_follow, require_current
    from storeops.roster import people
    from storeops.tables import drop_blank_rows, to_keys
    from storeops.xlsx import open_package
    from storeops.xlsx._tables import _table_frame
    from storeops_xl.identity import normalise_text

    name = os.path.basename(master)
    with open_package(master) as pkg:
        require_current(pkg, name, what="未写任何文件 / nothing was written")
        follow = read_follow(pkg, who=name)
        sp_t = pkg.tables.get("tblSalespeople")
        if sp_t is None:
            raise StoreOpsError(f"{name}: 没有业务员名册 tblSalespeople / no roster (tblSalespeople)")
        roster_frame = to_keys("tblSalespeople", _table_frame(pkg, sp_t, pkg.read(pkg.sheet(sp_t.sheet).path)))
    roster = people(roster_frame)
    if not roster:
        raise StoreOpsError(f"{name}: 设置中没有在职业务员 / no active salesperson on the roster (Settings)")
    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", follow)).reset_index(drop=True)
    fk = fk[[c.key for c in schema.FOLLOW.inputs]].astype(object)
    fk = fk.where(fk.notna(), None)
    fk["buyer_id"] = assign_ids(fk)
    fk["sync_mark"] = [make_mark(fingerprint(r)) for r in fk.to_dict("records")]
    owner = [normalise_text(v) for v in fk["salesperson"]]
    os.makedirs(out_dir, exist_ok=True)
    report = SplitReport()
    targets = {person: os.path.join(out_dir, piece_name(master, person)) for person, _ in roster}
    if not force:
        busy = [p for p in targets.values() if os.path.exists(p) and _unmerged(follow, p)]
        if busy:
            raise StoreOpsError(
                f"{os.path.basename(busy[0])} 还有未合并的修改, 请先 storeops merge 或加 --force / has edits not merged "
                "into the master yet: merge it first, or use --force; nothing was written"
            )
    keys = {normalise_text(p) for p, _ in roster}
    for who in sorted({o for o in owner if o not in keys}):
        label = next(str(v).strip() for v, o in zip(fk["salesperson"], owner) if o == who) if who else ""
        report.not_split[label or "(空 blank)"] = owner.count(who)
    rf = drop_blank_rows("tblSalespeople", roster_frame).reset_index(drop=True)
    for person, _team in roster:
        mine = fk[[o == normalise_text(person) for o in owner]].reset_index(drop=True)
        row = rf[[normalise_text(v) == normalise_text(person) for v in rf["salesperson"]]].head(1)
        dest = targets[person]
        tmp = dest + ".storeops-split.tmp"
        shutil.copyfile(master, tmp)
        try:
            edit_workbook(tmp, lambda view, mine=mine, row=row: _piece(view, mine, row), recalc=True, progress=progress)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        report.pieces[person] = (dest, len(mine))
    return report
