"""Cell addresses and fast byte-level access to worksheet XML.

Worksheets can hold millions of cells, so nothing here builds a DOM: cells are found
with byte regexes and converted column by column with numpy.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1 << 14)
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
CELL_RE = (
    rb'<c r="(%s)(\d+)"((?: [\w:]+="[^"]*")*)\s*(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?'
    rb"(?:<v>([^<]*)</v>|<v/>)?(.*?)</c>)"
)
_ATTR_T = re.compile(rb' t="(\w+)"')
_ATTR_S = re.compile(rb' s="(\d+)"')
_IS_T = re.compile(rb"<t(?: [^>]*)?>([^<]*)</t>")


class XLErr(str):
    """An Excel error value such as ``#N/A`` (a ``str`` subclass so it prints naturally)."""

    __slots__ = ()


@dataclass
class ColumnCells:
    """The stored cells of one column: rows, values (object), numbers (float, NaN when not
    a number), style ids, and whether every value is a number or blank.  Read with
    ``objects=False``, a column of (nearly) only numbers has ``values=None`` and its few
    other values (a header, say) in ``sparse``."""

    rows: np.ndarray
    values: np.ndarray | None
    nums: np.ndarray
    styles: np.ndarray
    numeric: bool
    sparse: tuple[np.ndarray, np.ndarray] | None = None  # with values=None: (positions, values) of non-numbers

    @property
    def objects(self) -> np.ndarray:
        """``values`` of a column read with objects (as :func:`read_columns` reads every column)."""
        if self.values is None:
            raise ValueError("a column read with objects=False has no values: read nums and sparse")
        return self.values


_CELL_FAST = (
    rb'<c r="(%s)(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?: [\w:]+="[^"]*")*\s*(?:/>|>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?'
    rb"(?:<v>([^<]*)</v>|<v/>|<is>(.*?)</is>)?</c>)"
)
_CHUNK = 8 << 20


def replace_spans(xml: bytes, spans) -> bytes:
    """``xml`` with each span ``(start, end, new)`` (in document order, not overlapping;
    ``new`` ``None``: left as it is) replaced, built from views of ``xml``: one new copy of a
    big sheet, not its pieces and their join; ``xml`` itself when nothing changed."""
    view, at = memoryview(xml), 0
    out: list = []
    for start, end, new in spans:
        if new is not None:
            out += [view[at:start], new]
            at = end
    if not out:
        return xml
    out.append(view[at:])
    return b"".join(out)


def column_pattern(pattern: re.Pattern[bytes], cols) -> re.Pattern[bytes]:
    """``pattern`` (a cell pattern whose first group is the column letters, ``([A-Z]{1,3})``)
    for the cells of these columns only (column numbers): a pass over a big sheet then skips
    the other cells at the regular-expression engine's speed instead of a Python call each."""
    return _column_pattern(pattern.pattern, pattern.flags, tuple(sorted(col_letters(c).encode() for c in cols)))


@functools.lru_cache(maxsize=64)
def _column_pattern(source: bytes, flags: int, letters: tuple[bytes, ...]) -> re.Pattern[bytes]:
    ordered: list[bytes] = sorted(letters, key=len, reverse=True)  # "AN" tried before "A"
    if rb"([A-Z]{1,3})" not in source:
        raise ValueError("the pattern has no ([A-Z]{1,3}) column group")
    return re.compile(source.replace(rb"([A-Z]{1,3})", b"(" + b"|".join(ordered) + b")", 1), flags)


def read_columns(
    sheet_xml: bytes,
    sst: list[str],
    date_styles: frozenset[int],
    cols: list[str] | None = None,
    dates_as_datetime: bool = False,
) -> dict[str, ColumnCells]:
    """Stored values of the cells of ``cols`` (all columns when ``None``), column by column.

    Numbers are floats, texts ``str``, booleans ``bool``, errors :class:`XLErr`; with
    ``dates_as_datetime`` date-styled numbers become ``datetime``.  Formula cells
    give their cached value (``None`` when there is none).  Large sheets are scanned
    by the compiled scanner (no Python object per cell until the values are
    converted); small or unusual ones with a byte regex.
    """
    if cols is not None and not cols:
        return {}
    if len(sheet_xml) >= _SCAN_MIN:
        from ._scan import ScanError

        try:
            return _scan_read(sheet_xml, sst, date_styles, cols, dates_as_datetime)
        except ScanError:
            pass
    return _regex_columns(sheet_xml, sst, date_styles, cols, dates_as_datetime)


def _regex_columns(
    sheet_xml: bytes,
    sst: list[str],
    date_styles: frozenset[int],
    cols: list[str] | None = None,
    dates_as_datetime: bool = False,
) -> dict[str, ColumnCells]:
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
            parts.setdefault(col, []).append(
                _convert(
                    rows_all[idx], ts[idx], styles[idx], fv_arr[idx], fis_arr[idx], sst_arr, dates, dates_as_datetime
                )
            )
    out = {}
    for col, chunks in parts.items():
        if len(chunks) == 1:
            out[col] = chunks[0]
        else:
            out[col] = ColumnCells(
                np.concatenate([c.rows for c in chunks]),
                np.concatenate([c.values for c in chunks]),
                np.concatenate([c.nums for c in chunks]),
                np.concatenate([c.styles for c in chunks]),
                all(c.numeric for c in chunks),
            )
    return out


_TYPED = (b"str", b"b", b"e", b"d")


def typed_value(t: bytes, raw: bytes):
    """The stored ``<v>`` text ``raw`` of a cell of type ``t`` (``str``, ``b``, ``e``, ``d``);
    ``None`` for any other type."""
    if t == b"str":
        return unescape(raw)
    if t == b"b":
        return raw == b"1"
    if t == b"e":
        return XLErr(raw.decode())
    if t == b"d":
        return raw.decode()
    return None


def inline_text(body: bytes) -> str:
    """The text of an inline string's ``<is>`` body (rich-text runs joined)."""
    if body.startswith(b"<t>") and body.count(b"<t") == 1:
        return unescape(body[3:-4])
    return "".join(unescape(x) for x in _IS_T.findall(body))


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
                from storeops_xl.inputs import serial_to_datetime64

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
        if t in _TYPED:
            vals[i] = typed_value(t, raw[i])
        elif t == b"inlineStr":
            vals[i] = inline_text(rest[i])
        else:
            continue
        numeric = False
    order = np.argsort(rows, kind="stable")
    if not (np.diff(rows) >= 0).all():
        rows, vals, nums, styles = rows[order], vals[order], nums[order], styles[order]
    return ColumnCells(rows, vals, nums, styles, numeric)


# --------------------------------------------------------------------------- compiled scanner
_SCAN_MIN = 1 << 16  # below this the regex reader is as fast


def _scan_read(
    xml: bytes, sst: list[str], date_styles: frozenset[int], cols: list[str] | None, dates_as_datetime: bool
) -> dict[str, ColumnCells]:
    """:func:`read_columns` through the compiled scanner (:mod:`storeops.xlsx._scan`);
    raises :class:`~storeops.xlsx._scan.ScanError` on a layout it does not handle."""
    from ._scan import NARROW_FIELDS, scan_sheet

    V = scan_sheet(xml, None if cols is None else [col_index(c) for c in cols], fields=NARROW_FIELDS).values
    return records_to_columns(xml, V, sst, date_styles, dates_as_datetime)


def sst_array(sst: list[str]) -> np.ndarray:
    """The shared strings as an object array with "" appended (where a bad index points):
    what :func:`records_to_columns` takes instead of the list, to build it once."""
    return np.array(list(sst) + [""], dtype=object)


def records_to_columns(
    xml: bytes,
    V: np.ndarray,
    sst: list[str] | np.ndarray,  # or sst_array(sst), built once
    date_styles: frozenset[int],
    dates_as_datetime: bool = False,
    objects: bool = True,
) -> dict[str, ColumnCells]:
    """The value records ``V`` of :func:`storeops.xlsx._scan.scan_sheet` as columns.

    With ``objects=False`` a column holding (nearly) only numbers and blanks gets
    ``values=None`` and its few other values in ``sparse``, which saves one Python
    float per cell.
    """
    from ._numtext import parse_numbers
    from ._scan import (
        T_B,
        T_D,
        T_E,
        T_INLINE,
        T_N,
        T_S,
        T_STR,
        V_COL,
        V_ISE,
        V_ISS,
        V_ROW,
        V_STYLE,
        V_TCODE,
        V_VTE,
        V_VTS,
    )

    if not len(V):
        return {}
    a = np.frombuffer(xml, np.uint8)
    col, row, styles, code = V[:, V_COL], V[:, V_ROW], V[:, V_STYLE], V[:, V_TCODE]
    vts, vte = V[:, V_VTS], V[:, V_VTE]
    has_v = (vts >= 0) & (vte > vts)
    n = len(V)
    nums = np.full(n, np.nan)
    isn = has_v & (code == T_N)
    if isn.any():
        nums[isn] = parse_numbers(a, vts[isn], vte[isn])
    iss = has_v & (code == T_S)
    sidx = np.zeros(n, np.int64)
    sst_arr = sst if isinstance(sst, np.ndarray) else sst_array(sst)
    if iss.any():
        f = parse_numbers(a, vts[iss], vte[iss])
        bad = ~np.isfinite(f) | (f < 0) | (f >= len(sst_arr)) | (f != np.floor(f))
        sidx[iss] = np.where(bad, len(sst_arr) - 1, f).astype(np.int64)
    iis = code == T_INLINE
    other = np.flatnonzero((has_v & ~isn & ~iss & (code != T_INLINE)) | (iis & (V[:, V_ISS] >= 0)))
    numeric_cell = np.ones(n, bool)
    numeric_cell[iss] = False
    odd: dict[int, object] = {}
    if len(other):
        conv: dict[tuple[int, bytes], object] = {}
        for i in other.tolist():
            c = int(code[i])
            if c == T_INLINE:
                r = xml[xml.index(b">", int(V[i, V_ISS])) + 1 : int(V[i, V_ISE]) - 5]
                odd[i] = inline_text(r)
            else:
                raw = xml[int(vts[i]) : int(vte[i])]
                key = (c, raw)
                if key not in conv:
                    conv[key] = typed_value({T_STR: b"str", T_B: b"b", T_E: b"e", T_D: b"d"}.get(c, b""), raw)
                odd[i] = conv[key]
            numeric_cell[i] = odd[i] is None
    dates = np.array(sorted(date_styles), dtype=np.int64) if dates_as_datetime and date_styles else None
    out: dict[str, ColumnCells] = {}
    order = np.argsort(col, kind="stable")
    cuts = np.flatnonzero(np.diff(col[order])) + 1
    for idx in np.split(order, cuts):
        if not len(idx):
            continue
        nonnum = np.flatnonzero(~numeric_cell[idx])
        numeric = not len(nonnum)
        r_, n_, s_ = row[idx], nums[idx], styles[idx]
        sparse = None
        if not objects and len(nonnum) <= max(16, len(idx) >> 6):
            v_ = None
            if len(nonnum):
                sv = np.empty(len(nonnum), dtype=object)
                for k, i in enumerate(idx[nonnum].tolist()):
                    sv[k] = odd[i] if i in odd else sst_arr[sidx[i]] if iss[i] else None
                sparse = (nonnum, sv)
        else:
            v_ = np.full(len(idx), None, dtype=object)
            m = isn[idx]
            if m.any():
                obj = n_[m].astype(object)
                if dates is not None:
                    ds = np.isin(s_[m], dates)
                    if ds.any():
                        from storeops_xl.inputs import serial_to_datetime64

                        obj[ds] = serial_to_datetime64(n_[m][ds]).astype("datetime64[us]").astype(object)
                v_[m] = obj
            m = iss[idx]
            if m.any():
                v_[m] = sst_arr[sidx[idx][m]]
            if odd:
                for k, i in enumerate(idx.tolist()):
                    if i in odd:
                        v_[k] = odd[i]
        if not (np.diff(r_) >= 0).all():
            o = np.argsort(r_, kind="stable")
            r_, n_, s_ = r_[o], n_[o], s_[o]
            v_ = v_[o] if v_ is not None else None
            if sparse is not None:
                pos = np.empty(len(o), np.int64)
                pos[o] = np.arange(len(o))
                sparse = (pos[sparse[0]], sparse[1])
        out[col_letters(int(col[idx[0]]))] = ColumnCells(r_, v_, n_, s_, numeric, sparse)
    return out
