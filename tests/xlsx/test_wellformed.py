"""The well-formedness check every XML part goes through (storeops/xlsx/_wellformed.py):
the compiled kernel, its pure-Python source and expat agree on real parts and on damaged ones."""

from __future__ import annotations

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
