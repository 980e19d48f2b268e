"""Fixtures for the Excel-glue tests: a small .xlsm assembled the way the builder does it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter

from storeops import vba

SHEETS = ["说明 Guide", "漏斗 Funnel"]


def build_xlsm(path: Path, modules: dict[str, str] | None = None) -> Path:
    """XlsxWriter workbook + our vbaProject.bin + xlwings.conf sheet, then the ribbon."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    codenames = []
    for i, name in enumerate(SHEETS, start=1):
        ws = wb.add_worksheet(name)
        ws.set_vba_name(f"Sheet{i}")
        codenames.append(f"Sheet{i}")
        ws.write_string(0, 0, f"StoreOps {name}")
        ws.write_number(1, 0, 42)
    conf = wb.add_worksheet("xlwings.conf")
    conf.set_vba_name(f"Sheet{len(SHEETS) + 1}")
    codenames.append(f"Sheet{len(SHEETS) + 1}")
    for row, (key, value) in enumerate(vba.XLWINGS_CONF):
        conf.write_string(row, 0, key)
        conf.write_string(row, 1, value)
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(vba.vba_project_bin(modules, sheet_codenames=codenames)), is_stream=True)
    wb.close()
    vba.add_ribbon(path)
    return path


@pytest.fixture(scope="session")
def built_xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlsm(tmp_path_factory.mktemp("xlsm") / "StoreOps-test.xlsm")


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n") + "\n"
