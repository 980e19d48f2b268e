"""The UDFs called exactly as Excel (xlwings) calls them."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storeops_xl as core
import udfs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/strategies.py
from strategies import excel_scalar, grid  # noqa: E402

SPEC_NAMES = [
    "CTR",
    "BOUNCE",
    "INQUIRY_RATE",
    "CONVERSION",
    "CPC",
    "COST_PER",
    "FUNNEL_DIAG",
    "REPLY_HOURS",
    "REPLY_OK",
    "TIMELY_RATE",
    "BUYER_CLASS",
    "CLOSE_RATE",
    "NEXT_FOLLOWUP",
    "OVERDUE",
    "TITLE_SCORE",
    "TITLE_ISSUES",
    "BANNED",
    "LISTING_STARS",
    "SHOP_HEALTH",
    "HOT_CANDIDATE",
    "REPLACE_LINK",
    "OPPORTUNITY_WORD",
    "P4P_ACTION",
    "TARGET_SPLIT",
    "TARGET_PACE",
    "PK_SCORE",
    "SCAM_RISK",
]


def test_scalar_and_column_calls():
    assert udfs.CTR(71, 4378) == pytest.approx(71 / 4378)
    assert udfs.CTR([[71], [20]], [[4378], [3550]]) == [[pytest.approx(71 / 4378)], [pytest.approx(20 / 3550)]]
    assert udfs.BUYER_CLASS(12000, 1, 0) == "A"
    assert udfs.BUYER_CLASS([[12000], [0]], [[1], [0]], [[0], [2]]) == [["A"], ["C"]]
    assert udfs.CTR(5, 0) is None


def test_dates_booleans_and_errors_as_cells():
    assert udfs.NEXT_FOLLOWUP(dt.datetime(2026, 11, 3), "D") == dt.datetime(2026, 11, 6)
    assert udfs.NEXT_FOLLOWUP([[46000.0], [None]], [["A"], ["A"]]) == [[dt.datetime(2025, 12, 16)], [None]]
    assert udfs.REPLY_OK([[0.5], [2.0]], [["TM"], ["TM"]], rule="alibaba_2024") == [[True], [False]]
    assert udfs.REPLY_OK([[0.5], [30.0]], [["TM"], ["TM"]]) == [[True], [False]]
    assert udfs.CTR("abc", 10) == "#VALUE! clicks: 'abc' is not a number"
    assert udfs.TIMELY_RATE([[1], [30]], [["询盘"], ["询盘"]]) == 0.5
    assert udfs.PK_SCORE([[100, 10], [50, 10]], [100, 10], [1, 1]) == [[100.0], [75.0]]
    assert udfs.PK_SCORE([100, 10], [100, 10], [1, 1]) == 100.0
    assert udfs.TARGET_SPLIT(120000, 3, [1] * 12) == 10000.0
    assert udfs.TITLE_SCORE("Nike Dog Collar", "dog collar") == 0.0
    assert udfs.SCAM_RISK("I cannot pay").startswith("中")
    assert udfs.PACE_LABEL(0.5) == "落后"


def test_every_spec_function_is_exported_registered_and_documented():
    for name in sorted(set(SPEC_NAMES) | set(core.FUNCTIONS)):
        assert name in udfs.__all__, name
        assert name in core.FUNCTIONS, name
        f = getattr(udfs, name)
        doc = inspect.getdoc(f)
        assert doc and re.search(r"[\u4e00-\u9fff]", doc.splitlines()[0]), name  # Chinese first line
        core_params = list(inspect.signature(core.FUNCTIONS[name].func).parameters)
        assert list(inspect.signature(f).parameters) == core_params, name
    for name in udfs.__all__:
        assert name in core.FUNCTIONS


def test_range_parameters_are_declared():
    assert core.FUNCTIONS["TIMELY_RATE"].aggregate
    assert "weights" in core.FUNCTIONS["TARGET_SPLIT"].ranges
    assert {"targets", "weights"} <= set(core.FUNCTIONS["PK_SCORE"].ranges)
    for spec in core.FUNCTIONS.values():
        params = inspect.signature(spec.func).parameters
        assert set(spec.ranges) <= set(params), spec.name


@pytest.mark.parametrize("name", sorted(udfs.__all__))
def test_udfs_never_raise(name):
    f = getattr(udfs, name)
    n = len(inspect.signature(f).parameters)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.tuples(*[st.one_of(excel_scalar, grid(excel_scalar, 3)) for _ in range(n)]))
    def run(args):
        out = f(*args)
        if isinstance(out, str) and out.startswith("#"):
            assert len(out) < 200
        if isinstance(out, list):
            assert all(isinstance(row, list) for row in out)

    run()


@pytest.mark.parametrize("name", sorted(udfs.__all__))
def test_one_cell_as_a_2d_range_gives_the_plain_value(name):
    """xlwings passes per-row parameters as 2-D lists (``ndim=2``): a single cell arrives as
    ``[[v]]`` and must answer exactly what the scalar call answers."""
    from udfs._excel import per_row_params

    f = getattr(udfs, name)
    params = list(inspect.signature(f).parameters)
    wrap = set(per_row_params(name))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.tuples(*[excel_scalar for _ in params]))
    def run(args):
        two_d = [[[a]] if p in wrap else a for p, a in zip(params, args)]
        assert repr(f(*two_d)) == repr(f(*args))

    run()


def test_typed_ranges_keep_their_shape():
    """``=CTR(F5:F7,E5:E7)`` answers a column, ``=CTR(F5:H5,E5:G5)`` a row (Excel 365 spills
    them; older Excel takes them as Ctrl+Shift+Enter array formulas)."""
    col = udfs.CTR([[1], [2], [None]], [[10], [40], [5]])
    assert col == [[0.1], [0.05], [None]]
    assert udfs.CTR([[1, 2, None]], [[10, 40, 5]]) == [[0.1, 0.05, None]]
    assert udfs.REPLY_HOURS([[46000.0], [46000.5]], [[46000.25], [None]]) == [[6.0], [None]]
    assert udfs.TARGET_SPLIT([[1200], [2400]], [[3], [4]], [1] * 12) == [[100.0], [200.0]]
