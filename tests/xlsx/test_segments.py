"""Members deflated in segments (``storeops.xlsx._segments``): the CRC-32 combined from
the segments' is zlib's, the cuts do not depend on how the bytes were pieced together,
a sheet deflated from its changed cells is byte for byte what deflating the whole new
XML gives — also when unchanged segments are copied from the last write — and a map
that does not fit the bytes is refused, never used."""

from __future__ import annotations

import random
import re
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx import _segments
from storeops.xlsx._deflate import crc32_combine
from storeops.xlsx._scan import scan_sheet
from storeops.xlsx._segments import (
    FINAL,
    StaleMap,
    cut_stream,
    deflate_spliced,
    first_row,
    inflate_segments,
    segment_map,
    spliced_cuts,
)
from storeops.xlsx._splice import splice, spliced
from storeops.xlsx._zipwrite import deflate
from xlsx.test_scan_kernel import HEAD, TAIL, gen_sheet
from xlsx.test_splice import _values


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=1500), st.binary(max_size=1500), st.integers(0, 2**32 - 1))
def test_crc32_combine_is_zlibs(a, b, seed):
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    n = random.Random(seed).randrange(1, 1 << 40)  # long runs of zeros: the GF(2) powers
    assert crc32_combine(seed, 0, n) == crc32_combine(crc32_combine(seed, 0, n // 2), 0, n - n // 2)


def test_crc32_combine_of_big_lengths():
    a, b = b"x" * 5_000_001, bytes(range(256)) * 40_000
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def _rows(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    body = b"".join(b'<row r="%d">%s</row>' % (r, b"<c><v>1</v></c>" * rng.randrange(0, 9)) for r in range(1, n + 1))
    return HEAD + body + TAIL


def _piecewise(data: bytes, cuts: list[int]) -> list[bytes]:
    cuts = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1), st.lists(st.integers(0, 10**6)), st.sampled_from([16, 64, 500]))
def test_cuts_follow_the_bytes_not_the_pieces(n, seed, cuts, size):
    data = _rows(n, seed)
    segs = [bytes(s) for s in cut_stream(_piecewise(data, cuts), size)]
    assert b"".join(segs) == data
    assert segs == [bytes(s) for s in cut_stream([data], size)]
    pos = 0
    for s in segs[:-1]:  # each cut: the end of the first </row> at or after the next multiple of size
        target = (pos // size + 1) * size
        pos += len(s)
        assert pos >= target and (data[:pos].endswith(b"</row>") or pos == target)
        assert data.find(b"</row>", target - 6) + 6 == pos or pos == target


def test_cuts_without_rows_fall_at_the_multiples():
    data = bytes(range(256)) * 40
    assert [len(s) for s in cut_stream([data], 1000)] == [1000] * 9 + [1240]


def test_first_row():
    assert first_row(b'<row r="12" spans="1:2"><c/></row>') == 12
    assert first_row(b'<row spans="1:2" r="7">') == 7
    assert first_row(b"</sheetData>") == 0


def _inflate(d) -> bytes:
    return zlib.decompress(b"".join(d.chunks), -15)


def _sheet(seed: int, n_rows: int):
    sheet = gen_sheet(seed, n_rows=n_rows, formula_share=0.7, ext=False)
    return sheet.xml, scan_sheet(sheet.xml).formulas


def _new_values(xml, F, seed: int, share: float):
    rng = random.Random(seed)
    cells = np.array(sorted(rng.sample(range(len(F)), int(len(F) * share))), np.int64)
    tnew, vkind, vidx, nummat, numlen, ubuf, uoff, _new = _values(rng, len(cells))
    return cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([40, 300, 1000, 3000]), st.sampled_from([1.0, 0.3, 0.05]))
def test_a_spliced_sheet_deflates_to_the_bytes_of_the_whole(seed, size, share):
    xml, F = _sheet(seed, 30)
    args = _new_values(xml, F, seed, share)
    sp = spliced(xml, F, *args)
    pieces = splice(xml, F, *args)
    if sp is None:
        assert pieces is None
        return
    whole = deflate(pieces, size=size)
    with ThreadPoolExecutor(2) as pool:
        part = deflate_spliced(sp, pool, size=size)
    new = _inflate(part)
    assert new == _inflate(whole) and (part.crc, part.size) == (whole.crc, whole.size) and sp.size() == whole.size
    rows = max((len(r) for r in re.findall(rb"<row\b.*?</row>", new, re.S)), default=0)
    if size > 2 * rows:  # every cut at a row's end (not inside a cell): the very same segments
        assert part.chunks == whole.chunks and part.segments == whole.segments
    assert zlib.crc32(new) == part.crc and len(new) == part.size
    # the next write of other values: the segments without a changed cell are copied from this
    # one (its map, its stored bytes), and the result is still byte for byte the whole's
    stored = b"".join(part.chunks)
    F2 = scan_sheet(new).formulas
    args2 = _new_values(new, F2, seed + 1, min(share, 0.1))
    sp2 = spliced(new, F2, *args2)
    if sp2 is None:
        return
    whole2 = deflate(splice(new, F2, *args2), size=size)
    read = []

    def read_old(coff, clen):
        read.append(coff)
        return stored[coff : coff + clen]

    again = deflate_spliced(sp2, None, segment_map(part), read_old, size=size)
    fresh = deflate_spliced(sp2, None, size=size)
    assert again.chunks == fresh.chunks and again.crc == whole2.crc and _inflate(again) == _inflate(whole2)
    cuts = [0, *spliced_cuts(sp2, size), len(new)]  # (the old XML's positions)
    old = _bounds(part)
    assert len(read) == sum(1 for lo, hi in zip(cuts, cuts[1:]) if (lo, hi) in old and not sp2.touches(lo, hi))


def _bounds(d):
    return {(m[0], m[0] + m[1]) for m in segment_map(d)}


def test_only_changed_segments_are_deflated_again(monkeypatch):
    xml, F = _sheet(3, 600)
    args = _new_values(xml, F, 3, 1.0)
    first = deflate_spliced(spliced(xml, F, *args), size=1500)
    new = _inflate(first)
    F2 = scan_sheet(new).formulas
    cells = np.array([len(F2) // 2], np.int64)  # one cell of one row gets another number
    nummat_args = _new_values(new, F2, 99, 0.0)[4:]
    one = (cells, np.zeros(1, np.int8), np.zeros(1, np.int8), np.zeros(1, np.int32), *nummat_args)
    sp = spliced(new, F2, *one)
    assert sp is not None and len(sp) == 1
    calls = []
    real = _segments.compress_segment
    monkeypatch.setattr(_segments, "compress_segment", lambda data: calls.append(len(data)) or real(data))
    stored = b"".join(first.chunks)
    again = deflate_spliced(sp, None, segment_map(first), lambda o, n: stored[o : o + n], size=1500)
    assert len(first.segments) > 8 and 1 <= len(calls) <= 2
    assert again.chunks == deflate(splice(new, F2, *one), size=1500).chunks
    # a map whose CRC-32 does not fit the bytes is refused
    bad = segment_map(first)
    k = next(i for i, (lo, hi) in enumerate(sorted(_bounds(first))) if not sp.touches(lo, hi))
    bad[k][4] ^= 1
    with pytest.raises(StaleMap):
        deflate_spliced(sp, None, bad, lambda o, n: stored[o : o + n], size=1500)
    with pytest.raises(StaleMap):  # a map of other bytes (not adding up)
        deflate_spliced(sp, None, segment_map(first)[:-1], lambda o, n: stored[o : o + n], size=1500)


def test_inflate_segments_checks_every_segment():
    data = _rows(3000, 1)
    d = deflate([data], size=2000)
    raw, m = b"".join(d.chunks), segment_map(d)
    assert raw.endswith(FINAL) and len(m) > 10
    assert inflate_segments(raw, m, len(data), zlib.crc32(data)) == data
    assert inflate_segments(raw, m, len(data), zlib.crc32(data), threads=1) == data
    for damaged in (
        raw[:100] + bytes([raw[100] ^ 0x10]) + raw[101:],  # a flipped bit in a segment
        raw[:-2] + b"\x02\x00",  # no final block
    ):
        with pytest.raises(StaleMap):
            inflate_segments(damaged, m, len(data), zlib.crc32(data))
    shifted = [[*s[:4], s[4] ^ 1, s[5]] for s in m]
    with pytest.raises(StaleMap):
        inflate_segments(raw, shifted, len(data), zlib.crc32(data))
    one_stream = zlib.compressobj(1, zlib.DEFLATED, -15)
    other = one_stream.compress(data) + one_stream.flush()  # another program's stream: no such segments
    with pytest.raises(StaleMap):
        inflate_segments(other, m, len(data), zlib.crc32(data))


def test_inflate_segments_without_cpython_bytes(monkeypatch):
    """Where a bytes object cannot be filled in place the segments go into a bytearray."""
    data = _rows(2000, 2)
    d = deflate([data], size=1500)
    raw, m = b"".join(d.chunks), segment_map(d)
    monkeypatch.setattr(_segments, "_BYTES_DATA", None)
    out = inflate_segments(raw, m, len(data), zlib.crc32(data))
    assert out == data and isinstance(out, bytes)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 999), min_size=1, max_size=120),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.binary(max_size=40),
    st.integers(16, 400),
)
def test_unchanged_spans_are_byte_for_byte_the_last_writes(values, at, length, new, size):
    """After one stretch of a member is replaced (another length too), the spans said to be
    unchanged are byte for byte the last write's content — the front ones at their offsets,
    the back ones shifted — and every segment wholly before or after the stretch is in them."""
    from storeops.xlsx._segments import segment_map, unchanged_spans
    from storeops.xlsx._zipwrite import deflate

    old = b"<sheetData>" + b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (i + 1, v) for i, v in enumerate(values))
    m = segment_map(deflate([old], size=size))
    lo = at % (len(old) + 1)
    hi = min(len(old), lo + length % 200)
    data = old[:lo] + new + old[hi:]
    delta = len(data) - len(old)
    spans = unchanged_spans(data, m)
    assert spans == sorted(spans) and all(a < b for a, b in spans)
    for a, b in spans:
        same_place = data[a:b] == old[a:b]
        shifted = a - delta >= 0 and data[a:b] == old[a - delta : b - delta]
        assert same_place or shifted
    covered = lambda p: any(a <= p < b for a, b in spans)  # noqa: E731
    front_end = spans[0][1] if spans and spans[0][0] == 0 else 0
    for uoff, ulen, *_ in m:
        if ulen and uoff + ulen <= lo:
            assert covered(uoff)
        elif ulen and uoff >= hi and front_end <= lo:  # (the front may reach further: equal bytes by chance)
            assert covered(uoff + delta)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 90), min_size=1, max_size=60),
    st.integers(40, 400),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 90)), max_size=4),
    st.booleans(),
)
def test_recut_keeps_exactly_the_segments_a_fresh_cut_keeps(widths, size, edits, tail_rows):
    """Rows of random widths cut into segments; some rows get other widths: ``recut`` of the
    new segments' lengths and tails gives the segments of cutting the new content afresh,
    keeps every segment as it is (and reads none) exactly when that gives the same
    segments (what lets a write copy the others unread), and reads only where cuts moved."""

    def sheet(ws):
        rows = [b'<row r="%d">%s</row>' % (i + 1, b"x" * w) for i, w in enumerate(ws)]
        return b"<worksheet><sheetData>", rows, b"</sheetData>" + (b"<t/>" * 3 if tail_rows else b"") + b"</worksheet>"

    head, rows, tail = sheet(widths)
    old = b"".join([head, *rows, tail])
    segs = [bytes(s) for s in cut_stream([old], size)]
    ends, at = [], 0
    for s in segs:
        at += len(s)
        ends.append(at)
    new_widths = list(widths)
    for at_row, w in edits:
        new_widths[at_row % len(widths)] = w
    _h, new_rows, _t = sheet(new_widths)
    # the new content cut where the old one was: each segment its rows, as the old cut them
    starts = [0, *ends[:-1]]
    row_ends, at = [], len(head)
    for r in rows:
        at += len(r)
        row_ends.append(at)
    pieces = []
    for lo, hi in zip(starts, ends):
        inside = [k for k, e in enumerate(row_ends) if lo < e <= hi]
        first = head if lo == 0 else b""
        last = tail if hi == len(old) else b""
        if any(not (lo <= (row_ends[k] - len(rows[k])) and row_ends[k] <= hi) for k in inside) or (
            lo and lo not in row_ends
        ):
            return  # a cut inside a row (no rows near a multiple): not a sheet's segments
        pieces.append(first + b"".join(new_rows[k] for k in inside) + last)
    new = b"".join(pieces)
    fresh = [bytes(s) for s in cut_stream([new], size)]
    lens, tails = [len(p) for p in pieces], [_segments.cut_tail(p) for p in pieces]
    kept = [len(s) for s in fresh] == lens
    # cut anew where the cuts moved: the segments of cutting the whole again, the others as they are
    asked: list[int] = []
    out = _segments.recut(lens, tails, lambda i: asked.append(i) or pieces[i], size)
    assert [pieces[v] if kind == "as is" else v for kind, v in out] == fresh
    assert kept == all(kind == "as is" for kind, _v in out) == (not asked)
