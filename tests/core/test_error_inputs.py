"""An Excel error value coming in is one rule for every kind of argument (issue 17).

``#N/A`` (a lookup that found nothing, a padded range) used to read as a blank in a number
argument and as an error in a date or text argument.  Excel propagates it, and so does every
parser of the core now: the argument that received it reports it, with its own error word.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storeops_xl as core
from storeops.xlsx._cells import XLErr
from storeops_xl import _columns
from storeops_xl.inputs import EXCEL_ERRORS, to_date, to_number

#: the three parsers every StoreOps function reads its arguments with
PARSERS = {
    "number": lambda arr: to_number(arr, "x", negative=True),
    "date": lambda arr: to_date(arr, "x"),
    "text": lambda arr: _columns.text(arr, "x"),
}


@pytest.mark.parametrize("kind", list(PARSERS))
@given(
    word=st.sampled_from(EXCEL_ERRORS),
    case=st.sampled_from([str, str.lower, XLErr]),
    at=st.integers(0, 4),
)
@settings(max_examples=40, deadline=None)
def test_an_error_value_is_that_error_for_every_parser(kind: str, word: str, case, at: int) -> None:
    values = np.array([45000.0, "45001", None, 3.0, "7"], dtype=object)
    values[at] = case(word)
    col = PARSERS[kind](values)
    assert col.errors is not None
    assert col.errors[at].startswith(f"{word} x: ")  # the word as Excel writes it, then the argument
    others = [e for i, e in enumerate(col.errors) if i != at]
    assert others == [None] * 4  # the other cells are read as before


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: core.ctr("#N/A", 10), id="number"),
        pytest.param(lambda: core.reply_hours("#N/A", dt.datetime(2026, 11, 2, 9)), id="date"),
        pytest.param(lambda: core.title_score("#N/A"), id="text"),
    ],
)
def test_na_reaches_the_cell_as_na(call) -> None:
    out = call()
    assert isinstance(out, str) and out.startswith("#N/A ")


def test_no_data_texts_stay_blank() -> None:
    """The exports' "no data" marks (``-``, ``N/A`` without ``#``) are still blanks, not errors."""
    col = to_number(np.array(["-", "N/A", "n/a", "—", None], dtype=object), "x")
    assert col.errors is None and np.isnan(col.values).all()
