"""Raw DEFLATE and CRC-32 for zip members, through ISA-L (``isal``) when installed.

ISA-L's level-1 deflate is about four times as fast as zlib's on worksheet XML, and its
inflate about twice; both read and write the standard format, so files stay readable
everywhere.  Without ``isal`` the standard ``zlib`` module does the same work.
"""

from __future__ import annotations

import zlib
from types import ModuleType

_z: ModuleType  # isal_zlib, or zlib: the same functions
try:
    from isal import isal_zlib as _z
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    _z = zlib

#: errors a damaged deflate stream raises
ERRORS: tuple[type[BaseException], ...] = (zlib.error,) + ((_z.error,) if _z is not zlib else ())
LEVEL = 1
#: ``flush`` mode that ends a piece so the next one needs no earlier bytes
FULL_FLUSH = _z.Z_FULL_FLUSH


def crc32(data, value: int = 0) -> int:
    """CRC-32 of ``data`` (bytes-like), continuing from ``value``."""
    return _z.crc32(data, value)


_POLY = 0xEDB88320  # CRC-32's polynomial, bit-reflected as zlib uses it


def _multmodp(a: int, b: int) -> int:
    """``a * b`` modulo the CRC polynomial, in GF(2) (both bit-reflected)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> list[int]:
    out, p = [], 1 << 30  # x^1
    for _ in range(32):
        out.append(p)  # x^(2^k) modulo the polynomial
        p = _multmodp(p, p)
    return out


_X2N = _powers()


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of ``A + B`` from ``crc1 = crc32(A)``, ``crc2 = crc32(B)`` and ``len(B)``
    (zlib's ``crc32_combine``, which Python's ``zlib`` does not expose): ``crc1`` is moved
    past ``len2`` zero bytes by multiplying with x^(8·len2) in GF(2), then ``crc2`` added.

    Examples
    --------
    >>> import zlib
    >>> crc32_combine(zlib.crc32(b"<row>"), zlib.crc32(b"</row>"), 6) == zlib.crc32(b"<row></row>")
    True
    >>> crc32_combine(0, 0, 0), crc32_combine(zlib.crc32(b"a"), 0, 0) == zlib.crc32(b"a")
    (0, True)
    """
    if len2 < 0:
        raise ValueError("negative length")
    x, n, k = 1 << 31, len2, 3  # x^0; multiply by x^(2^k) for every bit k of 8·len2
    while n:
        if n & 1:
            x = _multmodp(_X2N[k & 31], x)
        n >>= 1
        k += 1
    return _multmodp(x, crc1) ^ crc2


def compressobj():
    """A raw-deflate compressor at the fast level used for rewritten members."""
    return _z.compressobj(LEVEL, _z.DEFLATED, -15)


def inflate(raw: bytes, size: int) -> bytes:
    """Inflate one member's raw deflate stream, refusing more than ``size`` bytes.

    Raises ``ValueError`` when the stream is damaged, shorter or longer than ``size``.

    Examples
    --------
    >>> co = compressobj(); packed = co.compress(b"<a>hi</a>" * 3) + co.flush()
    >>> inflate(packed, 27)
    b'<a>hi</a><a>hi</a><a>hi</a>'
    """
    d = _z.decompressobj(-15)
    try:
        out = d.decompress(raw, size + 1)
    except ERRORS as exc:
        raise ValueError(f"damaged deflate stream ({exc})") from None
    if len(out) != size or not d.eof:
        raise ValueError("deflate stream does not match its declared size")
    return out
