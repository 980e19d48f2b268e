"""The compiled cell scanner gives exactly what the regex reader gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx import _cells

SST = ["", "a", "b & c", "中文", "x<y"]

_CELL = st.one_of(
    st.tuples(st.just("n"), st.floats(allow_nan=False, allow_infinity=False, width=32)),
    st.tuples(st.just("s"), st.integers(0, len(SST) + 2)),
    st.tuples(st.just("str"), st.text(alphabet='ab&<>"中 ', max_size=6)),
    st.tuples(st.just("b"), st.booleans()),
    st.tuples(st.just("e"), st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!"])),
    st.tuples(st.just("inlineStr"), st.text(alphabet="xy&中", max_size=4)),
    st.tuples(st.just("blank"), st.none()),
    st.tuples(st.just("empty_v"), st.none()),
)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, kind: str, v, style: int | None, formula: int) -> str:
    s = f' s="{style}"' if style is not None else ""
    f = ["", "<f>A1+1</f>", '<f t="shared" si="0"/>', '<f t="shared" ref="A1:A9" si="1">B1*2</f>'][formula]
    if kind == "blank":
        return f'<c r="{ref}"{s}/>' if not f else f'<c r="{ref}"{s}>{f}</c>'
    if kind == "empty_v":
        return f'<c r="{ref}"{s} t="str">{f}<v></v></c>'
    if kind == "n":
        return f'<c r="{ref}"{s}>{f}<v>{v!r}</v></c>'
    if kind == "s":
        return f'<c r="{ref}"{s} t="s"><v>{v}</v></c>'
    if kind == "str":
        return f'<c r="{ref}"{s} t="str">{f}<v>{_esc(v)}</v></c>'
    if kind == "b":
        return f'<c r="{ref}"{s} t="b">{f}<v>{int(v)}</v></c>'
    if kind == "e":
        return f'<c r="{ref}"{s} t="e">{f}<v>{v}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t>{_esc(v)}</t></is></c>'


def _sheet(rows: list[list[tuple]]) -> bytes:
    out = ['<?xml version="1.0"?><worksheet><cols><col min="1" max="3" width="9"/></cols><sheetData>']
    for r, cells in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, (kind, v, style, formula) in enumerate(cells):
            out.append(_cell(f"{_cells.col_letters(c * 13 + 1)}{r}", kind, v, style, formula))
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def _same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for c in a:
        x, y = a[c], b[c]
        assert (x.rows == y.rows).all()
        assert np.array_equal(x.nums, y.nums, equal_nan=True)
        assert (x.styles == y.styles).all()
        assert x.numeric == y.numeric
        for u, v in zip(x.values.tolist(), y.values.tolist()):
            assert type(u) is type(v) and u == v


def _cells_strategy():
    return st.tuples(_CELL, st.none() | st.integers(0, 40), st.integers(0, 3)).map(
        lambda t: (t[0][0], t[0][1], t[1], t[2])
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(_cells_strategy(), min_size=1, max_size=4), min_size=1, max_size=30), st.booleans(), st.booleans()
)
def test_scan_equals_regex(rows, some_cols, dates):
    rows = [[c if not (c[0] == "s" and c[3]) else (c[0], c[1], c[2], 0) for c in row] for row in rows]
    xml = _sheet(rows)
    cols = ["A", "AA"] if some_cols else None
    styles = frozenset({14, 22})
    old = _cells._regex_columns(xml, SST, styles, cols, dates)
    new = _cells._scan_read(xml, SST, styles, cols, dates)
    _same(old, new)


def test_unusual_layouts_read_the_same():
    """Whitespace inside and between cells, r= not first, single quotes: the scanner reads them."""
    pad = b" " * (_cells._SCAN_MIN + 10)  # big enough for the scanner
    for body in (
        b'<row r="1">\n <c r="A1" t="s">\n<v>1</v></c>\n</row>',
        b'<row r="1"><c t="s" r="A1"><v>1</v></c><c r=\'B1\' t="s"><v>2</v></c></row>',
        b'<row r="1">\n <c r="A1" t="s"><v>1</v></c>\n</row>',
    ):
        xml = b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>" + pad
        got = _cells.read_columns(xml, SST, frozenset(), None)
        assert got["A"].values.tolist() == ["a"]
        if b"B1" in body:
            assert got["B"].values.tolist() == ["b & c"]


def test_cells_without_r_follow_their_row():
    xml = (
        b'<worksheet><sheetData><row r="3"><c t="s"><v>1</v></c><c><v>2.5</v></c></row>'
        b"<row><c><v>7</v></c></row></sheetData></worksheet>"
    )
    got = _cells._scan_read(xml, SST, frozenset(), None, False)
    assert got["A"].rows.tolist() == [3, 4] and got["A"].values.tolist() == ["a", 7.0]
    assert got["B"].rows.tolist() == [3] and got["B"].nums.tolist() == [2.5]
