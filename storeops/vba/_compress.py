"""MS-OVBA compression (section 2.4.1): how VBA stores module source and the ``dir`` stream.

A *CompressedContainer* is the signature byte ``0x01`` followed by chunks, each the
compression of up to 4,096 bytes.  A chunk is a 2-byte header and token sequences: a flag
byte and up to eight tokens, each a literal byte or a 2-byte copy token (offset, length)
pointing back into the same chunk.  The split of a copy token into offset and length bits
depends on how far into the chunk it sits (``_bit_count``).

Matches are found with a hash of the next three bytes (the minimum copy length), trying the
most recent candidates first; the result is deterministic and decodes with any MS-OVBA
decompressor (the tests use ``oletools.olevba.decompress_stream``).

A chunk whose compressed form would exceed 4,098 bytes is stored raw, which the format fixes
at exactly 4,096 bytes: the last chunk of incompressible data (3,641 to 4,095 bytes of it)
is therefore padded with zero bytes, as the specification prescribes.  Text never hits that
case.

Examples
--------
>>> from storeops.vba._compress import compress, decompress
>>> packed = compress(b"Attribute VB_Name = \\"Module1\\"\\r\\n" * 20)
>>> packed[0], len(packed) < 600
(1, True)
>>> decompress(packed) == b"Attribute VB_Name = \\"Module1\\"\\r\\n" * 20
True
"""

from __future__ import annotations

import struct

CHUNK = 4096
_MAX_CANDIDATES = 64


def _bit_count(difference: int) -> int:
    """Offset bits of a copy token ``difference`` bytes into its chunk (at least 4)."""
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return bits


def _match_length(data: bytes, cand: int, pos: int, limit: int) -> int:
    n = 0
    while n + 16 <= limit and data[cand + n : cand + n + 16] == data[pos + n : pos + n + 16]:
        n += 16
    while n < limit and data[cand + n] == data[pos + n]:
        n += 1
    return n


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out = bytearray()
    table: dict[bytes, list[int]] = {}
    pos = start

    def remember(p: int) -> None:
        if p + 3 <= end:
            table.setdefault(data[p : p + 3], []).append(p)

    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos + 3 <= end and pos > start:
                bits = _bit_count(pos - start)
                limit = min((0xFFFF >> bits) + 3, end - pos)
                for cand in reversed(table.get(data[pos : pos + 3], [])[-_MAX_CANDIDATES:]):
                    length = _match_length(data, cand, pos, limit)
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                out.append(data[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an MS-OVBA CompressedContainer (deterministic).

    Parameters
    ----------
    data : bytes
        What to store, e.g. a module's source in the project code page.

    Returns
    -------
    bytes
        ``0x01`` then one chunk per 4,096 input bytes.

    Examples
    --------
    >>> compress(b"")
    b'\\x01'
    >>> compress(b"abcabcabc").hex()  # 3 literals, then one copy token (offset 3, length 6)
    '0105b0086162630320'
    """
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        end = min(start + CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) + 2 <= 4098:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3))
            out += body
        else:  # raw chunk: always 4,096 bytes (zero-padded when it is the last one)
            out += struct.pack("<H", 0x3000 | 0x0FFF)
            out += data[start:end].ljust(CHUNK, b"\x00")
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (used to read projects back).

    Raises ``ValueError`` on a malformed container.

    Examples
    --------
    >>> decompress(compress(b"Sub Hello()\\r\\nEnd Sub\\r\\n"))
    b'Sub Hello()\\r\\nEnd Sub\\r\\n'
    """
    if not container or container[0] != 0x01:
        raise ValueError("MS-OVBA container must start with 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError("truncated chunk header")
        (header,) = struct.unpack_from("<H", container, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError("bad chunk signature")
        chunk_end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += container[pos : pos + CHUNK]
            pos += CHUNK
            continue
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if flags & (1 << bit):
                    (token,) = struct.unpack_from("<H", container, pos)
                    pos += 2
                    bits = _bit_count(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    src = len(out) - offset
                    if src < chunk_start:
                        raise ValueError("copy token points before its chunk")
                    for i in range(length):
                        out.append(out[src + i])
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)
