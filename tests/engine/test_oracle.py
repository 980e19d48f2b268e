"""The engine against Excel's own answers (see ``tests/engine/oracle/__init__.py``).

Every formula of the peer projects' Excel-saved test workbooks goes through
``storeops recalc``: each one the engine evaluates must equal the value Excel cached
(0 silent disagreements), each one it leaves to Excel must stay untouched, and no other
part of the file may change.  Workbooks LibreOffice saved are a second client: they
must agree too, except where LibreOffice itself differs from Excel's documented answer
(listed in ``LIBREOFFICE_DIFFERS`` with the reason).

The source distributions are fetched with pip into a cache folder (``STOREOPS_ORACLE_CACHE``
or ``~/.cache/storeops-oracle``); without network the test fails, unless
``STOREOPS_ORACLE_OFFLINE=1`` says to skip it.  ``python bench/oracle.py`` prints the
per-function table and writes it into ``docs/engine.md``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .oracle import harness, sources

#: cells where LibreOffice's cached value is not what Excel documents — and the engine
#: gives Excel's answer: (workbook, sheet!cell) → why
LIBREOFFICE_DIFFERS = {
    ("SQRT.xlsx", "Sheet1!B1"): "SQRT(-16): Excel's reference says #NUM!, LibreOffice caches #VALUE!",
}

DOCS = Path(__file__).resolve().parents[2] / "docs" / "engine.md"


def _books() -> list[tuple[sources.Source, Path]]:
    try:
        return sources.workbooks()
    except sources.FetchError as exc:
        if os.environ.get("STOREOPS_ORACLE_OFFLINE") == "1":
            pytest.skip(f"oracle workbooks unavailable (STOREOPS_ORACLE_OFFLINE=1): {exc}")
        pytest.fail(f"cannot fetch the oracle workbooks from PyPI: {exc} (STOREOPS_ORACLE_OFFLINE=1 skips)")


_NAMES = {
    "xlcalculator:" + n
    for n in "ABS ACOS ASIN ATAN ATAN2 BASES CEILING CONCAT CONCATENATE COS COSH COUNT COUNTA COUNTIF COUNTIFS "
    "DATE DATEDIF DAY DAYS EDATE EOMONTH EXACT FIND IF INFORMATION INT IRR LEN LN MATCH MAX MID MIN MOD MONTH NOT "
    "NPV PMT POWER RIGHT ROUND ROUNDDOWN ROUNDUP SLN SQRT SUM SUMIFS SUMPRODUCT VDB VLOOKUP XNPV YEAR YEARFRAC "
    "addition average choose cross_sheet defined_names division double_minus logical model_compiler_and_evaluate "
    "multiplication subtraction reader".split()
} | {"formulas:" + n for n in ("circular", "excel", "full-range", "test", "test_link")}


def test_engine_gives_excels_answer_or_leaves_the_formula(tmp_path):
    """All peer workbooks in one test (about 6 s): each is run once, and the same cases
    give the table of docs/engine.md."""
    books = _books()
    assert {f"{s.name}:{p.stem}" for s, p in books} == _NAMES, "the peer distributions changed"
    cases, problems = [], []
    for src, path in books:
        work = tmp_path / f"{src.name}-{path.stem}"
        work.mkdir()
        got, bad = harness.run(path, work)
        cases.extend(got)
        problems.extend(f"{path.name}: {p}" for p in bad)
    assert not problems, "\n".join(problems)
    wrong = [c for c in cases if c.status == "disagree" and (c.book, f"{c.sheet}!{c.cell}") not in LIBREOFFICE_DIFFERS]
    assert not wrong, f"{len(wrong)} silent disagreements:\n" + "\n".join(str(c) for c in wrong)
    listed = {
        (c.book, f"{c.sheet}!{c.cell}"): c for c in cases if (c.book, f"{c.sheet}!{c.cell}") in LIBREOFFICE_DIFFERS
    }
    assert listed.keys() == LIBREOFFICE_DIFFERS.keys()
    assert all(c.client == "libreoffice" and c.status == "disagree" for c in listed.values())
    assert sum(c.status == "agree" and c.client == "excel" for c in cases) > 1500  # the oracle still bites
    doc = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- oracle:start -->\n(.*?)<!-- oracle:end -->", doc, re.S)
    assert m is not None, "docs/engine.md has no oracle table"
    assert m.group(1).strip() == harness.markdown(cases).strip(), "stale table: run python bench/oracle.py --write-docs"
