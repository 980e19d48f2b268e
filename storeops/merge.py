"""``storeops merge``: the rules that bring salespeople's follow-up rows into the boss's master.

Rows are matched by **buyer ID** (``buyer_id``; a row without one gets the ID its creation
data gives, :mod:`storeops.buyer_ids`), never by name: two buyers called Fatima Garcia
stay two buyers, a renamed or reassigned buyer stays one.

Every row also carries a **sync mark** (``sync_mark``, hidden): the fingerprint of the
version it last had in common with the master, and which file that version came from.
``merge`` writes it on every master row it writes; ``split`` on every row it hands out.
With it, a file's row is one of:

* **unchanged** — same content as the master's row (``updated_at``, the IDs and the
  master's own 上周类别 snapshot do not count as content);
* **an older copy** — not edited since its mark, while the master moved on: ignored;
* **a clean edit** — edited, and the master still holds the version it started from (or
  the master's version is this same file's earlier submission): taken;
* **a concurrent edit** — the master's version changed too (the boss, another file): the
  **newest edit wins** by 更新时间 ``updated_at`` (blank → 最近联系 ``last_contact``; a tie
  goes to the larger fingerprint, so the result never depends on the order files are
  merged in), and the other version is kept in the **conflict report**.

A row without a mark (a file from before marks existed) counts as a clean edit when it is
at least as new as a master row no other file has changed, else as a concurrent edit.
Rows only in the master stay where they are; new buyers are appended in file order.
Nothing is deleted and nothing is overwritten without a trace.

Examples
--------
>>> import pandas as pd
>>> m = pd.DataFrame({"buyer": ["Bob"], "salesperson": ["Li"], "stage": ["新询盘 New"], "updated_at": ["2026-11-01"]})
>>> a = pd.DataFrame({"buyer": ["Bob", "Amy"], "salesperson": ["Li", "Li"], "stage": ["已报价 Quoted", "新询盘 New"],
...                   "updated_at": ["2026-11-03", "2026-11-03"]})
>>> res = merge_follow(m, [("li.xlsm", a)])
>>> res.frame["stage"].tolist(), res.added, res.updated, res.conflicts
(['已报价 Quoted', '新询盘 New'], 1, 1, [])
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from storeops.buyer_ids import assign_ids
from storeops.tables import clean_value, is_blank, table, to_keys
from storeops.workbook.schema import FOLLOW_SYSTEM
from storeops_xl.inputs import to_date

__all__ = [
    "CONTENT",
    "Conflict",
    "MergeResult",
    "Version",
    "fingerprint",
    "make_mark",
    "merge_follow",
    "read_mark",
]

_TABLE = "tblFollow"
#: the master keeps its own weekly class snapshot (written by the New week button)
_MASTER_OWNED = ("class_last_week",)
#: input columns that make a row's content (what a salesperson edits)
CONTENT: tuple[str, ...] = tuple(
    c.key for c in table(_TABLE).inputs if c.key not in (*FOLLOW_SYSTEM, "updated_at", *_MASTER_OWNED)
)
MASTER = "主文件 master"


# --------------------------------------------------------------------------- fingerprints
def _canonical(v: Any) -> str:
    v = clean_value(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, _dt.datetime):
        return (v.replace(tzinfo=None) + _dt.timedelta(microseconds=500_000)).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


class _Row(Protocol):
    """A row as a mapping by column key (a dict, a frame's ``to_dict("records")`` row)."""

    def get(self, key: str, /) -> Any: ...


def fingerprint(row: _Row) -> str:
    """12 hex characters that change when the row's content changes (``CONTENT`` columns).

    >>> fingerprint({"buyer": "Bob", "paid_orders": 2.0}) == fingerprint({"buyer": " Bob ", "paid_orders": 2})
    True
    """
    text = "\x1f".join(_canonical(row.get(k)) for k in CONTENT)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def read_mark(v: Any) -> tuple[str, str]:
    """A sync mark ``"<fingerprint>|<file>"`` → (fingerprint, file); blank → ("", "")."""
    if is_blank(v):
        return "", ""
    fp, _, src = str(v).strip().partition("|")
    return fp.strip(), src.strip()


def make_mark(fp: str, source: str = "") -> str:
    return f"{fp}|{source}" if source else fp


def _stamp(row: dict[str, Any]) -> float:
    for k in ("updated_at", "last_contact"):
        v = row.get(k)
        if is_blank(v):
            continue
        f = float(to_date(np.array([v], dtype=object), k).values[0])
        if not math.isnan(f):
            return f
    return -math.inf


def _differs(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = []
    for k in CONTENT:
        x, y = a.get(k), b.get(k)
        if x is y or (type(x) is type(y) and x == y):  # the common case: read the same way
            continue
        if clean_value(x) != clean_value(y):
            out.append(k)
    return out


# --------------------------------------------------------------------------- results
@dataclass
class Version:
    """One version of a buyer's row: where it came from and its input values."""

    source: str  # file name, or MASTER
    row: dict[str, Any]

    @property
    def updated(self) -> Any:
        return clean_value(self.row.get("updated_at")) or clean_value(self.row.get("last_contact"))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.row)


@dataclass
class Conflict:
    """Two versions of one buyer changed independently: ``kept`` is in the master now,
    ``lost`` is kept here (and in the report sheet and CSV)."""

    buyer_id: str
    kept: Version
    lost: Version
    columns: list[str]  # header texts of the columns that differ

    @property
    def buyer(self) -> str:
        return str(self.kept.row.get("buyer") or "").strip()

    @property
    def salesperson(self) -> str:
        return str(self.kept.row.get("salesperson") or "").strip()


@dataclass
class MergeResult:
    frame: pd.DataFrame  # the merged master tblFollow (input keys, buyer IDs and sync marks filled)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)
    changed_ids: list[str] = field(default_factory=list)  # rows added or replaced, in order
    positions: list[int | None] = field(default_factory=list)  # each row's index in the master frame (None: added)


# --------------------------------------------------------------------------- rules
def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Non-blank rows of a tblFollow frame as records of its input keys, with buyer IDs
    (``_pos``: the row's index in the frame)."""
    cols = [c.key for c in table(_TABLE).inputs]
    kf = to_keys(_TABLE, frame)
    columns: dict[str, list[Any]] = {}
    for k in cols:
        s = kf[k]
        blank = s.isna().tolist()
        columns[k] = [None if b else v for v, b in zip(s.astype(object).tolist(), blank)]
    content = [k for k in cols if k not in FOLLOW_SYSTEM]
    keep = [
        i
        for i in range(len(kf))
        if any(not is_blank(columns[k][i]) for k in content) or not is_blank(columns["buyer_id"][i])
    ]
    columns = {k: [v[i] for i in keep] for k, v in columns.items()}
    columns["buyer_id"] = assign_ids(columns)
    return [{**dict(zip(cols, row)), "_pos": p} for p, row in zip(keep, zip(*(columns[k] for k in cols)))]


def _absent_columns(frame: pd.DataFrame) -> list[str]:
    """Input keys of tblFollow a file's frame does not have (an older template); the buyer ID
    and sync mark are the file's own even when blank."""
    t = table(_TABLE)
    have = {" ".join(str(c).split()) for c in frame.columns}
    return [
        c.key
        for c in t.inputs
        if c.key not in FOLLOW_SYSTEM and c.key not in have and " ".join(c.header.split()) not in have
    ]


def _winner(a: Version, b: Version) -> tuple[Version, Version]:
    """(newer, older) by stamp, ties by fingerprint: the same answer in any order."""
    ka, kb = (_stamp(a.row), a.fingerprint), (_stamp(b.row), b.fingerprint)
    return (a, b) if ka >= kb else (b, a)


def merge_follow(master: pd.DataFrame, files: Sequence[tuple[str, pd.DataFrame]]) -> MergeResult:
    """Merge salesperson ``files`` ((name, tblFollow frame), …) into the ``master`` tblFollow.

    Frames may have header-text or key columns.  The result's frame has the input keys of
    tblFollow; when anything changed, every row carries its buyer ID and a sync mark.
    Neither input is modified.  Merging the files one call at a time gives the same master
    as merging them together, in any order, except where two of them changed the same
    buyer (then the newest edit wins either way and the other is in ``conflicts``).
    """
    t = table(_TABLE)
    rows = _records(master)
    index = {r["buyer_id"]: i for i, r in enumerate(rows)}
    res = MergeResult(frame=master)
    changed: dict[str, None] = {}
    for name, frame in files:
        stats = res.per_file.setdefault(name, {"read": 0, "changed": 0, "older": 0, "conflicts": 0})
        absent = _absent_columns(frame)
        for r in _records(frame):
            stats["read"] += 1
            bid = r["buyer_id"]
            i = index.get(bid)
            if i is not None:  # a column the file does not have is not an edit: the master's value stays
                r.update({k: rows[i].get(k) for k in absent})
            if i is None:
                r["sync_mark"] = make_mark(fingerprint(r), name)
                r["_pos"] = None
                rows.append(r)
                index[bid] = len(rows) - 1
                changed[bid] = None
                res.added += 1
                stats["changed"] += 1
                continue
            m = rows[i]
            diff = _differs(r, m)
            if not diff:
                continue
            r_base, _ = read_mark(r.get("sync_mark"))
            m_base, m_src = read_mark(m.get("sync_mark"))
            fr, fm = fingerprint(r), fingerprint(m)
            if r_base and fr == r_base:
                stats["older"] += 1  # not edited in this file since the master gave it out
                continue
            pristine = not m_base or m_base == fm  # the master's row not edited since its last merge
            newer = _stamp(r) >= _stamp(m)
            clean = (
                (r_base and r_base == fm)
                or (m_src == name and pristine and newer)
                or (not r_base and not m_src and pristine and newer)
            )
            mine, theirs = Version(name, r), Version(m_src or MASTER, m)
            keep, lose = (mine, theirs) if clean else _winner(mine, theirs)
            if not clean:
                res.conflicts.append(Conflict(bid, keep, lose, [t.header(k) for k in diff]))
                stats["conflicts"] += 1
            if keep is theirs:
                continue
            new = dict(r)
            new["_pos"] = m["_pos"]
            for k in _MASTER_OWNED:
                new[k] = m.get(k)
            new["sync_mark"] = make_mark(fingerprint(new), name)
            rows[i] = new
            stats["changed"] += 1
            if bid not in changed:
                changed[bid] = None
                res.updated += 1
    res.unchanged = len(rows) - res.added - res.updated
    res.changed_ids = list(changed)
    if changed:
        for r in rows:  # every master row leaves with a mark: copies made from it merge back cleanly
            if not read_mark(r.get("sync_mark"))[0]:
                r["sync_mark"] = make_mark(fingerprint(r))
    cols = [c.key for c in t.inputs]
    res.positions = [r["_pos"] for r in rows]
    res.frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    return res
