"""``ValueSink`` writes results of every kind so that a reader gets them back; ``make_groups``
puts row-relative copies of one formula into one group; the pure-Python kernels (no numba)
give the same workbook as the compiled ones."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from storeops.engine._encode import ValueSink
from storeops.engine._groups import make_groups
from storeops.xlsx._cells import XLErr, _regex_columns
from storeops.xlsx._scan import scan_sheet

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"
SST = ["a", "b", "", "c"]  # the empty string is shared string 2
EMPTY = 2


def _sheet(n: int, old: list[bytes] | None = None) -> bytes:
    """Column A numbers, column B formula cells in every old-value form, column C text."""
    forms = [
        b'<c r="B%d"><f>A%d*2</f><v>0</v></c>',
        b'<c r="B%d" t="str"><f>A%d*2</f><v>x</v></c>',
        b'<c r="B%d"><f>A%d*2</f></c>',
        b'<c r="B%d" t="s" s="3"><f>A%d*2</f><v>1</v></c>',
        b'<c r="B%d"><f>A%d*2</f><v/></c>',
        b'<c r="B%d" t="inlineStr"><f>A%d*2</f><is><t>q</t></is></c>',
        b'<c r="B%d" t="e"><f>A%d*2</f><v>#N/A</v></c>',
        b'<c r="B%d" t="b"><f>A%d*2</f><v>1</v></c>',
    ]
    rows = []
    for i in range(n):
        r = i + 2
        cell = forms[i % len(forms)] % (r, r)
        rows.append(b'<row r="%d"><c r="A%d"><v>%d</v></c>%s<c r="C%d" t="s"><v>0</v></c></row>' % (r, r, i, cell, r))
    return HEAD + b'<row r="1"><c r="A1" t="s"><v>3</v></c></row>' + b"".join(rows) + TAIL


def _write(values_parts: list, n: int, empty_ref: bytes = b"2") -> tuple[bytes, bytes]:
    xml = _sheet(n)
    F = scan_sheet(xml).formulas
    assert len(F) == n
    sink = ValueSink(empty_ref)
    start = 0
    order = np.random.default_rng(n).permutation(len(values_parts))  # groups come in any order
    bounds = []
    for v in values_parts:
        k = len(v) if isinstance(v, (list, np.ndarray)) else 1
        bounds.append((start, start + k))
        start += k
    for j in order.tolist():
        s, e = bounds[j]
        v = values_parts[j]
        sink.add(np.arange(s, e), v)
    assert len(sink) == n
    pieces = sink.write(xml, F)
    out = xml if pieces is None else b"".join(bytes(p) for p in pieces)
    return xml, out


def _read(out: bytes) -> list:
    cc = _regex_columns(out, SST, frozenset(), ["A", "B", "C"])
    assert cc["C"].values.tolist() == ["a"] * len(cc["C"].rows)  # the plain cells are untouched
    assert cc["A"].values.tolist() == ["c"] + [float(i) for i in range(len(cc["A"].rows) - 1)]
    b = cc["B"]
    assert b.rows.tolist() == list(range(2, len(b.rows) + 2))
    return b.values.tolist()


def _expect(v, blank):
    """What a reader must see for one result."""
    if v is None:
        return blank
    if isinstance(v, XLErr):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, str):
        return v if v else blank
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return blank
        v = v.astype("datetime64[us]").astype(dt.datetime)
    if isinstance(v, (dt.datetime, dt.date)):
        base = dt.datetime(1899, 12, 30) if isinstance(v, dt.datetime) else dt.date(1899, 12, 30)
        days = (v - base) / dt.timedelta(days=1)
        return days - 1 if days < 61 else days  # Excel's 1900 calendar has a 1900-02-29
    f = float(v)
    if math.isnan(f):
        return blank
    if math.isinf(f):
        return XLErr("#NUM!")
    return f


def _same(got, exp) -> bool:
    if type(exp) is float:
        return type(got) is float and got == exp and math.copysign(1, got) == math.copysign(1, exp)
    return got == exp and type(got) is type(exp)


def _check(parts: list, flat: list, empty_ref: bytes = b"2") -> bytes:
    xml, out = _write(parts, len(flat), empty_ref)
    got = _read(out)
    blank = "" if empty_ref else None
    for i, (g, v) in enumerate(zip(got, flat)):
        assert _same(g, _expect(v, blank)), (i, v, g)
    return out


def test_every_dtype_round_trips():
    parts = [
        np.array([1.5, np.nan, np.inf, -np.inf, -0.0, 1e-300, 46048.93402777778]),
        np.array([3, -7, 2**40], dtype=np.int64),
        np.array([7], dtype=np.uint8),
        np.array([True, False, True]),
        np.array(["2026-03-01T12:00", "NaT", "1900-01-01"], dtype="datetime64[ns]"),
        np.array(
            [
                "x & <y>",
                "",
                None,
                True,
                2.5,
                np.nan,
                np.inf,
                XLErr("#DIV/0!"),
                "张三",
                'q"',
                "tab\there",
                "ctrl\x01\x1f",
                "\u2028",
                np.float64(4.0),
                7,
                np.bool_(False),
                dt.date(2026, 1, 2),
                dt.datetime(2026, 1, 2, 6),
            ],
            dtype=object,
        ),
        3.25,
        "scalar",
        None,
        True,
        XLErr("#N/A"),
        np.float64(np.nan),
        float("-inf"),
        np.datetime64("2026-01-01"),
        np.array([np.nan, np.nan]),
        np.array([], dtype=np.float64),
    ]
    flat = []
    for p in parts:
        flat.extend(list(p) if isinstance(p, np.ndarray) else [p])
    out = _check(parts, flat)
    assert b"<v>#NUM!</v>" in out and b' t="s"' in out
    _check(parts, flat, empty_ref=b"")  # no shared strings part: blanks are t="str" with no text


@st.composite
def results(draw):
    n = draw(st.integers(1, 40))
    kind = draw(st.sampled_from(["f", "i", "b", "M", "O", "scalar"]))
    if kind == "f":
        return np.array(draw(st.lists(st.floats(), min_size=n, max_size=n)), np.float64)
    if kind == "i":
        return np.array(draw(st.lists(st.integers(-(2**53), 2**53), min_size=n, max_size=n)), np.int64)
    if kind == "b":
        return np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
    if kind == "M":
        days = draw(st.lists(st.one_of(st.integers(-20000, 80000), st.none()), min_size=n, max_size=n))
        return np.array(
            [np.datetime64("NaT") if d is None else np.datetime64("1970-01-01") + np.timedelta64(d, "D") for d in days],
            dtype="datetime64[ns]",
        )
    scalar = st.one_of(
        st.floats(),
        st.integers(-(10**12), 10**12),
        st.booleans(),
        st.none(),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="_\r"), max_size=6),
        st.sampled_from([XLErr("#N/A"), XLErr("#VALUE!"), ""]),
    )
    if kind == "scalar":
        return draw(scalar)
    out = np.empty(n, dtype=object)
    out[:] = draw(st.lists(scalar, min_size=n, max_size=n))
    return out


@settings(max_examples=120, deadline=None)
@given(st.lists(results(), min_size=1, max_size=6))
def test_value_sink_round_trips(parts):
    flat = []
    for p in parts:
        flat.extend(list(p) if isinstance(p, np.ndarray) else [p])
    _check(parts, flat)


def test_value_sink_nothing_to_do():
    xml = (
        HEAD + b'<row r="1"><c r="A1"><f>1</f><v>2.5</v></c><c r="B1" t="str"><f>"a"</f><v>a</v></c>'
        b'<c r="C1" t="s"><f>""</f><v>2</v></c></row>' + TAIL
    )
    F = scan_sheet(xml).formulas
    sink = ValueSink(b"2")
    assert sink.write(xml, F) is None  # nothing recorded
    sink.add(np.array([0]), np.array([2.5]))
    sink.add(np.array([1, 2]), np.array(["a", None], dtype=object))
    assert sink.write(xml, F) is None  # every value already there


# --------------------------------------------------------------------------- make_groups
def _fsheet(cells: list[tuple[int, str]], col: str = "C") -> bytes:
    body = b"".join(
        b'<row r="%d"><c r="%s%d"><f>%s</f><v>0</v></c></row>' % (r, col.encode(), r, f.encode()) for r, f in cells
    )
    return HEAD + body + TAIL


def _groups(xml: bytes):
    F = scan_sheet(xml).formulas
    groups, bad = make_groups("S", xml, F)
    return F, groups, bad


def test_make_groups_one_group_for_row_relative_formulas():
    xml = _fsheet([(r, f'IF(A{r}="","",A{r}*$B$1+B{r - 1}&amp;"x")') for r in range(2, 40)])
    F, groups, bad = _groups(xml)
    assert len(bad) == 0 and len(groups) == 1
    g = groups[0]
    assert g.rows.tolist() == list(range(2, 40)) and g.cell_index.tolist() == list(range(38))
    assert g.base_row == 2 and g.text == 'IF(A2="","",A2*$B$1+B1&"x")' and g.col == 3


def test_make_groups_splits_where_one_cell_differs():
    cells = [(r, f"A{r}*B{r}") for r in range(2, 21)]
    cells[8] = (10, "A10*B9")
    F, groups, bad = _groups(_fsheet(cells))
    assert len(bad) == 0
    by_rows = sorted((g.rows.tolist(), g.text) for g in groups)
    assert by_rows == [([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], "A2*B2"), ([10], "A10*B9")]
    for g in groups:
        assert [int(F[i, 1]) for i in g.cell_index] == g.rows.tolist()


def test_make_groups_columns_shared_and_orphans():
    xml = (
        HEAD
        + (
            b'<row r="2"><c r="C2"><f t="shared" ref="C2:D4" si="0">A2+1</f><v>1</v></c>'
            b'<c r="D2"><f t="shared" si="0"/><v>1</v></c><c r="E2"><f>SUM(A2:A9)</f></c></row>'
            b'<row r="3"><c r="C3"><f t="shared" si="0"/><v>1</v></c><c r="D3"><f t="shared" si="0"/></c>'
            b'<c r="E3"><f t="shared" si="7"/></c></row>'
            b'<row r="4"><c r="C4"><f t="dataTable" ref="C4" dt2D="0" r1="A1"/></c></row>'
        )
        + TAIL
    )
    F, groups, bad = _groups(xml)
    assert sorted(bad.tolist()) == [5, 6]  # the orphan child (si 7) and the data table
    summary = sorted((g.col, g.rows.tolist(), g.text) for g in groups)
    assert summary == [(3, [2], "A2+1"), (3, [3], "A2+1"), (4, [2, 3], "B2+1"), (5, [2], "SUM(A2:A9)")]


@st.composite
def shared_sheets(draw):
    """A sheet of formula columns C–E over rows 2–n, each written as one shared formula (Excel's
    fill-down) or cell by cell, with one cell then maybe changed: another text, or another
    shared formula's ``si``."""
    n = draw(st.integers(2, 8))
    kinds = draw(st.lists(st.booleans(), min_size=3, max_size=3))  # shared or not, per column
    cells: dict[tuple[int, int], bytes] = {}
    for k, shared in enumerate(kinds):
        col = "CDE"[k]
        for r in range(2, n + 1):
            text = b"A%d+%d" % (r, k)
            if not shared:
                cells[(r, k)] = b"<f>%s</f>" % text
            elif r == 2:
                cells[(r, k)] = b'<f t="shared" ref="%s2:%s%d" si="%d">%s</f>' % (
                    col.encode(),
                    col.encode(),
                    n,
                    k,
                    text,
                )
            else:
                cells[(r, k)] = b'<f t="shared" si="%d"/>' % k
    changed = dict(cells)
    how = draw(st.sampled_from(["none", "text", "si"]))
    r, k = draw(st.integers(2, n)), draw(st.integers(0, 2))
    if how == "text":
        changed[(r, k)] = b"<f>A%d*7</f>" % r
    elif how == "si" and r > 2:
        others = [j for j in range(3) if kinds[j] and j != k]
        if others:
            changed[(r, k)] = b'<f t="shared" si="%d"/>' % draw(st.sampled_from(others))

    def sheet(c):
        rows = b"".join(
            b'<row r="%d">' % r
            + b"".join(b'<c r="%s%d">%s<v>0</v></c>' % ("CDE"[k].encode(), r, c[(r, k)]) for k in range(3))
            + b"</row>"
            for r in range(2, n + 1)
        )
        return HEAD + rows + TAIL

    return sheet(cells), sheet(changed)


def _group_keys(groups) -> list:
    return sorted((g.col, g.rows.tolist(), g.base_row, g.text) for g in groups)


@settings(max_examples=200, deadline=None)
@given(shared_sheets())
def test_same_groups_holds_exactly_when_grouping_again_gives_the_same_groups(sheets):
    """``same_groups`` (a changed sheet keeps the groups the last write recorded, unchecked
    otherwise) says yes for a sheet's own groups — shared formulas too — and for an edited
    sheet exactly when grouping it again gives the same groups."""
    from storeops.engine._groups import same_groups

    before, after = sheets
    F0, groups, _bad = _groups(before)
    assert same_groups(before, F0, groups)
    F1, again, _bad = _groups(after)
    assert len(F1) == len(F0)  # every cell keeps a formula: the recorded cells are where they were
    assert same_groups(after, F1, groups) == (_group_keys(again) == _group_keys(groups))


def test_make_groups_empty():
    groups, bad = make_groups("S", HEAD + TAIL, scan_sheet(HEAD + TAIL).formulas)
    assert groups == [] and len(bad) == 0


# --------------------------------------------------------------------------- without numba
_RECALC = (
    "import datetime as dt, os, sys; from storeops.xlsx import _jit; "
    "assert _jit.HAVE_NUMBA == (os.environ.get('STOREOPS_NO_JIT') != '1'); from storeops.engine import recalc; "
    "print(recalc(sys.argv[1], progress=False, today=dt.date(2026, 3, 10)))"
)


def _cached(path: str) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def test_pure_python_recalc_matches_compiled(xlsm, tmp_path):
    a, b = str(tmp_path / "jit.xlsm"), str(tmp_path / "nojit.xlsm")
    shutil.copy(xlsm, a)
    shutil.copy(xlsm, b)
    for path, env in ((a, {}), (b, {"STOREOPS_NO_JIT": "1", "PYTHONWARNINGS": "ignore"})):
        r = subprocess.run(
            [sys.executable, "-c", _RECALC, path],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
    ca, cb = _cached(a), _cached(b)
    assert ca.keys() == cb.keys()
    assert any(isinstance(v, float) and v not in (0.0, 1.0) for v in ca.values())  # something was computed
    assert {k: v for k, v in ca.items() if cb[k] != v} == {}
