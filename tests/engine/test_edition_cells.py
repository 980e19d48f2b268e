"""Summary cells given their formula for the evaluation only (the ``.xlsx`` edition's
Python-only cells) are put in and taken out where they are, the sheet streaming by in
pieces, never by a pass over the whole sheet: the same bytes as the whole-sheet pass."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.engine import editions as E

_XML = (
    b"<sheetData>"
    + b"".join(
        b'<row r="%d"><c r="A%d"><f>1+%d</f><v>%d</v></c><c r="B%d" s="3"><f>X()</f><v>2</v></c><c r="C%d"/></row>'
        % (r, r, r, r, r, r)
        for r in range(1, 400)
    )
    + b"</sheetData>"
)


def _whole_sheet(xml: bytes, cells) -> bytes:
    def sub(m):
        c, r = E.col_index(m.group(1).decode()), int(m.group(2))
        if (c, r) in cells and m.group(5) is not None and b"<f" in m.group(5):
            return E._without_formula(m)
        return m.group(0)

    return E._CELL.sub(sub, xml)


cells_st = st.sets(st.tuples(st.integers(1, 3), st.integers(1, 420)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(cells_st, st.lists(st.integers(1, len(_XML) - 1), max_size=40))
def test_strip_as_pieces_stream_by(cells, cuts):
    cuts = sorted(set(cuts))
    pieces = [memoryview(_XML)[a:b] for a, b in zip([0, *cuts], [*cuts, len(_XML)])]
    assert b"".join(E._strip_cells(pieces, cells)) == _whole_sheet(_XML, cells)


@settings(max_examples=60, deadline=None)
@given(cells_st)
def test_replace_cells_matches_whole_sheet_pass(cells):
    done: set = set()
    got = E._replace_cells(_XML, cells, lambda m, _c: E._without_formula(m) if E._has_formula(m) else None, done)
    assert got == _whole_sheet(_XML, cells)
    assert done == {(c, r) for c, r in cells if r < 400 and c < 3}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells_st, st.lists(st.integers(1, len(_XML) - 1), max_size=10), st.integers(40, 3000))
def test_strip_in_small_steps(monkeypatch_step, cells, cuts, step):
    """Pieces longer than the step are looked at a step at a time: the same bytes."""
    monkeypatch_step(step)
    cuts = sorted(set(cuts))
    pieces = [memoryview(_XML)[a:b] for a, b in zip([0, *cuts], [*cuts, len(_XML)])]
    assert b"".join(E._strip_cells(pieces, cells)) == _whole_sheet(_XML, cells)


def test_strip_never_copies_the_rest_of_a_big_piece(monkeypatch_step):
    """A sheet's last piece is often the rest of its XML (hundreds of MB): once every cell
    is cut, it streams by as a view; nothing bigger than a step and a cell is copied."""
    monkeypatch_step(1000)
    big = _XML * 20
    out = list(E._strip_cells([memoryview(big)], {(1, 2), (2, 3)}))
    assert b"".join(bytes(p) for p in out) == _whole_sheet(_XML, {(1, 2), (2, 3)}) + _XML * 19
    assert max(len(p) for p in out if isinstance(p, (bytes, bytearray))) <= 1000 + 200
    assert sum(len(p) for p in out if isinstance(p, memoryview)) > len(big) - 2000


@pytest.fixture
def monkeypatch_step(monkeypatch):
    def set_step(n: int) -> None:
        monkeypatch.setattr(E, "STRIP_STEP", n)

    return set_step
