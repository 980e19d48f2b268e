"""Masking a worksheet's cells gives, cell by cell, what masking each cell alone gives:
built from views of the sheet, never changing a byte between cells."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops import masking as M
from storeops_xl.privacy import mask_contacts, mask_value

SST = ["alice@pets.com", "plain", "call +86 13812341234", ""]
_CELLS = st.sampled_from(
    [
        b'<c r="{c}{r}" t="s"><v>0</v></c>',
        b'<c r="{c}{r}" s="3" t="s"><v>2</v></c>',
        b'<c r="{c}{r}" t="str"><f>X()</f><v>bob@x.org</v></c>',
        b'<c r="{c}{r}" t="inlineStr"><is><t>13812341234 &amp; more</t></is></c>',
        b'<c r="{c}{r}"><v>13812341234</v></c>',
        b'<c r="{c}{r}" s="1"/>',
        b'<c r="{c}{r}" t="s"><v>1</v></c>',
        b'<c r="{c}{r}" t="e"><v>#N/A</v></c>',
    ]
)


@st.composite
def _sheets(draw):
    rows = []
    for r in range(1, draw(st.integers(1, 8)) + 1):
        letters = draw(st.lists(st.sampled_from(["A", "B", "C", "AA"]), max_size=4, unique=True))
        cells = [draw(_CELLS).replace(b"{c}", c.encode()).replace(b"{r}", b"%d" % r) for c in letters]
        rows.append((r, cells))
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheets(), st.sets(st.integers(1, 3)))
def test_masking_a_sheet_is_masking_each_cell(rows, contact_cols):
    def pick(c, r):
        return mask_value if c in contact_cols else mask_contacts if r > 1 else None

    xml = (
        b"<sheetData>" + b"".join(b'<row r="%d">%s</row>' % (r, b"".join(cells)) for r, cells in rows) + b"</sheetData>"
    )
    masks: dict = {}
    got, n = M._mask_cells(xml, SST, pick, masks)
    one_masks: dict = {}
    want, total = b"<sheetData>", 0
    for r, cells in rows:
        want += b'<row r="%d">' % r
        for cell in cells:
            new, k = M._mask_cells(cell, SST, pick, one_masks)
            want, total = want + new, total + k
        want += b"</row>"
    want += b"</sheetData>"
    assert (got, n, masks.keys()) == (want, total, one_masks.keys())
    if not n:
        assert got is xml  # nothing masked: the sheet itself, no copy


_HOSTILE = st.sampled_from(
    [
        b'<c r="{c}{r}"\n s="2"\tt="s"><v>0</v></c>',  # other white space
        b'<c r="{c}{r}" x="a&gt;" t="str"><v>alice@pets.com</v></c>',  # ">" in an attribute value
        b'<c r="{c}{r}" t="n"><v>13812341234</v></c>',
        b'<c r="{c}{r}" t="inlineStr"><is><t><![CDATA[<c r="A9" t="s"><v>0</v></c>]]></t></is></c>',
        b'<c r="{c}{r}" t="b"><v>1</v></c>',
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheets(), st.sets(st.integers(1, 3)), st.data())
def test_only_text_and_contact_cells_are_looked_at(rows, contact_cols, data):
    """Looking only at text cells and the contact columns' cells masks what looking at every
    cell masks: a number outside the contact columns is never masked."""
    rows = [
        (r, [data.draw(_HOSTILE).replace(b"{c}", b"B").replace(b"{r}", b"%d" % r)] + cells)
        if data.draw(st.booleans())
        else (r, cells)
        for r, cells in rows
    ]

    def pick(c, r):
        return mask_value if c in contact_cols else mask_contacts

    xml = (
        b"<sheetData>" + b"".join(b'<row r="%d">%s</row>' % (r, b"".join(cells)) for r, cells in rows) + b"</sheetData>"
    )
    every: dict = {}
    some: dict = {}
    assert M._mask_cells(xml, SST, pick, some, contact_cols) == M._mask_cells(xml, SST, pick, every)
    assert some == every
