"""MS-OVBA compression: our compressor against oletools' decompressor (the reference reader)."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from storeops.vba._compress import CHUNK, compress, decompress


def _expected(data: bytes, packed: bytes) -> bytes:
    """What a decompressor must return: ``data``, plus zero padding only when the spec forces a
    raw (uncompressed) last chunk, which is always exactly 4,096 bytes."""
    tail = len(data) % CHUNK
    if tail and packed[-CHUNK - 2 : -CHUNK] == b"\xff\x3f":
        return data + b"\0" * (CHUNK - tail)
    return data


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=20_000))
def test_random_bytes_round_trip_through_oletools(data: bytes) -> None:
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == _expected(data, packed)
    assert decompress(packed) == _expected(data, packed)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"Sub ", b"End Sub\r\n", b"RunPython ", b'"', b"x", b"\r\n", b"    ", b"ab", b"Application.Caller"]
        ),
        max_size=3000,
    )
)
def test_repetitive_text_round_trips_exactly(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


def _vba_like(size: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    words = [
        "Dim",
        "As",
        "Variant",
        "If",
        "Then",
        "End If",
        "RunPython",
        "XLPy.CallUDF",
        "Array(",
        ")",
        "k",
        "argsArray",
    ]
    out = bytearray()
    while len(out) < size:
        out += (" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))) + "\r\n").encode()
    return bytes(out[:size])


@pytest.mark.parametrize("size", [4095, 4096, 4097, 8192, 8193, 100_000, 250_000], ids=lambda n: f"{n}B")
def test_module_sized_text_round_trips(size: int) -> None:
    data = _vba_like(size, size)
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    assert len(packed) < len(data) // 2


def test_incompressible_full_chunks_use_raw_chunks() -> None:
    data = os.urandom(3 * CHUNK)
    packed = compress(data)
    assert len(packed) == 1 + 3 * (CHUNK + 2)
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_compression_is_deterministic() -> None:
    data = _vba_like(50_000, 7)
    assert compress(data) == compress(bytes(bytearray(data)))


def test_decompress_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        decompress(b"\x02abc")
    with pytest.raises(ValueError):
        decompress(b"\x01\x00\x00")
