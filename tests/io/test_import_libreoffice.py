"""LibreOffice opens a workbook after the new imports and shows the Staff sheet and the imported
rows without an error cell."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from storeops.importers.into_workbook import import_into
from storeops.tables import to_keys
from storeops.workbook import schema
from storeops.xlsx import read_tables

pytestmark = pytest.mark.libreoffice
EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


@pytest.fixture(scope="module")
def soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STOREOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice 未安装 / LibreOffice (soffice) is required but missing")
        pytest.skip("LibreOffice (soffice) not installed")
    return exe


def test_imported_workbook_opens_without_error_cells(soffice, demo_book, tmp_path):
    wb = tmp_path / "Demo.xlsm"
    shutil.copyfile(demo_book, wb)
    files = ["inquiries-2026-11-20.csv", "staff-2026-11-15.csv", "p4p-2026-11-15.csv"]
    rep = import_into([str(EXPORTS / f) for f in files], str(wb), progress=False)
    assert not rep.failed and rep.written
    profile = (tmp_path / "lo-profile").as_uri()
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target]
        + ["--outdir", str(tmp_path), str(wb)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    sheets = {p.stem.split("-", 1)[-1]: p for p in tmp_path.glob("*.csv")}
    assert sheets, (done.stdout, done.stderr)
    staff_csv = next(p for k, p in sheets.items() if schema.S_STAFF in k)
    rows = list(csv.reader(staff_csv.open(encoding="utf-8")))
    t = schema.STAFF
    assert rows[t.anchor_row][: len(t.columns)] == [c.header for c in t.columns]
    ours = to_keys("tblStaff", read_tables(str(wb))["tblStaff"])
    col = t.keys.index("our_inquiries")
    shown = [r[col] for r in rows[t.anchor_row + 1 : t.anchor_row + 1 + len(ours)]]
    assert shown == [str(int(v)) for v in ours["our_inquiries"]]
    errors = ("#NAME?", "Err:", "#VALUE!", "#REF!", "#DIV/0!")
    assert not any(e in staff_csv.read_text(encoding="utf-8") for e in errors)
    # the keywords the P4P report filled show their advice (a formula whose cached value is
    # empty — no P4P data — is re-run by LibreOffice, where a StoreOps function cannot run)
    k = schema.KEYWORDS
    kw = list(csv.reader(next(p for n, p in sheets.items() if schema.S_KEYWORDS in n).open(encoding="utf-8")))
    act = k.anchor_col + k.keys.index("p4p_action")
    filled = [r for r in kw[k.anchor_row + 1 :] if r[k.anchor_col] in {"dog collar", "dog harness", "gps dog collar"}]
    assert len(filled) >= 3 and all(
        r[act].split(":")[0] in {"保持 keep", "加价 raise bid", "降价 lower bid", "暂停 pause"} for r in filled
    )
    # Follow-up, as the demo's own LibreOffice test checks it: every cell StoreOps cached a value
    # for shows it (逾期 Overdue hangs on TODAY() and an empty cached value is re-run by
    # LibreOffice, where a StoreOps function cannot run: those users get export --portable)
    f = schema.FOLLOW
    follow = list(csv.reader(next(p for k, p in sheets.items() if schema.S_FOLLOW in k).open(encoding="utf-8")))
    cached = to_keys("tblFollow", read_tables(str(wb))["tblFollow"])
    checked = 0
    for i, r in enumerate(follow[f.anchor_row + 1 : f.anchor_row + 1 + len(cached)]):
        for j, key in enumerate(f.keys):
            mine = cached.iloc[i][key]
            if key == "overdue" or mine is None or mine != mine or (isinstance(mine, str) and mine == ""):
                continue
            checked += 1
            assert not any(e in r[f.anchor_col + j] for e in errors), (i, key, r[f.anchor_col + j])
    assert checked > len(cached) * 10
