"""One rule in one place: the adapters keep no copies of the core's constants (the Excel
epoch, the error vocabulary, the stage list).  That they import only the public core is
checked with the other import rules, in ``tests/architecture/test_boundaries.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storeops.engine._values import ERROR_CODES
from storeops.workbook import schema
from storeops_xl import followup
from storeops_xl.inputs import EXCEL_ERRORS, is_error

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = [p for d in ("storeops", "udfs", "bench") for p in sorted((ROOT / d).rglob("*.py"))]


#: text that defines Excel's day zero or its error list a second time
_COPIES = [
    re.compile(r"date(time)?\(1899,\s*12,\s*30"),
    re.compile(r"datetime64\(\"1899-12-30"),
    re.compile(r"\"#DIV/0!\",\s*\"#VALUE!\""),
    re.compile(r"#\(VALUE!\|"),
]


@pytest.mark.parametrize("path", ADAPTERS + sorted((ROOT / "storeops_xl").rglob("*.py")), ids=lambda p: p.name)
def test_no_second_epoch_or_error_list(path):
    if path.name == "_coerce.py":
        return  # the one definition
    text = path.read_text(encoding="utf-8")
    found = [rx.pattern for rx in _COPIES if rx.search(text)]
    assert not found, (
        f"{path.relative_to(ROOT)} repeats {found}; import EXCEL_EPOCH / EXCEL_ERRORS from storeops_xl.inputs"
    )


def test_one_error_vocabulary():
    assert ERROR_CODES is EXCEL_ERRORS
    for code in EXCEL_ERRORS:
        assert is_error(code) and is_error(code.lower()) and is_error(f"{code} clicks: 'x' is not a number")
    assert not is_error("#1 Seller") and not is_error("#N/Abc")


def test_one_channel_list():
    assert schema.LISTS["channel"] == followup.CHANNELS


def test_one_stage_list():
    assert schema.LISTS["stage"] == followup.STAGES
    assert schema.CLOSED_STAGES == followup.CLOSED_STAGES
    assert set(followup.CLOSED_STAGES) == {"搁置 On hold", "流失 Lost"}
    for label in followup.STAGES:
        assert followup.is_closed_stage(label) == (label in followup.CLOSED_STAGES)
