"""A small StoreOps-shaped .xlsm built with XlsxWriter: a follow-up table with UDF
formulas written per cell, Settings cells behind defined names, a summary sheet."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
import xlsxwriter

FOLLOW = "跟进 Follow-up"
SETTINGS = "设置 Settings"
SUMMARY = "汇总 Summary"
HEADERS = [
    "买家 Buyer",
    "销售 Sales",
    "展现 Impr",
    "点击 Clicks",
    "收到 Received",
    "回复 Replied",
    "金额 OrderUSD",
    "付款 PaidOrders",
    "样品 Samples",
    "留言 Message",
    "点击率 CTR",
    "回复小时 ReplyH",
    "类别 Class",
    "下次 Next",
    "逾期 Overdue",
]
ROWS = [
    # buyer, sales, impr, clicks, received, replied, usd, paid, samples, message
    (
        "=cmd|' /C calc'!A0",
        "Amy",
        4378,
        71,
        dt.datetime(2026, 3, 1, 9),
        dt.datetime(2026, 3, 1, 12),
        12000,
        1,
        0,
        "hello",
    ),
    ("Bob Ltd", "Ben", 0, 0, dt.datetime(2026, 3, 2, 8), None, 500, 1, 0, "cannot pay, use WeChat"),
    ("Cara", "Amy", 3550, 20, dt.datetime(2026, 3, 3, 8), dt.datetime(2026, 3, 3, 9, 30), 0, 0, 2, ""),
    ("+Dan", "Ben", 120, 3, None, None, 0, 0, 0, "@urgent"),
]
FIRST = 2  # first data row (1-based), header on row 1


def build_xlsm(path, vba_bytes: bytes) -> None:
    vba = os.path.join(os.path.dirname(path), "vbaProject.bin")
    with open(vba, "wb") as fh:
        fh.write(vba_bytes)
    wb = xlsxwriter.Workbook(path)
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(vba)
    datef = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    dayf = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct = wb.add_format({"num_format": "0.0%"})
    ws = wb.add_worksheet(FOLLOW)
    st = wb.add_worksheet(SETTINGS)
    sm = wb.add_worksheet(SUMMARY)
    st.write_string(0, 0, "A 类金额 USD")
    st.write_number(0, 1, 10000)
    st.write_string(1, 0, "A 类复购 repeat")
    st.write_number(1, 1, 3)
    wb.define_name("cfg_class_a_usd", f"='{SETTINGS}'!$B$1")
    wb.define_name("cfg_class_a_repeat", f"='{SETTINGS}'!$B$2")
    last = FIRST + len(ROWS) - 1
    for i, row in enumerate(ROWS):
        r = FIRST + i
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r - 1, j, v)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(r - 1, j, v, datef)
            else:
                ws.write_number(r - 1, j, v)
        ws.write_formula(r - 1, 10, f"=CTR(D{r},C{r})", pct)
        ws.write_formula(r - 1, 11, f'=IF(OR(E{r}="",F{r}=""),"",REPLY_HOURS(E{r},F{r}))')
        ws.write_formula(r - 1, 12, f"=BUYER_CLASS(G{r},H{r},I{r},cfg_class_a_usd,cfg_class_a_repeat)")
        ws.write_formula(r - 1, 13, f'=IF(E{r}="","",NEXT_FOLLOWUP(E{r},M{r}))', dayf)
        ws.write_formula(r - 1, 14, f'=IF(N{r}="","",OVERDUE(N{r},TODAY()))')
    ws.add_table(0, 0, last - 1, len(HEADERS) - 1, {"name": "tblFollow", "columns": [{"header": h} for h in HEADERS]})
    sm.write_row(0, 0, ["销售 Sales", "A 类", "金额 USD", "买家数"])
    for i, name in enumerate(["Amy", "Ben"]):
        r = i + 2
        sm.write_string(r - 1, 0, name)
        sm.write_formula(r - 1, 1, f'=COUNTIFS(tblFollow[销售 Sales],$A{r},tblFollow[类别 Class],"A")')
        sm.write_formula(r - 1, 2, f"=SUMIFS(tblFollow[金额 OrderUSD],tblFollow[销售 Sales],$A{r})")
        sm.write_formula(r - 1, 3, f"=COUNTIF('{FOLLOW}'!$B$2:$B$100,A{r})")
    sm.write_formula(4, 1, "=SUM(B2:B3)")
    sm.write_formula(4, 2, "=MYSTERY_FN(C2)")  # unknown: left to Excel
    wb.close()


@pytest.fixture
def vba_bytes() -> bytes:
    return bytes(range(256)) * 8


@pytest.fixture
def xlsm(tmp_path, vba_bytes):
    p = str(tmp_path / "StoreOps.xlsm")
    build_xlsm(p, vba_bytes)
    return p


def soffice() -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STOREOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (STOREOPS_REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def lo_convert(src: str, outdir: str, fmt: str, profile: str, recalc_always: bool = False) -> str:
    """Convert ``src`` with LibreOffice headless into ``outdir``; with ``recalc_always`` the
    throwaway profile tells it to recalculate every formula on load."""
    exe = soffice()
    if recalc_always:
        os.makedirs(os.path.join(profile, "user"), exist_ok=True)
        with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as fh:
            fh.write(_RECALC_ALWAYS)
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            outdir,
            src,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    base = os.path.splitext(os.path.basename(src))[0]
    return os.path.join(outdir, base + "." + fmt.split(":")[0])
