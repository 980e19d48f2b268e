"""Big members deflated as independent segments, mapped, reused and inflated in parallel.

A member StoreOps deflates (:func:`._zipwrite.deflate`, :func:`deflate_spliced`) is cut
into segments of about :data:`._zipwrite.SEGMENT` bytes, each ending right after a
``</row>`` in a worksheet, compressed on its own and ended by a full flush: a segment ends
on a byte boundary, sets no BFINAL and needs no earlier bytes, and the stream ends with one
final empty block (:data:`FINAL`).  The **segment map** says per segment its content offset
and length, compressed offset and length, the CRC-32 of its content and its first row
(``[uoff, ulen, coff, clen, crc, row]``; row 0 when it does not start with a ``<row>``);
the recalc state keeps it for every such member (:mod:`storeops.engine._state`).

With the map, a later recalculation

* re-deflates only the segments in which a cell's cached value changes and copies the
  other segments' compressed bytes as they are, the member's CRC-32 combined from the
  segments' (:func:`deflate_spliced`, :func:`._deflate.crc32_combine`);
* inflates the member's segments on both cores (:func:`inflate_segments`).

A map is trusted only as far as it is checked: its sizes and combined CRC-32 must be the
member's; a copied segment's content must have the map's CRC-32 (computed on the XML the
new values are spliced into); every inflated segment must give its length and CRC-32.
Anything else falls back to the whole member, never to a wrong file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import _zipwrite
from ._deflate import ERRORS, FULL_FLUSH, _z, compressobj, crc32, crc32_combine
from ._zipwrite import Deflated, map_in_order

#: the final (empty) block that ends every stream StoreOps writes
FINAL = compressobj().flush()
_ROW_END = b"</row>"
_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')

#: one segment of a map: content offset, content length, compressed offset, compressed
#: length, CRC-32 of the content, first row
SegmentMap = list[list[int]]


class StaleMap(Exception):
    """A segment map that does not describe the bytes at hand (not used, nothing written)."""


def first_row(data: Any, pos: int = 0) -> int:
    """The ``r`` of the ``<row>`` starting at ``pos`` (0 when none starts there).

    >>> first_row(b'<row r="17" spans="1:3"><c r="A17"/></row>'), first_row(b"<sheetData>")
    (17, 0)
    """
    m = _ROW.match(data, pos)
    return int(m.group(1)) if m else 0


def compress_segment(data: Any) -> tuple[bytes, int, int, int]:
    """One segment compressed on its own and ended by a full flush: (compressed bytes,
    length, CRC-32, first row)."""
    co = compressobj()
    return co.compress(data) + co.flush(FULL_FLUSH), len(data), crc32(data), first_row(data)


def finish(segments: Iterable[tuple[bytes, int, int, int]]) -> Deflated:
    """The :class:`Deflated` member of these compressed segments (in order), its CRC-32
    combined from theirs, with the final block."""
    out = Deflated()
    for chunk, n, c, row in segments:
        out.crc = crc32_combine(out.crc, c, n)
        out.size += n
        out.chunks.append(chunk)
        out.segments.append((n, len(chunk), c, row))
    out.chunks.append(FINAL)
    return out


def finish_inspected(items: Iterable[tuple[tuple[bytes, int, int, int], Any]], keep: Callable[[Any], None]) -> Deflated:
    """:func:`finish` of (compressed segment, what was found in it) pairs, each found thing
    given to ``keep`` in the segments' order."""

    def segments() -> Iterator[tuple[bytes, int, int, int]]:
        for seg, part in items:
            keep(part)
            yield seg

    return finish(segments())


def segment_map(d: Deflated) -> SegmentMap:
    """The map of a deflated member (offsets added up from its segments)."""
    out, uoff, coff = [], 0, 0
    for n, clen, c, row in d.segments:
        out.append([uoff, n, coff, clen, c, row])
        uoff, coff = uoff + n, coff + clen
    return out


def cut_stream(pieces: Iterable[Any], size: int = 0, start: int = 0) -> Iterator[bytearray]:
    """The bytes of ``pieces`` cut into segments: for each multiple of ``size`` (from the
    one after the last cut), the cut is right after the first ``</row>`` that ends there
    or later — or at the multiple itself when none ends within ``size`` bytes of it (a
    member without rows; less than that left: no cut).  Cutting at fixed positions of the content keeps a sheet's cuts
    where they were when a few values change length, so the next write finds its segments
    again.  Pieces may share a buffer: each is copied once, into the segment handed on
    (nothing else is copied but a segment's last few KiB).  ``start``: where the bytes of
    ``pieces`` begin in the member, right after a cut (the rest of a member cut the same way)."""
    size = size or _zipwrite.SEGMENT
    buf, base, target, searched = bytearray(), start, (start // size + 1) * size, 0
    step = min(1 << 16, size)
    for piece in pieces:
        mv = memoryview(piece)
        while len(mv):
            need = target - base - len(buf)
            take = min(len(mv), need if need > 0 else step)
            buf += mv[:take]
            mv = mv[take:]
            while len(buf) >= target - base:
                t = target - base
                j = buf.find(_ROW_END, max(t - len(_ROW_END), searched, 0), t + size)
                if j >= 0:
                    cut = j + len(_ROW_END)
                elif len(buf) >= t + size:
                    cut = t
                else:
                    searched = max(len(buf) - len(_ROW_END) + 1, t - len(_ROW_END))
                    break
                seg, buf, searched = buf, bytearray(buf[cut:]), 0
                del seg[cut:]
                yield seg
                base += cut
                target = (base // size + 1) * size
    if buf:
        yield buf


def spliced_cuts(spliced: Any, size: int) -> list[int]:
    """The cuts :func:`cut_stream` makes in the new XML of ``spliced``
    (:class:`._splice.Spliced`), as positions in the old XML (the inner ones; a cut that
    would fall inside a changed cell goes right after it)."""
    xml, cuts = spliced.xml, []
    total, target = spliced.size(), size
    while target < total:
        p = spliced.source_pos(target)
        j = xml.find(_ROW_END, max(p - len(_ROW_END), 0), p + size)
        if j < 0 and target + size > total:  # no row end, and the rest is shorter than a segment more
            break
        cut = spliced.after_cell(j + len(_ROW_END) if j >= 0 else p)
        if cut >= len(xml):
            break
        cuts.append(cut)
        target = (spliced.new_pos(cut) // size + 1) * size
    return cuts


def cut_tail(data: Any) -> int:
    """What :func:`recut` needs to know of a segment's content: where the last
    ``</row>`` ending before its last byte ends (0 when none does) — as it is when the
    segment ends right after a ``</row>``, as ``-1 - it`` when it does not.

    >>> cut_tail(b"<row>1</row><row>2</row>"), cut_tail(b"<row>1</row></sheetData>"), cut_tail(b"<row>1</row>")
    (12, -13, 0)
    """
    view = memoryview(data)
    n = len(view)
    step = 64 << 10
    last = 0
    while True:
        lo = max(n - 1 - step, 0)
        j = bytes(view[lo : n - 1]).rfind(_ROW_END)  # one straddling lo: the next, wider look finds it
        if j >= 0:
            last = lo + j + len(_ROW_END)
            break
        if lo == 0:
            break
        step *= 4
    return last if bytes(view[max(n - len(_ROW_END), 0) :]) == _ROW_END else -1 - last


def _ends_at_cut(start: int, n: int, tail: int, target: int, total: int, size: int, last: bool) -> bool:
    """Whether the segment of ``n`` bytes at ``start`` (after a cut, the next target
    ``target``; :func:`cut_tail` ``tail``) ends where :func:`cut_stream` cuts the content
    of ``total`` bytes — or, the last one, whether nothing more is cut in it."""
    end = start + n
    before = start + (tail if tail >= 0 else -1 - tail)  # no row end between it and the segment's end
    if last:  # the search after the last cut finds nothing to cut
        return target >= total or (before < target and target + size > total)
    return tail >= 0 and target < total and before < target <= end <= target + size


def recut(lens: list[int], tails: list[int], content: Callable[[int], Any], size: int) -> list[tuple[str, Any]]:
    """The segments :func:`cut_stream` cuts a content into, given as the segments it is
    made of (their lengths and :func:`cut_tail`; ``content(i)`` gives segment ``i``'s bytes
    when they are needed): ``("as is", i)`` for segment ``i`` where it ends at a cut, and
    ``("new", bytes)`` for the segments cut anew where a changed length moved a cut — from
    the segment before the first moved cut until the cuts meet the old ones again.  How a
    sheet whose changed cells lie in a few segments is written without reading the others
    (:meth:`storeops.engine._partial.PartialSheet.write`).

    >>> rows = [b"<row>%d</row>" % i for i in range(9)]  # 12 bytes each
    >>> segs = [b"".join(rows[:3]), b"".join(rows[3:6]), b"".join(rows[6:])]
    >>> [len(s) for s in cut_stream([b"".join(segs)], 33)]
    [36, 36, 36]
    >>> def kept(parts):  # where every cut stays, every segment as it is
    ...     return recut([len(x) for x in parts], [cut_tail(x) for x in parts], parts.__getitem__, 33)
    >>> kept(segs)
    [('as is', 0), ('as is', 1), ('as is', 2)]
    >>> kept([segs[0].replace(b"<row>1", b"<row>11"), *segs[1:]])  # 37 bytes: the cut stays after row 2
    [('as is', 0), ('as is', 1), ('as is', 2)]
    >>> kept([segs[0].replace(b"<row>2", b"<row>"), *segs[1:]])  # 35 bytes: row 2 ends at 35, cut stays
    [('as is', 0), ('as is', 1), ('as is', 2)]
    >>> longer = [segs[0].replace(b"<row>0", b"<row>0000000000"), segs[1], segs[2]]
    >>> out = recut([len(x) for x in longer], [cut_tail(x) for x in longer], longer.__getitem__, 33)
    >>> [(k, len(v)) for k, v in out]  # row 1 now ends at 33: every cut moves
    [('new', 33), ('new', 36), ('new', 36), ('new', 12)]
    >>> [len(x) for x in cut_stream([b"".join(longer)], 33)]
    [33, 36, 36, 12]
    """
    n, total = len(lens), sum(lens)
    out: list[tuple[str, Any]] = []
    i, start = 0, 0
    while i < n:
        target = (start // size + 1) * size
        if _ends_at_cut(start, lens[i], tails[i], target, total, size, i == n - 1):
            out.append(("as is", i))
            start += lens[i]
            i += 1
            continue
        b = i  # segments i…b cut anew, until the last piece ends at a cut as the old one did
        while True:
            window = b"".join(bytes(content(j)) for j in range(i, b + 1))
            pieces = [bytes(x) for x in cut_stream([window], size, start)]
            if b == n - 1:
                break
            at = start + len(window) - len(pieces[-1])
            if _ends_at_cut(at, len(pieces[-1]), cut_tail(pieces[-1]), (at // size + 1) * size, total, size, False):
                break
            b += 1
        out.extend(("new", x) for x in pieces)
        start += len(window)
        i = b + 1
    return out


def deflate_spliced(
    spliced: Any,
    pool: Any = None,
    old: SegmentMap | None = None,
    read_old: Callable[[int, int], bytes] | None = None,
    size: int = 0,
    inspect: Any = None,
) -> Deflated:
    """The sheet of ``spliced`` (:class:`._splice.Spliced`: its XML and the cells whose
    cached value changes) deflated in the segments :func:`cut_stream` would cut its new
    XML into (the same bytes, built one segment at a time on the pool).

    With ``old``, the map of that XML as the member stores it, and ``read_old(coff,
    clen)`` reading the member's compressed bytes: a segment that is one of the old ones
    and holds no changed cell is copied as it is stored (its content checked against the
    map's CRC-32 on the pool; the compressor is deterministic, so these are the bytes it
    would give again).  Raises :class:`StaleMap` when ``old`` does not describe the XML
    (then call again without it).  ``inspect`` as for :func:`._zipwrite.deflate` (a copied
    segment's content is the old XML's).
    """
    xml = spliced.xml
    size = size or _zipwrite.SEGMENT
    cuts = [0, *spliced_cuts(spliced, size), len(xml)]
    reuse = {}
    if old is not None:
        if read_old is None:
            raise ValueError("read_old is needed with an old map")
        check_map(old, len(xml))
        reuse = {(seg[0], seg[0] + seg[1]): seg for seg in old}

    def items() -> Iterator[tuple]:  # the caller's thread reads the copied segments' bytes
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            seg = reuse.get((lo, hi))
            if seg is not None and not spliced.touches(lo, hi):
                yield ("copy", seg, read_old(seg[2], seg[3]))  # type: ignore[misc]
            else:
                yield ("new", lo, hi)

    def work(item: tuple) -> tuple[bytes, int, int, int]:
        if item[0] == "new":
            return compress_segment(spliced.range(item[1], item[2]))
        uoff, n, _coff, clen, c, row = item[1]
        chunk = item[2]
        if len(chunk) != clen or crc32(memoryview(xml)[uoff : uoff + n]) != c:
            raise StaleMap("a segment's bytes differ from the map")
        return chunk, n, c, row

    if inspect is None:
        return finish(map_in_order(work, items(), pool))

    def work_inspected(item: tuple) -> tuple:
        if item[0] == "new":
            content = spliced.range(item[1], item[2])
            out = compress_segment(content)
        else:
            out = work(item)
            content = memoryview(xml)[item[1][0] : item[1][0] + out[1]]
        return out, inspect.part(content, out[2])

    return finish_inspected(map_in_order(work_inspected, items(), pool), inspect.keep)


def check_map(m: SegmentMap, size: int, csize: int | None = None, crc: int | None = None) -> None:
    """Raise :class:`StaleMap` unless the segments of ``m`` follow each other from 0 and
    add up to ``size`` content bytes (and to ``csize`` stored bytes with the final block,
    and to the CRC-32 ``crc``, when given)."""
    uoff = coff = c = 0
    for seg in m:
        if len(seg) != 6 or seg[0] != uoff or seg[2] != coff or seg[1] < 0 or seg[3] <= 0:
            raise StaleMap("segments do not follow each other")
        uoff, coff = uoff + seg[1], coff + seg[3]
        if crc is not None:
            c = crc32_combine(c, seg[4], seg[1])
    if uoff != size or (csize is not None and coff + len(FINAL) != csize) or (crc is not None and c != crc):
        raise StaleMap("the map does not add up to the member")


def unchanged_spans(data: Any, m: SegmentMap) -> list[tuple[int, int]]:
    """Byte ranges of ``data`` that are, byte for byte (CRC-32), segments of the content the
    map ``m`` describes (a member as the last write left it): the segments that match at
    their own offsets from the front, and those that match from the back, shifted by the
    difference in length (one edited stretch in between: what StoreOps' own writers leave
    after changing a few cells).  Empty when the map does not describe a content.

    >>> old = b"<row>1</row><row>2</row><row>3</row>"
    >>> m = [[0, 12, 0, 1, crc32(old[:12]), 1], [12, 12, 1, 1, crc32(old[12:24]), 2], [24, 12, 2, 1, crc32(old[24:]), 3]]
    >>> unchanged_spans(b"<row>1</row><row>22</row><row>3</row>", m)
    [(0, 12), (25, 37)]
    """
    try:
        check_map(m, sum(seg[1] for seg in m) if m else -1)
    except StaleMap:
        return []
    view = memoryview(data)
    n = len(view)
    front = 0
    for uoff, ulen, _co, _cl, c, _row in m:
        if uoff + ulen > n or crc32(view[uoff : uoff + ulen]) != c:
            break
        front += 1
    out = [(0, m[front - 1][0] + m[front - 1][1])] if front else []
    free = out[0][1] if out else 0  # the back's segments start after the front's
    delta = n - (m[-1][0] + m[-1][1])
    back = len(m)
    while back > front:
        uoff, ulen, _co, _cl, c, _row = m[back - 1]
        lo = uoff + delta
        if lo < free or crc32(view[lo : lo + ulen]) != c:
            break
        back -= 1
    if back < len(m):
        out.append((m[back][0] + delta, n))
    return out


def inflate_segments(raw: bytes, m: SegmentMap, size: int, crc: int, threads: int = 2) -> bytes:
    """Inflate a member stored as StoreOps wrote it (``raw``: its compressed bytes, ``m``
    its segment map) with its segments on ``threads`` threads (ISA-L inflates outside
    the GIL), each checked for its length and CRC-32, straight into the one ``bytes``
    returned (no second copy of the member).  Raises :class:`StaleMap` when the map does
    not fit the member (inflate it whole then)."""
    check_map(m, size, len(raw), crc)
    if raw[len(raw) - len(FINAL) :] != FINAL:
        raise StaleMap("the stream does not end with the final block")
    view = memoryview(raw)
    out, put = _new_bytes(size)

    def one(seg: list[int]) -> None:
        put(seg[0], inflate_segment(view[seg[2] : seg[2] + seg[3]], seg))

    if threads < 2 or len(m) < 2:
        for seg in m:
            one(seg)
    else:
        with ThreadPoolExecutor(threads) as pool:
            for _ in pool.map(one, m):
                pass
    return out if isinstance(out, bytes) else bytes(out)


def inflate_segment(raw: Any, seg: list[int]) -> bytes:
    """The content of one segment of a map (``raw``: its compressed bytes), checked for its
    length and CRC-32; :class:`StaleMap` when it is not that segment's."""
    d = _z.decompressobj(-15)
    try:
        data = d.decompress(raw, seg[1] + 1)
    except ERRORS as exc:
        raise StaleMap(f"a segment does not inflate ({exc})") from None
    if len(data) != seg[1] or d.eof or d.unconsumed_tail or crc32(data) != seg[4]:
        raise StaleMap("a segment does not inflate to its length and CRC-32")
    return data


def _new_bytes(size: int) -> tuple[Any, Callable[[int, bytes], None]]:
    """A ``bytes`` of ``size`` bytes that is filled by ``put(offset, data)`` before anyone
    else sees it (CPython: ``PyBytes_FromStringAndSize(NULL, size)``, filled by ``memmove``
    outside the GIL); elsewhere a ``bytearray`` (copied once at the end)."""
    if _BYTES_DATA is not None:
        import ctypes

        out = _PYBYTES(None, size)
        base = id(out) + _BYTES_DATA

        def put(off: int, data: bytes) -> None:
            if off < 0 or off + len(data) > size:
                raise StaleMap("a segment beyond the member")
            ctypes.memmove(base + off, data, len(data))

        return out, put
    buf = bytearray(size)

    def put_slow(off: int, data: bytes) -> None:
        buf[off : off + len(data)] = data

    return buf, put_slow


def _bytes_data_offset() -> int | None:
    """Where a ``bytes`` object's data starts, as an offset from its ``id`` (CPython); checked."""
    try:
        import ctypes
        import sys

        if sys.implementation.name != "cpython":
            return None
        off = sys.getsizeof(b"") - 1
        probe = b"storeops-probe"
        return off if ctypes.string_at(id(probe) + off, len(probe)) == probe else None
    except Exception:  # pragma: no cover - no ctypes
        return None


_BYTES_DATA = _bytes_data_offset()
_PYBYTES: Any = None
if _BYTES_DATA is not None:
    import ctypes as _ctypes

    _PYBYTES = _ctypes.pythonapi.PyBytes_FromStringAndSize
    _PYBYTES.restype = _ctypes.py_object
    _PYBYTES.argtypes = (_ctypes.c_char_p, _ctypes.c_ssize_t)


def inflate_pieces(raws: Iterable[Any], step: int = 64 << 20) -> Iterator[bytes]:
    """The content of a raw deflate stream given in consecutive pieces (``raws``), in
    chunks of at most ``step`` bytes: a member inflated without holding it whole.  The
    input is fed :data:`INFLATE_STEP` bytes at a time (the output then stays in the
    processor's caches: twice as fast as a MiB at a time).  The caller checks the length
    and CRC-32 of what it got."""
    d = _z.decompressobj(-15)
    try:
        for raw in raws:
            view = memoryview(raw)
            for i in range(0, len(view), INFLATE_STEP):
                out = d.decompress(view[i : i + INFLATE_STEP], step)
                while out:
                    yield out
                    out = d.decompress(d.unconsumed_tail, step) if d.unconsumed_tail else b""
        out = d.flush()
    except ERRORS as exc:
        raise StaleMap(f"the stream does not inflate ({exc})") from None
    if out:
        yield out


#: compressed bytes :func:`inflate_pieces` inflates at a time
INFLATE_STEP = 256 << 10
