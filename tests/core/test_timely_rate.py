"""One timely-reply rate: the native formula every sheet shows (Buyers, PK, Staff) equals the
core's ``timely_rate`` over the same rows, computed by the headless engine.

Before, three definitions disagreed: PK divided by every inquiry of the month (an
unanswered one counted as late: 0.5 where the core said 1.0), Buyers and Staff divided by
every row with reply hours (an answered RFQ row counted as late).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import openpyxl
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.workbook import schema
from storeops.workbook.editions import twin_call
from storeops_xl import FUNCTIONS
from storeops_xl.followup import timely_rate, timely_rate_native

PEOPLE = ("王芳", "Amy")
MONTH_START = 46327.0  # 2026-11-01
row = st.tuples(
    st.sampled_from(PEOPLE),
    st.one_of(st.none(), st.floats(0, 60, allow_nan=False).map(lambda x: round(x, 2))),
    st.sampled_from(["", *schema.LISTS["channel"], "RFQ", "EDM"]),
    st.sampled_from([MONTH_START - 3, MONTH_START, MONTH_START + 10]),
)


def _sheet(path, rows) -> dict[str, str]:
    """Rows (salesperson, hours, channel, received) with ``timely`` = REPLY_OK's twin; one
    rate cell per salesperson (all rows) and per salesperson this month."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("F")
    n = len(rows)
    for i, (sp, hours, channel, received) in enumerate(rows):
        r = i + 1
        ws.write_string(i, 0, sp)
        if hours is not None:
            ws.write_number(i, 1, hours)
        if channel:
            ws.write_string(i, 2, channel)
        ws.write_number(i, 3, received)
        ws.write_formula(i, 4, "=" + twin_call("REPLY_OK", [f"B{r}", f"C{r}"]), None, "")
    ok, who, got = f"F!$E$1:$E${n}", f"F!$A$1:$A${n}", f"F!$D$1:$D${n}"
    out = wb.add_worksheet("R")
    cells = {}
    for j, sp in enumerate(PEOPLE):
        out.write_string(j, 0, sp)
        out.write_formula(j, 1, "=" + timely_rate_native(ok, f"{who},A{j + 1}"), None, "")
        out.write_formula(j, 2, "=" + timely_rate_native(ok, f'{who},A{j + 1},{got},">="&{MONTH_START}', "0"), None, "")
        cells[(sp, "all")], cells[(sp, "month")] = f"B{j + 1}", f"C{j + 1}"
    wb.close()
    return cells


def _norm(v):
    return None if v in ("", None) else float(v)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=30))
def test_native_rate_equals_core(rows, tmp_path_factory):
    path = tmp_path_factory.mktemp("timely") / "t.xlsx"
    cells = _sheet(path, rows)
    report = recalc(path, today=dt.date(2026, 11, 21), progress=False)
    assert report.left_to_excel == 0, report.left_examples
    ws = openpyxl.load_workbook(path, data_only=True)["R"]
    for sp in PEOPLE:
        for scope, blank in (("all", None), ("month", 0.0)):
            mine = [r for r in rows if r[0] == sp and (scope == "all" or r[3] >= MONTH_START)]
            want = timely_rate([r[1] for r in mine], [r[2] for r in mine]) if mine else None
            want = blank if want is None else want
            got = _norm(ws[cells[(sp, scope)]].value)
            assert (got is None and want is None) or math.isclose(got, want, rel_tol=1e-12), (sp, scope, mine)


def test_unanswered_and_other_sources_are_not_late(tmp_path):
    """The rows that made PK show 0.5 and Buyers 0.5 where the core shows 1.0."""
    rows = [("王芳", 2.0, "询盘 Inquiry", MONTH_START), ("王芳", None, "询盘 Inquiry", MONTH_START)]
    rows += [("Amy", 0.5, "TM", MONTH_START), ("Amy", 30.0, "RFQ", MONTH_START)]
    path = tmp_path / "t.xlsx"
    cells = _sheet(path, rows)
    recalc(path, today=dt.date(2026, 11, 21), progress=False)
    ws = openpyxl.load_workbook(path, data_only=True)["R"]
    assert [ws[cells[(sp, s)]].value for sp in PEOPLE for s in ("all", "month")] == [1, 1, 1, 1]
    assert timely_rate([2.0, None], ["询盘 Inquiry"] * 2) == timely_rate([0.5, 30.0], ["TM", "RFQ"]) == 1.0


_START = re.compile(r"IFERROR\(COUNTIFS\((.*?),\[tblFollow\.timely\],TRUE\)/")


def test_every_timely_rate_in_the_workbook_is_the_one_definition():
    """Every formula that reads the Follow-up ``timely`` column is ``timely_rate_native``."""
    seen = 0
    for t in schema.TABLES.values():
        for c in t.columns:
            f = c.formula or ""
            if "[tblFollow.timely]" not in f:
                continue
            seen += 1
            uses = 0
            for m in _START.finditer(f):
                body = timely_rate_native("[tblFollow.timely]", m.group(1), "§").split("§")[0]
                assert f.startswith(body, m.start()), (t.name, c.key)
                uses += 3
            assert f.count("[tblFollow.timely]") == uses, (t.name, c.key, f)
    assert seen >= 3
    assert FUNCTIONS["TIMELY_RATE"].func is timely_rate
