"""``scan_sheet`` on generated worksheets: every record field equals the position computed
while the XML was written, and malformed XML raises ``ScanError`` (never a crash or a hang).

The generator (:func:`gen_sheet`, also used by ``test_splice``) writes the layouts real
writers produce and a few they could: cells with and without ``r=``, attributes in any
order with either quote and whitespace around ``=``, ``>`` inside attribute values,
whitespace and newlines between and inside cells, every ``<f>`` form (plain, shared
master/child, array, dataTable, ``ca=``), ``<v>``, ``<v/>``, ``<v></v>``, ``<v xml:space=…>``,
inline strings, ``<extLst>`` children and comments (holding fake cells) between rows and cells.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.xlsx._cells import col_letters, escape
from storeops.xlsx._scan import (
    F_CEND,
    F_COL,
    F_CSTART,
    F_FE,
    F_FIELDS,
    F_FKIND,
    F_FS,
    F_FTE,
    F_FTS,
    F_ROW,
    F_SI,
    F_TE,
    F_TS,
    FK_ARRAY,
    FK_DATATABLE,
    FK_NORMAL,
    FK_OTHER,
    FK_SHARED,
    GROUP_FIELDS,
    NARROW_FIELDS,
    NF,
    NV,
    T_B,
    T_D,
    T_E,
    T_INLINE,
    T_N,
    T_OTHER,
    T_S,
    T_STR,
    V_FIELDS,
    V_HASF,
    ScanError,
    scan_sheet,
    sheet_data_span,
    want_mask,
)

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1:C3"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>'
)
TAIL = (
    b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
)
#: the scanner's code of each ``t=`` value a generated cell may carry (unknown ones: T_OTHER)
TCODES = {"n": T_N, "s": T_S, "str": T_STR, "b": T_B, "e": T_E, "inlineStr": T_INLINE, "d": T_D}
TCODES |= {"x": T_OTHER, "": T_OTHER, "strx": T_OTHER}
#: the scanner's code of each generated ``<f>`` form
FKINDS = {
    "master": FK_SHARED,
    "child": FK_SHARED,
    "array": FK_ARRAY,
    "ca": FK_NORMAL,
    "table": FK_DATATABLE,
    "normal": FK_NORMAL,
    "odd": FK_OTHER,
}


def _vrec(**fields: int) -> list[int]:
    """A value record, its fields in the scanner's order (:data:`V_FIELDS`)."""
    return [fields[k] for k in V_FIELDS]


WS = [b"", b" ", b"\n", b"\r\n  ", b"\t"]
FTEXT = "ABCxyz0123456789()$:,.+-*/ 张三&<>\"'%\n"


@dataclass
class Cell:
    """One generated cell: expected F record (or None) and V record."""

    col: int
    row: int
    f: list | None
    v: list
    has_t: bool
    vkind: str  # none, v, v/, v-empty, v-attr, is
    ext: bool


@dataclass
class Sheet:
    xml: bytes
    cells: list[Cell] = field(default_factory=list)

    @property
    def F(self) -> np.ndarray:
        return np.array([c.f for c in self.cells if c.f is not None], np.int64).reshape(-1, NF)

    def V(self, cols=None) -> np.ndarray:
        """Expected value records; the last field is 1 + the index of the cell's formula record (0: none)."""
        rows, fi = [], 0
        for c in self.cells:
            v = list(c.v)
            if c.f is not None:
                fi += 1
                v[-1] = fi
            if cols is None or c.col in cols:
                rows.append(v)
        return np.array(rows, np.int64).reshape(-1, NV)


class _Out:
    def __init__(self):
        self.parts: list[bytes] = []
        self.pos = 0

    def put(self, b: bytes) -> int:
        at = self.pos
        self.parts.append(b)
        self.pos += len(b)
        return at


def _text(rng: random.Random, alphabet: str, n: int) -> bytes:
    return escape("".join(rng.choice(alphabet) for _ in range(rng.randint(0, n)))).encode("utf-8")


def _attrs(o: _Out, rng: random.Random, attrs: list[tuple[bytes, bytes]], quote_ok: bool = True) -> dict:
    """Write attributes in the given order; returns {name: (ws start, value start, value end, end)}."""
    spans = {}
    for name, value in attrs:
        ws0 = o.pos
        o.put(rng.choice([b" ", b" ", b"  ", b"\n", b"\t", b"\r\n "]))
        o.put(name + rng.choice([b"=", b"=", b" = ", b"\n="]))
        q = b"'" if quote_ok and rng.random() < 0.3 and b"'" not in value else b'"'
        vs = o.put(q + value) + 1
        ve = o.pos
        o.put(q)
        spans[name] = (ws0, vs, ve, o.pos)
    o.put(rng.choice([b"", b"", b" ", b"\n"]))
    return spans


def gen_sheet(seed: int, n_rows: int = 8, formula_share: float = 0.6, ext: bool = True) -> Sheet:
    """A worksheet and, per cell, the records ``scan_sheet`` must give (in document order)."""
    rng = random.Random(seed)
    o = _Out()
    o.put(HEAD)
    cells: list[Cell] = []
    cur = 0
    for _ in range(rng.randint(0, n_rows)):
        o.put(rng.choice(WS))
        if rng.random() < 0.2:
            o.put(b'<!-- note <c r="ZZ9"><f>X1</f><v>1</v></c> <row r="999"> -->')
            o.put(rng.choice(WS))
        explicit = rng.random() < 0.75
        cur = cur + rng.randint(1, 300) if explicit else cur + 1
        ra = [(b"spans", b"1:3"), (b"ht", b"15"), (b"customHeight", b"1")]
        ra = rng.sample(ra, rng.randint(0, 3)) + ([(b"r", str(cur).encode())] if explicit else [])
        rng.shuffle(ra)
        o.put(b"<row")
        _attrs(o, rng, ra)
        ncells = rng.randint(0, 6)
        if not ncells and rng.random() < 0.5:
            o.put(b"/>")
            continue
        o.put(b">")
        last = 0
        for _ in range(ncells):
            o.put(rng.choice(WS))
            if rng.random() < 0.1:
                o.put(b"<!--<c r='A1'/>-->" + rng.choice(WS))
            cells.append(_gen_cell(o, rng, cur, last, formula_share, ext))
            last = cells[-1].col
        o.put(rng.choice(WS) + b"</row>")
    o.put(rng.choice(WS))
    o.put(TAIL)
    return Sheet(b"".join(o.parts), cells)


def _gen_cell(o: _Out, rng: random.Random, row: int, last: int, formula_share: float, ext: bool) -> Cell:
    explicit = rng.random() < 0.75 or last >= 16384  # (an implied column 16385 is tested apart)
    col = last + 1
    if explicit:
        col = (
            rng.choice([last + 1, last + rng.randint(1, 30), 26, 27, 702, 703, 16384])
            if rng.random() < 0.3
            else last + rng.randint(1, 3)
        )
        col = min(max(col, 1), 16384)
    has_f = rng.random() < formula_share
    t = rng.choice(["", "", "s", "str", "n", "b", "e", "inlineStr", "d", "x"]) if rng.random() < 0.7 else None
    s = rng.choice([b"0", b"3", b"12", b"x", b""]) if rng.random() < 0.5 else None
    attrs = [(b"r", (col_letters(col) + str(row)).encode())] if explicit else []
    if t is not None:
        attrs.append((b"t", t.encode()))
    if s is not None:
        attrs.append((b"s", s))
    attrs += rng.sample([(b"cm", b"1"), (b"ph", b"1"), (b"foo", b"a>b/c"), (b"vm", b"2")], rng.randint(0, 2))
    rng.shuffle(attrs)
    cstart = o.put(b"<c")
    sp = _attrs(o, rng, attrs)
    rs, re_ = (sp[b"r"][1], sp[b"r"][2]) if explicit else (-1, -1)
    ts, te = (sp[b"t"][0], sp[b"t"][3]) if t is not None else (-1, -1)
    style = int(s) if s and s.isdigit() else 0
    tcode = TCODES[t] if t is not None else T_N
    if not has_f and rng.random() < 0.3:  # self-closing
        tagc = o.put(b"/>")
        v = _vrec(col=col, row=row, style=style, tcode=tcode, vts=-1, vte=-1, iss=-1, ise=-1, hasf=0)
        return Cell(col, row, None, v, t is not None, "none", False)
    tagc = o.put(b">")
    fs = fe = fts = fte = -1
    fkind, si, fref = FK_NORMAL, -1, 0
    if has_f:
        o.put(rng.choice(WS))
        form = rng.choice(["plain", "plain", "empty", "master", "child", "array", "ca", "table", "normal", "odd"])
        text = _text(rng, FTEXT, 12)
        if form in ("plain", "empty"):
            fs = o.put(b"<f>")
            fts = o.pos
            o.put(text if form == "plain" else b"")
            fte = o.put(b"</f>")
            fe = o.pos
        else:
            fa = {
                "master": [(b"t", b"shared"), (b"ref", b"B2:B9"), (b"si", b"3")],
                "child": [(b"t", b"shared"), (b"si", b"0")],
                "array": [(b"t", b"array"), (b"ref", b"A1:A1")],
                "ca": [(b"ca", b"1")],
                "table": [(b"t", b"dataTable"), (b"ref", b"A1:B2"), (b"dt2D", b"1"), (b"r1", b"A1")],
                "normal": [(b"t", b"normal"), (b"si", b"x12")],
                "odd": [(b"t", b"weird"), (b"ref", b"A1")],
            }[form]
            rng.shuffle(fa)
            fkind = FKINDS[form]
            si = {"master": 3, "child": 0}.get(form, -1)
            fref = int(form in ("master", "array", "table", "odd"))
            fs = o.put(b"<f")
            _attrs(o, rng, fa)
            if form in ("child", "table"):
                o.put(b"/>")
                fts = fte = fe = o.pos
            else:
                fts = o.put(b">") + 1
                o.put(text)
                fte = o.put(b"</f>")
                fe = o.pos
    vkind = rng.choice(["none", "v", "v", "v/", "v-empty", "v-attr", "is"])
    vs = ve = vts = vte = iss = ise = -1
    if vkind != "none":
        o.put(rng.choice(WS))
    if vkind == "v":
        vs = o.put(b"<v>")
        vts = o.pos
        o.put(_text(rng, "0123456789.-eE#NA/!", 10))
        vte = o.put(b"</v>")
        ve = o.pos
    elif vkind == "v/":
        vs = o.put(b"<v/>")
        ve = o.pos
    elif vkind == "v-empty":
        vs = o.put(b"<v></v>")
        vts = vte = vs + 3
        ve = o.pos
    elif vkind == "v-attr":
        vs = o.put(b'<v xml:space="preserve">')
        vts = o.pos
        o.put(b" 12 ")
        vte = o.put(b"</v>")
        ve = o.pos
    elif vkind == "is":
        iss = o.put(
            rng.choice(
                [
                    b"<is><t>" + _text(rng, "ab 张&<", 6) + b"</t></is>",
                    b'<is><r><rPr><b/></rPr><t xml:space="preserve"> a</t></r><r><t>b</t></r></is>',
                    b"<is>\n<t/></is>",
                ]
            )
        )
        ise = o.pos
    has_ext = ext and rng.random() < 0.15
    if has_ext:
        o.put(
            rng.choice(WS)
            + b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><foo a="1"/><v>9</v></ext></extLst>'
        )
    o.put(rng.choice(WS))
    o.put(b"</c>")
    cend = o.pos
    v = _vrec(col=col, row=row, style=style, tcode=tcode, vts=vts, vte=vte, iss=iss, ise=ise, hasf=int(has_f))
    f = None
    if has_f:
        if vs >= 0:
            fvs, fve = vs, ve
        elif iss >= 0:
            fvs, fve = iss, ise
        else:
            fvs, fve = -1, fe  # a new <v> would go right after </f>
        named = {
            "col": col,
            "row": row,
            "cstart": cstart,
            "rs": rs,
            "re": re_,
            "tagc": tagc,
            "ts": ts,
            "te": te,
            "fs": fs,
            "fe": fe,
            "fts": fts,
            "fte": fte,
            "fkind": fkind,
            "si": si,
            "fref": fref,
            "vs": fvs,
            "ve": fve,
            "vts": vts,
            "vte": vte,
            "cend": cend,
            "tcode": tcode,
        }
        f = [named[k] for k in F_FIELDS]
    return Cell(col, row, f, v, t is not None, vkind, has_ext)


# --------------------------------------------------------------------------- tests
def _check(sheet: Sheet, cols=None) -> None:
    sc = scan_sheet(sheet.xml, cols)
    assert sc.formulas.shape[1] == NF and sc.values.shape[1] == NV
    F, V = sheet.F, sheet.V(cols)
    for i, (got, exp) in enumerate(zip(sc.formulas.tolist(), F.tolist())):
        assert got == exp, (i, got, exp, sheet.xml[exp[2] : exp[19]])
    assert len(sc.formulas) == len(F)
    assert sc.values.tolist() == V.tolist()
    x = sheet.xml
    for r in sc.formulas.tolist():  # spans point at the bytes they name
        assert x[r[F_CSTART] : r[F_CSTART] + 2] == b"<c" and x[r[F_CEND] - 4 : r[F_CEND]] in (b"</c>",)
        assert x[r[F_FS] : r[F_FS] + 2] == b"<f" and x[r[F_FE] - 1 : r[F_FE]] == b">"
        assert b"<" not in x[r[F_FTS] : r[F_FTE]]
        if r[F_TS] >= 0:
            assert x[r[F_TS] : r[F_TE]].strip().startswith(b"t")


@settings(max_examples=250, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_scan_generated_sheets_all_columns(seed):
    _check(gen_sheet(seed))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sets(st.integers(1, 40), max_size=6))
def test_scan_generated_sheets_some_columns(seed, cols):
    _check(gen_sheet(seed), cols)


def test_scan_big_sheet_grows_records():
    """More than the initial 1024 records: the arrays grow and stay in document order."""
    parts, exp = [], []
    for r in range(1, 1501):
        parts.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="str"><f>A{r}*2</f><v>x</v></c></row>')
        exp.append((2, r))
    xml = HEAD + "".join(parts).encode() + TAIL
    sc = scan_sheet(xml)
    assert [tuple(x) for x in sc.formulas[:, :2].tolist()] == exp
    assert len(sc.values) == 3000
    assert sc.values[:, 1].tolist() == [r for r in range(1, 1501) for _ in (0, 1)]


def test_scan_no_sheet_data():
    for xml in (b"<worksheet/>", b"<worksheet><sheetData/></worksheet>", b""):
        sc = scan_sheet(xml)
        assert len(sc.formulas) == 0 and len(sc.values) == 0
    assert sheet_data_span(b"<worksheet><sheetData/></worksheet>") == (0, 0)
    with pytest.raises(ScanError):
        scan_sheet(b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row>")


def test_want_mask():
    m = want_mask([1, 3, 0, 16385, 16384])
    assert m[1] == 1 and m[3] == 1 and m[16384] == 1 and m.sum() == 3
    assert want_mask(None)[1:].all() and want_mask(None)[0] == 0


BAD = [
    b'<row r="1"><c r="A0"><v>1</v></c></row>',  # row 0
    b'<row r="1"><c r="XFE1"><v>1</v></c></row>',  # column beyond XFD
    b'<row r="1"><c r="1A"><v>1</v></c></row>',  # no letters
    b'<row r="1"><c r="A1x"><v>1</v></c></row>',  # junk after the row
    b"<c><v>1</v></c>",  # no row at all
    b'<row r="0"><c><v>1</v></c></row>',  # row 0
    b'<row r="1"><c r="A1"><v><![CDATA[1]]></v></c></row>',
    b'<row r="1"><c r="A1"><f>1<2</f></c></row>',
    b'<row r="1"><c r="A1" t=s><v>1</v></c></row>',  # unquoted attribute
    b'<row r="1"><c r="A1" t="s><v>1</v></c></row>',  # unterminated quote
    b'<row r="1"><c r="A1"><v>1</v></row>',  # missing </c>
    b'<row r="1"><c r="A1"><v>1</v><x></c></row>',  # unclosed child
    b'<row r="1"><c r="A1">text<v>1</v></c></row>',  # text inside <c>
    b'<row r="1"><c r="A1"><f>A1</g></c></row>',
    b'<row r="1"><c r="A1" / ></c></row>',
    b'<row r="1"><c r="A1"><v>1</w></c></row>',
    b'<!DOCTYPE x><row r="1"></row>',
]


def test_scan_rejects_implied_column_beyond_xfd():
    with pytest.raises(ScanError):
        scan_sheet(HEAD + b'<row r="1"><c r="XFD1"><v>1</v></c><c><f>A1</f><v>2</v></c></row>' + TAIL)


@pytest.mark.parametrize("body", BAD)
def test_scan_rejects_malformed(body):
    with pytest.raises(ScanError):
        scan_sheet(HEAD + body + TAIL)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.data())
def test_scan_hostile_mutations_raise_scan_error_or_succeed(seed, data):
    sheet = gen_sheet(seed, n_rows=4)
    lo, hi = sheet_data_span(sheet.xml)
    x = bytearray(sheet.xml)
    for _ in range(data.draw(st.integers(1, 3))):
        at = min(data.draw(st.integers(lo, max(lo, hi - 1))), len(x) - 1)
        op = data.draw(st.sampled_from(["del", "ins", "set", "cut"]))
        b = data.draw(st.sampled_from(list(b"<>/\"'= -!ct1fv\x00\xff")))
        if op == "del":
            del x[at : at + 1]
        elif op == "ins":
            x[at:at] = bytes([b])
        elif op == "set":
            x[at] = b
        else:
            del x[at : at + data.draw(st.integers(1, 40))]
    if data.draw(st.booleans()):
        x = x[: data.draw(st.integers(0, len(x)))]  # sometimes cut the end off too
    try:
        sc = scan_sheet(bytes(x))
    except ScanError:
        return
    n = len(x)
    for r in sc.formulas.tolist():  # whatever it accepted stays inside the buffer
        assert 1 <= r[F_COL] <= 16384 and r[F_ROW] >= 1
        positions = (
            "tagc",
            "ts",
            "te",
            "vs",
            "ve",
            "vts",
            "vte",
            "cend",
            "cstart",
            "rs",
            "re",
            "fs",
            "fe",
            "fts",
            "fte",
        )
        assert all(-1 <= r[F_FIELDS.index(k)] <= n for k in positions)
    assert (sc.values[:, 0] >= 1).all() if len(sc.values) else True


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sets(st.integers(1, 8), max_size=6), st.booleans())
def test_a_scan_without_formula_values_keeps_every_other_record(seed, cols, every):
    """``formula_values=False`` (a full recalculation: it recomputes the formulas) leaves out
    exactly the value records of formula cells; the formula records and digests stay."""
    xml = gen_sheet(seed, n_rows=20).xml
    want = None if every else sorted(cols)
    try:
        whole = scan_sheet(xml, want)
    except ScanError:
        return
    lean = scan_sheet(xml, want, formula_values=False)
    assert lean.values.tolist() == whole.values[whole.values[:, V_HASF] == 0].tolist()
    assert lean.formulas.tolist() == whole.formulas.tolist()
    assert lean.digests.keys.tolist() == whole.digests.keys.tolist() and not lean.formula_values
    assert lean.digests.sums.tolist() == whole.digests.sums.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sets(st.integers(1, 8), max_size=6),
    st.booleans(),
    st.booleans(),
    st.sampled_from([NARROW_FIELDS, GROUP_FIELDS]),
)
def test_a_narrow_scan_is_the_first_fields_of_a_full_one(seed, cols, every, fvals, fields):
    """``fields=NARROW_FIELDS`` (an incremental recalculation of a sheet as StoreOps left it)
    or ``GROUP_FIELDS`` (every recalculation) records the first fields of every formula
    record — the same numbers — and the same value records and digests."""
    xml = gen_sheet(seed, n_rows=20).xml
    want = None if every else sorted(cols)
    try:
        whole = scan_sheet(xml, want, formula_values=fvals)
    except ScanError:
        with pytest.raises(ScanError):
            scan_sheet(xml, want, formula_values=fvals, fields=fields)
        return
    narrow = scan_sheet(xml, want, formula_values=fvals, fields=fields)
    assert narrow.formulas.shape == (len(whole.formulas), fields)
    assert narrow.formulas.tolist() == whole.formulas[:, :fields].tolist()
    assert NARROW_FIELDS > max(F_COL, F_ROW, F_FKIND, F_CEND)  # what writing and the recorded groups read
    assert GROUP_FIELDS > max(F_FKIND, F_FTS, F_FTE, F_SI)  # what grouping reads
    assert narrow.values.tolist() == whole.values.tolist()
    assert narrow.digests.keys.tolist() == whole.digests.keys.tolist()
    assert narrow.digests.sums.tolist() == whole.digests.sums.tolist()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sets(st.integers(1, 8), max_size=6), st.integers(0, 4))
def test_a_scan_without_digests_keeps_every_record(seed, cols, shift):
    """``shift=-1`` (a sheet as the last write left it: its digests are the recorded ones)
    computes no digests and the same formula and value records."""
    xml = gen_sheet(seed, n_rows=20).xml
    try:
        whole = scan_sheet(xml, sorted(cols), shift=shift)
    except ScanError:
        return
    bare = scan_sheet(xml, sorted(cols), shift=-1)
    assert bare.formulas.tolist() == whole.formulas.tolist() and bare.values.tolist() == whole.values.tolist()
    assert not len(bare.digests.keys) and bare.max_row == whole.max_row
