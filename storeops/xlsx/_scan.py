"""One pass over a worksheet's XML bytes: where every cell, formula and value is.

:func:`scan_sheet` walks ``<sheetData>`` once (compiled with numba, see
:mod:`storeops.xlsx._jit`) and returns two record arrays of byte positions:

* ``values`` — every cell of the wanted columns: column, row, style, type and where its
  stored (or cached) value is;
* ``formulas`` — every cell holding an ``<f>``: where its tag, ``t=`` attribute, formula
  text and value are, so the engine can write new cached values in place without
  building one Python object per cell.  A cell without a value element has
  ``F_VS == -1`` and ``F_VE`` = the end of its ``<f>`` element, where a ``<v>`` belongs.
  The caller may declare the value cells of some rows of some columns formula cells
  (``virtual``: the ``.xlsx`` edition's Python-only columns, whose formula the engine
  knows from the schema); their records have kind :data:`FK_VIRTUAL` and no formula text.

While it walks, it also sums a hash of every cell's value per (column, block of rows),
separately for input cells (their value: a shared string counts as its text) and formula
cells (the raw bytes of their cached value) (:data:`D_COL` …): the *digests*
:mod:`storeops.engine._incremental` compares with the ones stored at the last write
to find what an editor changed.  A digest is a sum modulo 2^64, so the digests of
parts of a sheet add up to the sheet's, and a rewritten cell updates one by its
difference (:func:`cell_digest`).

Positions are ``int32`` offsets into the XML (a sheet is at most 2 GiB, see
:data:`storeops.xlsx._package.MAX_TOTAL_UNCOMPRESSED`).  Any layout the kernel does not understand
makes it stop with an error position; callers then use the regex reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._digest import DK_FORMULA, DK_INPUT, Digests
from ._jit import jit

# --------------------------------------------------------------------------- record layout
#: formula records: one row per formula cell, in document order, in three layers (a scan
#: records the first :data:`NARROW_FIELDS`, :data:`GROUP_FIELDS` or all :data:`NF`): the
#: first :data:`WRITE_FIELDS` are all that writing new values needs — column, row; the
#: ``>`` closing the ``<c …>`` tag; the ``t=`` attribute (from the space before it); the
#: value element, the text inside ``<v>``; the end of the cell — then the ``<f t=…>``
#: kind; the formula text and ``si=`` (what grouping the formulas needs); then the cell's
#: start, its ``r=`` value, the ``<f>`` element, whether it has ``ref=``, and the cell's
#: type code (what rewriting whole formula cells needs: :mod:`storeops.engine.portable`).
F_FIELDS = (
    "col",
    "row",
    "tagc",
    "ts",
    "te",
    "vs",
    "ve",
    "vts",
    "vte",
    "cend",
    "fkind",
    "fts",
    "fte",
    "si",
    "cstart",
    "rs",
    "re",
    "fs",
    "fe",
    "fref",
    "tcode",
)
(
    F_COL,
    F_ROW,
    F_TAGC,
    F_TS,
    F_TE,
    F_VS,
    F_VE,
    F_VTS,
    F_VTE,
    F_CEND,
    F_FKIND,
    F_FTS,
    F_FTE,
    F_SI,
    F_CSTART,
    F_RS,
    F_RE,
    F_FS,
    F_FE,
    F_FREF,
    F_TCODE,
) = range(len(F_FIELDS))
NF = len(F_FIELDS)
WRITE_FIELDS = F_CEND + 1
#: what writing needs and the ``<f t=…>`` kind: enough for a sheet whose formula groups the
#: last write recorded (an incremental recalculation of a sheet as StoreOps left it)
NARROW_FIELDS = F_FKIND + 1
#: what grouping a sheet's formulas needs (:mod:`storeops.engine._groups`, spills): the
#: records every recalculation scans — on the reference's follow-up sheet 140 MB, not 200
GROUP_FIELDS = F_SI + 1
#: value records: one row per cell of a wanted column, in document order
#: (``V_HASF`` is 0, or 1 + the index of the cell's formula record)
V_FIELDS = ("col", "row", "style", "tcode", "vts", "vte", "iss", "ise", "hasf")
(V_COL, V_ROW, V_STYLE, V_TCODE, V_VTS, V_VTE, V_ISS, V_ISE, V_HASF) = range(len(V_FIELDS))
NV = len(V_FIELDS)

#: cell ``t=`` codes
T_N, T_S, T_STR, T_B, T_E, T_INLINE, T_D, T_OTHER = range(8)
#: ``<f t=…>`` codes; ``FK_VIRTUAL``: a value cell the caller declared a formula cell
#: (:func:`virtual_rows`: the ``.xlsx`` edition's Python-only columns, whose formulas the
#: engine knows without their being in the file)
FK_NORMAL, FK_SHARED, FK_ARRAY, FK_DATATABLE, FK_OTHER, FK_VIRTUAL = range(6)

MAX_COL = 16384

#: digest records: (column, block = row >> shift, kind) and, in a separate uint64 array, the sum
(D_COL, D_BLOCK, D_KIND) = range(3)
FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
WORD_PRIME = np.uint64(0x9E3779B97F4A7C15)
#: content hash of a shared-string index outside the table
BAD_SST = np.uint64(0x9E3779B97F4A7C15)
#: content hash of a formula cell without a value element
NO_VALUE = np.uint64(0x2545F4914F6CDD1D)
V_TEXT = np.uint64(0x7F4A7C159E3779B9)


@jit
def _at(a, i):
    return a[i] if i < a.shape[0] else 0


@jit
def _ws(c):
    return c == 32 or c == 9 or c == 10 or c == 13


@jit
def _delim(c):
    """A byte that may follow an element name: space, '>', '/'."""
    return c == 32 or c == 62 or c == 47 or c == 9 or c == 10 or c == 13


@jit
def _skip_ws(a, i, hi):
    while i < hi and _ws(a[i]):
        i += 1
    return i


@jit
def _find(a, i, hi, byte):
    """Index of the next ``byte`` in ``a[i:hi]`` (``hi`` when there is none)."""
    while i < hi and a[i] != byte:
        i += 1
    return i


@jit
def _close_tag(a, k, hi, name):
    """Start of the ``</X>`` (``X`` = the one-byte name) that ends the text from ``k``; -1
    when the next tag is something else."""
    k = _find(a, k, hi, 60)
    if _at(a, k + 1) != 47 or _at(a, k + 2) != name or _at(a, k + 3) != 62:
        return -1
    return k


@jit
def fnv(a, s, e, h):
    """A 64-bit hash of ``a[s:e]`` continuing from ``h``: eight bytes at a time, each word
    mixed by a multiply and a shift (FNV-1a for the last few bytes)."""
    i = s
    while i + 8 <= e:
        w = (
            np.uint64(a[i])
            | (np.uint64(a[i + 1]) << np.uint64(8))
            | (np.uint64(a[i + 2]) << np.uint64(16))
            | (np.uint64(a[i + 3]) << np.uint64(24))
            | (np.uint64(a[i + 4]) << np.uint64(32))
            | (np.uint64(a[i + 5]) << np.uint64(40))
            | (np.uint64(a[i + 6]) << np.uint64(48))
            | (np.uint64(a[i + 7]) << np.uint64(56))
        )
        h = (h ^ w) * WORD_PRIME
        h ^= h >> np.uint64(31)
        i += 8
    while i < e:
        h = (h ^ np.uint64(a[i])) * FNV_PRIME
        i += 1
    return h


@jit
def mix(x):
    """The splitmix64 finaliser: every input bit moves every output bit."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@jit
def cell_digest(row, col, tcode, content):
    """The digest term of one cell: its position, type code and content hash."""
    return mix(content + np.uint64(tcode) * np.uint64(0x9FB21C651E98DF25) + mix(np.uint64(row * 16384 + col)))


@jit
def value_content(a, s, e, tcode, sst_h):
    """Content hash of a value text ``a[s:e]`` of type ``tcode``: a shared-string index
    hashes as the string it names (``sst_h``), so renumbering the table changes nothing."""
    if tcode == 1:  # t="s"
        k = _uint(a, s, e)
        if k < 0 or k >= sst_h.shape[0]:
            return BAD_SST
        return sst_h[k]
    return fnv(a, s, e, FNV_OFFSET)


@jit
def formula_content(a, ts, te, v, vts, vte):
    """Content hash of a formula cell's cached value: its raw ``t=`` attribute (``a[ts:te]``,
    none when ``ts < 0``) and raw ``<v>`` text (``v[vts:vte]``, none when ``vts < 0``) —
    exactly the bytes a recalculation compares before it rewrites the cell, so an
    unchanged digest means an unchanged cached value.  (Formulas themselves are checked
    by grouping, :mod:`storeops.engine._groups`.)"""
    h = FNV_OFFSET
    if ts >= 0:
        h = fnv(a, ts, te, h)
    if vts >= 0:
        return fnv(v, vts, vte, h ^ V_TEXT)
    return h ^ NO_VALUE


@jit
def _grow(rec):
    out = np.empty((rec.shape[0] * 2 + 16, rec.shape[1]), rec.dtype)
    out[: rec.shape[0]] = rec
    return out


@jit
def _tcode(a, s, e):
    n = e - s
    if n == 1:
        c = a[s]
        if c == 115:
            return 1  # s
        if c == 98:
            return 3  # b
        if c == 101:
            return 4  # e
        if c == 110:
            return 0  # n
        if c == 100:
            return 6  # d
        return 7
    if n == 3 and a[s] == 115 and a[s + 1] == 116 and a[s + 2] == 114:
        return 2  # str
    if n == 9 and a[s] == 105 and a[s + 1] == 110 and a[s + 6] == 83:
        return 5  # inlineStr
    return 7


@jit
def _fkind(a, s, e):
    n = e - s
    if n == 6 and a[s] == 110:
        return 0  # normal
    if n == 6 and a[s] == 115:
        return 1  # shared
    if n == 5 and a[s] == 97:
        return 2  # array
    if n == 9 and a[s] == 100:
        return 3  # dataTable
    return 4


@jit
def _uint(a, s, e):
    v = 0
    if s >= e:
        return -1
    for i in range(s, e):
        c = int(a[i])  # int(): plain-Python mode must not do uint8 arithmetic
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@jit
def _uints_kernel(a, starts, ends, out):
    for k in range(starts.shape[0]):
        out[k] = _uint(a, starts[k], ends[k])


def uints(xml: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The unsigned integers written at ``xml[starts[k]:ends[k]]`` (plain digits; -1 for
    anything else), in one compiled pass.

    >>> uints(b"<v>12</v><v>x</v><v>7</v>", np.array([3, 12, 20]), np.array([5, 13, 21])).tolist()
    [12, -1, 7]
    """
    out = np.empty(len(starts), np.int64)
    _uints_kernel(np.frombuffer(xml, np.uint8), np.asarray(starts), np.asarray(ends), out)
    return out


@jit
def _attrs(a, j, hi, out):
    """Parse the attributes of a start tag from ``j`` (after the element name).

    ``out`` receives: [0] tag close index ('>' or the '/' of '/>'), [1] self-closing,
    [2,3] value span of r, [4,5] value span of s, [6,7] value span of t, [8] start of the
    whitespace before t (attribute span start), [9] end of the t attribute,
    [10,11] value span of si, [12] ref present.  Returns -1 on malformed input.
    """
    for q in range(out.shape[0]):
        out[q] = -1
    out[12] = 0
    while True:
        ws_start = j
        j = _skip_ws(a, j, hi)
        if j >= hi:
            return -1
        c = a[j]
        if c == 62:  # '>'
            out[0] = j
            out[1] = 0
            return j + 1
        if c == 47:  # '/>'
            if _at(a, j + 1) != 62:
                return -1
            out[0] = j
            out[1] = 1
            return j + 2
        ns = j
        while j < hi and a[j] != 61 and not _delim(a[j]):
            j += 1
        ne = j
        if ne == ns:
            return -1
        j = _skip_ws(a, j, hi)
        if j >= hi or a[j] != 61:
            return -1
        j = _skip_ws(a, j + 1, hi)
        if j >= hi:
            return -1
        q = a[j]
        if q != 34 and q != 39:
            return -1
        vs = j + 1
        j = vs
        while j < hi and a[j] != q:
            j += 1
        if j >= hi:
            return -1
        ve = j
        j += 1
        if ne - ns == 1:
            n0 = a[ns]
            if n0 == 114:
                out[2] = vs
                out[3] = ve
            elif n0 == 115:
                out[4] = vs
                out[5] = ve
            elif n0 == 116:
                out[6] = vs
                out[7] = ve
                out[8] = ws_start
                out[9] = j
        elif ne - ns == 2 and a[ns] == 115 and a[ns + 1] == 105:
            out[10] = vs
            out[11] = ve
        elif ne - ns == 3 and a[ns] == 114 and a[ns + 1] == 101 and a[ns + 2] == 102:
            out[12] = 1


@jit
def _fast_cell_attrs(a, j, hi, out):
    """:func:`_attrs` for the usual ``<c r="…"[ s="…"][ t="…"]>`` layout; -2 for any other."""
    if j + 8 >= hi or not (a[j] == 32 and a[j + 1] == 114 and a[j + 2] == 61 and a[j + 3] == 34):
        return -2
    for q in range(4, 13):
        out[q] = -1
    out[12] = 0
    out[2] = j + 4
    k = _find(a, j + 4, hi, 34)
    out[3] = k
    k += 1
    if k + 4 < hi and a[k] == 32 and a[k + 1] == 115 and a[k + 2] == 61 and a[k + 3] == 34:  # s="
        out[4] = k + 4
        k = _find(a, k + 4, hi, 34)
        out[5] = k
        k += 1
    if k + 4 < hi and a[k] == 32 and a[k + 1] == 116 and a[k + 2] == 61 and a[k + 3] == 34:  # t="
        out[8] = k
        out[6] = k + 4
        k = _find(a, k + 4, hi, 34)
        out[7] = k
        k += 1
        out[9] = k
    if k + 1 >= hi:
        return -2
    if a[k] == 62:
        out[0] = k
        out[1] = 0
        return k + 1
    if a[k] == 47 and a[k + 1] == 62:
        out[0] = k
        out[1] = 1
        return k + 2
    return -2


@jit
def _end_of(a, k, hi):
    """Index after the end of the element starting at ``k`` (``<name …/>`` or ``<name …>…</name>``,
    no nesting of the same name), or -1."""
    j = k + 1
    ns = j
    while j < hi and not _delim(a[j]):
        j += 1
    ne = j
    nl = ne - ns
    while j < hi and a[j] != 62:
        j += 1
    if j >= hi:
        return -1
    if a[j - 1] == 47:
        return j + 1
    while True:
        j = _find(a, j + 1, hi, 60)
        if j >= hi:
            return -1
        if _at(a, j + 1) == 47:
            same = True
            for q in range(nl):
                if _at(a, j + 2 + q) != a[ns + q]:
                    same = False
                    break
            if same and _at(a, j + 2 + nl) == 62:
                return j + 3 + nl


@jit
def _flush(acc, seen, touched, nt, block, kind, D, DS, nd):
    """Append the running sums of the ``nt`` touched columns as digest records; returns the new count."""
    for q in range(nt):
        c = touched[q]
        if nd == D.shape[0]:
            D = _grow(D)
            DS2 = np.empty(D.shape[0], np.uint64)
            DS2[: DS.shape[0]] = DS
            DS = DS2
        D[nd, D_COL] = c
        D[nd, D_BLOCK] = block
        D[nd, D_KIND] = kind
        DS[nd] = acc[c]
        acc[c] = np.uint64(0)
        seen[c] = False
        nd += 1
    return D, DS, nd


@jit
def scan_kernel(a, lo, hi, want, sst_h, shift, F, V, vrows):
    """Scan ``a[lo:hi]`` (the inside of ``<sheetData>``); see the module docstring.

    ``sst_h`` holds the content hash of every shared string (:func:`sst_hashes`) and
    ``shift`` the log2 of the digests' block of rows (-1: no digests); ``F``/``V`` are the
    arrays the formula and value records are written to (as many as expected: more grow
    them, as new arrays).  ``vrows[c] = (first, last)`` declares the cells of column ``c``
    in those rows formula cells (:data:`FK_VIRTUAL`) when they hold a value element and no
    formula (``(0, -1)``: none).  Returns (formula records, count,
    value records, count, digest records, digest sums, count, last row, error position
    or -1).  ``F`` has :data:`NF`, :data:`GROUP_FIELDS` or :data:`NARROW_FIELDS` fields
    (the fields after those are not recorded).
    """
    fwidth = F.shape[1]
    D = np.empty((64, 3), np.int32)
    DS = np.empty(64, np.uint64)
    nf = 0
    nv = 0
    nd = 0
    acc_in = np.zeros(MAX_COL + 1, np.uint64)
    acc_f = np.zeros(MAX_COL + 1, np.uint64)
    touched_in = np.empty(MAX_COL + 1, np.int64)
    touched_f = np.empty(MAX_COL + 1, np.int64)
    seen_in = np.zeros(MAX_COL + 1, np.bool_)
    seen_f = np.zeros(MAX_COL + 1, np.bool_)
    n_in = 0
    n_f = 0
    cur_block = -1
    max_row = 0
    at = np.empty(13, np.int64)
    fat = np.empty(13, np.int64)
    cur_row = 0
    last_col = 0
    i = lo
    while True:
        i = _find(a, i, hi, 60)
        if i >= hi:
            break
        c1 = _at(a, i + 1)
        if c1 == 99 and _delim(_at(a, i + 2)):  # <c
            p = i
            j = _fast_cell_attrs(a, i + 2, hi, at)
            if j == -2:
                j = _attrs(a, i + 2, hi, at)
            if j < 0:
                return F, nf, V, nv, D, DS, nd, max_row, p
            col = 0
            row = 0
            if at[2] >= 0:
                q = at[2]
                while q < at[3] and 65 <= (a[q] & 0xDF) <= 90:
                    col = col * 26 + (int(a[q]) & 0xDF) - 64
                    q += 1
                row = _uint(a, q, at[3])
                if col == 0 or row <= 0 or col > MAX_COL:
                    return F, nf, V, nv, D, DS, nd, max_row, p
            else:
                col = last_col + 1
                row = cur_row
                if row <= 0 or col > MAX_COL:
                    return F, nf, V, nv, D, DS, nd, max_row, p
            last_col = col
            if row > max_row:
                max_row = row
            tcode = 0 if at[6] < 0 else _tcode(a, at[6], at[7])
            style = 0 if at[4] < 0 else _uint(a, at[4], at[5])
            if style < 0:
                style = 0
            tagc = at[0]
            fs = -1
            fe = -1
            fts = -1
            fte = -1
            fkind = 0
            si = -1
            fref = 0
            vs = -1
            ve = -1
            vts = -1
            vte = -1
            iss = -1
            ise = -1
            if at[1] == 1:
                cend = j
            else:
                k = j
                cend = -1
                while True:
                    k = _skip_ws(a, k, hi)
                    if k >= hi or a[k] != 60:
                        return F, nf, V, nv, D, DS, nd, max_row, p
                    d1 = _at(a, k + 1)
                    if d1 == 47:  # </c>
                        if _at(a, k + 2) != 99 or _at(a, k + 3) != 62:
                            return F, nf, V, nv, D, DS, nd, max_row, p
                        cend = k + 4
                        break
                    # <f> and <v> are parsed by similar branches written out in full: one shared
                    # helper (even inlined) made the whole scan about 15 % slower (measured).
                    if d1 == 102 and _delim(_at(a, k + 2)):  # <f> or <f …>
                        fs = k
                        if _at(a, k + 2) == 62:  # <f> (the common case)
                            k += 3
                            fat[1] = 0
                        else:
                            k = _attrs(a, k + 2, hi, fat)
                            if k < 0:
                                return F, nf, V, nv, D, DS, nd, max_row, p
                            if fat[6] >= 0:
                                fkind = _fkind(a, fat[6], fat[7])
                            if fat[10] >= 0:
                                si = _uint(a, fat[10], fat[11])
                            fref = fat[12]
                        fts = k
                        fte = k if fat[1] == 1 else _close_tag(a, k, hi, 102)
                        if fte < 0:
                            return F, nf, V, nv, D, DS, nd, max_row, p
                        fe = k if fat[1] == 1 else fte + 4
                        k = fe
                    elif d1 == 118 and _delim(_at(a, k + 2)):  # <v> or <v …>
                        vs = k
                        if _at(a, k + 2) == 62:  # <v> (the common case)
                            k += 3
                            fat[1] = 0
                        else:
                            k = _attrs(a, k + 2, hi, fat)
                            if k < 0:
                                return F, nf, V, nv, D, DS, nd, max_row, p
                        if fat[1] == 1:
                            ve = k
                        else:
                            vts = k
                            vte = _close_tag(a, k, hi, 118)
                            if vte < 0:
                                return F, nf, V, nv, D, DS, nd, max_row, p
                            ve = vte + 4
                            k = ve
                    elif d1 == 105 and _at(a, k + 2) == 115 and _delim(_at(a, k + 3)):  # <is
                        iss = k
                        k = _end_of(a, k, hi)
                        if k < 0:
                            return F, nf, V, nv, D, DS, nd, max_row, p
                        ise = k
                    else:  # <extLst> or another child: skip the element
                        k = _end_of(a, k, hi)
                        if k < 0:
                            return F, nf, V, nv, D, DS, nd, max_row, p
            virtual = fs < 0 and vs >= 0 and vrows[col, 0] <= row <= vrows[col, 1]
            if virtual:  # a formula cell without its formula (see vrows)
                fs = cend
                fe = cend
                fkind = 5  # FK_VIRTUAL
            if shift >= 0:  # shift -1: no digests (a sheet whose digests the caller knows)
                # ---- digests: a new block of rows flushes the running sums
                block = row >> shift
                if block != cur_block:
                    D, DS, nd = _flush(acc_in, seen_in, touched_in, n_in, cur_block, DK_INPUT, D, DS, nd)
                    D, DS, nd = _flush(acc_f, seen_f, touched_f, n_f, cur_block, DK_FORMULA, D, DS, nd)
                    n_in = 0
                    n_f = 0
                    cur_block = block
                if fs >= 0:  # a formula: the raw bytes a rewrite would replace (see formula_content)
                    if not seen_f[col]:
                        seen_f[col] = True
                        touched_f[n_f] = col
                        n_f += 1
                    ts = at[8] if at[6] >= 0 else -1
                    acc_f[col] += cell_digest(row, col, 0, formula_content(a, ts, at[9], a, vts, vte))
                    content = NO_VALUE
                elif vts >= 0:
                    content = value_content(a, vts, vte, tcode, sst_h)
                elif iss >= 0:
                    content = fnv(a, iss, ise, FNV_OFFSET)
                elif vs >= 0:  # <v/>
                    content = FNV_OFFSET
                else:
                    content = NO_VALUE
                if content != NO_VALUE:  # an input cell with a value (a styled blank counts as nothing)
                    if not seen_in[col]:
                        seen_in[col] = True
                        touched_in[n_in] = col
                        n_in += 1
                    acc_in[col] += cell_digest(row, col, tcode, content)
            # ---- records
            if fs >= 0:
                if nf == F.shape[0]:
                    F = _grow(F)
                F[nf, F_COL] = col
                F[nf, F_ROW] = row
                F[nf, F_TAGC] = tagc
                F[nf, F_TS] = at[8] if at[6] >= 0 else -1
                F[nf, F_TE] = at[9] if at[6] >= 0 else -1
                F[nf, F_FKIND] = fkind
                if fwidth > F_SI:
                    F[nf, F_FTS] = fts
                    F[nf, F_FTE] = fte
                    F[nf, F_SI] = si
                if fwidth > F_TCODE:
                    F[nf, F_CSTART] = p
                    F[nf, F_RS] = at[2]
                    F[nf, F_RE] = at[3]
                    F[nf, F_FS] = fs
                    F[nf, F_FE] = fe
                    F[nf, F_FREF] = fref
                    F[nf, F_TCODE] = tcode
                if vs >= 0:
                    F[nf, F_VS] = vs
                    F[nf, F_VE] = ve
                elif iss >= 0:
                    F[nf, F_VS] = iss
                    F[nf, F_VE] = ise
                else:  # no value: a new <v> goes right after </f> (schema order: f, v, is, extLst)
                    F[nf, F_VS] = -1
                    F[nf, F_VE] = fe
                F[nf, F_VTS] = vts
                F[nf, F_VTE] = vte
                F[nf, F_CEND] = cend
                nf += 1
            if col <= want.shape[0] - 1 and want[col] and (want[col] == 1 or fs < 0):
                if nv == V.shape[0]:
                    V = _grow(V)
                V[nv, V_COL] = col
                V[nv, V_ROW] = row
                V[nv, V_STYLE] = style
                V[nv, V_TCODE] = tcode
                V[nv, V_VTS] = vts
                V[nv, V_VTE] = vte
                V[nv, V_ISS] = iss
                V[nv, V_ISE] = ise
                V[nv, V_HASF] = nf if fs >= 0 else 0  # 1 + index of the formula record (nf already counts it)
                nv += 1
            i = cend
        elif c1 == 114 and _at(a, i + 2) == 111 and _at(a, i + 3) == 119 and _delim(_at(a, i + 4)):  # <row
            j = _attrs(a, i + 4, hi, at)
            if j < 0:
                return F, nf, V, nv, D, DS, nd, max_row, i
            if at[2] >= 0:
                r = _uint(a, at[2], at[3])
                if r <= 0:
                    return F, nf, V, nv, D, DS, nd, max_row, i
                cur_row = r
            else:
                cur_row += 1
            last_col = 0
            i = j
        elif c1 == 33:  # <!-- comment --> (or another declaration)
            if _at(a, i + 2) == 45 and _at(a, i + 3) == 45:
                j = i + 4
                while j + 2 < hi and not (a[j] == 45 and a[j + 1] == 45 and a[j + 2] == 62):
                    j += 1
                if j + 2 >= hi:  # the comment does not end inside the range
                    return F, nf, V, nv, D, DS, nd, max_row, i
                i = j + 3
            else:
                return F, nf, V, nv, D, DS, nd, max_row, i
        else:
            i += 1
    D, DS, nd = _flush(acc_in, seen_in, touched_in, n_in, cur_block, DK_INPUT, D, DS, nd)
    D, DS, nd = _flush(acc_f, seen_f, touched_f, n_f, cur_block, DK_FORMULA, D, DS, nd)
    return F, nf, V, nv, D, DS, nd, max_row, -1


@jit
def split_kernel(V, colmask, live_f):
    """Value records of the columns in ``colmask``, split in two new record arrays: the ones
    to convert now, and the formula cells whose formula record index is marked in
    ``live_f`` (their group recomputes them)."""
    n = V.shape[0]
    n_take = 0
    n_defer = 0
    kind = np.zeros(n, np.int8)
    for i in range(n):
        live = V[i, 8] > 0 and live_f[V[i, 8] - 1]
        c = V[i, 0]
        if c < colmask.shape[0] and colmask[c]:
            if live:
                kind[i] = 2
                n_defer += 1
            else:
                kind[i] = 1
                n_take += 1
    take = np.empty((n_take, V.shape[1]), V.dtype)
    defer = np.empty((n_defer, V.shape[1]), V.dtype)
    t = 0
    d = 0
    for i in range(n):
        if kind[i] == 1:
            take[t] = V[i]
            t += 1
        elif kind[i] == 2:
            defer[d] = V[i]
            d += 1
    return take, defer


# --------------------------------------------------------------------------- python side
class ScanError(Exception):
    """The sheet XML has a layout the scanner does not handle (the caller falls back)."""


@dataclass
class SheetScan:
    """Result of :func:`scan_sheet`: record arrays (see the ``F_*`` / ``V_*`` indexes), the
    cell digests (:class:`~storeops.xlsx._digest.Digests`) and the last row holding a cell."""

    formulas: np.ndarray
    values: np.ndarray
    digests: Digests = field(default_factory=Digests.empty)
    max_row: int = 0
    cols: set[int] | None = None  # the columns of ``values`` (None: all)
    formula_values: bool = True  # whether ``values`` holds the formula cells' cached values too


def sheet_data_span(xml: bytes) -> tuple[int, int]:
    """Byte range inside ``<sheetData>…</sheetData>`` ((0, 0) when there is none)."""
    lo = xml.find(b"<sheetData")
    if lo < 0:
        return 0, 0
    gt = xml.find(b">", lo)
    if gt < 0 or xml[gt - 1 : gt] == b"/":
        return 0, 0
    hi = xml.rfind(b"</sheetData>")  # near the end: search from there
    if hi < gt:
        raise ScanError("no </sheetData>")
    return gt + 1, hi


def want_mask(cols, formula_values: bool = True) -> np.ndarray:
    """Column-number mask for :func:`scan_sheet` (``None`` = every column): 1 for every
    cell of the column, 2 for its cells without a formula (``formula_values=False``)."""
    m = np.zeros(MAX_COL + 1, np.uint8)
    w = 1 if formula_values else 2
    if cols is None:
        m[1:] = w
    else:
        for c in cols:
            if 1 <= c <= MAX_COL:
                m[c] = w
    return m


NO_SST = np.zeros(0, np.uint64)


def virtual_rows(spans: dict[int, tuple[int, int]] | None = None) -> np.ndarray:
    """The ``vrows`` of :func:`scan_kernel`: column → (first, last) row of its cells that
    are formula cells without a formula in the file (:data:`FK_VIRTUAL`)."""
    out = np.zeros((MAX_COL + 1, 2), np.int32)
    out[:, 0] = 1  # first > last: none
    for c, (first, last) in (spans or {}).items():
        if 1 <= c <= MAX_COL:
            out[c] = (first, last)
    return out


NO_VIRTUAL = virtual_rows()


def scan_sheet(
    xml: bytes,
    cols=None,
    limit: int | None = None,
    *,
    sst_hashes: np.ndarray | None = None,
    shift: int = 0,
    pool=None,
    virtual: dict[int, tuple[int, int]] | None = None,
    formula_values: bool = True,
    fields: int = NF,
) -> SheetScan:
    """Formula cells (all) and value cells (of ``cols``, column numbers; ``None`` = all;
    with ``formula_values=False`` not the formula cells' cached values).

    With ``limit`` only the rows that end within the first ``limit`` bytes are scanned.
    ``sst_hashes`` (:func:`sst_hashes`) and ``shift`` (rows per digest block = 2^shift)
    shape the digests; ``shift=-1`` computes none (about a third of the scan's work: for a
    sheet whose digests the caller knows — empty ones are returned).  With a thread pool
    (``pool``, a ``concurrent.futures`` executor) a big sheet is scanned in two halves at
    once: the kernel releases the GIL.  ``virtual`` (column → (first, last) row) declares
    value cells formula cells (:func:`virtual_rows`).  The formula records have the first
    ``fields`` fields (:data:`NF`, :data:`GROUP_FIELDS` or :data:`NARROW_FIELDS`).  Raises
    :class:`ScanError` when the XML uses a layout the kernel does not handle.
    """
    return start_scan(
        xml,
        cols,
        limit,
        sst_hashes=sst_hashes,
        shift=shift,
        pool=pool,
        virtual=virtual,
        formula_values=formula_values,
        fields=fields,
    ).result()


class PendingScan:
    """A scan under way on a thread pool (:func:`start_scan`); ``result()`` waits for it."""

    def __init__(self, xml, a, lo, hi, want, sst_h, shift, cols, futures, vrows, formula_values=True, fwidth=NF):
        self.args = (xml, a, lo, hi, want, sst_h, shift, vrows, fwidth)
        self.cols = cols
        self.futures = futures
        self.formula_values = formula_values

    def result(self) -> SheetScan:
        xml, a, lo, hi, want, sst_h, shift, vrows, fwidth = self.args
        parts = None
        if self.futures:
            try:
                parts = [f.result() for f in self.futures]
            except ScanError:  # the split fell somewhere odd (or the sheet is bad): scan it whole
                parts = None
        if parts is None:
            parts = [
                _scan_part(
                    a, lo, hi, want, sst_h, shift, xml, vrows, *_records(*_estimate(a, lo, hi, want, vrows), fwidth)
                )
            ]
        nf = [len(p[0]) for p in parts]
        F = _join(parts, 0)
        for k in range(1, len(parts)):
            V = parts[k][1]
            V[V[:, V_HASF] > 0, V_HASF] += sum(nf[:k])  # formula indexes of the later parts
        V = _join(parts, 1)
        D = np.concatenate([p[2] for p in parts])
        dig = Digests.from_records(D, np.concatenate([p[3] for p in parts]), max(shift, 0))
        cols = None if self.cols is None else set(self.cols)
        return SheetScan(F, V, dig, max(p[4] for p in parts), cols, self.formula_values)


def _join(parts: list[list], i: int) -> np.ndarray:
    """Field ``i`` of the parts as one array.  The parts of a sheet scanned in pieces write
    into consecutive slices of one allocation (:func:`_records`): the later parts' records
    are moved down behind the first's, in place — no second copy of half a sheet's records
    (~170 MB on the reference's follow-up sheet) sits beside them.  A part that outgrew
    its slice has an array of its own: then the parts are copied into a new array, each let
    go as soon as it is copied."""
    if len(parts) == 1:
        out, parts[0][i] = parts[0][i], None
        return out
    arrays = [p[i] for p in parts]
    total = sum(len(x) for x in arrays)
    base = arrays[0].base
    if isinstance(base, np.ndarray) and all(_offset(base, x) is not None for x in arrays):
        flat = base.reshape(-1)
        width = base.shape[1]
        at = 0
        for p, x in zip(parts, arrays):
            off = _offset(base, x)
            assert off is not None and off >= at
            if off > at:
                _move_down(flat, at * width, off * width, len(x) * width)
            at += len(x)
            p[i] = None
        return base[:total]
    out = np.empty((total, *arrays[0].shape[1:]), arrays[0].dtype)
    del arrays
    at = 0
    for p in parts:
        n = len(p[i])
        out[at : at + n] = p[i]
        p[i] = None
        at += n
    return out


def _offset(base: np.ndarray, x: np.ndarray) -> int | None:
    """The first row of ``base`` that ``x`` (a slice of its rows) starts at; ``None`` when
    ``x`` is not such a slice."""
    if x.base is not base or not base.flags.c_contiguous or x.shape[1:] != base.shape[1:]:
        return None
    row = base.strides[0]
    delta = x.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return delta // row if delta % row == 0 and 0 <= delta // row <= base.shape[0] else None


@jit
def _move_down(flat, dst, src, n):
    """``flat[dst:dst+n] = flat[src:src+n]`` for ``dst <= src``, element by element from the
    front (the ranges may overlap)."""
    for k in range(n):
        flat[dst + k] = flat[src + k]


def _records(fcap: int, vcap: int, fwidth: int) -> tuple[np.ndarray, np.ndarray]:
    """Empty formula and value record arrays for this many records (pages are only taken
    from the system as records are written)."""
    return np.empty((max(fcap, 16), fwidth), np.int32), np.empty((max(vcap, 16), NV), np.int32)


def start_scan(
    xml: bytes,
    cols=None,
    limit: int | None = None,
    *,
    sst_hashes: np.ndarray | None = None,
    shift: int = 0,
    pool=None,
    virtual: dict[int, tuple[int, int]] | None = None,
    formula_values: bool = True,
    fields: int = NF,
) -> PendingScan:
    """:func:`scan_sheet` started on ``pool`` (when given): a big sheet in two halves."""
    if len(xml) >= 1 << 31:
        raise ScanError("sheet larger than 2 GiB")
    a = np.frombuffer(xml, dtype=np.uint8)
    lo, hi = sheet_data_span(xml)
    if limit is not None and hi - lo > limit:
        hi = max(xml.rfind(b"</row>", lo, lo + limit) + 6, lo)
    want = want_mask(cols, formula_values)
    sst_h = NO_SST if sst_hashes is None else sst_hashes
    vrows = NO_VIRTUAL if not virtual else virtual_rows(virtual)
    if fields not in (NARROW_FIELDS, GROUP_FIELDS, NF):
        raise ValueError(f"a scan records {NARROW_FIELDS}, {GROUP_FIELDS} or {NF} fields, not {fields}")
    fwidth = fields
    futures: list = []
    if pool is not None:
        mid = _split_point(xml, lo, hi) if hi - lo >= _SPLIT_MIN else -1
        spans = ((lo, mid), (mid, hi)) if mid >= 0 else ((lo, hi),)
        # the parts write into consecutive slices of one allocation, joined in place (_join)
        caps = [_estimate(a, x, y, want, vrows) for x, y in spans]
        F, V = _records(sum(c[0] for c in caps), sum(c[1] for c in caps), fwidth)
        futures = []
        fo = vo = 0
        for (x, y), (fc, vc) in zip(spans, caps):
            out = (F[fo : fo + fc], V[vo : vo + vc])
            futures.append(pool.submit(_scan_part, a, x, y, want, sst_h, shift, xml, vrows, *out))
            fo, vo = fo + fc, vo + vc
        del F, V
    return PendingScan(xml, a, lo, hi, want, sst_h, shift, cols, futures, vrows, formula_values, fwidth)


_SAMPLE = 1 << 20


def _estimate(a, lo: int, hi: int, want, vrows=NO_VIRTUAL) -> tuple[int, int]:
    """Records expected in ``a[lo:hi]`` (formula, value), from its first megabyte: the
    arrays are made that big at once instead of doubled again and again (each doubling
    copies everything so far — on a sheet at the row limit, hundreds of megabytes)."""
    if hi - lo <= 2 * _SAMPLE:
        return 1024, 1024
    end = max(_row_end(a, lo, lo + _SAMPLE), lo + 1)
    F, nf, V, nv, *_rest, err = scan_kernel(a, lo, end, want, NO_SST, 0, *_records(1024, 1024, NF), vrows)
    if err >= 0:
        return 1024, 1024
    scale = (hi - lo) / (end - lo)
    return int(nf * scale * 1.05) + 1024, int(nv * scale * 1.05) + 1024


def _row_end(a, lo: int, hi: int) -> int:
    """The end of the last ``</row>`` before ``hi`` (``lo`` when there is none)."""
    tail = bytes(a[max(lo, hi - 65536) : hi])
    k = tail.rfind(b"</row>")
    return lo if k < 0 else max(lo, hi - 65536) + k + 6


_SPLIT_MIN = 8 << 20  # smaller sheets are scanned in one go


def _split_point(xml: bytes, lo: int, hi: int) -> int:
    """A ``<row r="…"`` near the middle of ``xml[lo:hi]`` (-1 when there is none: rows
    without ``r=`` take their number from the rows before, so they cannot start a half)."""
    mid = xml.find(b'<row r="', (lo + hi) // 2, hi)
    return mid if mid > lo else -1


def _scan_part(a, lo, hi, want, sst_h, shift, xml, vrows, F, V):
    F, nf, V, nv, D, DS, nd, max_row, err = scan_kernel(a, lo, hi, want, sst_h, shift, F, V, vrows)
    if err >= 0:
        raise ScanError(f"unexpected XML at byte {err}: {xml[err : err + 60]!r}")
    return [F[:nf], V[:nv], D[:nd], DS[:nd], int(max_row)]


# --------------------------------------------------------------------------- shared strings
@jit
def _sst_hash_kernel(a):
    """FNV-1a of the bytes inside every ``<si>…</si>`` (``<si/>``: of nothing), in order."""
    cap = 1024
    out = np.empty(cap, np.uint64)
    n = 0
    i = 0
    hi = a.shape[0]
    while i + 3 < hi:
        if a[i] == 60 and a[i + 1] == 115 and a[i + 2] == 105 and (a[i + 3] == 62 or a[i + 3] == 47 or a[i + 3] == 32):
            j = i + 3
            while j < hi and a[j] != 62:
                j += 1
            h = np.uint64(0xCBF29CE484222325)
            if a[j - 1] != 47:  # not <si/>
                k = j + 1
                while k + 4 < hi and not (
                    a[k] == 60 and a[k + 1] == 47 and a[k + 2] == 115 and a[k + 3] == 105 and a[k + 4] == 62
                ):
                    h = (h ^ np.uint64(a[k])) * np.uint64(0x100000001B3)
                    k += 1
                j = k + 4
            if n == out.shape[0]:
                grown = np.empty(out.shape[0] * 2, np.uint64)
                grown[:n] = out[:n]
                out = grown
            out[n] = h
            n += 1
            i = j + 1
        else:
            i += 1
    return out[:n]


def sst_hashes(sst_xml: bytes | None, count: int) -> np.ndarray:
    """Content hash of each of the ``count`` shared strings in ``sst_xml`` (its raw ``<si>``
    markup: the same text written differently hashes differently, which only costs a
    recalculation).  When the markup cannot be matched to ``count`` strings, every
    string gets a hash of its position, which makes every shared-string cell look
    changed — safe, and slower only.
    """
    if not sst_xml:
        return np.zeros(0, np.uint64)
    with np.errstate(over="ignore"):
        h = _sst_hash_kernel(np.frombuffer(sst_xml, np.uint8))
    if len(h) != count:
        return np.arange(count, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(len(sst_xml))
    return h
