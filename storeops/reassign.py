"""``storeops reassign --from NAME --to NAME MASTER``: hand a departing salesperson's buyers over.

"A salesperson leaves, the customer information stays": every **open** buyer of ``--from``
(stage not 搁置 On hold / 流失 Lost) moves to ``--to`` with its whole row — buyer ID,
history, orders, messages, goals — and

* 原业务员 ``prev_salesperson`` records who had the buyer (earlier owners kept, ``; ``-separated);
* 更新时间 ``updated_at`` is set to now, so the handover is the newest edit: an old copy of
  the departed salesperson's file merged later cannot take the buyer back silently (an
  edit in it becomes a conflict, kept in the report);
* closed buyers stay with ``--from``: their results remain that person's history.

``--to`` must be on the roster (a typo would hide the buyers); the master is recalculated.

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"buyer": ["A", "B", "C"], "salesperson": ["Li", "li ", "Li"],
...                   "stage": ["已报价 Quoted", "流失 Lost", None], "prev_salesperson": [None, None, "Wu"]})
>>> out, n = reassign_frame(f, "Li", "Zhang", now="2026-11-21 09:00")
>>> n, out["salesperson"].tolist(), out["prev_salesperson"].tolist()[::2]
(2, ['Zhang', 'li ', 'Zhang'], ['Li', 'Wu; Li'])
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pandas as pd

from storeops.errors import StoreOpsError
from storeops.tables import is_blank
from storeops.workbook.schema import CLOSED_STAGES
from storeops_xl.identity import normalise_text

__all__ = ["reassign_frame", "reassign_master"]


def reassign_frame(frame: pd.DataFrame, old: str, new: str, *, now: Any = None) -> tuple[pd.DataFrame, int]:
    """A copy of a tblFollow key frame with ``old``'s open buyers moved to ``new``; and how many."""
    out = frame.copy()
    for k in ("prev_salesperson", "updated_at", "stage"):
        if k not in out.columns:
            out[k] = None
    out = out.astype({"prev_salesperson": object, "updated_at": object, "salesperson": object})
    closed = {normalise_text(s) for s in CLOSED_STAGES}
    when = now if now is not None else _dt.datetime.now().replace(microsecond=0)
    moved = 0
    prev_at, sp_at, updated_at = (
        int(j) for j in out.columns.get_indexer(pd.Index(["prev_salesperson", "salesperson", "updated_at"]))
    )
    for i in range(len(out)):
        sp, stage = out["salesperson"].iat[i], out["stage"].iat[i]
        if normalise_text(sp) != normalise_text(old) or (not is_blank(stage) and normalise_text(stage) in closed):
            continue
        prev = out["prev_salesperson"].iat[i]
        out.iat[i, prev_at] = str(old).strip() if is_blank(prev) else f"{str(prev).strip()}; {str(old).strip()}"
        out.iat[i, sp_at] = new
        out.iat[i, updated_at] = when
        moved += 1
    return out, moved


def reassign_master(path: str, old: str, new: str, *, progress: bool = False) -> int:
    """Move ``old``'s open buyers to ``new`` in the workbook at ``path``; returns how many moved."""
    import os

    from storeops.maintain import edit_workbook
    from storeops.merge_workbooks import read_follow, require_current
    from storeops.roster import people
    from storeops.tables import drop_blank_rows, to_headers, to_keys
    from storeops.xlsx._tables import _table_frame, update_tables

    if normalise_text(old) == normalise_text(new):
        raise StoreOpsError("--from 和 --to 是同一人 / --from and --to are the same person")
    name = os.path.basename(path)

    def change(view) -> int:
        require_current(view, name, what="未改动 / nothing was changed")
        sp_t = view.tables.get("tblSalespeople")
        roster = people(_table_frame(view, sp_t, view.read(view.sheet(sp_t.sheet).path))) if sp_t else []
        names = {normalise_text(p): p for p, _ in roster}
        if normalise_text(new) not in names:
            raise StoreOpsError(
                f"{name}: {new!r} 不在设置的在职业务员名册中 / {new!r} is not an active salesperson on the roster "
                f"({', '.join(p for p, _ in roster) or '—'})"
            )
        fk = drop_blank_rows("tblFollow", to_keys("tblFollow", read_follow(view, who=name))).reset_index(drop=True)
        out, moved = reassign_frame(fk, old, names[normalise_text(new)])
        if moved:
            update_tables(view, {"tblFollow": to_headers("tblFollow", out, inputs_only=True)}, view.parts)
        return moved

    moved, _written = edit_workbook(path, change, recalc=True, progress=progress)  # the move and its values: one write
    return moved
