"""Cell digests (what tells an incremental recalculation what changed): they name exactly
the column and block of rows that changed, ignore where the writer put a text in the
shared-string table, add up over parts of a sheet, and a sheet scanned in halves on two
threads gives the same records and digests as one scan."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storeops.xlsx._scan as scan
from storeops.xlsx._digest import DK_FORMULA, DK_INPUT, Digests, block_shift, make_keys, split_key
from storeops.xlsx._scan import scan_sheet, sst_hashes
from xlsx.test_scan_kernel import HEAD, TAIL, gen_sheet

SST = b"<sst><si><t>apple</t></si><si><t>pear</t></si><si/><si><r><t>p</t></r><r><t>lum</t></r></si></sst>"


def _sheet(rows: list[list[bytes]]) -> bytes:
    out = []
    for r, cells in enumerate(rows, 1):
        out.append(b'<row r="%d">' % r + b"".join(cells) + b"</row>")
    return HEAD + b"".join(out) + TAIL


def _num(ref: str, v: str) -> bytes:
    return b'<c r="%s"><v>%s</v></c>' % (ref.encode(), v.encode())


def _s(ref: str, k: int) -> bytes:
    return b'<c r="%s" t="s"><v>%d</v></c>' % (ref.encode(), k)


def _f(ref: str, f: str, v: str) -> bytes:
    return b'<c r="%s"><f>%s</f><v>%s</v></c>' % (ref.encode(), f.encode(), v.encode())


@pytest.fixture(scope="module")
def pool():
    with ThreadPoolExecutor(2) as p:
        yield p


def test_one_changed_input_names_its_column_and_block():
    rows = [[_num(f"A{r}", str(r)), _s(f"B{r}", r % 2), _f(f"C{r}", f"A{r}*2", str(2 * r))] for r in range(1, 41)]
    h = sst_hashes(SST, 4)
    before = scan_sheet(_sheet(rows), sst_hashes=h, shift=3).digests
    rows[20][0] = _num("A21", "99")
    after = scan_sheet(_sheet(rows), sst_hashes=h, shift=3).digests
    assert after.changed(before).tolist() == make_keys(DK_INPUT, [1], [21 >> 3]).tolist()
    rows[33][2] = _f("C34", "A34*2", "-1")  # an editor's cached value
    after = scan_sheet(_sheet(rows), sst_hashes=h, shift=3).digests
    kind, col, block = split_key(after.changed(before))
    assert sorted(zip(kind.tolist(), col.tolist(), block.tolist())) == [(DK_INPUT, 1, 2), (DK_FORMULA, 3, 4)]


def test_shared_strings_count_by_their_text_not_their_index():
    renumbered = b"<sst><si><t>pear</t></si><si><t>apple</t></si><si/><si><r><t>p</t></r><r><t>lum</t></r></si></sst>"
    a = _sheet([[_s("A1", 0), _s("B1", 1)], [_s("A2", 3)]])
    b = _sheet([[_s("A1", 1), _s("B1", 0)], [_s("A2", 3)]])
    da = scan_sheet(a, sst_hashes=sst_hashes(SST, 4)).digests
    db = scan_sheet(b, sst_hashes=sst_hashes(renumbered, 4)).digests
    assert not len(da.changed(db))
    dc = scan_sheet(b, sst_hashes=sst_hashes(SST, 4)).digests  # same indexes, other texts
    assert len(dc.changed(da)) == 2  # A1 and B1 now name other texts


def test_a_table_that_does_not_match_its_count_makes_every_string_look_changed():
    h = sst_hashes(SST, 5)
    assert len(h) == 5 and len(set(h.tolist())) == 5
    assert not set(h.tolist()) & set(sst_hashes(SST, 4).tolist())


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 4))
def test_halves_on_two_threads_equal_one_scan(pool, monkeypatch_module, seed, shift):
    sheet = gen_sheet(seed, n_rows=30)
    try:
        whole = scan_sheet(sheet.xml, None, shift=shift)
    except scan.ScanError:
        return
    halves = scan_sheet(sheet.xml, None, shift=shift, pool=pool)
    assert np.array_equal(whole.formulas, halves.formulas) and np.array_equal(whole.values, halves.values)
    assert not len(whole.digests.changed(halves.digests)) and whole.max_row == halves.max_row


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    mp.setattr(scan, "_SPLIT_MIN", 0)  # split even the small generated sheets
    yield mp
    mp.undo()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3), st.integers(1, 3))
def test_coarser_blocks_are_sums_of_finer_ones(seed, shift, more):
    sheet = gen_sheet(seed, n_rows=30)
    try:
        fine = scan_sheet(sheet.xml, None, shift=shift).digests
    except scan.ScanError:
        return
    coarse = scan_sheet(sheet.xml, None, shift=shift + more).digests
    assert not len(fine.coarsen(shift + more).changed(coarse))


def test_digests_round_trip_and_block_shift():
    d = Digests.from_records(
        np.array([[1, 0, 0], [2, 5, 1], [1, 0, 0]], np.int32), np.array([3, 4, 2**64 - 1], np.uint64), 2
    )
    assert d.keys.tolist() == sorted(d.keys.tolist()) and len(d.keys) == 2
    assert d.sums[0] == 2  # 3 + (2^64 - 1), modulo 2^64
    back = Digests.from_bytes(d.to_bytes(), 2)
    assert not len(back.changed(d)) and back.shift == 2
    with pytest.raises(ValueError):
        d.changed(Digests.empty(3))
    assert [block_shift(n) for n in (0, 63, 64, 1_048_576)] == [0, 0, 1, 15]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 64), min_size=4, max_size=4),
    st.sampled_from([scan.NARROW_FIELDS, scan.GROUP_FIELDS, scan.NF]),
)
def test_halves_joined_in_place_or_copied_equal_one_scan(pool, monkeypatch_module, seed, caps, fields):
    """The halves write into consecutive slices of one allocation and are joined in place; a
    half that outgrows its slice (small estimates here) gets an array of its own and the
    halves are copied — either way the records are one scan's."""
    sheet = gen_sheet(seed, n_rows=30)
    try:
        whole = scan_sheet(sheet.xml, None, fields=fields)
    except scan.ScanError:
        return
    estimates = iter([(caps[0], caps[1]), (caps[2], caps[3])] * 2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scan, "_estimate", lambda *a, **k: next(estimates))
        halves = scan_sheet(sheet.xml, None, pool=pool, fields=fields)
    assert whole.formulas.tolist() == halves.formulas.tolist() and whole.values.tolist() == halves.values.tolist()
    assert not len(whole.digests.changed(halves.digests))
