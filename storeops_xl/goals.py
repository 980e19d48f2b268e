"""Goals 定目标 / 抓过程: each buyer's next-stage goal, its due date, and whether it was met.

Seed 000: the Saturday meeting sets every buyer's goal for the next stage (定目标 — e.g. win the
buyer's jewellery supply too) and every week checks whether the goals were met (抓过程).  In
the workbook a goal is four cells of the Follow-up row: the goal, the day it was set, its due
date and 目标达成 met (是/否).  :func:`goal_status` reads them as of a day; the Buyers sheet and
the review count, per salesperson and week, the goals set, due, met and missed, and the met
rate = met ÷ (met + missed) of the goals due that week.

Examples
--------
>>> goal_status("Win their harness order", "2026-11-20", "是 Yes", "2026-11-21")
'达成 Met'
>>> goal_status("Win their harness order", "2026-11-20", "否 No", "2026-11-21")
'未达成 Missed'
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import EXCEL_EPOCH, broadcast, error_text, finish, restore
from ._spec import excel

__all__ = ["GOAL_STATES", "goal_status"]

MET, MISSED, OPEN, NO_DUE = "达成 Met", "未达成 Missed", "进行中 Open", "无期限 No due date"
#: every value :func:`goal_status` gives (besides blank)
GOAL_STATES = (MET, MISSED, OPEN, NO_DUE)
_YES = {"是", "yes", "y", "true", "1", "1.0", "达成", "met", "done", "已达成"}
_NO = {"否", "no", "n", "false", "0", "0.0", "未达成", "notmet", "未"}


def _met(value: str) -> int | None:
    if C.key(value) == "":
        return 0
    if C.matches(value, _YES):
        return 1
    if C.matches(value, _NO):
        return 0
    return None


_GOAL_STATUS = (
    'IF({goal}="","",IF({met}="是 Yes","达成 Met",IF({due}="","无期限 No due date",'
    'IF(INT({due})<INT({today|TODAY()}),"未达成 Missed","进行中 Open"))))'
)


@excel(
    "GOAL_STATUS",
    "目标状态 Goal status: 达成 Met / 未达成 Missed / 进行中 Open / 无期限 No due date.",
    "text",
    help={
        "goal": "阶段目标 next-stage goal",
        "due": "目标期限 due date",
        "met": "目标达成 是/否",
        "today": "今天 cfg_today",
    },
    twin=_GOAL_STATUS,
    source="seed 000 定目标 抓过程",
    example='`=GOAL_STATUS("拿下样品单", "2026-11-20", "否 No", "2026-11-28") → 未达成 Missed`',
)
def goal_status(goal: Any, due: Any, met: Any, today: Any = None) -> Any:
    """Where a buyer's goal stands 目标状态 on ``today``.

    * ``达成 Met`` — 目标达成 says 是/yes (early or late, it counts in its due week);
    * ``未达成 Missed`` — not met and the due date has passed;
    * ``进行中 Open`` — not met, due today or later;
    * ``无期限 No due date`` — a goal without a due date (``storeops check`` lists it);
    * blank — no goal.

    Parameters
    ----------
    goal : text or column
        阶段目标 the next-stage goal.
    due : date or column
        目标期限 its due date.
    met : text or column
        目标达成 ``是 Yes`` / ``否 No`` (blank = not yet).
    today : date, optional
        The as-of date (``cfg_today``); default the real date.

    Examples
    --------
    >>> goal_status(["A", "B", "C", None], ["2026-11-25", None, "2026-11-01", None], [None, None, "是", None],
    ...             "2026-11-21").tolist()
    ['进行中 Open', '无期限 No due date', '达成 Met', None]
    >>> goal_status("A", "2026-11-25", "maybe", "2026-11-21")
    "#VALUE! met: 'maybe' is not 是 Yes or 否 No"
    """
    (g, d, m, t), shape = broadcast(goal, due, met, today)
    gcol, dcol, mcol, tcol = C.text(g, "goal"), C.date(d, "due"), C.text(m, "met"), C.date(t, "today")
    code = C.map_distinct(_met, mcol.values)
    bad = np.equal(code, None)  # type: ignore[call-overload]  # numpy/pandas stubs (issue 11 code, to type properly)
    if bad.any():
        mcol.add_error(bad, (error_text("#VALUE!", "met", v, "is not 是 Yes or 否 No") for v in mcol.values[bad]))
    now = np.where(np.isnan(tcol.values), float((_dt.date.today() - EXCEL_EPOCH.date()).days), tcol.values)
    due_day, today_day = np.floor(dcol.values), np.floor(now)
    state = np.select(
        [np.equal(code, 1), np.isnan(due_day), due_day < today_day],
        [MET, NO_DUE, MISSED],
        default=OPEN,
    ).astype(object)
    state[gcol.values == ""] = None
    return restore(finish(state, gcol, dcol, mcol, tcol), shape)
