"""New cached values written into a sheet whose XML comes in chunks (``StreamSplice``,
how the engine writes a big sheet it did not keep whole): the same bytes, the same
count of changed cells and the same digest deltas as the kernels over the whole XML,
however the chunks fall — and deflated, the same member as deflating the whole new XML."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx._scan import WRITE_FIELDS, scan_sheet
from storeops.xlsx._splice import StreamSplice, _changed, _kernel_args, digest_deltas, splice
from storeops.xlsx._zipwrite import deflate
from xlsx.test_scan_kernel import gen_sheet
from xlsx.test_splice import _values


def _chunks(data: bytes, cuts: list[int]) -> list[memoryview]:
    cuts = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [memoryview(data)[a:b] for a, b in zip(cuts[:-1], cuts[1:])]


def _case(seed: int, share: float, n_rows: int = 30):
    xml = gen_sheet(seed, n_rows=n_rows, formula_share=0.7, ext=False).xml
    F = scan_sheet(xml).formulas
    if seed % 2:  # the engine keeps only the fields a write needs
        F = np.ascontiguousarray(F[:, :WRITE_FIELDS])
    rng = random.Random(seed)
    cells = np.array(sorted(rng.sample(range(len(F)), int(len(F) * share))), np.int64)
    tnew, vkind, vidx, nummat, numlen, ubuf, uoff, _new = _values(rng, len(cells))
    return xml, F, (cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([1.0, 0.5, 0.05, 0.0]),
    st.lists(st.integers(0, 10**6), max_size=30),
)
def test_stream_splice_is_the_whole_sheets_splice(seed, share, cuts):
    xml, F, args = _case(seed, share)
    st_ = StreamSplice(_chunks(xml, cuts), F, *args)
    got = b"".join(bytes(p) for p in st_)
    pieces = splice(xml, F, *args)
    assert got == (b"".join(bytes(p) for p in pieces) if pieces is not None else xml)
    a, cells, kargs = _kernel_args(xml, *args)
    assert st_.changed == _changed(a, F, cells, *kargs, np.empty(len(cells), np.bool_))
    assert st_.deltas.tolist() == digest_deltas(xml, F, *args).tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 10**6), max_size=30), st.sampled_from([64, 500, 3000]))
def test_a_streamed_sheet_deflates_to_the_whole_ones_member(seed, cuts, size):
    xml, F, args = _case(seed, 0.6, n_rows=60)
    pieces = splice(xml, F, *args)
    whole = deflate(pieces if pieces is not None else [xml], size=size)
    streamed = deflate(StreamSplice(_chunks(xml, cuts), F, *args), size=size)
    assert streamed.chunks == whole.chunks and streamed.segments == whole.segments and streamed.crc == whole.crc


def test_xml_that_ends_before_its_cells_is_refused():
    xml, F, args = _case(7, 1.0)
    assert len(args[0])  # (this seed draws formula cells)
    with pytest.raises(ValueError, match="ends before"):
        b"".join(bytes(p) for p in StreamSplice([xml[: len(xml) // 3]], F, *args))
