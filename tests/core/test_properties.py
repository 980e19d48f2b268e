"""Invariants of every StoreOps function under hostile input (hypothesis)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import column, counts, excel_scalar, grid, same_length_columns

import storeops_xl as core
from storeops_xl.inputs import EXCEL_ERRORS

#: per-row functions (every parameter may be a column); range parameters are passed blank
ROW_FUNCS = [
    core.ctr,
    core.bounce,
    core.inquiry_rate,
    core.conversion,
    core.cpc,
    core.cost_per,
    core.funnel_diag,
    core.reply_hours,
    core.reply_ok,
    core.buyer_class,
    core.close_rate,
    core.close_label,
    core.next_followup,
    core.overdue,
    core.title_score,
    core.title_issues,
    core.banned,
    core.listing_stars,
    core.shop_health,
    core.hot_candidate,
    core.replace_link,
    core.opportunity_word,
    core.p4p_action,
    core.target_split,
    core.target_pace,
    core.pace_label,
    core.scam_risk,
    core.scam_advice,
    core.title_keywords,
]
RANGE_PARAMS = {"extra_words", "weights", "allowed_words", "shop_keywords", "shop_weights"}
RATIOS = [core.ctr, core.bounce, core.inquiry_rate, core.conversion, core.cpc, core.cost_per, core.close_rate]
# functions with many parameters (FUNNEL_DIAG has 14) filter many same-size grids: allowed
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def _params(f):
    return [p for p in inspect.signature(f).parameters if p not in RANGE_PARAMS]


def _check_value(f, v, scalar=True):
    """An error a function answers names the argument at fault; a text that merely starts
    with "#" (typed keywords "#" passed back by TITLE_KEYWORDS) is no error."""
    if isinstance(v, str) and v.startswith(tuple(EXCEL_ERRORS)):
        names = inspect.signature(f).parameters
        assert any(f" {n}:" in v for n in names) or f.__name__ in v, v
    if scalar and isinstance(v, float):
        assert not math.isnan(v), "a scalar blank must be None, not NaN"


@pytest.mark.parametrize("f", ROW_FUNCS, ids=lambda f: f.__name__)
def test_hostile_scalars_never_raise_and_stay_scalar(f):
    names = _params(f)

    @FAST
    @given(st.tuples(*[excel_scalar for _ in names]))
    def run(args):
        out = f(*args)
        assert not isinstance(out, np.ndarray)
        _check_value(f, out)

    run()


@pytest.mark.parametrize("f", ROW_FUNCS, ids=lambda f: f.__name__)
def test_columns_keep_their_shape(f):
    names = _params(f)

    @FAST
    @given(same_length_columns(len(names)))
    def run(cols):
        out = f(*cols)
        assert isinstance(out, np.ndarray) and out.shape == (len(cols[0]),)
        for v in out:
            _check_value(f, v if not isinstance(v, np.generic) else v.item(), scalar=False)

    run()


@pytest.mark.parametrize("f", ROW_FUNCS, ids=lambda f: f.__name__)
def test_two_d_ranges_come_back_two_d(f):
    names = _params(f)

    @FAST
    @given(
        st.integers(1, 5).flatmap(
            lambda n: st.tuples(*[grid(excel_scalar, n).filter(lambda g, n=n: len(g) == n) for _ in names])
        )
    )
    def run(grids):
        out = f(*grids)
        assert out.shape == (len(grids[0]), 1)

    run()


@pytest.mark.parametrize("f", [g for g in ROW_FUNCS if g is not core.buyer_class], ids=lambda f: f.__name__)
def test_blanks_give_blanks(f):
    assert f(*[None] * len(_params(f))) is None
    out = f(*[[None, None]] * len(_params(f)))
    assert [None if (isinstance(v, float) and math.isnan(v)) else v for v in out.tolist()] == [None, None]


def test_buyer_class_blank_is_d():
    """Documented exception: nothing bought yet (blank cells) is class D."""
    assert core.buyer_class(None, None, None) == "D"


@pytest.mark.parametrize("f", RATIOS, ids=lambda f: f.__name__)
@FAST
@given(cols=same_length_columns(2, st.one_of(counts, excel_scalar)))
def test_ratios_never_negative(f, cols):
    out = np.atleast_1d(np.asarray(f(*cols), dtype=object))
    for v in out:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            assert math.isnan(v) or v >= 0


@FAST
@given(
    st.lists(counts, min_size=3, max_size=3),
    st.lists(counts, min_size=3, max_size=3),
    st.lists(st.floats(0, 100), min_size=3, max_size=3),
    excel_scalar,
)
def test_pk_score_bounded(actuals, targets, weights, cap):
    out = core.pk_score(actuals, targets, weights, cap)
    if isinstance(out, float):
        assert 0 <= out <= 100 * max(1.5, 0) + 1e-9 or not isinstance(cap, (type(None),))


@FAST
@given(column(excel_scalar), column(excel_scalar), excel_scalar)
def test_aggregates_and_ranges_never_raise(a, b, c):
    v = core.timely_rate(a, b)
    assert v is None or isinstance(v, (float, str))
    if isinstance(v, float):
        assert 0 <= v <= 1
    core.pk_score(a, b, a, c)
    core.pk_score([a, a], b, b)
    core.target_split(c, a[0], a)
    core.banned(a, b)
    core.banned(a, b, c)
    core.title_score(a, c, None, b)
    core.title_keywords(a, None, b, a, None, c)
    v = core.benchmark(a, b, c, c)
    assert v is None or isinstance(v, (float, str))


@FAST
@given(column(counts, 1, 6), column(counts, 1, 6), column(counts, 1, 6))
def test_score_ranges(m, d, c):
    n = min(len(m), len(d), len(c))
    for v in np.atleast_1d(core.listing_stars(m[:n], d[:n], c[:n])):
        assert v is None or 0 <= v <= 5
    titles = ["Adjustable Nylon Dog Collar", "", None, "狗狗项圈"][:n]
    for v in np.atleast_1d(core.title_score(titles, "dog collar")):
        assert v is None or (isinstance(v, float) and (math.isnan(v) or 0 <= v <= 100))
