"""The well-formedness check every XML part goes through (storeops/xlsx/_wellformed.py):
the compiled kernel, its pure-Python source and expat agree on real parts and on damaged ones."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx import _wellformed as W
from storeops.xlsx._wellformed import new_extent, xml_problem

BUILT = Path(__file__).resolve().parents[2] / "workbook" / "StoreOps.xlsm"


def _parts() -> list[bytes]:
    with zipfile.ZipFile(BUILT) as z:
        return [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]


PARTS = _parts()
ALPHABET = b"<>/&;\"'=!?-[]x #a\n\x01\xc3\xa9\xed\xa0\x80"


def _verdicts(data: bytes) -> tuple:
    compiled = xml_problem(data, compiled=True)
    expat = xml_problem(data, compiled=False)
    out = [compiled is None, expat is None]
    if len(data) < 2500:  # the kernel's Python source, run as Python
        enc = W._encoding_problem(data)
        py = enc or W.wf_kernel(np.frombuffer(data, np.uint8), new_extent())
        out.append(py is None or py[0] == 0)
    return tuple(out)


def test_every_part_of_the_built_workbook_is_well_formed():
    for data in PARTS:
        assert _verdicts(data) in ((True, True), (True, True, True))


@settings(max_examples=150, deadline=None)
@given(
    part=st.sampled_from(PARTS),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["set", "delete", "insert", "cut"]), st.floats(0, 1), st.sampled_from(list(ALPHABET))
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_kernel_and_expat_agree_on_damaged_parts(part, edits):
    data = bytearray(part)
    for op, where, byte in edits:
        if not data:
            break
        p = int(where * (len(data) - 1))
        if op == "set":
            data[p] = byte
        elif op == "delete":
            del data[p : p + 3]
        elif op == "insert":
            data[p:p] = bytes([byte])
        else:
            del data[p:]
    v = _verdicts(bytes(data))
    assert len(set(v)) == 1, (v, bytes(data)[:200])


@pytest.mark.parametrize(
    "data, code",
    [
        pytest.param(b"<a><b>cut sh", 6, id="truncated"),
        pytest.param(b"<a>&#xD800;</a>", 4, id="surrogate-reference"),
        pytest.param(b"<a>&#0;</a>", 4, id="nul-reference"),
        pytest.param(b"<a>&nbsp;</a>", 4, id="undefined-entity"),
        pytest.param(b"<a><!DOCTYPE x></a>", 3, id="doctype-inside"),
        pytest.param(b'<!DOCTYPE a [<!ENTITY x "y">]><a/>', 3, id="doctype-prolog"),
        pytest.param("<a>é</a>".encode("utf-16"), 11, id="utf-16"),
        pytest.param(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 11, id="latin-1"),
        pytest.param(b"<a>\xff</a>", 1, id="bad-utf8"),
        pytest.param(b"<a>\x01</a>", 2, id="control-byte"),
        pytest.param(b"<a></b>", 5, id="mismatched"),
        pytest.param(b'<a x="1" x="2"/>', 12, id="duplicate-attribute"),
        pytest.param(b"<a/><b/>", 7, id="two-roots"),
        pytest.param(b"", 10, id="empty"),
        pytest.param(b"<x>" * 300 + b"</x>" * 300, 9, id="too-deep"),
        pytest.param(b'<s><row r="1"><c r="XFE1"/></row></s>', 13, id="column-beyond-grid"),
        pytest.param(b'<s><row r="1048577"/></s>', 13, id="row-beyond-grid"),
        pytest.param(b'<s><c r="A1" t="s"><v>x</v></c></s>', 14, id="shared-string-index-not-a-number"),
        pytest.param(b'<s><c r="A1" t="s"><f>B1</f><v>71></v></c></s>', 14, id="formula-shared-string-not-a-number"),
        pytest.param(b'<s><c r="A1" t="s"><f t="shared" si="0"/><v>7 </v></c></s>', 14, id="shared-formula-sst"),
    ],
)
@pytest.mark.parametrize("compiled", [True, False], ids=["kernel", "expat"])
def test_refusals(data, code, compiled):
    got = xml_problem(data, compiled=compiled)
    assert got is not None and got[0] == code, got


def test_extent_of_a_sheet():
    sheet = b'<s><row r="3"><c r="B3" t="s"><v>12</v></c><c r="AA7"><v>1</v></c></row><c r="C2" t="s"><v>4</v></c></s>'
    for compiled in (True, False):
        e = new_extent()
        assert xml_problem(sheet, compiled=compiled, extent=e) is None
        assert e.tolist() == [7, 3, 27, 12]


def test_big_parts_use_the_kernel_small_ones_do_not_load_numba():
    import subprocess
    import sys

    code = (
        "import sys; from storeops.xlsx._wellformed import xml_problem; "
        "assert xml_problem(b'<a/>') is None; assert 'numba' not in sys.modules; "
        "assert xml_problem(b'<a>' + b'x' * (1 << 20) + b'</a>') is None; assert 'numba' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("compiled", [False, True], ids=["expat", "kernel"])
def test_a_part_cut_anywhere_says_cut_short(compiled):
    """However a worksheet is cut (mid-character, mid-entity, mid-attribute), the reason
    users read is "cut short", not the broken token the cut left."""
    with zipfile.ZipFile(Path(__file__).parents[2] / "workbook" / "StoreOps.xlsm") as z:
        data = z.read("xl/worksheets/sheet4.xml")
    codes = {xml_problem(data[:k], compiled=compiled)[0] for k in range(100, len(data) - 1, 13)}
    assert codes <= {6, 14}, codes  # 14: cut right after "<v>" of a shared-string cell


# --------------------------------------------------------------------------- two pieces at once
ROW_BITS = [
    b'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c><c r="B{r}"><f>A{r}&amp;"x"</f><v>1</v></c></row>',
    b'<row r="{r}" spans="1:3"><c r="C{r}" t="s"><v>7</v></c></row>',  # ends inside a t="s" cell's state
    b'<row r="{r}"><c r="A{r}"><is><t>&lt;row r="{r}"&gt;</t></is></c></row>',  # "<row" as text
    b'<row r="{r}"/>',
    b'<!-- <row r="{r}"> --><row r="{r}"><c r="D{r}"><v>2</v></c></row>',  # "<row" in a comment
    b'<row r="{r}"><c r="E{r}" t="str"><f><![CDATA[<row ]]></f><v>x</v></c></row>',  # in CDATA
    b'<row r="{r}"><v>3</v><c r="F{r}"><v>4</v></c></row>',  # a <v> before any <c>
]
DAMAGE = [
    b"<",
    b">",
    b"</row>",
    b"<row>",
    b"<row ",
    b"</sheetData><x>",
    b"<x>",
    b'"',
    b"&",
    b"<!--",
    b"-->",
    b"<v>",
    b"\x01",
    b"<?xml?>",
]


def _sheet(kinds: list[int]) -> bytes:
    rows = b"".join(ROW_BITS[k].replace(b"{r}", str(i + 1).encode()) for i, k in enumerate(kinds))
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:F9"/><sheetData>' + rows + b"</sheetData><pageMargins/></worksheet>"
    )


def _one_pass(data: bytes) -> tuple:
    e = new_extent()
    code, _pos = W._compiled_kernel()(np.frombuffer(data, np.uint8), e)
    return int(code), e.tolist()


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(st.integers(0, len(ROW_BITS) - 1), min_size=1, max_size=6),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from(DAMAGE), st.booleans(), st.booleans()), max_size=2),
)
def test_two_pieces_pass_only_what_one_pass_passes(kinds, edits):
    """Cut anywhere (not only before a ``<row``), the check in two pieces never passes a
    part one pass refuses, and gives the same extent."""
    data = bytearray(_sheet(kinds))
    for where, bit, replace, between_tags in edits:
        p = int(where * (len(data) - 1))
        if between_tags:  # where a damage is well-formed locally: only the nesting is wrong
            p = max(data.find(b"<", p), 0)
        data[p : p + (len(bit) if replace else 0)] = bit
    data = bytes(data)
    arr = np.frombuffer(data, np.uint8)
    whole = _one_pass(data)
    root, sheet_data = W._ROOT_TAG.search(data), W._DATA_TAG.search(data)
    if root is None or sheet_data is None:
        return
    for cut in range(sheet_data.end(), len(data)):
        e = new_extent()
        if W.pieces_pass(arr, e, root.span(1), sheet_data.span(1), cut):
            assert whole == (0, e.tolist()), (cut, data[cut - 20 : cut + 20])


@pytest.mark.parametrize("kinds", [[0, 0, 0, 0], [1, 2, 3, 0], [0, 1, 6, 0], [3, 3, 1, 0]])
def test_two_pieces_pass_an_undamaged_sheet(kinds):
    """Cut before any ``<row`` that is not in a comment or CDATA, the pieces pass (no
    needless second pass) with the extent of one pass — except where one pass's state at
    the cut would matter (a ``t="s"`` cell open before a ``<v>`` that comes before any ``<c>``)."""
    data = _sheet(kinds)
    arr = np.frombuffer(data, np.uint8)
    root, sheet_data = W._ROOT_TAG.search(data), W._DATA_TAG.search(data)
    whole = _one_pass(data)
    for m in W._ROW_TAG.finditer(data):
        e = new_extent()
        ok = W.pieces_pass(arr, e, root.span(1), sheet_data.span(1), m.start())
        assert ok == (not data[m.start() : m.start() + 40].startswith(b'<row r="3"><v>')), m.start()
        if ok:
            assert whole == (0, e.tolist())


@pytest.mark.parametrize(
    "bit",
    [
        b"</sheetData><x>",
        b"<x>",
        b"</x>",
        b"</row>",
        b"</sheetData></worksheet><worksheet><sheetData>",
        b'<?xml version="1.0"?>',
        b"<c><v>3</v></c>",
    ],
)
def test_two_pieces_refuse_wrong_nesting_at_any_row_boundary(bit):
    """Damage that is well-formed locally and wrong only in its nesting, put at every row
    boundary, with every cut: the pieces pass only when one pass does (same extent)."""
    clean = _sheet([1, 0, 3, 1, 0])
    for m in list(W._ROW_TAG.finditer(clean)) + [re.search(rb"</sheetData>", clean)]:
        data = clean[: m.start()] + bit + clean[m.start() :]
        arr = np.frombuffer(data, np.uint8)
        root, sheet_data = W._ROOT_TAG.search(data), W._DATA_TAG.search(data)
        whole = _one_pass(data)
        for cut in range(sheet_data.end(), len(data)):
            e = new_extent()
            if W.pieces_pass(arr, e, root.span(1), sheet_data.span(1), cut):
                assert whole == (0, e.tolist()), (m.start(), cut)


def test_a_big_part_is_checked_in_two_pieces(monkeypatch):
    """xml_problem takes the two-piece path for big parts and falls back to one pass,
    which names the problem, when a piece fails."""
    calls = []
    real = W._split_problem
    monkeypatch.setattr(W, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(W, "_split_problem", lambda *a: calls.append(1) or real(*a))
    good = _sheet([0, 1, 2, 3, 4, 5, 0, 0])
    e = new_extent()
    assert xml_problem(good, compiled=True, extent=e) is None and calls
    assert e.tolist() == _one_pass(good)[1]
    bad = good[: len(good) * 3 // 4] + b"\x01" + good[len(good) * 3 // 4 :]
    assert xml_problem(bad, compiled=True) == (2, len(good) * 3 // 4)
