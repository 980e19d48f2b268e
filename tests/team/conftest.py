from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from storeops.tables import drop_blank_rows, to_keys
from storeops.xlsx import read_tables


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory):
    """The demo store workbook as `storeops demo` leaves it (built and recalculated)."""
    from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    path = tmp_path_factory.mktemp("demo") / "StoreOps-demo.xlsm"
    build_workbook(path, data=demo_frames(DEMO_AS_OF), settings=demo_settings(DEMO_AS_OF))
    recalc(path, progress=False)
    return path


@pytest.fixture
def master(demo_master, tmp_path):
    dst = tmp_path / "master.xlsm"
    shutil.copyfile(demo_master, dst)
    return dst


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "storeops.cli", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def follow(path) -> pd.DataFrame:
    """tblFollow of a workbook (key columns, blank rows dropped)."""
    return drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(path))["tblFollow"])).reset_index(
        drop=True
    )


def replace_member(path, member: str, data: bytes) -> None:
    """Rewrite one zip member of a workbook (a hand-made damaged or foreign file)."""
    tmp = str(path) + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for n in names:
            dst.writestr(n, data if n == member else src.read(n))
        if member not in names:
            dst.writestr(member, data)
    shutil.move(tmp, path)


def append_below(path, rows: list[dict]) -> None:
    """Type rows right below tblFollow with openpyxl, as a salesperson does (the table is not resized)."""
    import openpyxl

    from storeops.workbook import schema

    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[schema.FOLLOW.sheet]
    ref = ws.tables["tblFollow"].ref
    last = int("".join(ch for ch in ref.split(":")[1] if ch.isdigit()))
    for i, row in enumerate(rows):
        for key, v in row.items():
            ws.cell(last + 1 + i, schema.FOLLOW.anchor_col + schema.FOLLOW.keys.index(key) + 1, v)
    wb.save(path)
