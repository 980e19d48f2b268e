"""Kernels that compare and rewrite formula cells in place (numba, see :mod:`._jit`).

* :func:`match_template` checks, for many formula cells at once, that each cell's
  formula text is a template with the cell's row number (plus fixed offsets) filled in —
  how the engine proves that 100,000 cells of a column are the same formula.
* :func:`splice` writes the new cached values: for each rewritten cell it replaces the
  ``t=`` attribute of ``<c>`` and the text of ``<v>`` (or adds a ``<v>``), copying every
  other byte of the sheet unchanged.
"""

from __future__ import annotations

import numpy as np

from ._jit import at_once, jit, memcpy
from ._scan import (
    F_CEND,
    F_COL,
    F_ROW,
    F_TAGC,
    F_TE,
    F_TS,
    F_VE,
    F_VS,
    F_VTE,
    F_VTS,
    FNV_OFFSET,
    V_TEXT,
    WRITE_FIELDS,
    cell_digest,
    fnv,
    formula_content,
)

#: :func:`match_templates` checks this many cells and more in two halves at once
PARALLEL_CELLS = 1 << 20
#: new ``t=`` attributes by code (index into :data:`T_ATTRS`)
T_ATTRS = [b"", b' t="str"', b' t="s"', b' t="e"', b' t="b"']
TA_NONE, TA_STR, TA_S, TA_E, TA_B = range(5)
#: dtypes of the per-cell arrays :func:`splice` takes: formula-record indexes and value
#: indexes (a sheet has fewer than 2^31 formulas), and the small codes
CELL_INDEX, CODE = np.int32, np.int8


@jit
def _match_one(a, pos, end, row, pbuf, pstarts, p0, npieces, offs, o0):
    """Whether ``a[pos:end]`` is pieces ``p0 … p0+npieces-1`` with ``row + offs[o0 + j]`` between."""
    for j in range(npieces):
        ps = pstarts[p0 + j]
        L = pstarts[p0 + j + 1] - ps
        if pos + L > end:
            return False
        diff = 0
        for q in range(L):  # no early exit: the loop vectorises
            diff |= a[pos + q] ^ pbuf[ps + q]
        if diff:
            return False
        pos += L
        if j < npieces - 1:
            v = row + offs[o0 + j]
            if v <= 0:
                return False
            nd = 1
            x = v
            while x >= 10:
                x //= 10
                nd += 1
            if pos + nd > end:
                return False
            x = v
            for q in range(nd - 1, -1, -1):
                if a[pos + q] != 48 + x % 10:
                    return False
                x //= 10
            pos += nd
    return pos == end


@jit
def _match(a, ts, te, rows, pbuf, pstarts, offs, out):
    npieces = pstarts.shape[0] - 1
    for k in range(ts.shape[0]):
        out[k] = _match_one(a, ts[k], te[k], rows[k], pbuf, pstarts, 0, npieces, offs, 0)


@jit
def _match_many(a, ts, te, rows, tid, pbuf, pstarts, tp_first, tp_n, offs, off_first, out):
    for k in range(ts.shape[0]):
        t = tid[k]
        out[k] = _match_one(a, ts[k], te[k], rows[k], pbuf, pstarts, tp_first[t], tp_n[t], offs, off_first[t])


def match_templates(
    a: np.ndarray,
    ts: np.ndarray,
    te: np.ndarray,
    rows: np.ndarray,
    tid: np.ndarray,
    templates: list[tuple[list[bytes], tuple[int, ...]]],
) -> np.ndarray:
    """:func:`match_template` for cells of several templates at once (cell ``k`` against
    ``templates[tid[k]]``), in one pass in document order.

    Examples
    --------
    >>> x = b"CTR(F2,E2)SUM(A2)CTR(F3,E3)SUM(A9)"
    >>> match_templates(np.frombuffer(x, np.uint8), np.array([0, 10, 17, 27]), np.array([10, 17, 27, 34]),
    ...                 np.array([2, 2, 3, 3]), np.array([0, 1, 0, 1]),
    ...                 [([b"CTR(F", b",E", b")"], (0, 0)), ([b"SUM(A", b")"], (0,))]).tolist()
    [True, True, True, False]
    """
    pieces = [p for ps, _ in templates for p in ps]
    pbuf = np.frombuffer(b"".join(pieces) or b"\0", np.uint8)
    pstarts = np.zeros(len(pieces) + 1, np.int64)
    pstarts[1:] = np.cumsum([len(p) for p in pieces])
    tp_n = np.array([len(ps) for ps, _ in templates], np.int64)
    tp_first = np.concatenate([[0], np.cumsum(tp_n)[:-1]]).astype(np.int64)
    offs = np.array([o for _, os_ in templates for o in os_] or [0], np.int64)
    n_off = np.array([len(os_) for _, os_ in templates], np.int64)
    off_first = np.concatenate([[0], np.cumsum(n_off)[:-1]]).astype(np.int64)
    out = np.empty(len(ts), np.bool_)
    # int32 arrays (the scan's records) are taken as they are: no int64 copy of each
    cells = [
        np.ascontiguousarray(x) if x.dtype in (np.int32, np.int64) else x.astype(np.int64) for x in (ts, te, rows, tid)
    ]

    def part(lo: int, hi: int) -> None:
        _match_many(a, *(x[lo:hi] for x in cells), pbuf, pstarts, tp_first, tp_n, offs, off_first, out[lo:hi])

    n = len(ts)
    if n < PARALLEL_CELLS:
        part(0, n)
        return out
    at_once(lambda: part(n // 2, n), lambda: part(0, n // 2))  # a big sheet: the halves on both cores
    return out


def match_template(
    a: np.ndarray, ts: np.ndarray, te: np.ndarray, rows: np.ndarray, pieces: list[bytes], offs: tuple[int, ...]
) -> np.ndarray:
    """For each cell, whether ``a[ts:te]`` equals ``pieces[0] + str(row + offs[0]) + pieces[1] + …``.

    Examples
    --------
    >>> x = b"CTR(F2,E2)CTR(F3,E3)CTR(F4,E9)"
    >>> a = np.frombuffer(x, np.uint8)
    >>> match_template(a, np.array([0, 10, 20]), np.array([10, 20, 30]), np.array([2, 3, 4]),
    ...                [b"CTR(F", b",E", b")"], (0, 0)).tolist()
    [True, True, False]
    """
    pbuf = np.frombuffer(b"".join(pieces) or b"\0", np.uint8)
    pstarts = np.zeros(len(pieces) + 1, np.int64)
    pstarts[1:] = np.cumsum([len(p) for p in pieces])
    out = np.empty(len(ts), np.bool_)
    _match(
        a,
        np.ascontiguousarray(ts, np.int64),
        np.ascontiguousarray(te, np.int64),
        np.ascontiguousarray(rows, np.int64),
        pbuf,
        pstarts,
        np.asarray(offs, np.int64).reshape(-1),
        out,
    )
    return out


def _t_attrs() -> tuple[np.ndarray, np.ndarray]:
    """:data:`T_ATTRS` and ``<v></v>`` as one byte buffer, and the attributes' offsets."""
    tbuf = np.frombuffer(b"".join(T_ATTRS) + b"<v></v>", np.uint8)
    toff = np.zeros(len(T_ATTRS) + 1, np.int64)
    toff[1:] = np.cumsum([len(t) for t in T_ATTRS])
    return tbuf, toff


@jit
def _copy(out, o, src, s, e):
    if e > s:
        memcpy(out, o, src, s, e - s)
    return o + e - s


@jit
def _splice(a, F, cells, k0, k1, prev, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, tbuf, toff, out):
    """Rewrite cells ``k0 … k1-1`` starting at source byte ``prev``; returns (bytes out, new prev)."""
    o = 0
    for k in range(k0, k1):
        i = cells[k]
        if F[i, F_TS] >= 0:
            rs = F[i, F_TS]
            re_ = F[i, F_TE]
        else:
            rs = F[i, F_TAGC]
            re_ = rs
        o = _copy(out, o, a, prev, rs)
        t = tnew[k]
        o = _copy(out, o, tbuf, toff[t], toff[t + 1])
        prev = re_
        if F[i, F_VTS] >= 0:
            vs = F[i, F_VTS]
            ve = F[i, F_VTE]
            wrap = False
        elif F[i, F_VS] >= 0:
            vs = F[i, F_VS]
            ve = F[i, F_VE]
            wrap = True
        else:  # no value element: insert one after </f>
            vs = F[i, F_VE]
            ve = vs
            wrap = True
        o = _copy(out, o, a, prev, vs)
        if wrap:  # '<v>' is the 3 bytes after the last t= attribute in tbuf, '</v>' the 4 after it
            o = _copy(out, o, tbuf, toff[toff.shape[0] - 1], toff[toff.shape[0] - 1] + 3)
        j = vidx[k]
        if vkind[k] == 0:
            o = _copy(out, o, nummat[j], 0, numlen[j])
        else:
            o = _copy(out, o, ubuf, uoff[j], uoff[j + 1])
        if wrap:
            o = _copy(out, o, tbuf, toff[toff.shape[0] - 1] + 3, toff[toff.shape[0] - 1] + 7)
        prev = ve
    return o, prev


@jit
def _same(a, s, e, src, ss, se):
    if e - s != se - ss:
        return False
    for q in range(e - s):
        if a[s + q] != src[ss + q]:
            return False
    return True


@jit
def _changed(a, F, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, tbuf, toff, mask):
    """How many of the cells would get a different ``t=`` attribute or value text (those
    get ``mask[k] = True``)."""
    n = 0
    for k in range(cells.shape[0]):
        i = cells[k]
        t = tnew[k]
        if F[i, F_TS] >= 0:
            same = _same(a, F[i, F_TS], F[i, F_TE], tbuf, toff[t], toff[t + 1])
        else:
            same = toff[t + 1] == toff[t]
        if same and F[i, F_VTS] >= 0:
            j = vidx[k]
            if vkind[k] == 0:
                same = _same(a, F[i, F_VTS], F[i, F_VTE], nummat[j], 0, numlen[j])
            else:
                same = _same(a, F[i, F_VTS], F[i, F_VTE], ubuf, uoff[j], uoff[j + 1])
        elif F[i, F_VTS] < 0:
            same = False
        mask[k] = not same
        if not same:
            n += 1
    return n


@jit
def _splice_range(a, F, cells, k0, k1, lo, hi, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, tbuf, toff, out):
    """Source bytes ``lo … hi`` with cells ``k0 … k1-1`` (all inside) rewritten; returns the length."""
    o, prev = _splice(a, F, cells, k0, k1, lo, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, tbuf, toff, out)
    return _copy(out, o, a, prev, hi)


def splice(
    xml: bytes,
    F: np.ndarray,
    cells: np.ndarray,
    tnew: np.ndarray,
    vkind: np.ndarray,
    vidx: np.ndarray,
    nummat: np.ndarray,
    numlen: np.ndarray,
    ubuf: np.ndarray,
    uoff: np.ndarray,
    chunk: int = 4 << 20,
):
    """The sheet XML with new cached values for the formula cells ``F[cells]`` (document
    order), as a stream of ``memoryview`` pieces of about ``chunk`` bytes.

    Per rewritten cell ``k``: ``tnew[k]`` is the new ``t=`` attribute (index into
    :data:`T_ATTRS`); the value text is row ``vidx[k]`` of ``nummat`` (``numlen`` bytes)
    when ``vkind[k] == 0``, else unique text ``vidx[k]`` of ``ubuf``/``uoff``.  The pieces
    share one buffer: use each before asking for the next (a compressor does).
    Returns ``None`` when no cell would change (the sheet can stay as it is).
    """
    a, cells, args = _kernel_args(xml, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff)
    if not _changed(a, F, cells, *args, np.empty(len(cells), np.bool_)):
        return None
    return _pieces(xml, a, F, cells, args, chunk)


def _grow(args: tuple) -> int:
    """Bytes a cell can grow by: a value of at most max(number width, longest text),
    ``<v></v>`` and a ``t=`` attribute."""
    return max(int(args[3].shape[1]) if args[3].ndim == 2 else 0, int(np.diff(args[6]).max(initial=0))) + 7 + 9


class Spliced:
    """A sheet's XML and the formula cells whose cached value changes (what :func:`splice`
    takes, reduced to the cells whose bytes differ), written one byte range at a time:
    how the engine re-deflates only the segments of a sheet that change
    (:func:`storeops.xlsx._segments.deflate_spliced`).  Use :func:`spliced`."""

    def __init__(self, xml: bytes, F: np.ndarray, cells: np.ndarray, args: tuple):
        self.xml, self.F, self.cells, self.args = xml, F, cells, args
        self.a = np.frombuffer(xml, np.uint8)
        ts = F[cells, F_TS]  # a rewritten cell's bytes start at its t= attribute, or where it would go
        self.starts = np.ascontiguousarray(np.where(ts >= 0, ts, F[cells, F_TAGC]), np.int64)
        self.ends = np.ascontiguousarray(F[cells, F_CEND], np.int64)
        if len(cells) > 1 and not (self.starts[1:] >= self.ends[:-1]).all():
            raise ValueError("cells to splice not in document order")  # what range() and touches() search
        self.grow = _grow(args)
        self.deltas = _deltas(F, cells, args)
        #: cum[i]: how much the cells before cell i grow (bytes; negative when they shrink)
        self.cum = np.concatenate([[0], np.cumsum(self.deltas)]).astype(np.int64)

    def size(self) -> int:
        """Bytes of the new XML."""
        return len(self.xml) + int(self.cum[-1])

    def new_pos(self, pos: int) -> int:
        """Where source byte ``pos`` (not inside a changed cell) is in the new XML."""
        return pos + int(self.cum[int(np.searchsorted(self.starts, pos))])

    def source_pos(self, new: int) -> int:
        """The first source position (outside changed cells) at or after which the new XML
        is at byte ``new`` or later."""
        i = int(np.searchsorted(self.starts + self.cum[:-1], new, "right"))  # cells starting in the new XML up to new
        if i and int(self.ends[i - 1]) + int(self.cum[i]) > new:  # inside cell i-1 there
            return int(self.ends[i - 1])
        return new - int(self.cum[i])

    def __len__(self) -> int:
        return len(self.cells)

    def range(self, lo: int, hi: int) -> memoryview:
        """The new bytes of source bytes ``lo … hi`` (no changed cell may cross ``lo`` or
        ``hi``: see :meth:`after_cell`)."""
        k0, k1 = (int(k) for k in np.searchsorted(self.starts, [lo, hi]))
        buf = np.empty(hi - lo + (k1 - k0) * self.grow, np.uint8)
        n = _splice_range(self.a, self.F, self.cells, k0, k1, lo, hi, *self.args, buf)
        return memoryview(buf)[:n]  # type: ignore[arg-type]  # numpy's stubs: see _pieces

    def touches(self, lo: int, hi: int) -> bool:
        """Whether a changed cell starts in source bytes ``lo … hi``."""
        k = int(np.searchsorted(self.starts, lo))
        return k < len(self.starts) and int(self.starts[k]) < hi

    def after_cell(self, pos: int) -> int:
        """``pos``, or the end of the changed cell it falls inside."""
        k = int(np.searchsorted(self.starts, pos)) - 1  # the last cell starting before pos
        return max(pos, int(self.ends[k])) if k >= 0 else pos


def _deltas(F: np.ndarray, cells: np.ndarray, args: tuple) -> np.ndarray:
    """How many bytes each rewritten cell grows by (what :func:`_splice` writes for it,
    minus what it replaces)."""
    tnew, vkind, vidx, _nummat, numlen, _ubuf, uoff, _tbuf, toff = args
    ts, te = F[cells, F_TS], F[cells, F_TE]
    vs, ve, vts, vte = F[cells, F_VS], F[cells, F_VE], F[cells, F_VTS], F[cells, F_VTE]
    old = np.where(ts >= 0, te - ts, 0) + np.where(vts >= 0, vte - vts, np.where(vs >= 0, ve - vs, 0))
    num = vkind == 0
    vlen = np.empty(len(cells), np.int64)
    vlen[num] = numlen[vidx[num]]
    vlen[~num] = uoff[vidx[~num] + 1] - uoff[vidx[~num]]
    return (np.diff(toff)[tnew] + vlen + np.where(vts >= 0, 0, 7) - old).astype(np.int64)


def spliced(
    xml: bytes,
    F: np.ndarray,
    cells: np.ndarray,
    tnew: np.ndarray,
    vkind: np.ndarray,
    vidx: np.ndarray,
    nummat: np.ndarray,
    numlen: np.ndarray,
    ubuf: np.ndarray,
    uoff: np.ndarray,
) -> Spliced | None:
    """The :class:`Spliced` sheet for the arguments :func:`splice` takes; ``None`` when no
    cell would change."""
    a, cells, args = _kernel_args(xml, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff)
    mask = np.empty(len(cells), np.bool_)
    if not _changed(a, F, cells, *args, mask):
        return None
    return Spliced(xml, F, cells[mask], (args[0][mask], args[1][mask], args[2][mask], *args[3:]))


def _kernel_args(xml, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff) -> tuple:
    """(the XML as bytes, the cells, the kernels' value arguments) in the dtypes they take."""
    tbuf, toff = _t_attrs()
    args = (
        np.ascontiguousarray(tnew, CODE),
        np.ascontiguousarray(vkind, CODE),
        np.ascontiguousarray(vidx, CELL_INDEX),
        nummat,
        np.ascontiguousarray(numlen, np.int64),
        ubuf,
        np.ascontiguousarray(uoff, np.int64),
        tbuf,
        toff,
    )
    return np.frombuffer(xml, np.uint8), np.ascontiguousarray(cells, CELL_INDEX), args


def _pieces(xml: bytes, a: np.ndarray, F: np.ndarray, cells: np.ndarray, args: tuple, chunk: int):
    ends = F[cells, F_CEND] if len(cells) else np.empty(0, np.int64)
    cuts = np.searchsorted(ends, np.arange(chunk, int(ends[-1]) if len(ends) else 0, chunk)).tolist()
    bounds = sorted(set([0] + cuts + [len(cells)]))
    buf = np.empty(0, np.uint8)
    prev = 0
    grow = _grow(args)
    for k0, k1 in zip(bounds[:-1], bounds[1:]):
        bound = int(F[cells[k1 - 1], F_CEND]) - prev + (k1 - k0) * grow
        if bound > len(buf):
            buf = np.empty(max(bound, chunk + (chunk >> 1)), np.uint8)
        o, prev = _splice(a, F, cells, k0, k1, prev, *args, buf)
        yield memoryview(buf)[:o]  # type: ignore[arg-type]  # numpy's stubs give ndarray __buffer__ on Python 3.12+ only
    if prev < len(a):
        yield memoryview(xml)[prev:]


@jit
def _digest_delta(a, F, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, tbuf, toff, out):
    for k in range(cells.shape[0]):
        i = cells[k]
        row = F[i, F_ROW]
        col = F[i, F_COL]
        old = formula_content(a, F[i, F_TS], F[i, F_TE], a, F[i, F_VTS], F[i, F_VTE])
        t = tnew[k]  # the new t= attribute and value
        h = fnv(tbuf, toff[t], toff[t + 1], FNV_OFFSET)
        j = vidx[k]
        if vkind[k] == 0:
            h = fnv(nummat[j], 0, numlen[j], h ^ V_TEXT)
        else:
            h = fnv(ubuf, uoff[j], uoff[j + 1], h ^ V_TEXT)
        out[k] = cell_digest(row, col, 0, h) - cell_digest(row, col, 0, old)


def digest_deltas(
    xml: bytes,
    F: np.ndarray,
    cells: np.ndarray,
    tnew: np.ndarray,
    vkind: np.ndarray,
    vidx: np.ndarray,
    nummat: np.ndarray,
    numlen: np.ndarray,
    ubuf: np.ndarray,
    uoff: np.ndarray,
) -> np.ndarray:
    """How each rewritten cell changes its formula digest (new term minus old, modulo
    2^64), for the arguments :func:`splice` takes."""
    tbuf, toff = _t_attrs()
    out = np.empty(len(cells), np.uint64)
    with np.errstate(over="ignore"):
        _digest_delta(
            np.frombuffer(xml, np.uint8),
            F,
            np.ascontiguousarray(cells, CELL_INDEX),
            np.ascontiguousarray(tnew, CODE),
            np.ascontiguousarray(vkind, CODE),
            np.ascontiguousarray(vidx, CELL_INDEX),
            nummat,
            np.ascontiguousarray(numlen, np.int64),
            ubuf,
            np.ascontiguousarray(uoff, np.int64),
            tbuf,
            toff,
            out,
        )
    return out


class StreamSplice:
    """:func:`splice` over a sheet's XML that is not held whole: the old XML comes in
    consecutive ``chunks`` (any sizes) and the new XML goes out as pieces, one per chunk,
    each written from the formula cells that lie in it (their records' positions taken
    relative to the chunk).  No more than a chunk and one cell of the old XML is held.

    Iterating yields the pieces (each a fresh buffer: keep it or copy it, as you like);
    afterwards :attr:`changed` is how many cells get different bytes and :attr:`deltas`
    how each cell's formula digest changes (:func:`digest_deltas`, in the cells' order).
    The pieces joined are ``b"".join(splice(xml, …))`` — or ``xml`` when no cell changes.
    """

    def __init__(
        self,
        chunks,
        F: np.ndarray,
        cells: np.ndarray,
        tnew: np.ndarray,
        vkind: np.ndarray,
        vidx: np.ndarray,
        nummat: np.ndarray,
        numlen: np.ndarray,
        ubuf: np.ndarray,
        uoff: np.ndarray,
    ):
        _a, self.cells, self.args = _kernel_args(b"", cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff)
        self.chunks, self.F = chunks, F
        rec = F[self.cells]
        self.starts = np.ascontiguousarray(np.where(rec[:, F_TS] >= 0, rec[:, F_TS], rec[:, F_TAGC]), np.int64)
        self.ends = np.ascontiguousarray(rec[:, F_CEND], np.int64)
        self.grow = _grow(self.args)
        self.changed = 0
        self.deltas = np.empty(len(self.cells), np.uint64)

    def __iter__(self):
        carry, base, k = b"", 0, 0
        for chunk in self.chunks:
            cur = carry + bytes(chunk) if carry else chunk
            end = base + len(cur)
            j = int(np.searchsorted(self.starts, end)) - 1  # the last cell starting before the end
            hi = end if j < k or int(self.ends[j]) <= end else int(self.starts[j])  # not inside a cell
            if hi > base:
                k, piece = self._window(cur, base, hi, k)
                yield piece
            carry = bytes(memoryview(cur)[hi - base :]) if hi < end else b""
            base = hi
        if carry or k < len(self.cells):
            k, piece = self._window(carry, base, base + len(carry), k)
            if k < len(self.cells):
                raise ValueError("the XML ends before its formula cells")
            yield piece

    def _window(self, data, lo: int, hi: int, k0: int) -> tuple[int, memoryview]:
        """The new bytes of old bytes ``lo … hi`` (``data``), from cell ``k0`` on; (next cell, piece)."""
        k1 = int(np.searchsorted(self.starts, hi))
        a = np.frombuffer(data, np.uint8)[: hi - lo]
        rec = self.F[self.cells[k0:k1], :WRITE_FIELDS]  # a copy: positions made relative to the chunk
        pos = rec[:, F_TAGC:WRITE_FIELDS]
        np.subtract(pos, lo, out=pos, where=pos >= 0)
        n = k1 - k0
        cells = np.arange(n, dtype=CELL_INDEX)
        tnew, vkind, vidx, *rest = self.args
        args = (tnew[k0:k1], vkind[k0:k1], vidx[k0:k1], *rest)
        if n:
            self.changed += int(_changed(a, rec, cells, *args, np.empty(n, np.bool_)))
            with np.errstate(over="ignore"):
                _digest_delta(a, rec, cells, *args, self.deltas[k0:k1])
        buf = np.empty(hi - lo + n * self.grow, np.uint8)
        m = _splice_range(a, rec, cells, 0, n, 0, hi - lo, *args, buf)
        return k1, memoryview(buf)[:m]  # type: ignore[arg-type]  # numpy's stubs: see _pieces
