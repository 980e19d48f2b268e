"""Every native twin (``FunctionSpec.twin``) equals its core function over the inputs the
workbook allows: blank cells, zeros, non-negative numbers, numbers typed as text, the
drop-down values of its columns.  Evaluated by the headless engine (hypothesis, many
rows per example) and by LibreOffice (one file with rows of every twin).

Results compare as: blank ↔ blank, booleans, numbers (1e-9 relative), texts, dates as
serial days, and any error ↔ any error (the core's ``#…`` error texts, the twin's
native error values).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.workbook import schema
from storeops.workbook.editions import _params, twin_call
from storeops_xl import FUNCTIONS
from storeops_xl._coerce import is_error
from storeops_xl.followup import REPLY_RULES
from storeops_xl.orders import CURRENCIES, KINDS, STATUSES

#: twins over per-row arguments (SEASON_SHARE reads whole ranges: tests/core/test_dated_rules.py)
TWINS = sorted(n for n, s in FUNCTIONS.items() if s.twin and not s.ranges)
_PLACE = re.compile(r"\{(\w+)(?:\|[^{}]*)?\}")

count = st.one_of(
    st.none(),
    st.just(0),
    st.integers(0, 5000),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
    st.integers(0, 999).map(str),
    st.sampled_from(["0", "3.5", " 7 "]),
)
positive = st.one_of(st.integers(1, 20000), st.floats(0.01, 5000, allow_nan=False).map(lambda x: round(x, 3)))
serial = st.floats(45000, 46500, allow_nan=False).map(lambda x: round(x, 5))
ratio = st.one_of(st.none(), st.floats(0, 3, allow_nan=False).map(lambda x: round(x, 4)))

#: parameter name → allowed inputs (settings are positive numbers)
DOMAIN = {
    "received_at": st.one_of(st.none(), serial),
    "replied_at": st.one_of(st.none(), serial),
    "hours": st.one_of(st.none(), st.floats(0, 60, allow_nan=False).map(lambda x: round(x, 3))),
    "channel": st.sampled_from(["", *schema.LISTS["channel"], "RFQ", "EDM"]),
    "buyer_class": st.sampled_from(["", "A", "B", "C", "D"]),
    "stage": st.sampled_from(["", *schema.LISTS["stage"]]),
    "last_contact": st.one_of(st.none(), serial),
    "next_date": st.one_of(st.none(), serial),
    "today": serial,
    # TARGET_PACE: the workbook passes the year's first and last day and the stamped as-of date
    "period_start": st.one_of(st.none(), serial),
    "period_end": st.one_of(st.none(), serial),
    "as_of": serial,
    "rate": ratio,
    "ratio": ratio,
    "keyword_index": st.one_of(st.none(), st.integers(0, 2000)),
    "seller_index": st.one_of(st.none(), st.integers(0, 40)),
    "shop_impr_median": positive,
    "shop_ctr_median": st.floats(0.001, 0.2).map(lambda x: round(x, 4)),
    "shop_inq_median": st.floats(0.001, 0.5).map(lambda x: round(x, 4)),
    "now": st.one_of(st.none(), serial),
    "rule": st.sampled_from(["", *REPLY_RULES]),
    "answered": st.booleans(),
    "before": st.sampled_from(["", "A", "B", "C", "D"]),
    "after": st.sampled_from(["", "A", "B", "C", "D"]),
    "goal": st.sampled_from(["", "拿下胸背带订单 Win their harness order", "x"]),
    "due": st.one_of(st.none(), serial),
    "met": st.sampled_from(["", "是 Yes", "否 No"]),
    "currency_code": st.sampled_from(["", *CURRENCIES]),
    "kind": st.sampled_from(["", *KINDS]),
    "status": st.sampled_from(["", *STATUSES]),
    # what BANNED writes into the Keywords sheet's 违禁词 column
    "banned": st.sampled_from(
        [
            "",
            "品牌 brand: nike",
            "提示 note: 最佳 (使用提示 usage tip)",
            "仿冒 replica: fake; 提示 note: 第一 (自比 self)",
        ]
    ),
}


def _strategy(name: str, param: str):
    """Inputs of one parameter: its column's values, else (a ``cfg_*`` setting of the spec)
    a positive threshold or a blank (the setting's default), else a count."""
    if param in DOMAIN:
        return DOMAIN[param]
    if param in FUNCTIONS[name].settings:
        return st.one_of(st.none(), st.sampled_from([1, 3, 7, 14, 24, 0.1, 0.7, 0.9, 1.05, 200, 10000]))
    return count


def _used(name: str) -> list[str]:
    used = set(_PLACE.findall(FUNCTIONS[name].twin))
    params = _params(name)
    last = max(params.index(p) for p in used)
    return list(params[: last + 1])


def rows_for(name: str, n: int, least: int = 1):
    params = _used(name)
    return st.lists(st.tuples(*(_strategy(name, p) for p in params)), min_size=least, max_size=n)


def _letter(j: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(j)


def _write_rows(ws, top: int, name: str, rows) -> list[str]:
    """Rows of inputs and the twin formula; returns the result cells."""
    k = len(rows[0])
    out = []
    for i, row in enumerate(rows):
        r = top + i
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, j, v)
            elif isinstance(v, str):
                ws.write_string(r, j, v)
            else:
                ws.write_number(r, j, v)
        refs = [f"{_letter(j)}{r + 1}" for j in range(k)]
        ws.write_formula(r, k, "=" + twin_call(name, refs), None, "")  # no cached value: computed on open
        out.append(f"{_letter(k)}{r + 1}")
    return out


def _expected(name: str, rows) -> list:
    cols = [list(c) for c in zip(*rows)]
    res = FUNCTIONS[name].func(*[np.array(c, dtype=object) for c in cols])
    return list(res) if isinstance(res, np.ndarray) else [res]


def _norm(v):
    if v is None or (isinstance(v, str) and v == ""):
        return ""
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return ""
        return float((v - np.datetime64("1899-12-30T00:00:00")) / np.timedelta64(1, "D"))
    if isinstance(v, (dt.datetime, dt.date)):
        if not isinstance(v, dt.datetime):
            v = dt.datetime(v.year, v.month, v.day)
        return (v - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, str) and (is_error(v) or v.startswith("#")):
        return "#error"
    if isinstance(v, (int, float, np.number)):
        f = float(v)
        return "" if math.isnan(f) else f
    return v


def _agree(want, got) -> bool:
    a, b = _norm(want), _norm(got)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def engine_cells(path, write) -> list:
    """Write a sheet "T" with ``write(worksheet) -> cells`` (xlsxwriter), recalculate it with
    the headless engine (nothing may be left to Excel) and return those cells' values."""
    wb = xlsxwriter.Workbook(str(path))
    cells = write(wb.add_worksheet("T"))
    wb.close()
    report = recalc(path, today=dt.date(2026, 11, 21), progress=False)
    assert report.left_to_excel == 0, report.left_examples
    ws = openpyxl.load_workbook(path, data_only=True)["T"]
    return [ws[c].value for c in cells]


def _engine_values(tmp_path, name, rows) -> list:
    return engine_cells(tmp_path / f"twin-{name}.xlsx", lambda ws: _write_rows(ws, 0, name, rows))


@pytest.mark.parametrize("name", TWINS)
def test_twin_equals_core_in_the_engine(name, tmp_path_factory):
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rows=rows_for(name, 40))
    def check(rows):
        got = _engine_values(tmp_path_factory.mktemp("t"), name, rows)
        want = _expected(name, rows)
        bad = [(r, w, g) for r, w, g in zip(rows, want, got) if not _agree(w, g)]
        assert not bad, bad[:5]

    check()


def _collector(drawn: list):
    def collect(rows):
        drawn.extend(rows)

    return collect


@pytest.mark.libreoffice
def test_twins_equal_core_in_libreoffice(tmp_path):
    """Rows drawn by hypothesis for every twin (three examples each), written into one file
    without cached values, computed by LibreOffice itself and compared with the core."""
    from tests.compat._lo import convert, soffice_or_skip

    soffice = soffice_or_skip()
    plan: dict[str, list] = {}
    for name in TWINS:
        collect = _collector(plan.setdefault(name, []))
        settings(max_examples=3, phases=[Phase.generate], database=None, deadline=None)(
            given(rows=rows_for(name, 40, least=10))(collect)
        )()
    path = tmp_path / "twins.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    cells = {name: _write_rows(wb.add_worksheet(name[:31]), 0, name, rows) for name, rows in plan.items()}
    wb.close()
    out = convert(soffice, path, tmp_path / "lo", "xlsx", tmp_path / "profile")
    lo = openpyxl.load_workbook(out / "twins.xlsx", data_only=True)
    for name, rows in plan.items():
        want = _expected(name, rows)
        got = [lo[name[:31]][c].value for c in cells[name]]
        bad = [(r, w, g) for r, w, g in zip(rows, want, got) if not _agree(w, g)]
        assert not bad, (name, bad[:5])
