"""FUNNEL_DIAG's native twin (``storeops_xl.funnel_diag.native_columns``) equals the core
function, row by row, over the inputs the Funnel table allows: blanks, zeros, counts typed
as text, huge counts, ratios at the formatting boundaries (12.5 % written "0%"), cleared
settings and confidence 0 — evaluated by the headless engine (hypothesis) and by
LibreOffice (one file of drawn rows and boundary cases).  The numbers in its texts are
written by ``TEXT``: :func:`storeops_xl.xltext.xl_text` must write the same digits as our
engine's ``TEXT`` and LibreOffice's, and ``z_score`` must be ``NORM.S.INV``'s.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.engine._native.numfmt import format_value
from storeops_xl._stats import z_score
from storeops_xl.funnel_diag import NATIVE_HELPERS, funnel_diag, native_columns
from storeops_xl.xltext import xl_text

from .test_twins import engine_cells

PARAMS = (
    "impressions",
    "clicks",
    "visitors",
    "inquiries",
    "orders",
    "bounce",
    "bench_impressions",
    "bench_ctr",
    "bench_bounce",
    "bench_inquiry_rate",
    "bench_conversion",
    "min_impressions",
    "min_visitors",
    "confidence",
)
#: ratios whose percent text is a rounding tie (12.5 %, 0.125 %, 0.005 %) or near one
TIES = [0.125, 0.375, 0.00125, 0.00375, 0.0045, 0.005, 0.015, 0.135, 0.995, 0.0125, 0.6, 0.01, 0.03]

count = st.one_of(
    st.none(),
    st.just(0),
    st.integers(0, 5000),
    st.sampled_from([8, 16, 80, 400, 800, 1600, 8000, 30, 100, 99, 101]),
    st.integers(10**9, 10**15),
    st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
    st.integers(0, 999).map(str),
    st.sampled_from(["0", "3.5", " 7 ", "40.5", "2.5"]),
)
ratio = st.one_of(st.none(), st.sampled_from(TIES), st.floats(0, 1.2, allow_nan=False).map(lambda x: round(x, 4)))
bench = st.one_of(st.none(), st.sampled_from(TIES), st.floats(0.001, 0.9).map(lambda x: round(x, 4)))
bench_count = st.one_of(st.none(), st.sampled_from([200, 81, 1234.5, 2.5]), st.integers(1, 20000))
minimum = st.one_of(st.none(), st.sampled_from([0, 1, 30, 100, 1000, 2.5]))
confidence = st.one_of(st.none(), st.sampled_from([0, 0.5, 0.8, 0.9, 0.905, 0.95, 0.99, 0.9999, 1]))
ROW = st.tuples(
    count, count, count, count, count, ratio, bench_count, bench, bench, bench, bench, minimum, minimum, confidence
)
#: rows that hit every branch: each stage weak, unsure and without data, blanks, ties
EDGES = [
    (4378, 20, 130, 2, 1, None, *[None] * 8),
    (40, 1, 1, 0, None, None, *[None] * 8),
    (300, 4, 2, 0, 0, 1.0, *[None] * 8),
    (4378, 71, 130, 8, 2, None, *[None] * 8),
    (None, 5, 5, 5, 5, 0.5, *[None] * 8),
    (0, 0, 0, 0, 0, 0, *[None] * 8),
    (800, 1, 8, 0, None, 0.125, *[None] * 5, 0, 0, 0),
    (5000, 100, 80, 5, None, 0.8, *[None] * 8),
    (5000, 200, 400, 2, None, None, *[None] * 8),
    (20000, 400, 400, 20, 0, None, *[None] * 8),
    (5000, 10, 40, 2, None, None, None, None, None, 0.001, None, None, None, None),
    ("800", "1", " 7 ", "3.5", "2.5", None, *[None] * 5, None, None, 0.905),
    (10**15, 10**12, 10**13, 10**11, 10**10, 0.375, *[None] * 8),
    (1600, 2, 30, 0, 1, 0.995, 1234.5, 0.00125, 0.135, 0.0125, 0.0045, 100, 30, 0.9999),
    (150, 1, 0, 0, 0, 0.7, *[None] * 5, 100, 0, 0.9),
    (150, 1, 20, 1, 1, 0.7, *[None] * 5, 100, 30, 1),
]


def _letter(j: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(j)


def _write(ws, rows) -> list[str]:
    """Inputs in A:N, the helper columns and the diagnosis right of them; the result cells."""
    k = len(PARAMS)
    out = []
    for r, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, j, v)
            else:
                ws.write_number(r, j, v)
        args = {p: f"{_letter(j)}{r + 1}" for j, p in enumerate(PARAMS)}
        refs = {h: f"{_letter(k + i)}{r + 1}" for i, h in enumerate(NATIVE_HELPERS)}
        cols = native_columns(args, refs)
        for i, key in enumerate((*NATIVE_HELPERS, "diagnosis")):
            ws.write_formula(r, k + i, "=" + cols[key], None, "")  # no cached value: computed on open
        out.append(f"{_letter(k + len(NATIVE_HELPERS))}{r + 1}")
    return out


def _expected(rows) -> list:
    """The core, one call per row as Excel calls the UDF (a blank benchmark is the fallback)."""
    return [funnel_diag(*row) for row in rows]


def _same(want, got) -> bool:
    return (want or "") == (got or "")


def _engine(tmp_path, rows) -> list:
    return engine_cells(tmp_path / "funnel.xlsx", lambda ws: _write(ws, rows))


def test_twin_formulas_fit_every_client():
    """No LET, LAMBDA or dynamic arrays; each formula under Excel's 8,192 characters even
    with the Funnel table's structured references."""
    long_ref = "tblFunnel[[#This Row],[跳失率 Bounce]]"
    cols = native_columns({p: long_ref for p in PARAMS}, {h: long_ref for h in NATIVE_HELPERS})
    for key, text in cols.items():
        assert len(text) < 8192, (key, len(text))
        assert not any(f in text for f in ("LET(", "LAMBDA(", "FILTER(", "SEQUENCE(")), key


def test_twin_equals_core_on_the_edge_rows(tmp_path):
    got = _engine(tmp_path, EDGES)
    want = _expected(EDGES)
    bad = [(r, w, g) for r, w, g in zip(EDGES, want, got) if not _same(w, g)]
    assert not bad, bad[:3]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=40))
def test_twin_equals_core_in_the_engine(rows, tmp_path_factory):
    got = _engine(tmp_path_factory.mktemp("f"), rows)
    want = _expected(rows)
    bad = [(r, w, g) for r, w, g in zip(rows, want, got) if not _same(w, g)]
    assert not bad, bad[:3]


tie = st.one_of(
    st.sampled_from(TIES),
    st.integers(0, 5000).flatmap(lambda k: st.integers(max(k, 1), 50000).map(lambda n: k / n)),
    st.integers(0, 10**6).map(lambda k: k / 1000 + 0.0005),
    st.floats(0, 1e9, allow_nan=False),
    st.integers(0, 10**15).map(float),
)
#: (LibreOffice rounds a number of more than 15 significant digits from its exact binary
#: value, Excel and our engine from its 15 digits: no count or rate of the workbook has
#: that many, so the drawn numbers stay below 1e9 or are whole — as shown: a percentage
#: shows 100 times the number, so there below 1e7, see ``_shown_below_1e9``.)


def _shown_below_1e9(x: float, code: str) -> bool:
    """Whether the number ``TEXT`` shows for ``x`` with ``code`` is below 1e9 or whole (the
    numbers LibreOffice and Excel round alike), and — a percentage — not a decimal tie that
    100 times ``x`` in binary misses: LibreOffice scales in binary, so it shows
    ``TEXT(0.07275,"0.00%")`` (291/4000; 7.2749999… in binary) as 7.27%, where Excel, and the
    core, round the decimal 7.275 up to 7.28% (a CI run drew it)."""
    from decimal import Decimal

    shown = x * 100 if "%" in code else x
    if not (shown < 1e9 or (float(x).is_integer() and shown < 1e15)):
        return False
    if "%" not in code:
        return True
    scale = Decimal(10) ** (len(code.split(".")[1]) - 1 if "." in code else 0)
    decimal_tie = (Decimal(repr(x)) * 100 * scale) % 1 == Decimal("0.5")
    return not decimal_tie or (Decimal(shown) * scale) % 1 == Decimal("0.5")


@settings(max_examples=300, deadline=None)
@given(x=tie, code=st.sampled_from(["0", "0%", "0.00%"]))
def test_xl_text_writes_what_text_writes(x, code):
    """The core's numbers in texts are the engine's ``TEXT`` (LibreOffice: below)."""
    assert xl_text(x, code) == format_value(x, code)


def _confidences():
    return [0.0, 0.5, 0.8, 0.9, 0.905, 0.95, 0.975, 0.99, 0.999, 0.9999, 1.0, 1e-12, 0.123456789]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cs=st.lists(
        st.one_of(st.sampled_from(_confidences()), st.floats(0, 1).map(lambda x: round(x, 12))), min_size=1, max_size=20
    )
)
def test_z_is_norm_s_inv_in_the_engine(cs, tmp_path_factory):
    path = tmp_path_factory.mktemp("z") / "z.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("T")
    for r, c in enumerate(cs):
        ws.write_number(r, 0, c)
        cols = native_columns({"impressions": "C1", "confidence": f"A{r + 1}"}, {h: "Z1" for h in NATIVE_HELPERS})
        ws.write_formula(r, 1, "=" + cols["z"].replace('IF(C1="","",', 'IF(FALSE,"",', 1), None, "")
    wb.close()
    recalc(path, today=dt.date(2026, 11, 21), progress=False)
    got = [openpyxl.load_workbook(path, data_only=True)["T"].cell(r + 1, 2).value for r in range(len(cs))]
    assert np.array_equal(np.array(got, dtype=float), z_score(np.array(cs)))


@pytest.mark.libreoffice
def test_twin_equals_core_in_libreoffice(tmp_path):
    """Drawn rows and the edge rows, computed by LibreOffice itself; and LibreOffice's TEXT
    and NORM.S.INV against the core's at rounding ties."""
    from tests.compat._lo import convert, soffice_or_skip

    soffice = soffice_or_skip()
    drawn: list = []
    settings(max_examples=4, phases=[Phase.generate], database=None, deadline=None)(
        given(rows=st.lists(ROW, min_size=30, max_size=40))(lambda rows: drawn.extend(rows))
    )()
    rows = EDGES + drawn
    texts: list = []
    settings(max_examples=80, phases=[Phase.generate], database=None, deadline=None)(
        given(x=tie, code=st.sampled_from(["0", "0%", "0.00%"]))(
            lambda x, code: texts.append((x, code)) if _shown_below_1e9(x, code) else None
        )
    )()
    texts += [(x, c) for x in TIES for c in ("0%", "0.00%")]
    path = tmp_path / "funnel.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    cells = _write(wb.add_worksheet("T"), rows)
    ws = wb.add_worksheet("X")
    for r, (x, code) in enumerate(texts):
        ws.write_number(r, 0, x)
        ws.write_formula(r, 1, f'=TEXT(A{r + 1},"{code}")', None, "")
    wb.close()
    out = convert(soffice, path, tmp_path / "lo", "xlsx", tmp_path / "profile")
    book = openpyxl.load_workbook(out / "funnel.xlsx", data_only=True)
    got = [book["T"][c].value for c in cells]
    want = _expected(rows)
    bad = [(r, w, g) for r, w, g in zip(rows, want, got) if not _same(w, g)]
    assert not bad, bad[:3]
    shown = [book["X"].cell(r + 1, 2).value for r in range(len(texts))]
    wrong = [(x, c, s) for (x, c), s in zip(texts, shown) if xl_text(x, c) != s]
    assert not wrong, wrong[:5]
