"""A workbook LibreOffice saved is read back as fully as before: its spellings
(``TRUE()``, lower-cased names of functions it does not know, ``_xlfn.`` prefixes) are
understood, so ``storeops recalc`` leaves nothing to Excel that it evaluated before."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
from storeops.engine import recalc
from storeops.engine._eval import capture_results
from storeops.workbook import build_workbook

from ._book import lo_convert

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

TODAY = dt.date(2026, 3, 10)


def _evaluated(path) -> tuple[set[tuple[str, int, int]], object]:
    with capture_results() as got:
        rep = recalc(path, today=TODAY, progress=False)
    cells = {(sheet, col, int(r)) for sheet, col, rows, _v in got for r in rows}
    return cells, rep


def test_recalc_after_a_libreoffice_save_evaluates_what_it_did_before(tmp_path):
    book = build_workbook(tmp_path / "StoreOps.xlsm", data=demo_frames(DEMO_AS_OF), settings=demo_settings(DEMO_AS_OF))
    before, rep0 = _evaluated(book)
    assert len(before) > 1000  # the demo store: every table has rows
    saved = lo_convert(str(book), str(tmp_path / "lo"), "xlsx", str(tmp_path / "profile"))
    with zipfile.ZipFile(saved) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"TRUE()" in xml  # LibreOffice's own spelling is in the file we read back
    after, rep1 = _evaluated(saved)
    lost = before - after
    assert not lost, f"{len(lost)} formula cells left to Excel after the LibreOffice save: {rep1.left_examples}"
    assert rep1.left_to_excel <= rep0.left_to_excel
