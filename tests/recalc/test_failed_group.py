"""A formula group that fails in a full recalculation keeps its cells' cached values, and
the groups that read them read those values (a full run keeps no value records of formula
cells for this: it scans the failed group's column again)."""

from __future__ import annotations

import shutil

import openpyxl

from storeops.engine import _parked, _pipeline, recalc

from .conftest import TODAY


def _values(path: str) -> dict:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_a_failed_groups_readers_read_its_cached_values(base, tmp_path, monkeypatch):
    path = str(tmp_path / "book.xlsm")
    shutil.copyfile(base, path)
    monkeypatch.setattr(_parked, "PARK_BYTES", 0)  # every sheet parked, as a big one is
    real = _pipeline.Evaluator.eval
    failed = []

    def eval_(self, node, *args, **kwargs):
        # the buyer class (跟进 Follow-up, column S), which the class move and next
        # follow-up read, fails at its top node
        if self.sheet.startswith("跟进") and self.col == 19 and not getattr(self, "_failing", False):
            self._failing = True
            failed.append(len(self.rows))
            raise RuntimeError("a failure for the test")
        return real(self, node, *args, **kwargs)

    monkeypatch.setattr(_pipeline.Evaluator, "eval", eval_)
    rep = recalc(path, today=TODAY, progress=False, full=True)
    assert failed and rep.left_to_excel >= failed[0]
    assert _values(path) == _values(base)  # every cell as the last full recalc left it


def test_a_column_left_to_excel_is_read_by_the_groups_after_it(base, tmp_path, monkeypatch):
    """A full run does not collect the cached values of formula cells (it recomputes them);
    the cells of a formula it leaves to Excel before evaluating (here an intersection, which
    the engine does not read, typed over last week's class, 跟进 Follow-up column S) keep their
    cached values, and what reads them (the class move) reads those."""
    import re
    import zipfile

    path = str(tmp_path / "book.xlsm")
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if b'<f t="shared" ref="S' in data:
                data, n = re.subn(rb'(<f t="shared" ref="S(\d+):S\d+" si="\d+">)[^<]*(</f>)', rb"\1BB\2 BB\2\3", data)
                assert n == 1
            zout.writestr(info, data)
    monkeypatch.setattr(_parked, "PARK_BYTES", 0)
    rep = recalc(path, today=TODAY, progress=False, full=True)
    assert rep.left_to_excel >= 30
    assert _values(path) == _values(base)
