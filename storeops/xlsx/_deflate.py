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
