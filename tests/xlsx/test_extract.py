"""Extracts of a sheet's columns (``storeops.xlsx._extract``): taken segment by segment as the
sheet is deflated, written to a file and read back, they convert to exactly the columns a
scan of the whole XML converts to; a segment that cannot be read on its own, a damaged
file or another sheet's map are refused."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx._extract import _HEAD, Extract, ExtractWriter, column_mask, data_region, extract_part
from storeops.xlsx._scan import scan_sheet
from storeops.xlsx._segments import cut_tail, segment_map
from storeops.xlsx._zipwrite import deflate
from xlsx.test_gather import _columns
from xlsx.test_scan_kernel import HEAD, TAIL, _gen_cell, _Out


def _sheet(seed: int, rows: int) -> bytes:
    """A worksheet as StoreOps and Excel lay rows out (each ``<row r=…>`` right after the
    last ``</row>``), its cells of every kind the scan reads (``_gen_cell``).  A segment
    starts after a ``</row>`` unless a row is longer than a segment: then the cut falls in it."""
    rng = random.Random(seed)
    o = _Out()
    o.put(HEAD)
    r = 0
    for _ in range(rows):
        r += rng.randint(1, 3)
        o.put(b'<row r="%d">' % r)
        last = 0
        for _ in range(rng.randint(0, 6)):
            last = _gen_cell(o, rng, r, last, 0.5, False).col
        o.put(b"</row>")
    o.put(TAIL)
    return b"".join(o.parts)


class _Inspect:
    """The ``inspect`` of ``deflate``: the parts, in order, for one column set."""

    def __init__(self, cols):
        self.cols = tuple(sorted(cols))
        self.want = column_mask(cols)
        self.parts: list = []

    def part(self, data, crc):
        return extract_part(data, self.cols, self.want, crc)

    def keep(self, part):
        self.parts.append(part)


def _extract(xml: bytes, cols, size: int, tmp_path) -> tuple[Extract | None, list]:
    spy = _Inspect(cols)
    d = deflate([xml], size=size, inspect=spy)
    m = segment_map(d)
    assert len(spy.parts) == len(m)
    if any(p is None for p in spy.parts):
        return None, m
    path = str(tmp_path / f"x{random.random()}.ext")
    w = ExtractWriter(path + ".tmp", cols)
    for p in spy.parts:
        w.add(p)
    assert w.close(path)
    ext = Extract.open(path)
    assert ext is not None and ext.describes(m) and ext.cols == tuple(sorted(cols))
    return ext, m


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 40),
    st.sets(st.integers(1, 40), min_size=1, max_size=12),
    st.sampled_from([256, 1024, 4096, 1 << 20]),
    st.data(),
)
def test_an_extract_converts_as_the_whole_xml(tmp_path_factory, seed, rows, cols, size, data):
    xml = _sheet(seed, rows)
    ext, m = _extract(xml, cols, size, tmp_path_factory.mktemp("ext"))
    whole_rows = all(seg[5] > 0 or xml.startswith(b"</sheetData>", seg[0]) for seg in m[1:])
    assert (ext is not None) == whole_rows  # refused only when a row longer than a segment was cut
    if ext is None:
        return
    some = data.draw(st.sets(st.sampled_from(sorted(cols)), min_size=1))
    got = ext.columns(some)
    whole = scan_sheet(xml, sorted(some)).values
    assert set(got) == set(some)
    for c in some:
        V, isf, blob = got[c]
        mine = whole[whole[:, 0] == c]
        assert _columns(blob, V) == _columns(xml, mine)
        assert int(isf.sum()) == int((mine[:, 8] > 0).sum())  # its formula cells


def test_a_segment_that_starts_inside_a_row_is_refused():
    xml = _sheet(3, 30)
    k = xml.index(b"<row", len(HEAD) + 40)
    part = extract_part(xml[k + 3 :], (1, 2, 3), column_mask([1, 2, 3]), 0)  # cut inside a <row> tag
    assert part is None
    assert extract_part(xml[k:], (1, 2, 3), column_mask([1, 2, 3]), 0) is not None


def test_data_region_finds_the_cells_of_first_middle_and_last_segments():
    xml = _sheet(5, 12)
    lo, hi = data_region(xml)
    assert xml[:lo].endswith(b"<sheetData>") and xml[hi:].startswith(b"</sheetData>")
    mid = xml.index(b"<row", lo + 10)
    assert data_region(xml[mid:hi]) == (0, hi - mid)
    assert data_region(b"<worksheet><sheetData/></worksheet>") == (0, 0)


def test_a_damaged_or_foreign_extract_is_refused(tmp_path):
    xml = _sheet(11, 60)
    ext, m = _extract(xml, {1, 2, 3, 4}, 512, tmp_path)
    assert ext is not None
    other = segment_map(deflate([_sheet(12, 60)], size=512))
    assert not ext.describes(other)
    data = open(ext.path, "rb").read()
    path = str(tmp_path / "cut.ext")
    for cut in (len(data) // 2, len(data) - 3, 9, 0):
        with open(path, "wb") as fh:
            fh.write(data[:cut])
        assert Extract.open(path) is None
    with open(path, "wb") as fh:
        fh.write(b"XX" + data[2:])
    assert Extract.open(path) is None
    assert Extract.open(str(tmp_path / "missing.ext")) is None
    with open(path, "wb") as fh:  # blocks that do not add up: refused when read
        fh.write(data[:8] + bytes(16) + data[24:])
    bad = Extract.open(path)
    assert bad is not None and not bad.read_cells()
    with pytest.raises(ValueError):
        bad.columns([1, 2])
    assert ext.read_cells()  # the good one reads


def test_an_abandoned_writer_leaves_no_file(tmp_path):
    tmp = tmp_path / "w.tmp"
    w = ExtractWriter(str(tmp), [1])
    w.add(None)  # a segment that cannot be extracted
    assert not tmp.exists() and not w.close(str(tmp_path / "w.ext"))
    assert not (tmp_path / "w.ext").exists()


def test_blocks_are_found_again_by_their_segment(tmp_path):
    """A later write copies the blocks of segments whose CRC-32 and length it meets again:
    the very bytes extracting the segment again gives."""
    xml = _sheet(21, 80)
    ext, m = _extract(xml, {1, 2, 5}, 700, tmp_path)
    assert ext is not None
    spans = ext.blocks()
    assert set(spans) == {(seg[4], seg[1]) for seg in m}
    for seg in m:
        again = extract_part(xml[seg[0] : seg[0] + seg[1]], (1, 2, 5), column_mask({1, 2, 5}), seg[4])
        kept = ext.block(spans[(seg[4], seg[1])], seg[1], seg[4])
        assert again is not None and kept is not None
        head = _HEAD.size  # the head holds the segment's length, CRC-32 and cut tail too
        assert kept.block[head:] == again.block[head:]
        assert kept.tail == again.tail == cut_tail(xml[seg[0] : seg[0] + seg[1]])
    ext.read_cells()
    assert ext.tails() == [cut_tail(xml[seg[0] : seg[0] + seg[1]]) for seg in m]
    assert ext.block(spans[(m[0][4], m[0][1])], m[0][1] + 1, m[0][4]) is None  # not that segment's


@pytest.mark.parametrize("cols", [[1], [3, 7], list(range(1, 30))])
def test_columns_no_cell_has_are_empty(tmp_path, cols):
    xml = HEAD + TAIL
    ext, _m = _extract(xml, cols, 256, tmp_path)
    assert ext is not None
    assert all(len(V) == 0 and blob == b"" for V, _isf, blob in ext.columns(cols).values())
