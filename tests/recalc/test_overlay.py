"""An import or a merge written together with its recalculation (``recalc(overlay=…)``,
issue 15) is an incremental recalculation, byte for byte the full one."""

from __future__ import annotations

import shutil

from storeops.engine import recalc
from storeops.workbook.schema import TABLES
from storeops.xlsx import open_package, read_tables, table_parts, workbook_session

from .conftest import TODAY


def test_overlay_is_incremental_and_equals_full(base, tmp_path):
    path = str(tmp_path / "book.xlsm")
    full = str(tmp_path / "full.xlsm")
    shutil.copyfile(base, path)
    inputs = [c.header for c in TABLES["tblFollow"].inputs]
    frame = read_tables(path)["tblFollow"][inputs].copy()
    order = next(c.header for c in TABLES["tblFollow"].columns if c.key == "order_usd")
    frame.loc[frame.index[2], order] = 123456.0
    with workbook_session(path), open_package(path) as pkg:
        parts, _counts = table_parts(pkg, {"tblFollow": frame})
    shutil.copyfile(path, full)
    inc = recalc(path, today=TODAY, progress=False, overlay=parts)
    ref = recalc(full, today=TODAY, progress=False, overlay=parts, full=True)
    assert inc.mode == "incremental" and 0 < inc.evaluated < inc.formulas
    assert ref.mode == "full"
    assert open(path, "rb").read() == open(full, "rb").read()
    assert recalc(path, today=TODAY, progress=False).mode == "unchanged"
