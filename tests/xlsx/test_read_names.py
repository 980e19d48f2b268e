"""``read_names`` gives each defined name's cell or range values, a range cut at the
sheet's last row holding a cell, reading only the columns the names cover."""

from __future__ import annotations

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from storeops.xlsx import read_names

_VALUES = st.one_of(st.integers(-5, 5), st.sampled_from(["a", "买家 B", ""]), st.none())


@st.composite
def _books(draw):
    cells = draw(st.dictionaries(st.tuples(st.integers(1, 8), st.integers(1, 30)), _VALUES, max_size=40))
    styled = draw(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 40)), max_size=3))  # empty, styled
    names = {}
    for k in range(draw(st.integers(1, 4))):
        c1, r1 = draw(st.integers(1, 8)), draw(st.integers(1, 30))
        c2, r2 = draw(st.integers(c1, 8)), draw(st.integers(r1, 60))
        names[f"n{k}"] = (c1, r1, c2, r2)
    return cells, styled, names


def _oracle(cells, last, c1, r1, c2, r2):
    """What a name reads: one cell's value, else its range cut at the last row with a cell."""
    if (c1, r1) == (c2, r2):
        return cells.get((c1, r1))
    r2 = min(r2, last if last else r1)
    val = lambda c, r: cells.get((c, r))  # noqa: E731
    if c1 == c2 or r1 == r2:
        return [val(c, r) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return [[val(c, r) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_books())
def test_names_read_what_their_cells_hold(tmp_path, book):
    cells, styled, names = book
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    kept = {}
    for (c, r), v in cells.items():
        if v is not None and v != "":
            ws.cell(r, c, v)
            kept[(c, r)] = float(v) if isinstance(v, int) else v
    for c, r in styled:
        if (c, r) not in kept:
            ws.cell(r, c).font = Font(bold=True)
    for n, (c1, r1, c2, r2) in names.items():
        ref = "$%s$%d" % (get_column_letter(c1), r1)
        if (c1, r1) != (c2, r2):
            ref += ":$%s$%d" % (get_column_letter(c2), r2)
        wb.defined_names[n] = DefinedName(n, attr_text=f"S!{ref}")
    path = tmp_path / "names.xlsx"
    wb.save(path)
    last = max([r for _c, r in kept] + [r for _c, r in styled], default=0)
    got = read_names(str(path))
    for n, (c1, r1, c2, r2) in names.items():
        assert got[n] == _oracle(kept, last, c1, r1, c2, r2), n
