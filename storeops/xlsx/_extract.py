"""A big sheet's value cells of some columns, kept segment by segment beside the sheet (issue 14).

A sheet StoreOps deflates in segments (:mod:`._segments`) can be *extracted* as it is
written: for each segment, the value cells of the wanted columns — row, style, ``t=``
code, whether the cell holds a formula, and the bytes of its value (the text inside
``<v>``, or the ``<is>`` element of an inline string).  An extract is those parts in the
segments' order, with each segment's length and CRC-32: it describes exactly the content
whose segment map has the same lengths and CRC-32s.

:meth:`Extract.columns` gives the cells of some columns as the scan's value records
(:data:`~._scan.V_FIELDS`) pointing into a buffer of their value bytes, which
:func:`~._cells.records_to_columns` converts as it converts them from the XML — the same
function on the same bytes, so the same values.  A later recalculation that needs a
sheet's columns but not its cells (:mod:`storeops.engine._partial`) reads them from here
and inflates only the segments whose cells it rewrites.

The file is written one segment at a time as the segments are deflated
(:class:`ExtractWriter`): never held whole while the sheet is written, and a segment a
later write copies keeps its block, copied from the old file as it is
(:meth:`Extract.block`).  A block: the cells per column and their value bytes per column
(the cells are sorted by column, each column's in document order), then per cell its row
(4 bytes), style (2), ``t=`` code with a formula bit (1) and value length (2), then the
value bytes.  On the reference's follow-up sheet (40 columns read by formulas, 4 million
cells) 51 MB.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from ._jit import jit
from ._scan import (
    NARROW_FIELDS,
    NO_SST,
    NO_VIRTUAL,
    NV,
    T_INLINE,
    V_COL,
    V_HASF,
    V_ISE,
    V_ISS,
    V_ROW,
    V_STYLE,
    V_TCODE,
    V_VTE,
    V_VTS,
    ScanError,
    _records,
    _scan_part,
    want_mask,
)
from ._segments import cut_tail, first_row

_MAGIC = b"SOXEXTR3"
_FOOT = b"SOXE"
_VERSION = 3
_HEAD = struct.Struct("<IIIIi")  # cells, value bytes, segment length, segment CRC-32, its cut_tail
_TAIL = struct.Struct("<II4sI")  # columns, segments, _FOOT, _VERSION
_INDEX = np.dtype([("at", "<u8"), ("size", "<u4"), ("crc", "<u4")])
#: the per-cell fields of a block, in order
_FIELDS = (("rows", np.dtype("<i4")), ("styles", np.dtype("<u2")), ("codes", np.uint8), ("lens", np.dtype("<u2")))
#: ``codes``: the ``t=`` code (:data:`~._scan.T_N` …) and this bit for a formula cell
FORMULA_BIT = 0x80
_LIMIT = 0xFFFF  # a style or a value longer than this: the segment is not extracted


@dataclass
class Part:
    """One segment's block (its bytes in the file), the segment's length and CRC-32, and
    its :func:`~._segments.cut_tail` (how a later write checks that its cuts stay)."""

    block: bytes
    size: int
    crc: int
    tail: int


def data_region(data: Any) -> tuple[int, int]:
    """The part of a segment's content inside ``<sheetData>`` (the first segment starts with
    the sheet's head, the last ends with its tail; (0, 0) when it holds no cells)."""
    lo, hi = 0, len(data)
    row = data.find(b"<row")  # the head ends before the first row, the tail starts after the last
    k = data.find(b"<sheetData", 0, row if row >= 0 else hi)
    if k >= 0:
        gt = data.find(b">", k)
        if gt < 0 or data[gt - 1 : gt] == b"/":
            return 0, 0
        lo = gt + 1
    e = data.rfind(b"</sheetData>", max(data.rfind(b"</row>"), 0))
    if e >= 0:
        hi = e
    return (lo, hi) if hi > lo else (0, 0)


def column_mask(cols) -> np.ndarray:
    """The scan's column mask for an extract of ``cols`` (formula cells' values too)."""
    return want_mask(sorted(cols), formula_values=True)


def extract_part(data: Any, cols: tuple[int, ...], want: np.ndarray, crc: int) -> Part | None:
    """The block of one segment's content: the value cells of the columns ``cols`` (sorted;
    ``want`` their :func:`column_mask`).  ``None`` when the segment cannot be read on its
    own (it starts inside a row, or with a row without ``r=``), holds a layout the scan
    does not read, or a style or value beyond this format's limits.  Kept of a cell: what
    :func:`~._cells.records_to_columns` reads — the ``<is>`` element of an inline string
    cell, the ``<v>`` text of any other."""
    a = np.frombuffer(data, np.uint8)
    if bytes(a[:4]) == b"<row":  # a middle segment (no copy of it): cells up to its tail, if it has one
        lo, hi = 0, len(a)
        tail = bytes(a[-(64 << 10) :])
        if b"</sheetData" in tail:
            lo, hi = data_region(bytes(data))
    else:
        lo, hi = data_region(bytes(data))
    buf = data
    if hi <= lo:
        V = np.zeros((0, NV), np.int32)
    elif lo == 0 and not first_row(bytes(a[:256]), 0):  # it must start with a numbered row
        return None
    else:
        cap = (hi - lo) // 48 + 1024  # a cell takes more bytes than that: grown if not
        try:
            _F, V, *_rest = _scan_part(a, lo, hi, want, NO_SST, -1, buf, NO_VIRTUAL, *_records(cap, cap, NARROW_FIELDS))
        except ScanError:
            return None
    block = _block(V, a, cols)
    return None if block is None else Part(block, len(a), crc, cut_tail(data))


@jit
def _gather(a, start, end, out):
    at = 0
    for k in range(start.shape[0]):
        for i in range(start[k], end[k]):
            out[at] = a[i]
            at += 1


def _block(V: np.ndarray, a: np.ndarray, cols: tuple[int, ...]) -> bytes | None:
    tcode = V[:, V_TCODE]
    inline = tcode == T_INLINE  # its <is> is its value (a <v> beside it is not read), else its <v>
    start = np.where(inline, V[:, V_ISS], V[:, V_VTS])
    end = np.where(inline, V[:, V_ISE], V[:, V_VTE])
    none = (start < 0) | (end < start)
    start[none] = 0
    end[none] = 0
    order = np.argsort(V[:, V_COL], kind="stable")  # by column, each in document order
    start, end = start[order], end[order]
    lens = end - start
    styles = V[order, V_STYLE]
    if len(V) and (lens.max() > _LIMIT or styles.max() > _LIMIT or styles.min() < 0):
        return None
    blob = np.empty(int(lens.sum()), np.uint8)
    _gather(a, start, end, blob)
    edges = np.array([*cols, (cols[-1] if cols else 0) + 1], np.int64)
    bounds: np.ndarray = np.searchsorted(V[order, V_COL], edges, side="left")
    counts = np.diff(bounds)
    if int(counts.sum()) != len(V):  # a cell of a column not asked for (another mask): not kept
        return None
    cl = np.r_[0, np.cumsum(lens, dtype=np.int64)]
    vbytes = cl[bounds[1:]] - cl[bounds[:-1]]
    codes = tcode[order].astype(np.uint8) | np.where(V[order, V_HASF] > 0, FORMULA_BIT, 0).astype(np.uint8)
    return b"".join(
        [
            _HEAD.pack(len(V), len(blob), 0, 0, 0),
            counts.astype("<u4").tobytes(),
            vbytes.astype("<u4").tobytes(),
            V[order, V_ROW].astype("<i4").tobytes(),
            styles.astype("<u2").tobytes(),
            codes.tobytes(),
            lens.astype("<u2").tobytes(),
            blob.tobytes(),
        ]
    )


class ExtractWriter:
    """Writes an extract to a file segment by segment (:meth:`add`, in the segments' order),
    then :meth:`close` names it; anything wrong on the way leaves no file."""

    def __init__(self, tmp: str, cols):
        self.tmp, self.cols = tmp, tuple(sorted(int(c) for c in cols))
        self.fh: BinaryIO | None = open(tmp, "wb")
        self.fh.write(_MAGIC)
        self.index: list[tuple[int, int, int]] = []

    def add(self, part: Part | None) -> None:
        if self.fh is None:
            return
        if part is None:  # a segment that cannot be extracted: no extract
            self.abandon()
            return
        at = self.fh.tell()
        n, nb, _s, _c, _t = _HEAD.unpack_from(part.block)
        self.fh.write(_HEAD.pack(n, nb, part.size, part.crc & 0xFFFFFFFF, part.tail))
        self.fh.write(memoryview(part.block)[_HEAD.size :])
        self.index.append((at, part.size, part.crc & 0xFFFFFFFF))

    def close(self, path: str) -> bool:
        """Finish the file and rename it ``path``; whether it was kept."""
        fh = self.fh
        if fh is None:
            return False
        fh.write(np.array(self.cols, "<u2").tobytes())
        fh.write(np.array(self.index, _INDEX).tobytes())
        fh.write(_TAIL.pack(len(self.cols), len(self.index), _FOOT, _VERSION))
        fh.close()
        self.fh = None
        os.replace(self.tmp, path)
        return True

    def abandon(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        try:
            os.remove(self.tmp)
        except OSError:
            pass


class Extract:
    """An extract file, opened (see the module help): its columns and its segments' lengths
    and CRC-32s; the cells are read from the file when asked for."""

    def __init__(self, path: str, cols, index: np.ndarray, end: int):
        self.path = path
        self.cols = tuple(int(c) for c in cols)
        self.index = index  # per segment: where its block starts, its length, its CRC-32
        self.sizes = index["size"].astype(np.int64)
        self.crcs = index["crc"].astype(np.int64)
        self._end = end  # where the blocks end
        self._data: bytes | None = None

    @classmethod
    def open(cls, path: str) -> Extract | None:
        """The extract in the file ``path`` (:class:`ExtractWriter`); ``None`` when there is
        none or it cannot be read (it is only a cache: then the sheet is read whole)."""
        try:
            with open(path, "rb") as fh:
                if fh.read(len(_MAGIC)) != _MAGIC:
                    return None
                size = fh.seek(0, os.SEEK_END)
                fh.seek(size - _TAIL.size)
                ncols, nseg, foot, version = _TAIL.unpack(fh.read(_TAIL.size))
                if foot != _FOOT or version != _VERSION:
                    return None
                end = size - _TAIL.size - nseg * _INDEX.itemsize - 2 * ncols
                if end < len(_MAGIC):
                    return None
                fh.seek(end)
                cols = np.frombuffer(fh.read(2 * ncols), "<u2")
                index = np.frombuffer(fh.read(nseg * _INDEX.itemsize), _INDEX)
            at = index["at"].astype(np.int64)
            if (
                len(cols) != ncols
                or len(index) != nseg
                or (nseg and (at[0] != len(_MAGIC) or (np.diff(at) <= 0).any()))
            ):
                return None
            if nseg and at[-1] >= end:
                return None
            return cls(path, cols, index, end)
        except (OSError, ValueError, struct.error):
            return None

    def describes(self, segment_map: list[list[int]]) -> bool:
        """Whether this is the extract of the content the segment map describes."""
        return len(segment_map) == len(self.sizes) and all(
            seg[1] == int(n) and seg[4] == int(c) for seg, n, c in zip(segment_map, self.sizes, self.crcs)
        )

    def blocks(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(CRC-32, length) of each segment → where its block is in the file (start, end):
        what a later write of the sheet copies (:meth:`block`)."""
        at = [int(x) for x in self.index["at"]] + [self._end]
        return {(int(c), int(n)): (at[i], at[i + 1]) for i, (n, c) in enumerate(zip(self.sizes, self.crcs))}

    def block(self, span: tuple[int, int], size: int, crc: int) -> Part | None:
        """The block at ``span``: from the blocks read (:meth:`read_cells`), else from the
        file (``None`` when it cannot be read)."""
        if self._data is not None:
            data = self._data[span[0] : span[1]]
        else:
            try:
                with open(self.path, "rb") as fh:
                    fh.seek(span[0])
                    data = fh.read(span[1] - span[0])
            except OSError:
                return None
        if len(data) != span[1] - span[0]:
            return None
        n, nb, s, c, tail = _HEAD.unpack_from(data)
        return Part(data, size, crc, tail) if (s, c) == (size, crc & 0xFFFFFFFF) else None

    def read_cells(self) -> bool:
        """Read the blocks from the file now (another process may prune it later); whether
        they could be read."""
        if self._data is None:
            try:
                with open(self.path, "rb") as fh:
                    data = fh.read(self._end)
            except OSError:
                return False
            if len(data) != self._end or not self._blocks_add_up(data):
                return False
            self._data = data
        return True

    def _blocks_add_up(self, data: bytes) -> bool:
        """Whether every block's head agrees with the index and its cells fill it to the next."""
        k = len(self.cols)
        starts = [int(x) for x in self.index["at"]] + [self._end]
        per_cell = sum(np.dtype(t).itemsize for _n, t in _FIELDS)
        for i in range(len(self.index)):
            at, end = starts[i], starts[i + 1]
            if end - at < _HEAD.size + 8 * k:
                return False
            n, nb, size, crc, _tail = _HEAD.unpack_from(data, at)
            counts = np.frombuffer(data, "<u4", k, at + _HEAD.size).astype(np.int64)
            vbytes = np.frombuffer(data, "<u4", k, at + _HEAD.size + 4 * k).astype(np.int64)
            if (
                (size, crc) != (int(self.sizes[i]), int(self.crcs[i]))
                or int(counts.sum()) != n
                or int(vbytes.sum()) != nb
            ):
                return False
            if at + _HEAD.size + 8 * k + n * per_cell + nb != end:
                return False
        return True

    def tails(self) -> list[int]:
        """Per segment its :func:`~._segments.cut_tail` (:meth:`read_cells` first)."""
        if self._data is None:
            raise ValueError("the extract's blocks are not read")
        return [_HEAD.unpack_from(self._data, int(at))[4] for at in self.index["at"]]

    def columns(self, cols) -> dict[int, tuple[np.ndarray, np.ndarray, bytes]]:
        """Per column of ``cols`` (a subset of :attr:`cols`): its cells as value records into
        the bytes given with them (document order; ``V_HASF`` is 0), and per record whether
        it is a formula cell.  :class:`ValueError` when the file does not add up (or could
        not be read: :meth:`read_cells` first)."""
        if not self.read_cells():
            raise ValueError(f"{self.path}: cannot be read")
        data = self._data
        assert data is not None
        k = len(self.cols)
        pos = {c: i for i, c in enumerate(self.cols)}
        want = [c for c in sorted(set(cols)) if c in pos]
        pieces: dict[int, list[list]] = {c: [[], [], [], [], []] for c in want}
        for at in self.index["at"].tolist():
            n, nb, _size, _crc, _tail = _HEAD.unpack_from(data, at)
            at += _HEAD.size
            counts = np.frombuffer(data, "<u4", k, at).astype(np.int64)
            vbytes = np.frombuffer(data, "<u4", k, at + 4 * k).astype(np.int64)
            at += 8 * k
            if int(counts.sum()) != n or int(vbytes.sum()) != nb:
                raise ValueError("an extract's block does not add up")
            fields = []
            for _name, t in _FIELDS:
                fields.append(np.frombuffer(data, t, n, at))
                at += n * np.dtype(t).itemsize
            first = np.r_[0, np.cumsum(counts)]
            vfirst = np.r_[0, np.cumsum(vbytes)] + at
            for c in want:
                i = pos[c]
                a, b = int(first[i]), int(first[i + 1])
                if a == b:
                    continue
                p = pieces[c]
                for j in range(4):
                    p[j].append(fields[j][a:b])
                p[4].append(data[int(vfirst[i]) : int(vfirst[i + 1])])
        out = {}
        for c in want:
            rows, styles, codes, lens, blobs = pieces[c]
            out[c] = _column_records(c, rows, styles, codes, lens, b"".join(blobs))
        return out


def _column_records(col: int, rows, styles, codes, lens, blob: bytes) -> tuple[np.ndarray, np.ndarray, bytes]:
    n = sum(len(x) for x in rows)
    V = np.empty((n, NV), np.int32)
    if not n:
        return V, np.zeros(0, np.bool_), blob
    codes_ = np.concatenate(codes)
    lens_ = np.concatenate(lens).astype(np.int64)
    s = np.cumsum(lens_) - lens_
    e = s + lens_
    tc = codes_ & np.uint8(~FORMULA_BIT & 0xFF)
    inline = tc == T_INLINE
    V[:, V_COL] = col
    V[:, V_ROW] = np.concatenate(rows)
    V[:, V_STYLE] = np.concatenate(styles)
    V[:, V_TCODE] = tc
    V[:, V_VTS] = np.where(inline, -1, s)
    V[:, V_VTE] = np.where(inline, -1, e)
    span = inline & (e > s)  # an inline string cell without its <is>: no value
    V[:, V_ISS] = np.where(span, s, -1)
    V[:, V_ISE] = np.where(span, e, -1)
    V[:, V_HASF] = 0
    return V, (codes_ & FORMULA_BIT) > 0, blob
