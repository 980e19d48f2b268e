"""漏斗 Funnel's diagnosis is FUNNEL_DIAG's native twin in the workbook: both editions write it
as native formulas (no Python call per row when a setting changes), recalc and an edit give
the core's text, and a version-4 workbook (diagnosis by the Python function, held as values
in its ``.xlsx`` edition) is rebuilt by ``storeops migrate`` with the twin."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from storeops.engine import recalc
from storeops.workbook import build_workbook, schema
from storeops.workbook._layouts import LAYOUTS
from storeops.workbook.formulas import functions_in, row_formula
from storeops.xlsx import read_names, read_tables, schema_version
from storeops_xl import FUNCTIONS
from storeops_xl.funnel_diag import funnel_diag
from tests.hostile.test_workbook_corpus import run

#: a workbook of schema version 4 in its ``.xlsx`` edition: 39 rows of the demo funnel (every
#: 20th) and 6 follow-up rows, built by ``build_workbook(..., edition="xlsx")`` of main at 12aa314
V4 = Path(__file__).resolve().parents[1] / "fixtures" / "workbook-v4.xlsx"
FUNNEL = schema.TABLES["tblFunnel"]
_BENCH = ("impressions", "ctr", "bounce", "inquiry_rate", "conversion")


def _expected(tables, names) -> list:
    """The core per row, with the workbook's stamped benchmarks and settings (as Excel calls it)."""
    f = tables["tblFunnel"]
    h = FUNNEL.header
    out = []
    for _, row in f.iterrows():
        args = [row[h(k)] for k in ("impressions", "clicks", "visitors", "inquiries", "orders", "bounce_rate")]
        args += [names.get(f"funnel_bench_{b}") for b in _BENCH]
        args += [names.get(c) for c in ("cfg_min_impressions", "cfg_min_visitors", "cfg_confidence")]
        out.append(funnel_diag(*[None if a is None or a == "" or a != a else a for a in args]))
    return out


def _values(frame) -> list:
    return [[None if v != v else v for v in row] for row in frame.itertuples(index=False)]


def _diagnoses(tables) -> list:
    return [v if v not in (None, "") else None for v in tables["tblFunnel"][FUNNEL.header("diagnosis")]]


@pytest.mark.parametrize("edition", ["xlsm", "xlsx"])
def test_both_editions_write_the_native_diagnosis(edition):
    from storeops.workbook.editions import edition_template

    for key in ("diagnosis", *(f"diag_{h}" for h in ("z", "state", "stage", "ci"))):
        text = edition_template(FUNNEL.col(key).formula, edition)
        assert not functions_in(text) & set(FUNCTIONS), (key, functions_in(text) & set(FUNCTIONS))
    assert "FUNNEL_DIAG" not in row_formula(FUNNEL, "diagnosis", 7, edition)


def test_recalc_and_an_edit_give_the_core_diagnosis(tmp_path):
    from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings

    frames = demo_frames(DEMO_AS_OF)
    book = tmp_path / "shop.xlsx"
    build_workbook(
        book,
        data={"tblFunnel": frames["tblFunnel"].iloc[::10].reset_index(drop=True)},
        settings=demo_settings(DEMO_AS_OF),
        edition="xlsx",
        calculate=True,
        today=dt.date(2026, 11, 21),
    )
    tables, names = read_tables(book), read_names(book)
    assert _diagnoses(tables) == _expected(tables, names)
    wb = openpyxl.load_workbook(book)
    ws = wb[FUNNEL.sheet]
    col = {c.key: i + 1 + FUNNEL.anchor_col for i, c in enumerate(FUNNEL.columns)}
    row = FUNNEL.anchor_row + 2
    ws.cell(row, col["clicks"]).value = 0  # a person types over the first row
    ws.cell(row, col["impressions"]).value = 5000
    ws.cell(row + 1, col["visitors"]).value = "80"
    wb.save(book)
    recalc(book, today=dt.date(2026, 11, 21), progress=False)
    tables, names = read_tables(book), read_names(book)
    got, want = _diagnoses(tables), _expected(tables, names)
    assert got[0].startswith("点击率低 low CTR 0.00%")
    assert got == want


def test_migrate_version_4_builds_the_native_diagnosis(tmp_path, capsys):
    book = tmp_path / "shop.xlsx"
    shutil.copyfile(V4, book)
    assert schema_version(book) == 4
    old = read_tables(book)
    rc, text = run(["migrate", book], capsys)
    assert rc == 0 and f"upgraded from schema version 4 to {schema.SCHEMA_VERSION}" in text, text
    assert schema_version(book) == schema.SCHEMA_VERSION
    new, names = read_tables(book), read_names(book)
    for name, frame in old.items():
        inputs = [h for h in LAYOUTS[4][name] if h in frame.columns]
        assert _values(new[name][inputs].iloc[: len(frame)]) == _values(frame[inputs]), name
    assert list(new["tblFunnel"].columns) == [c.header for c in FUNNEL.columns]
    ws = openpyxl.load_workbook(book)[FUNNEL.sheet]
    cell = ws.cell(FUNNEL.anchor_row + 2, FUNNEL.anchor_col + 1 + FUNNEL.keys.index("diagnosis"))
    assert str(cell.value).startswith("=IF(") and "FUNNEL_DIAG" not in str(cell.value)
    assert _diagnoses(new) == _expected(new, names)
