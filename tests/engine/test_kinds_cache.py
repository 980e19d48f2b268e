"""The kinds of a criteria column kept between recalculations (``storeops.engine._kinds_cache``):
what is kept — in the process and in the cache folder — is exactly what classifying the
column gives, for any values; other values are never given kept kinds; a damaged file is
classified again."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine import _kinds_cache
from storeops.engine._pruning import _classify_criteria
from tests.engine.test_criteria_plain import VALUES


class _Book:
    cache: dict = {}


def _col(values) -> np.ndarray:
    obj = np.empty(len(values), dtype=object)
    obj[:] = values
    return obj


def _same(a: tuple, b: tuple) -> bool:
    if not a or not b:
        return a == b
    return all(
        np.array_equal(x, y, equal_nan=x.dtype.kind == "f") if x.dtype != object else x.tolist() == y.tolist()
        for x, y in zip(a, b)
    ) and [x.dtype for x in a] == [y.dtype for y in b]


@pytest.fixture(autouse=True)
def small(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREOPS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_kinds_cache, "MIN_ROWS", 0)
    _kinds_cache.clear_memory()
    yield
    _kinds_cache.clear_memory()


@settings(max_examples=150, deadline=None)
@given(st.lists(VALUES, max_size=40), st.booleans())
def test_kept_kinds_are_the_kinds(values, from_disk):
    obj = _col(values)
    fresh = _classify_criteria(_Book(), obj)
    first = _kinds_cache.kinds(obj, lambda: _classify_criteria(_Book(), obj))
    assert _same(first, fresh)
    if from_disk:
        _kinds_cache.clear_memory()

    calls = []
    again = _kinds_cache.kinds(_col(values), lambda: calls.append(1) or fresh)
    assert _same(again, fresh)
    # an equal column is found, not classified again (a text holding NUL, which no cell
    # holds, is not written to the folder)
    assert not calls or (from_disk and any(isinstance(v, str) and "\0" in v for v in values))


def test_other_values_are_classified_again():
    a = _col(["B1", "B2", None, 3.0])
    b = _col(["B1", "B2", None, "3"])  # a text, not a number
    c = _col(["B1", "b2", None, 3.0])  # another case
    kinds = [_kinds_cache.kinds(x, lambda x=x: _classify_criteria(_Book(), x)) for x in (a, b, c)]
    assert len({_kinds_cache.digest(x) for x in (a, b, c)}) == 3
    for x, k in zip((a, b, c), kinds):
        assert _same(k, _classify_criteria(_Book(), x))


def test_a_damaged_file_is_classified_again(tmp_path):
    obj = _col([f"B{i}" for i in range(50)] + ["<5", None])
    fresh = _classify_criteria(_Book(), obj)
    _kinds_cache.kinds(obj, lambda: fresh)
    _kinds_cache.clear_memory()
    (path,) = [os.path.join(_kinds_cache.cache_dir(), f) for f in os.listdir(_kinds_cache.cache_dir())]
    with open(path, "r+b") as fh:
        fh.seek(os.path.getsize(path) // 2)
        fh.write(b"\xff" * 64)
    calls = []
    got = _kinds_cache.kinds(obj, lambda: calls.append(1) or fresh)
    assert calls == [1] and _same(got, fresh)


def test_only_the_newest_files_are_kept(monkeypatch):
    monkeypatch.setattr(_kinds_cache, "MAX_FILES", 3)
    for k in range(6):
        obj = _col([f"B{k}-{i}" for i in range(10)])
        _kinds_cache.kinds(obj, lambda obj=obj: _classify_criteria(_Book(), obj))
    assert len([f for f in os.listdir(_kinds_cache.cache_dir()) if f.endswith(".npz")]) == 3


def test_a_column_the_engine_cannot_read_is_kept_as_such():
    obj = _col(["1/2/2008", "B1", None])  # a number only with regional settings
    assert _classify_criteria(_Book(), obj) == ()
    assert _kinds_cache.kinds(obj, lambda: _classify_criteria(_Book(), obj)) == ()
    _kinds_cache.clear_memory()
    calls = []
    assert _kinds_cache.kinds(_col(["1/2/2008", "B1", None]), lambda: calls.append(1) or ("x",)) == ()
    assert not calls


def test_a_value_that_cannot_be_hashed_is_classified_every_time():
    obj = _col(["B1", "B2"])
    obj[1] = lambda: None  # nothing a cell holds; pickling it fails
    calls = []
    assert _kinds_cache.kinds(obj, lambda: calls.append(1) or ()) == ()
    assert calls == [1] and not os.path.isdir(_kinds_cache.cache_dir())
