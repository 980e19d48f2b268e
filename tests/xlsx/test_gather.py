"""A parked sheet's input columns converted from the value bytes gathered as its XML
streams by (``gather_values``): the same columns as converting over the whole XML, however
the chunks fall."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx._cells import records_to_columns
from storeops.xlsx._gather import gather_values
from storeops.xlsx._scan import scan_sheet
from xlsx.test_scan_kernel import gen_sheet
from xlsx.test_stream_splice import _chunks

SST = [f"text {i} <&>" for i in range(50)]


def _columns(xml: bytes, V: np.ndarray) -> dict:
    out = {}
    for letters, cc in records_to_columns(xml, V, SST, frozenset({3}), objects=False).items():
        out[letters] = (
            cc.rows.tolist(),
            None if cc.values is None else [repr(v) for v in cc.values],
            None if cc.nums is None else [repr(float(x)) for x in cc.nums],
            cc.styles.tolist(),
            bool(cc.numeric),
            None if cc.sparse is None else (cc.sparse[0].tolist(), [repr(v) for v in cc.sparse[1]]),
        )
    return out


@settings(max_examples=250, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 10**6), max_size=40), st.floats(0.0, 1.0))
def test_gathered_values_convert_as_the_whole_xml(seed, cuts, share):
    xml = gen_sheet(seed, n_rows=30).xml
    V = scan_sheet(xml).values
    rng = random.Random(seed)
    V = V[sorted(rng.sample(range(len(V)), int(len(V) * share)))]  # some columns' cells, in order
    buf, V2 = gather_values(_chunks(xml, cuts), V)
    assert len(buf) <= len(xml)
    assert _columns(buf, V2) == _columns(xml, V)


def test_records_out_of_order_or_past_the_end_are_refused():
    xml = gen_sheet(7, n_rows=30).xml
    V = scan_sheet(xml).values
    with_values = V[(V[:, 4] >= 0)]
    assert len(with_values) > 2
    with pytest.raises(ValueError, match="order"):
        gather_values([xml], with_values[::-1])
    with pytest.raises(ValueError, match="ended"):
        gather_values([xml[: int(with_values[-1, 4])]], with_values)
