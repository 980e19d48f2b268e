"""LibreOffice as a client: convert a workbook headlessly and compare what it shows with
what StoreOps cached.

``shown_vs_cached(path)`` makes LibreOffice open the file (as a user's LibreOffice 7.4 does:
default settings, formulas recomputed only where it does not trust the cached value),
save what it then holds as ``.xlsx``, and compares, formula cell by formula cell, the value
LibreOffice holds with the value StoreOps cached.  ``error_texts(path)`` converts every sheet
to CSV and lists the cells showing ``#VALUE!``, ``#NAME?``, ``Err:`` or ``#N/A``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ERROR_MARKS = ("#VALUE!", "#NAME?", "Err:", "#N/A", "#REF!", "#DIV/0!")


def soffice_or_skip() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STOREOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice 未安装 / LibreOffice (soffice) is required but missing")
        pytest.skip("LibreOffice (soffice) not installed")
    return exe


def convert(soffice: str, src: Path, outdir: Path, target: str, profile: Path) -> Path:
    """``soffice --convert-to target`` with a private profile; returns the output folder."""
    outdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return outdir


#: every sheet to its own UTF-8 CSV, raw values (not "as shown")
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def error_texts(soffice: str, src: Path, work: Path) -> list[str]:
    """``sheet!row,col: text`` of every CSV cell that shows an error, after LibreOffice opened ``src``."""
    out = convert(soffice, src, work / "csv", CSV_ALL_SHEETS, work / "profile")
    found = []
    for p in sorted(out.glob("*.csv")):
        for i, row in enumerate(csv.reader(p.open(encoding="utf-8"))):
            for j, cell in enumerate(row):
                if any(m in cell for m in ERROR_MARKS):
                    found.append(f"{p.stem}!{i + 1},{j + 1}: {cell[:60]}")
    return found


def _norm(v: Any) -> Any:
    if v is None or (isinstance(v, str) and v == ""):
        return ""
    if isinstance(v, bool):
        return v
    if isinstance(v, (_dt.datetime, _dt.date)):
        if not isinstance(v, _dt.datetime):
            v = _dt.datetime(v.year, v.month, v.day)
        return round((v - _dt.datetime(1899, 12, 30)) / _dt.timedelta(days=1), 6)
    if isinstance(v, (int, float)):
        f = float(v)
        return f if math.isnan(f) else round(f, 9 - int(math.floor(math.log10(abs(f)))) if f else 0)
    return str(v)


def _formula_values(path: Path) -> dict[tuple[str, str], Any]:
    import openpyxl

    wf = openpyxl.load_workbook(path, read_only=False)
    wv = openpyxl.load_workbook(path, data_only=True, read_only=False)
    out = {}
    for ws in wf.worksheets:
        vs = wv[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                    out[(ws.title, c.coordinate)] = vs[c.coordinate].value
    return out


def shown_vs_cached(soffice: str, src: Path, work: Path) -> tuple[int, list[str]]:
    """(formula cells compared, differences ``sheet!A1: cached … shown …``)."""
    out = convert(soffice, src, work / "xlsx", "xlsx", work / "profile")
    shown_path = out / (src.stem + ".xlsx")
    if shown_path == src:  # pragma: no cover - never convert onto the source
        raise AssertionError("conversion would overwrite the source")
    mine = _formula_values(src)
    import openpyxl

    lo = openpyxl.load_workbook(shown_path, data_only=True)
    diffs = []
    for (sheet, ref), want in mine.items():
        got = lo[sheet][ref].value
        a, b = _norm(want), _norm(got)
        if a != b and not (isinstance(a, float) and isinstance(b, bool) and a == float(b)):
            diffs.append(f"{sheet}!{ref}: cached {want!r} shown {got!r}")
    return len(mine), diffs
