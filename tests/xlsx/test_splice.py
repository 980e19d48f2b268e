"""``match_template`` against the string it stands for, and ``splice`` on generated sheets:
only the ``t=`` attribute and the value of the rewritten cells change, the result is
well-formed XML, and writing the same values again changes nothing."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from storeops.xlsx._cells import escape
from storeops.xlsx._digest import DK_FORMULA, make_keys
from storeops.xlsx._numtext import format_floats
from storeops.xlsx._scan import (
    F_CEND,
    F_COL,
    F_CSTART,
    F_FE,
    F_FTE,
    F_FTS,
    F_ROW,
    F_TAGC,
    F_TE,
    F_TS,
    F_VE,
    F_VS,
    F_VTE,
    F_VTS,
    scan_sheet,
)
from storeops.xlsx._splice import T_ATTRS, digest_deltas, match_template, match_templates, splice
from xlsx.test_scan_kernel import HEAD, TAIL, gen_sheet

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


# --------------------------------------------------------------------------- match_template
def _expected(pieces: list[bytes], offs: tuple[int, ...], row: int) -> bytes | None:
    nums = [row + o for o in offs]
    if any(v <= 0 for v in nums):
        return None
    return pieces[0] + b"".join(str(v).encode() + p for v, p in zip(nums, pieces[1:]))


piece = st.binary(max_size=6).map(lambda b: bytes(c % 95 + 32 for c in b))  # printable ASCII, digits too


@st.composite
def templates(draw):
    n = draw(st.integers(1, 5))
    pieces = draw(st.lists(piece, min_size=n, max_size=n))
    offs = tuple(draw(st.lists(st.integers(-5, 40), min_size=n - 1, max_size=n - 1)))
    return pieces, offs


@settings(max_examples=300, deadline=None)
@given(
    templates(),
    st.lists(
        st.tuples(st.integers(1, 10**7), st.integers(0, 5), st.integers(0, 10**6), st.integers(0, 255)),
        min_size=1,
        max_size=30,
    ),
)
def test_match_template_equals_exact_comparison(tpl, cells):
    pieces, offs = tpl
    buf, ts, te, rows, want = bytearray(b"<x>"), [], [], [], []
    for row, how, other, byte in cells:
        text = _expected(pieces, offs, row)
        if how == 1 and text:  # change one byte
            k = byte % len(text)
            text = text[:k] + bytes([(text[k] + 1 + other % 254) % 256]) + text[k + 1 :]
        elif how == 2 and text:  # drop one byte
            k = byte % len(text)
            text = text[:k] + text[k + 1 :]
        elif how == 3 and text is not None:  # add one byte
            k = byte % (len(text) + 1)
            text = text[:k] + bytes([byte]) + text[k:]
        elif how == 4:  # another row's text
            text = _expected(pieces, offs, 1 + other)
        text = text if text is not None else bytes([byte]) * (other % 5)
        ts.append(len(buf))
        buf += text
        te.append(len(buf))
        rows.append(row)
        exp = _expected(pieces, offs, row)
        want.append(exp is not None and exp == text)
        buf += b"|"
    a = np.frombuffer(bytes(buf), np.uint8)
    got = match_template(a, np.array(ts), np.array(te), np.array(rows), pieces, offs)
    assert got.dtype == np.bool_
    assert got.tolist() == want


@settings(max_examples=40, deadline=None)
@given(templates(), templates(), st.lists(st.tuples(st.integers(1, 10**6), st.booleans(), st.booleans()), max_size=40))
def test_match_templates_in_two_halves_equals_one_pass(tpl1, tpl2, cells):
    """A big sheet's cells are checked in two halves on two threads: the same answers."""
    import storeops.xlsx._splice as splice_mod

    buf, ts, te, rows, tid = bytearray(), [], [], [], []
    for row, second, broken in cells:
        pieces, offs = tpl2 if second else tpl1
        exp = _expected(pieces, offs, row)
        text = exp if exp is not None else b"?"
        ts.append(len(buf))
        buf += text + (b"x" if broken else b"")
        te.append(len(buf))
        rows.append(row)
        tid.append(int(second))
    a = np.frombuffer(bytes(buf) or b"\0", np.uint8)
    args = (a, np.array(ts, np.int64), np.array(te, np.int64), np.array(rows, np.int64), np.array(tid, np.int64))
    one = match_templates(*args, [tpl1, tpl2])
    old = splice_mod.PARALLEL_CELLS
    splice_mod.PARALLEL_CELLS = 1
    try:
        two = match_templates(*args, [tpl1, tpl2])
    finally:
        splice_mod.PARALLEL_CELLS = old
    assert two.tolist() == one.tolist()
    want = [_expected(*(tpl2 if s else tpl1), r) for r, s, _b in cells]
    assert one.tolist() == [w is not None and w == buf[t0:t1] for w, t0, t1 in zip(want, ts, te)]


def test_match_template_docstring_cases_and_edges():
    x = b"CTR(F2,E2)CTR(F3,E3)CTR(F4,E9)=A10+B9=A1+B0"
    a = np.frombuffer(x, np.uint8)
    got = match_template(
        a, np.array([0, 10, 20]), np.array([10, 20, 30]), np.array([2, 3, 4]), [b"CTR(F", b",E", b")"], (0, 0)
    )
    assert got.tolist() == [True, True, False]
    got = match_template(
        a, np.array([30, 30, 37]), np.array([37, 37, 43]), np.array([10, 11, 1]), [b"=A", b"+B", b""], (0, -1)
    )
    assert got.tolist() == [True, False, False]  # B0 is no row: never matches
    # one piece, no number: plain equality; zero cells
    assert match_template(a, np.array([0]), np.array([4]), np.array([7]), [b"CTR("], ()).tolist() == [True]
    assert match_template(
        a, np.array([], np.int64), np.array([], np.int64), np.array([], np.int64), [b"x"], ()
    ).shape == (0,)
    # empty text against an empty template; digits right after a number
    b = np.frombuffer(b"1212", np.uint8)
    assert match_template(b, np.array([0, 0]), np.array([0, 4]), np.array([5, 12]), [b""], ()).tolist() == [True, False]
    assert match_template(b, np.array([0]), np.array([4]), np.array([12]), [b"", b"12"], (0,)).tolist() == [True]
    assert match_template(b, np.array([0]), np.array([4]), np.array([1]), [b"", b"212"], (0,)).tolist() == [True]
    assert match_template(b, np.array([0]), np.array([4]), np.array([121]), [b"", b"2"], (0,)).tolist() == [True]


# --------------------------------------------------------------------------- splice
T_NAMES = [None, "str", "s", "e", "b"]


def _join(pieces) -> bytes:
    out = []
    for p in pieces:  # each piece is only valid until the next one is asked for
        assert isinstance(p, memoryview)
        out.append(bytes(p))
    return b"".join(out)


def _cut(xml: bytes, F: np.ndarray, idx) -> list[bytes]:
    """The sheet with the given formula cells cut out."""
    parts, prev = [], 0
    for i in idx:
        parts.append(xml[prev : int(F[i, F_CSTART])])
        prev = int(F[i, F_CEND])
    return parts + [xml[prev:]]


def _skeleton(xml: bytes, r) -> tuple[list[bytes], bytes]:
    """A cell without its t= attribute and its value element: (start tag tokens, the rest)."""
    cs, tagc, ce = int(r[F_CSTART]), int(r[F_TAGC]), int(r[F_CEND])
    tag = xml[cs : r[F_TS]] + xml[r[F_TE] : tagc] if r[F_TS] >= 0 else xml[cs:tagc]
    body = xml[tagc : r[F_VS]] + xml[r[F_VE] : ce] if r[F_VS] >= 0 else xml[tagc:ce]
    return tag.split(), body


def _values(rng: random.Random, n: int):
    """n new values: (t code, kind, index) plus the number matrix and unique texts."""
    nums = [
        rng.choice([0.0, -0.0, 1.5, 46050.0, 1 / 3, -2.5e17, 1e-5, 5e-324, 0.1 + 0.2, float(rng.randint(0, 99))])
        for _ in range(max(n, 1))
    ]
    texts = sorted(
        {
            escape(
                rng.choice(
                    [
                        "",
                        "a",
                        "张三",
                        "x&y",
                        "<b>",
                        'say "hi"',
                        "#N/A",
                        "1",
                        "0",
                        " sp ",
                        "tab\t",
                        "ctrl\x01",
                        "#DIV/0!",
                    ]
                )
            )
            for _ in range(max(n, 1))
        }
    )
    ubytes = [t.encode("utf-8") for t in texts]
    uoff = np.zeros(len(ubytes) + 1, np.int64)
    uoff[1:] = np.cumsum([len(b) for b in ubytes])
    ubuf = np.frombuffer(b"".join(ubytes) or b"\0", np.uint8)
    tnew = np.array([rng.randrange(5) for _ in range(n)], np.int64)
    vkind = np.array([rng.randrange(2) for _ in range(n)], np.int64)
    vidx = np.array([rng.randrange(len(nums)) if k == 0 else rng.randrange(len(ubytes)) for k in vkind], np.int64)
    nummat, numlen = format_floats(np.array(nums))
    new = [bytes(nummat[j][: numlen[j]]) if k == 0 else ubytes[j] for k, j in zip(vkind.tolist(), vidx.tolist())]
    return tnew, vkind, vidx, nummat, numlen, ubuf, uoff, new


def _check_splice(sheet_xml: bytes, seed: int, chunk: int, share: float) -> None:
    rng = random.Random(seed)
    F = scan_sheet(sheet_xml).formulas
    cells = np.array(sorted(rng.sample(range(len(F)), int(len(F) * share))), np.int64)
    tnew, vkind, vidx, nummat, numlen, ubuf, uoff, new = _values(rng, len(cells))
    pieces = splice(sheet_xml, F, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, chunk=chunk)
    if pieces is None:  # only when every chosen cell already holds exactly this
        for k, i in enumerate(cells.tolist()):
            r = F[i]
            assert r[F_VTS] >= 0 and sheet_xml[r[F_VTS] : r[F_VTE]] == new[k]
            assert (sheet_xml[r[F_TS] : r[F_TE]] if r[F_TS] >= 0 else b"") == T_ATTRS[tnew[k]]
        return
    out = _join(pieces)
    root = etree.fromstring(out)  # well-formed
    F2 = scan_sheet(out).formulas
    assert len(F2) == len(F)
    # the digests of the new sheet follow from the old ones and the rewritten cells alone
    shift = rng.randrange(4)
    before, after = scan_sheet(sheet_xml, shift=shift).digests, scan_sheet(out, shift=shift).digests
    deltas = digest_deltas(sheet_xml, F, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff)
    keys = make_keys(DK_FORMULA, F[cells, F_COL], F[cells, F_ROW].astype(np.int64) >> shift)
    updated = before.add(keys, deltas)
    # (except where a t= went in after whitespace, ``<c r="A1"\n>``: the next scan reads the
    # attribute with that whitespace, and the cell counts as changed once more — see below)
    odd = [i for i in cells.tolist() if F[i, F_TS] < 0 and sheet_xml[F[i, F_TAGC] - 1] in b" \t\r\n"]
    odd_keys = set(make_keys(DK_FORMULA, F[odd, F_COL], F[odd, F_ROW].astype(np.int64) >> shift).tolist())
    assert set(updated.changed(after).tolist()) <= odd_keys
    # every byte outside the rewritten cells is unchanged
    assert _cut(out, F2, cells.tolist()) == _cut(sheet_xml, F, cells.tolist())
    for k, i in enumerate(cells.tolist()):
        r, r2 = F[i], F2[i]
        assert out[r2[F_VTS] : r2[F_VTE]] == new[k]
        t_attr = out[r2[F_TS] : r2[F_TE]] if r2[F_TS] >= 0 else b""
        if r[F_TS] >= 0:  # replaced in place
            assert t_attr == T_ATTRS[tnew[k]]
        else:  # added before the end of the start tag (after any whitespace there)
            assert t_attr.endswith(T_ATTRS[tnew[k]]) and not t_attr[: len(t_attr) - len(T_ATTRS[tnew[k]])].strip()
        if not r[F_VTS] >= 0 and r[F_VS] < 0:  # a new <v> right after </f> (schema order f, v, is, extLst)
            assert r2[F_VS] == r2[F_FE] and out[r2[F_VS] : r2[F_VE]] == b"<v>" + new[k] + b"</v>"
        assert out[r2[F_FTS] : r2[F_FTE]] == sheet_xml[r[F_FTS] : r[F_FTE]]
        assert _skeleton(out, r2) == _skeleton(sheet_xml, r)
    # the same, read by lxml: formula cells in document order
    fcells = [c for c in root.iter(NS + "c") if c.find(NS + "f") is not None]
    assert len(fcells) == len(F)
    for k, i in enumerate(cells.tolist()):
        c = fcells[i]
        assert c.get("t") == T_NAMES[tnew[k]]
        vs = c.findall(NS + "v")
        assert len(vs) == 1 and c.find(NS + "is") is None
        assert vs[0].text == etree.fromstring(b"<v>" + new[k] + b"</v>").text
    # writing the very same values again: nothing to do, except that a t= written after whitespace
    # (``<c r="A1"\n>``) is now ``\n t="s"`` and compares different once (then it is ` t="s"`)
    again = splice(out, F2, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, chunk=chunk)
    if again is not None:
        assert any(F[i, F_TS] < 0 and sheet_xml[F[i, F_TAGC] - 1] in b" \t\r\n" for i in cells.tolist())
        out = _join(again)
        F2 = scan_sheet(out).formulas
        again = splice(out, F2, cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff, chunk=chunk)
    assert again is None


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 7, 64, 300, 4 << 20]), st.sampled_from([1.0, 1.0, 0.5, 0.0]))
def test_splice_generated_sheets(seed, chunk, share):
    sheet = gen_sheet(seed, n_rows=10, formula_share=0.7, ext=False)
    _check_splice(sheet.xml, seed, chunk, share)


def test_splice_every_cell_form_small_chunks():
    body = (
        b'<row r="2"><c r="A2"><v>1</v></c>'
        b'<c r="B2" t="str"><f>A2&amp;"x"</f><v>old</v></c>'
        b'<c s="1" t="s" r="C2"><f>A2</f><v>0</v></c>'
        b"<c r='D2'><f>A2+1</f><v>1.5</v></c>"
        b'<c r="E2"><f>A2+2</f><v/></c>'
        b'<c r="F2">\n  <f>A2+3</f>\n</c>'
        b'<c r="G2" t="inlineStr"><f>A2+4</f><is><t>x</t></is></c>'
        b'<c r="H2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        b'<c r="I2"><f>A2</f><v></v></c>'
        b'<c r="J2" t="b"><f t="shared" ref="J2:J3" si="0">TRUE</f><v>1</v></c>'
        b'<c r="K2"/><c r="L2" t="s"><v>0</v></c></row>'
        b'<row r="3"><c r="J3" t="b"><f t="shared" si="0"/><v>1</v></c>'
        b'<c r="K3"><v xml:space="preserve">7</v></c>'
        b'<c r="M3"><f>1</f><v>3</v><extLst><ext uri="{X}"><foo/></ext></extLst></c></row>'
    )
    xml = HEAD + body + TAIL
    for seed in range(40):
        for chunk in (1, 2, 5, 33, 1000):
            _check_splice(xml, seed, chunk, 1.0)


def test_splice_unchanged_values_give_none():
    xml = HEAD + b'<row r="1"><c r="A1"><f>1+1</f><v>2.0</v></c><c r="B1" t="str"><f>"a"</f><v>a</v></c></row>' + TAIL
    F = scan_sheet(xml).formulas
    nummat, numlen = format_floats(np.array([2.0]))
    ubuf = np.frombuffer(b"a", np.uint8)
    uoff = np.array([0, 1])
    args = (np.array([0, 1]), np.array([0, 1]), np.array([0, 0]), nummat, numlen, ubuf, uoff)
    assert splice(xml, F, np.array([0, 1]), *args) is None
    assert (
        splice(
            xml,
            F,
            np.array([], np.int64),
            np.array([], np.int64),
            np.array([], np.int64),
            np.array([], np.int64),
            nummat,
            numlen,
            ubuf,
            uoff,
        )
        is None
    )
    # a different t= alone is a change
    out = _join(splice(xml, F, np.array([1]), np.array([2]), np.array([1]), np.array([0]), nummat, numlen, ubuf, uoff))
    assert b'<c r="B1" t="s"><f>"a"</f><v>a</v></c>' in out


def test_splice_new_value_goes_before_extlst():
    xml = HEAD + (b'<row r="1"><c r="A1"><f>1+1</f><extLst><ext uri="{X}"><foo/></ext></extLst></c></row>') + TAIL
    F = scan_sheet(xml).formulas
    nummat, numlen = format_floats(np.array([2.0]))
    out = _join(
        splice(
            xml,
            F,
            np.array([0]),
            np.array([0]),
            np.array([0]),
            np.array([0]),
            nummat,
            numlen,
            np.frombuffer(b"\0", np.uint8),
            np.array([0]),
        )
    )
    assert b"<f>1+1</f><v>2.0</v><extLst>" in out
