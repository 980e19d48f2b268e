"""One roster: the salespeople and teams typed once, in 设置 Settings → ``tblSalespeople``.

The rows of 目标 Target (``tblTarget``), 买家汇总 Buyers (``tblBuyerSummary``), PK
(``tblPK``) and the teams of PK (``tblTeams``) follow it (:data:`storeops.workbook.schema.ROSTER_TABLES`):
one row per active salesperson, one per team of an active salesperson, in roster order.
``storeops recalc`` and the builder derive those rows with :func:`derive_frame`; whatever
was typed on a row (annual targets, the PK timely target) stays with its person, matched
by name (case and spaces ignored).  A person added to the roster appears on every table
at the next recalc; a person deleted from it, or marked 在职 Active = 否 No, disappears
from them (and the targets typed for them with the row).

Examples
--------
>>> import pandas as pd
>>> sp = pd.DataFrame({"salesperson": ["Li", "Wu", "Old"], "team": ["A", "B", "A"], "active": [None, "是 Yes", "否 No"]})
>>> people(sp)
[('Li', 'A'), ('Wu', 'B')]
>>> tgt = pd.DataFrame({"salesperson": ["wu ", "Gone"], "sales_target": [50000, 9]})
>>> derive_frame("tblTarget", tgt, people(sp))[["salesperson", "sales_target"]].values.tolist()
[['Li', None], ['Wu', 50000]]
>>> derive_frame("tblTeams", pd.DataFrame({"team": ["A", "B"]}), people(sp)) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from storeops.tables import drop_blank_rows, is_blank, table, to_keys
from storeops.workbook.schema import ROSTER_TABLES
from storeops_xl.identity import normalise_text

__all__ = ["derive_frame", "derive_frames", "is_active", "mismatches", "people"]

_INACTIVE = {"否", "否 no", "no", "n", "false", "0", "离职", "inactive", "left"}


def is_active(v: object) -> bool:
    """在职 Active: blank or anything but 否/No counts as active."""
    return is_blank(v) or normalise_text(v) not in _INACTIVE


def people(salespeople: pd.DataFrame | None) -> list[tuple[str, str]]:
    """(salesperson, team) of every active person of a ``tblSalespeople`` frame, roster order,
    each name once."""
    if salespeople is None:
        return []
    sp = drop_blank_rows("tblSalespeople", to_keys("tblSalespeople", salespeople))
    out, seen = [], set()
    for name, team, active in zip(sp["salesperson"], sp["team"], sp["active"]):
        if is_blank(name) or not is_active(active):
            continue
        key = normalise_text(name)
        if key in seen:
            continue
        seen.add(key)
        out.append((str(name).strip(), "" if is_blank(team) else str(team).strip()))
    return out


def _wanted(name: str, roster: list[tuple[str, str]]) -> list[str]:
    if ROSTER_TABLES[name] == "team":
        return list(dict.fromkeys(t for _, t in roster if t))
    return [p for p, _ in roster]


def derive_frame(name: str, current: pd.DataFrame | None, roster: list[tuple[str, str]]) -> pd.DataFrame | None:
    """The rows table ``name`` should have (a key frame of its input columns), or ``None``
    when its rows already follow the roster (same people, same order)."""
    t = table(name)
    key = ROSTER_TABLES[name]
    inputs = [c.key for c in t.inputs]
    cur = (
        drop_blank_rows(name, to_keys(name, current)).reset_index(drop=True)
        if current is not None
        else pd.DataFrame(columns=inputs)
    )
    want = _wanted(name, roster)
    have = [("" if is_blank(v) else str(v).strip()) for v in cur[key]] if key in cur else []
    if have == want:
        return None
    by_name: dict[str, dict] = {}
    sub = cur.reindex(columns=inputs).astype(object)
    for rec in sub.where(sub.notna(), None).to_dict("records"):
        k = normalise_text(rec.get(key))
        if k and k not in by_name:
            by_name[k] = rec
    rows = []
    for person in want:
        rec = dict(by_name.get(normalise_text(person)) or dict.fromkeys(inputs))
        rec[key] = person
        rows.append(rec)
    return pd.DataFrame(rows, columns=inputs, dtype=object)


def derive_frames(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every roster table of ``frames`` (key frames, e.g. the builder's data) derived from
    its ``tblSalespeople``; frames without a roster are returned unchanged."""
    out = dict(frames)
    if "tblSalespeople" not in frames:
        return out
    roster = people(frames["tblSalespeople"])
    for name in ROSTER_TABLES:
        derived = derive_frame(name, frames.get(name), roster)
        if derived is not None:
            out[name] = derived
    return out


def mismatches(frames: Mapping[str, pd.DataFrame]) -> dict[str, tuple[list[str], list[str]]]:
    """Roster tables whose rows do not follow the roster yet: table → (missing, extra) names."""
    out = {}
    roster = people(frames.get("tblSalespeople"))
    for name, key in ROSTER_TABLES.items():
        if name not in frames:
            continue
        cur = drop_blank_rows(name, to_keys(name, frames[name]))
        have = [("" if is_blank(v) else str(v).strip()) for v in cur[key]]
        want = _wanted(name, roster)
        hk, wk = {normalise_text(v) for v in have}, {normalise_text(v) for v in want}
        missing = [w for w in want if normalise_text(w) not in hk]
        extra = [h for h in have if normalise_text(h) not in wk]
        if missing or extra:
            out[name] = (missing, extra)
    return out
