"""PK_SCORE's native twin equals the core over the inputs the PK table allows: one
salesperson's row of metric actuals and targets (blank, zero, numbers, numbers typed as
text, an error from a formula), the weights (some blank, all cleared, typed as text) and
``cfg_pk_cap`` (cleared → its default).  Evaluated by the headless engine (hypothesis,
many rows per example) and by LibreOffice (one file of rows drawn by hypothesis).

PK_SCORE takes whole ranges, so it is not in ``test_twins.py``'s per-cell twin test; the
comparison rules are the same (``test_twins._agree``).
"""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from storeops.workbook import schema
from storeops.workbook.editions import edition_template, twin_call
from storeops_xl import FUNCTIONS, pk_score

from .test_twins import _agree, _collector, engine_cells

K = len(schema.PK_METRICS)
ERROR = "=1/0"  # an actual whose formula failed (not #N/A: the core reads the text "#N/A" as no data)

actual = st.one_of(
    st.none(),
    st.just(0),
    st.integers(0, 5000),
    st.floats(0, 2e6, allow_nan=False).map(lambda x: round(x, 2)),
    st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4)),  # the timely rate
    st.integers(0, 999).map(str),
    st.sampled_from(["0", "3.5", " 7 "]),
)
target = st.one_of(
    st.none(),
    st.just(0),
    st.integers(1, 20000),
    st.floats(0.01, 5e5, allow_nan=False).map(lambda x: round(x, 3)),
    st.sampled_from(["12", "0.9", "0"]),
)
weight = st.one_of(st.none(), st.just(0), st.sampled_from([0.25, 0.3, 0.15, 1, 40, 60, "0.5", "30"]))
cap = st.one_of(st.none(), st.sampled_from([1, 1.5, 2, 1.2, 0.8, "1.5"]))
row = st.tuples(
    st.lists(actual, min_size=K, max_size=K),
    st.lists(target, min_size=K, max_size=K),
    st.one_of(st.lists(weight, min_size=K, max_size=K), st.just([None] * K)),
    cap,
)
with_error = st.tuples(
    st.lists(st.one_of(actual, st.just(ERROR)), min_size=K, max_size=K),
    st.lists(target, min_size=K, max_size=K),
    st.lists(weight, min_size=K, max_size=K),
    cap,
)
rows = st.lists(st.one_of(row, row, row, with_error), min_size=1, max_size=40)


def _letter(j: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(j)


def _write(ws, rows) -> list[str]:
    """Row r: actuals A:D, targets E:H, weights I:L, cap M, the twin in N."""
    out = []
    for i, (acts, tgts, wts, c) in enumerate(rows):
        for j, v in enumerate([*acts, *tgts, *wts, c]):
            if v is None:
                continue
            if v == ERROR:
                ws.write_formula(i, j, ERROR, None, "")  # no cached value: LibreOffice computes it
            elif isinstance(v, str):
                ws.write_string(i, j, v)
            else:
                ws.write_number(i, j, v)
        r = i + 1

        def rng(a: int, b: int, r: int = r) -> str:
            return f"{_letter(a)}{r}:{_letter(b)}{r}"

        args = [rng(0, K - 1), rng(K, 2 * K - 1), rng(2 * K, 3 * K - 1), f"{_letter(3 * K)}{r}"]
        ws.write_formula(i, 3 * K + 1, "=" + twin_call("PK_SCORE", args), None, "")
        out.append(f"{_letter(3 * K + 1)}{r}")
    return out


def _expected(rows) -> list:
    def core(v):
        return "#DIV/0!" if v == ERROR else v

    return [pk_score([core(v) for v in a], list(t), list(w), c) for a, t, w, c in rows]


#: rows every run checks: a score ending in 5 at the 7th decimal (0.0078125: ROUND goes half away
#: from zero, numpy's round half to even), the cap, a cleared cap and cleared weights
FIXED = [
    ([1, 0, 0, 0], [12800, None, None, None], [1, 1, 1, 1], None),
    ([300, 5, 0, 0.5], [100, 10, 0, 0.9], [0.25, 0.3, 0.3, 0.15], 1.5),
    ([300, 5, 0, 0.5], [100, 10, "0", "0.9"], [0.25, 0.3, 0.3, 0.15], None),
    ([300, 5, 0, 0.5], [100, 10, 0, 0.9], [None, None, None, None], 1.5),
]


def test_the_pk_table_writes_the_twin_in_both_editions():
    score = next(c for c in schema.PK.columns if c.key == "score").formula
    for edition in ("xlsm", "xlsx"):
        text = edition_template(score, edition)
        assert "PK_SCORE" not in text and text.startswith("IF(SUMPRODUCT(")
    assert FUNCTIONS["PK_SCORE"].native
    assert len(edition_template(score, "xlsm")) < 1000


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_pk_twin_equals_core_in_the_engine(rows, tmp_path_factory):
    rows = FIXED + rows
    got = engine_cells(tmp_path_factory.mktemp("pk") / "pk.xlsx", lambda ws: _write(ws, rows))
    bad = [(r, w, g) for r, w, g in zip(rows, _expected(rows), got) if not _agree(w, g)]
    assert not bad, bad[:5]


@pytest.mark.libreoffice
def test_pk_twin_equals_core_in_libreoffice(tmp_path):
    """Rows drawn by hypothesis, written without cached values, computed by LibreOffice."""
    from tests.compat._lo import convert, soffice_or_skip

    soffice = soffice_or_skip()
    drawn: list = list(FIXED)
    settings(max_examples=5, phases=[Phase.generate], database=None, deadline=None)(
        given(rows=st.lists(st.one_of(row, row, row, with_error), min_size=20, max_size=40))(_collector(drawn))
    )()
    path = tmp_path / "pk.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    cells = _write(wb.add_worksheet("T"), drawn)
    wb.close()
    out = convert(soffice, path, tmp_path / "lo", "xlsx", tmp_path / "profile")
    lo = openpyxl.load_workbook(out / "pk.xlsx", data_only=True)["T"]
    got = [lo[c].value for c in cells]
    bad = [(r, w, g) for r, w, g in zip(drawn, _expected(drawn), got) if not _agree(w, g)]
    assert not bad, bad[:5]
