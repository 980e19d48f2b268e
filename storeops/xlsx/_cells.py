"""Cell addresses and fast byte-level access to worksheet XML.

Worksheets can hold millions of cells, so nothing here builds a DOM: cells are found
with byte regexes and converted column by column with numpy.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np

_COL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_index(letters: str | bytes) -> int:
    """'A' → 1, 'AB' → 28."""
    if isinstance(letters, bytes):
        letters = letters.decode()
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(index: int) -> str:
    """1 → 'A', 28 → 'AB'."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def parse_cell(ref: str) -> tuple[int, int]:
    """'$B$7' → (2, 7) as (column, row)."""
    m = _COL_RE.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return col_index(m.group(1)), int(m.group(2))


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:C10' → (1, 1, 3, 10); a single cell gives a 1×1 range."""
    a, _, b = ref.partition(":")
    c1, r1 = parse_cell(a)
    c2, r2 = parse_cell(b) if b else (c1, r1)
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def unescape(b: bytes) -> str:
    s = b.decode("utf-8")
    if "&" in s:
        s = html.unescape(s)
    if "_x" in s:
        s = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)
    return s


_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(s: str) -> str:
    """Text for an XML element/attribute (control characters as Excel's ``_xHHHH_``)."""
    s = s.translate(_ESC)
    if _CTRL.search(s):
        s = _CTRL.sub(lambda m: "_x%04X_" % ord(m.group(0)), s)
    return s


# --------------------------------------------------------------------------- value cells
#: one cell: column, row, attributes, cached/stored value, rest of the body (inline string)
CELL_RE = (rb'<c r="(%s)(\d+)"((?: [\w:]+="[^"]*")*)\s*(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?'
           rb'(?:<v>([^<]*)</v>|<v/>)?(.*?)</c>)')
_ATTR_T = re.compile(rb' t="(\w+)"')
_ATTR_S = re.compile(rb' s="(\d+)"')
_IS_T = re.compile(rb"<t(?: [^>]*)?>([^<]*)</t>")


class XLErr(str):
    """An Excel error value such as ``#N/A`` (a ``str`` subclass so it prints naturally)."""

    __slots__ = ()


@dataclass
class ColumnCells:
    """The stored cells of one column: rows, values (object), numbers (float, NaN when not
    a number), style ids, and whether every value is a number or blank."""

    rows: np.ndarray
    values: np.ndarray
    nums: np.ndarray
    styles: np.ndarray
    numeric: bool


_CELL_FAST = (rb'<c r="(%s)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?: [\w:]+="[^"]*")*\s*(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?'
              rb'(?:<v>([^<]*)</v>|<v/>|<is>(.*?)</is>)?</c>)')
_CHUNK = 8 << 20


def read_columns(sheet_xml: bytes, sst: list[str], date_styles: frozenset[int], cols: list[str] | None = None,
                 dates_as_datetime: bool = False) -> dict[str, ColumnCells]:
    """Stored values of the cells of ``cols`` (all columns when ``None``), column by column.

    Numbers are floats, texts ``str``, booleans ``bool``, errors :class:`XLErr`; with
    ``dates_as_datetime`` date-styled numbers become ``datetime``.  Formula cells
    give their cached value (``None`` when there is none).  Large sheets are scanned
    with numpy over the raw bytes (no Python object per cell until the values are
    converted); small or unusual ones with a byte regex.
    """
    if cols is not None and not cols:
        return {}
    if len(sheet_xml) >= _SCAN_MIN:
        try:
            return _scan_chunks(sheet_xml, sst, date_styles, cols, dates_as_datetime)
        except _NotScannable:
            pass
    return _regex_columns(sheet_xml, sst, date_styles, cols, dates_as_datetime)


def _regex_columns(sheet_xml: bytes, sst: list[str], date_styles: frozenset[int], cols: list[str] | None = None,
                   dates_as_datetime: bool = False) -> dict[str, ColumnCells]:
    """Stored values of the cells of ``cols`` (all columns when ``None``), column by column.

    Numbers are floats, texts ``str``, booleans ``bool``, errors :class:`XLErr`; with
    ``dates_as_datetime`` date-styled numbers become ``datetime``.  Formula cells
    give their cached value (``None`` when there is none).  The sheet is scanned in
    chunks of whole rows so memory stays bounded.
    """
    if cols is not None and not cols:
        return {}
    import pandas as pd

    pat = b"|".join(c.encode() for c in sorted(set(cols), key=len, reverse=True)) if cols else rb"[A-Z]{1,3}"
    rx = re.compile(_CELL_FAST % pat, re.S)
    sst_arr = np.array(list(sst) + [""], dtype=object)
    dates = np.array(sorted(date_styles), dtype=np.int64)
    parts: dict[str, list[ColumnCells]] = {}
    pos, n = 0, len(sheet_xml)
    while pos < n:
        end = sheet_xml.find(b"</row>", min(pos + _CHUNK, n))
        end = n if end < 0 else end + 6
        found = rx.findall(sheet_xml, pos, end)
        pos = end
        if not found:
            continue
        fcol, frow, fs, ft, fv, fis = zip(*found)
        del found
        codes, uniq = pd.factorize(pd.Series(fcol, dtype=object), sort=False)
        rows_all = np.array(frow, dtype="S").astype(np.int64)
        ts = np.array(ft, dtype=object)
        ts[ts == b""] = b"n"
        fs_arr = np.array(fs, dtype="S")
        styles = np.where(fs_arr == b"", b"0", fs_arr).astype(np.int64)
        fv_arr = np.array(fv, dtype=object)
        fis_arr = np.array(fis, dtype=object)
        order = np.argsort(codes, kind="stable")
        cuts = np.flatnonzero(np.diff(codes[order])) + 1
        for idx in np.split(order, cuts):
            if not len(idx):
                continue
            col = uniq[codes[idx[0]]].decode()
            parts.setdefault(col, []).append(_convert(rows_all[idx], ts[idx], styles[idx], fv_arr[idx], fis_arr[idx],
                                                      sst_arr, dates, dates_as_datetime))
    out = {}
    for col, chunks in parts.items():
        if len(chunks) == 1:
            out[col] = chunks[0]
        else:
            out[col] = ColumnCells(np.concatenate([c.rows for c in chunks]), np.concatenate([c.values for c in chunks]),
                                   np.concatenate([c.nums for c in chunks]), np.concatenate([c.styles for c in chunks]),
                                   all(c.numeric for c in chunks))
    return out


def _convert(rows, ts, styles, raw, rest, sst_arr, dates, dates_as_datetime) -> ColumnCells:
    n = len(rows)
    vals = np.full(n, None, dtype=object)
    nums = np.full(n, np.nan)
    has = raw != b""
    isn = (ts == b"n") & has
    numeric = True
    if isn.any():
        x = np.array(raw[isn].tolist(), dtype="S").astype(np.float64)
        nums[isn] = x
        obj = x.astype(object)
        if dates_as_datetime and dates.size:
            ds = np.isin(styles[isn], dates)
            if ds.any():
                from storeops_xl._coerce import serial_to_datetime64

                obj[ds] = serial_to_datetime64(x[ds]).astype("datetime64[us]").astype(object)
        vals[isn] = obj
    iss = (ts == b"s") & has
    if iss.any():
        idx = np.array(raw[iss].tolist(), dtype="S").astype(np.int64)
        idx[(idx < 0) | (idx >= len(sst_arr))] = len(sst_arr) - 1
        vals[iss] = sst_arr[idx]
        numeric = False
    other = np.flatnonzero(~isn & ~iss & (has | (rest != b"")))
    for i in other:
        t = ts[i]
        if t == b"str":
            vals[i] = unescape(raw[i])
        elif t == b"b":
            vals[i] = raw[i] == b"1"
        elif t == b"e":
            vals[i] = XLErr(raw[i].decode())
        elif t == b"inlineStr":
            r = rest[i]
            vals[i] = unescape(r[3:-4]) if r.startswith(b"<t>") and r.count(b"<t") == 1 else \
                "".join(unescape(x) for x in _IS_T.findall(r))
        elif t == b"d":
            vals[i] = raw[i].decode()
        else:
            continue
        numeric = False
    order = np.argsort(rows, kind="stable")
    if not (np.diff(rows) >= 0).all():
        rows, vals, nums, styles = rows[order], vals[order], nums[order], styles[order]
    return ColumnCells(rows, vals, nums, styles, numeric)


# --------------------------------------------------------------------------- numpy scanner
_SCAN_MIN = 1 << 20  # below this the regex reader is as fast
_SCAN_CHUNK = 16 << 20


class _NotScannable(Exception):
    """The sheet uses a layout the scanner does not handle: use the regex reader."""


def _find_attr(winT: np.ndarray, tag_len: np.ndarray, name: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Per column of ``winT`` (the bytes of a ``<c …>`` tag, transposed): offset of the value
    of attribute ``name`` (`` name="``) inside the tag, and whether it is there."""
    pat = b' ' + name + b'="'
    k = len(pat)
    w, n = winT.shape
    pos = np.full(n, -1, dtype=np.int64)
    for o in range(5, w - k):
        m = winT[o] == pat[0]
        if not m.any():
            continue
        for j in range(1, k):
            m &= winT[o + j] == pat[j]
        m &= pos < 0
        m &= o + k < tag_len
        pos[m] = o + k
    return pos, pos >= 0


def _digits(a: np.ndarray, start: np.ndarray, ok: np.ndarray, maxd: int = 9) -> np.ndarray:
    """Unsigned integer written in ``a`` at each ``start`` (until a non-digit)."""
    val = np.zeros(len(start), dtype=np.int64)
    going = ok.copy()
    last = len(a) - 1
    for _ in range(maxd):
        d = a[np.minimum(start, last)].astype(np.int64) - 48
        going &= (d >= 0) & (d <= 9) & (start <= last)
        if not going.any():
            break
        val[going] = val[going] * 10 + d[going]
        start = start + 1
    return val


def _slices(xml: bytes, a: np.ndarray, b: np.ndarray) -> list[bytes]:
    return [xml[i:j] for i, j in zip(a.tolist(), b.tolist())]


def _fixed(xml: bytes, sw: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The bytes ``xml[start:end]`` of each cell as a fixed-width ``S`` array, gathered
    with numpy when they are short (numbers, shared-string indexes)."""
    n_ok = len(sw) - 1
    width = int((end - start).max()) if len(start) else 0
    if not len(start) or width > sw.shape[1] or width == 0 or int(start.max()) > n_ok:
        return np.array(_slices(xml, start, end), dtype="S")
    m = sw[start, :width].copy()
    m[np.arange(width)[None, :] >= (end - start)[:, None]] = 0
    return m.view(f"S{width}").ravel()


def _scan_chunks(xml: bytes, sst: list[str], date_styles: frozenset[int], cols: list[str] | None,
                 dates_as_datetime: bool) -> dict[str, ColumnCells]:
    """:func:`_scan_columns` over chunks of whole rows, so the scanner's temporaries stay small."""
    parts: dict[str, list[ColumnCells]] = {}
    sst_arr = np.array(list(sst) + [""], dtype=object)
    pos, n = 0, len(xml)
    pad = b" " * 80
    while pos < n:
        end = xml.find(b"</row>", min(pos + _SCAN_CHUNK, n))
        end = n if end < 0 else end + 6
        got = _scan_columns(xml[pos:end] + pad, sst_arr, date_styles, cols, dates_as_datetime)
        pos = end
        for c, cc in got.items():
            parts.setdefault(c, []).append(cc)
    out = {}
    for col, chunks in parts.items():
        if len(chunks) == 1:
            out[col] = chunks[0]
        else:
            out[col] = ColumnCells(np.concatenate([c.rows for c in chunks]), np.concatenate([c.values for c in chunks]),
                                   np.concatenate([c.nums for c in chunks]), np.concatenate([c.styles for c in chunks]),
                                   all(c.numeric for c in chunks))
    return out


def _scan_columns(xml: bytes, sst: list[str], date_styles: frozenset[int], cols: list[str] | None,
                  dates_as_datetime: bool) -> dict[str, ColumnCells] | None:
    """The numpy version of :func:`read_columns` (same results); raises
    :class:`_NotScannable` when the sheet needs the regex reader."""
    from numpy.lib.stride_tricks import sliding_window_view

    a = np.frombuffer(xml, dtype=np.uint8)
    n = len(a)
    lt = np.flatnonzero(a == 60)  # '<'
    if not len(lt):
        return {}
    nxt1 = a[np.minimum(lt + 1, n - 1)]
    nxt2 = a[np.minimum(lt + 2, n - 1)]
    cell_i = np.flatnonzero((nxt1 == 99) & (nxt2 == 32))  # '<c '
    if not len(cell_i):
        return {}
    p = lt[cell_i]
    W = 10
    if ((p + 64) >= n).any():
        raise _NotScannable
    sw = sliding_window_view(a, 64)
    head = sw[p, :W].T  # (W, N)
    if not ((head[3] == 114) & (head[4] == 61) & (head[5] == 34)).all():  # r="
        raise _NotScannable  # cells without r= first: the regex reader decides
    L = np.zeros(len(p), dtype=np.int64)
    col = np.zeros(len(p), dtype=np.int64)
    going = np.ones(len(p), bool)
    for j in range(3):
        ch = head[6 + j].astype(np.int64)
        going &= (ch >= 65) & (ch <= 90)
        col[going] = col[going] * 26 + ch[going] - 64
        L += going
    if (L == 0).any():
        raise _NotScannable
    del head
    if cols is not None:
        want = np.array(sorted({col_index(c) for c in cols}), dtype=np.int64)
        sel = np.isin(col, want)
        p, col, L, cell_i = p[sel], col[sel], L[sel], cell_i[sel]
        if not len(p):
            return {}
    row = _digits(a, p + 6 + L, np.ones(len(p), bool), maxd=10)
    # the <c …> tag: its end (the byte before the next tag in compact XML) and its s= / t=
    nxt_tag = lt[np.minimum(cell_i + 1, len(lt) - 1)]
    tag_end = nxt_tag - 1
    if not (a[tag_end] == 62).all():
        raise _NotScannable  # whitespace between tags (pretty-printed): regex reader
    tag_len = tag_end - p
    tw = int(tag_len.max()) + 1
    if tw > 64:
        raise _NotScannable  # very long tags (many attributes): regex reader
    winT = np.ascontiguousarray(sw[p, :tw].T)  # (tw, N)
    self_closing = a[tag_end - 1] == 47  # '/'
    spos, has_s = _find_attr(winT, tag_len, b"s")
    styles = np.where(has_s, _digits(a, p + np.maximum(spos, 0), has_s), 0)
    tpos, has_t = _find_attr(winT, tag_len, b"t")
    del winT
    t0 = np.where(has_t, a[p + np.maximum(tpos, 0)], ord("n"))
    t1 = np.where(has_t, a[p + np.maximum(tpos, 0) + 1], ord('"'))
    # the next tag after the cell's head: <f …>, <v>, <is> or </c>
    nxt = cell_i + 1
    if (nxt >= len(lt)).any():
        raise _NotScannable
    k1, k2 = nxt1[nxt], nxt2[nxt]
    # skip a formula: <f …/> or <f …>text</f>
    isf = (~self_closing) & (k1 == 102) & ((k2 == 32) | (k2 == 62) | (k2 == 47))  # '<f ' '<f>' '<f/'
    if isf.any():
        after = lt[np.minimum(nxt[isf] + 1, len(lt) - 1)]  # the tag after <f…>
        f_self = (a[after - 1] == 62) & (a[after - 2] == 47)  # the <f …/> ends right before it
        nxt = nxt.copy()
        nxt[isf] = nxt[isf] + np.where(f_self, 1, 2)  # <f/> is one tag, <f>…</f> two
        if (nxt >= len(lt)).any():
            raise _NotScannable
        k1, k2 = nxt1[nxt], nxt2[nxt]
    has_v = (~self_closing) & (k1 == 118) & (k2 == 62)  # '<v>'
    is_inline = (~self_closing) & (k1 == 105) & (k2 == 115)  # '<is'
    vstart = lt[nxt] + 3
    vend = lt[np.minimum(nxt + 1, len(lt) - 1)]
    has_v &= vend > vstart  # <v></v> is no value
    # type codes: n number, s shared string, S str, b, e, i inlineStr, d date
    code = np.full(len(p), ord("n"), dtype=np.int64)
    code[has_t] = t0[has_t]
    code[(code == ord("s")) & (t1 == ord("t"))] = ord("S")
    vals = np.full(len(p), None, dtype=object)
    nums = np.full(len(p), np.nan)
    isn = has_v & (code == ord("n"))
    if isn.any():
        x = _fixed(xml, sw, vstart[isn], vend[isn]).astype(np.float64)
        nums[isn] = x
        obj = x.astype(object)
        if dates_as_datetime and date_styles:
            ds = np.isin(styles[isn], np.array(sorted(date_styles), dtype=np.int64))
            if ds.any():
                from storeops_xl._coerce import serial_to_datetime64

                obj[ds] = serial_to_datetime64(x[ds]).astype("datetime64[us]").astype(object)
        vals[isn] = obj
    iss = has_v & (code == ord("s"))
    if iss.any():
        sst_arr = sst if isinstance(sst, np.ndarray) else np.array(list(sst) + [""], dtype=object)
        idx = _fixed(xml, sw, vstart[iss], vend[iss]).astype(np.int64)
        idx[(idx < 0) | (idx >= len(sst_arr))] = len(sst_arr) - 1
        vals[iss] = sst_arr[idx]
    other = np.flatnonzero((has_v & ~isn & ~iss) | is_inline)
    if len(other):
        import pandas as pd

        oi = other[~is_inline[other]]
        if len(oi):
            raw = np.array(_slices(xml, vstart[oi], vend[oi]), dtype=object)
            codes_, uniq = pd.factorize(pd.Series(list(zip(code[oi].tolist(), raw.tolist())), dtype=object), sort=False)
            conv = np.empty(len(uniq), dtype=object)
            for u, (c, r) in enumerate(uniq):
                if c == ord("S"):
                    conv[u] = unescape(r)
                elif c == ord("b"):
                    conv[u] = r == b"1"
                elif c == ord("e"):
                    conv[u] = XLErr(r.decode())
                elif c == ord("d"):
                    conv[u] = r.decode()
                else:
                    conv[u] = None
            vals[oi] = conv[codes_]
        for i in other[is_inline[other]].tolist():
            if code[i] != ord("i"):
                continue
            cend = xml.find(b"</c>", int(p[i]))
            m = re.search(rb"<is>(.*?)</is>", xml[int(p[i]):cend], re.S)
            if not m:
                continue
            r = m.group(1)
            vals[i] = unescape(r[3:-4]) if r.startswith(b"<t>") and r.count(b"<t") == 1 else \
                "".join(unescape(x) for x in _IS_T.findall(r))
    numeric_cell = ~np.not_equal(vals, None) | isn
    out: dict[str, ColumnCells] = {}
    order = np.argsort(col, kind="stable")
    cuts = np.flatnonzero(np.diff(col[order])) + 1
    for idx in np.split(order, cuts):
        if not len(idx):
            continue
        r_ = row[idx]
        v_, n_, s_ = vals[idx], nums[idx], styles[idx]
        if not (np.diff(r_) >= 0).all():
            o = np.argsort(r_, kind="stable")
            r_, v_, n_, s_ = r_[o], v_[o], n_[o], s_[o]
        out[col_letters(int(col[idx[0]]))] = ColumnCells(r_, v_, n_, s_, bool(numeric_cell[idx].all()))
    return out
