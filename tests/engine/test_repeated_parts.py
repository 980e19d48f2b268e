"""A part a formula repeats is evaluated once per group and reused
(:func:`storeops.engine._eval.repeated_subtrees`): the values are the ones evaluating
every occurrence gives, for every native function over hostile inputs, also when a
function changes its argument's array in place."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine import _eval

from .test_vectorised_rows import FORMULAS, VALUES, _one, _same

#: each formula's expression, used three times in one formula
PARTS = [f[1:] for f in FORMULAS]
SHAPES = [
    "=IF(ISERROR({x}),{y},{x})&{x}",
    "=IFERROR({x}+{y},{x})",
    "=CONCATENATE({x},{y},{x},{y})",
    "=IF({y}={x},{x},{y})",
]


def _both(formula, cells, rows):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_eval, "repeated_subtrees", lambda node: frozenset())
        once_each = _one(formula, cells, rows)
    return _one(formula, cells, rows), once_each


@pytest.mark.parametrize("shape", SHAPES)
@settings(max_examples=40, deadline=None)
@given(
    x=st.sampled_from(PARTS),
    y=st.sampled_from(PARTS),
    data=st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=8, max_size=8),
)
def test_reused_parts_give_what_evaluating_each_gives(shape, x, y, data):
    cells = {}
    for r, (a, b, c) in enumerate(data, start=1):
        cells.update({f"A{r}": a, f"B{r}": b, f"C{r}": c})
    formula = shape.format(x=x, y=y)
    reused, each = _both(formula, cells, list(range(1, 9)))
    if each == "left to Excel" or reused == "left to Excel":
        assert reused == each, formula
        return
    for r, (a, b) in enumerate(zip(reused, each), start=1):
        a = a.item() if isinstance(a, np.generic) else a
        b = b.item() if isinstance(b, np.generic) else b
        assert _same(a, b), (formula, r, a, b)


def test_what_is_repeated():
    from storeops.engine._formula import parse

    twice = parse('IF(F2="",0,--F2)/(--E2)')
    node = parse('MIN(1,IF(F2="",0,--F2)/(--E2))+MAX(0,IF(F2="",0,--F2)/(--E2))*RAND()+RAND()')
    rep = _eval.repeated_subtrees(node)
    assert twice in rep  # and its parts need not be: it is evaluated once
    assert not any("RAND" in repr(n) for n in rep)


def test_a_value_changed_in_place_by_one_reader_is_not_seen_by_the_next(monkeypatch):
    """The kept value is handed out as a copy: a function writing into its argument's
    array (here one made to) cannot change what the next occurrence reads."""
    from storeops.engine._native import NATIVE_FUNCTIONS

    real = NATIVE_FUNCTIONS["ABS"]

    def scribbling_abs(ctx, x):
        out = real(ctx, x)
        if isinstance(x, np.ndarray):
            x[:] = -999.0  # a reader that changes its argument
        return out

    monkeypatch.setattr(_eval, "NATIVE_FUNCTIONS", {**NATIVE_FUNCTIONS, "ABS": scribbling_abs})
    cells = {f"A{r}": float(r) for r in range(1, 9)}
    cells.update({f"B{r}": 1.0 for r in range(1, 9)})
    got = _one("=ABS(A1*B1)+(A1*B1)", cells, list(range(1, 9)))
    assert got == [2.0 * r for r in range(1, 9)]
