"""撞单: the same buyer worked by two salespeople.

Two follow-up rows are the same buyer when they share the company (case and spaces
ignored), the e-mail address (case ignored) or the phone number (its digits, at least 7).
When such rows belong to different salespeople, each of them is reported, naming the
others — ``storeops check`` lists them and the master shows 撞单 in the ``clash`` column
(the formula compares companies; e-mail and phone are compared here when the workbook has
those columns).

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"buyer": ["Amy", "Amy L.", "Bob"], "company": ["Acme Ltd", " acme  LTD", "Acme Ltd"],
...                   "salesperson": ["Li", "Wu", "Li"]})
>>> [(c.row, c.others, c.field) for c in clashes(f)]
[(0, [1], 'company'), (1, [0, 2], 'company'), (2, [1], 'company')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from storeops.tables import is_blank
from storeops_xl.identity import normalise_text

__all__ = ["Clash", "clashes"]

_FIELDS = {
    "company": normalise_text,
    "email": lambda v: normalise_text(v).replace(" ", ""),
    "phone": lambda v: d if len(d := re.sub(r"\D", "", str(v))) >= 7 else "",
}


@dataclass(frozen=True)
class Clash:
    row: int  # position in the frame
    others: list[int]  # rows of other salespeople with the same buyer
    field: str  # "company", "email" or "phone"
    value: str


def clashes(frame: pd.DataFrame) -> list[Clash]:
    """Rows of a tblFollow key frame whose buyer another salesperson also has (one entry per
    row, by the first field that matches), in row order."""
    sp = [normalise_text(v) for v in frame.get("salesperson", pd.Series([None] * len(frame))).tolist()]
    found: dict[int, Clash] = {}
    for field, norm in _FIELDS.items():
        if field not in frame.columns:
            continue
        groups: dict[str, list[int]] = defaultdict(list)
        for i, v in enumerate(frame[field].tolist()):
            if not is_blank(v) and (k := norm(v)):
                groups[k].append(i)
        for rows in groups.values():
            if len({sp[i] for i in rows}) < 2:
                continue
            for i in rows:
                if i not in found:
                    others = [j for j in rows if sp[j] != sp[i]]
                    found[i] = Clash(i, others, field, str(frame[field].iloc[i]).strip())
    return [found[i] for i in sorted(found)]
