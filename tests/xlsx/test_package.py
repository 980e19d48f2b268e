"""Hostile and broken files are refused and never modified; writes are atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.engine import recalc
from storeops.errors import StoreOpsError
from storeops.xlsx import atomic_replace, check_not_locked, open_package, read_tables, write_tables


def _refused(path):
    before = open(path, "rb").read()
    with pytest.raises(StoreOpsError) as exc:
        recalc(path, progress=False)
    msg = str(exc.value)
    assert "\n" not in msg and " / " in msg
    assert open(path, "rb").read() == before
    return msg


def test_not_a_zip(tmp_path):
    p = tmp_path / "a.xlsm"
    p.write_bytes(b"hello, I am a CSV\n1,2,3\n")
    assert "zip" in _refused(str(p))


def test_truncated_zip(xlsm):
    data = open(xlsm, "rb").read()
    with open(xlsm, "wb") as fh:
        fh.write(data[: len(data) // 2])
    _refused(xlsm)


def test_zip_bomb(tmp_path):
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 << 20))
    assert "bomb" in _refused(str(p))


def test_a_workbook_too_big_says_how_big(xlsm, monkeypatch):
    """Past the total size StoreOps reads, a real workbook is refused with its size and
    the limit (and what to do), not only as a suspected zip bomb."""
    from storeops.xlsx import _package

    total = sum(i.file_size for i in zipfile.ZipFile(xlsm).infolist())
    monkeypatch.setattr(_package, "MAX_TOTAL_UNCOMPRESSED", total - 1)
    msg = _refused(xlsm)
    assert f"{total / 1e9:.2f} GB" in msg and "archive workbook" in msg and "存档工作簿" in msg


def test_doctype_entity_xml(xlsm, tmp_path):
    out = tmp_path / "evil.xlsm"
    with zipfile.ZipFile(xlsm) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', 1)
            zout.writestr(info, data)
    assert "DOCTYPE" in _refused(str(out))


def test_missing_workbook_part(xlsm, tmp_path):
    out = tmp_path / "nowb.xlsm"
    with zipfile.ZipFile(xlsm) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/workbook.xml":
                zout.writestr(info, zin.read(info.filename))
    _refused(str(out))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=64))
def test_random_damage_never_traceback(xlsm, cut, junk):
    data = open(xlsm, "rb").read()
    bad = xlsm + ".bad.xlsm"
    pos = min(cut, len(data))
    with open(bad, "wb") as fh:
        fh.write(data[:pos] + junk + data[pos + len(junk) :])
    try:
        recalc(bad, progress=False)
    except StoreOpsError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize(
    "lock",
    [
        pytest.param(".~lock.StoreOps.xlsm#", id="libreoffice-wps"),
        pytest.param("~$StoreOps.xlsm", id="excel-owner"),
    ],
)
def test_lock_files_refused(xlsm, lock):
    d = os.path.dirname(xlsm)
    open(os.path.join(d, lock), "w").close()
    with pytest.raises(StoreOpsError):
        check_not_locked(xlsm)
    _refused(xlsm)


def test_failure_inside_write_leaves_original(xlsm):
    before = open(xlsm, "rb").read()

    def boom(fh):
        fh.write(b"PK partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_replace(xlsm, boom)
    assert open(xlsm, "rb").read() == before
    assert [f for f in os.listdir(os.path.dirname(xlsm)) if f.startswith(".storeops-")] == []


def test_kill_mid_write_leaves_old_or_new(xlsm):
    """SIGKILL a recalc at several moments: the file is always the old or the new one."""
    before = open(xlsm, "rb").read()
    code = (
        "import sys, time, importlib\n"
        "import storeops.xlsx._zipwrite as zw\n"
        "rc = importlib.import_module('storeops.engine.recalc')\n"
        "orig = zw.write_zip\n"
        "def slow(fh, *a, **k):\n"
        "    orig(fh, *a, **k); fh.flush(); print('written', flush=True); time.sleep(30)\n"
        "rc.write_zip = slow\n"
        "rc.recalc(sys.argv[1], progress=False)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code, xlsm], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "written"  # temp file complete, not yet renamed
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert open(xlsm, "rb").read() == before
    for delay in (0.05, 0.2, 0.5):
        p = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from storeops.engine import recalc; recalc(sys.argv[1], progress=False)",
                xlsm,
            ]
        )
        time.sleep(delay)
        p.kill()
        p.wait()
        with open_package(xlsm) as pkg:  # readable whatever the moment
            assert pkg.sheets


def test_raw_copy_keeps_members_byte_identical(xlsm):
    with zipfile.ZipFile(xlsm) as z:
        raw_before = {i.filename: (i.CRC, i.compress_size) for i in z.infolist()}
        order_before = z.namelist()
    recalc(xlsm, progress=False)
    with zipfile.ZipFile(xlsm) as z:
        assert z.testzip() is None
        assert z.namelist()[: len(order_before)] == order_before  # the recalc state's parts come last
        for i in z.infolist():
            if i.filename in ("xl/vbaProject.bin", "xl/styles.xml", "xl/tables/table1.xml"):
                assert (i.CRC, i.compress_size) == raw_before[i.filename]


def test_write_tables_replace_and_append(xlsm):
    recalc(xlsm, progress=False)
    frame = pd.DataFrame(
        {
            "买家 Buyer": ["=1+1", "@SUM(A1)", "-3", "Zoe"],
            "销售 Sales": ["Amy", "Ben", "Amy", "Ben"],
            "展现 Impr": [100, 200, 0, 50],
            "点击 Clicks": [5, 10, 0, 1],
            "收到 Received": pd.to_datetime(["2026-03-01 08:00", None, "2026-03-02 00:00", "2026-03-03 00:00"]),
        }
    )
    counts = write_tables(xlsm, {"tblFollow": frame}, mode="replace")
    assert counts == {"tblFollow": 4}
    write_tables(xlsm, {"tblFollow": frame.iloc[:1]}, mode="append")
    got = read_tables(xlsm)["tblFollow"]
    assert len(got) == 5
    assert got["买家 Buyer"].tolist() == ["=1+1", "@SUM(A1)", "-3", "Zoe", "=1+1"]  # text, never formulas
    rep = recalc(xlsm, progress=False)
    got = read_tables(xlsm)["tblFollow"]
    assert got["点击率 CTR"].tolist()[:2] == [pytest.approx(0.05), pytest.approx(0.05)]
    assert got["点击率 CTR"].tolist()[2] == ""
    assert rep.left_to_excel == 1
    import openpyxl

    ws = openpyxl.load_workbook(xlsm)["跟进 Follow-up"]
    assert ws.tables["tblFollow"].ref == "A1:O6"
    assert ws["A2"].data_type == "s" and ws["K6"].value == "=CTR(D6,C6)"


def test_prefetched_members_are_read_once_and_handed_on(xlsm):
    """``prefetch`` reads members on a thread of their own: ``read`` takes those bytes (the
    same as reading it now), and ``take_prefetched`` hands on the ones not taken, once."""
    with open_package(xlsm) as pkg:
        sheets = [s.path for s in pkg.sheets][:3]
        expected = {n: zipfile.ZipFile(xlsm).read(n) for n in sheets}
        pkg.prefetch(sheets)
        assert pkg.read(sheets[0]) == expected[sheets[0]]
        rest = pkg.take_prefetched()
        assert rest == {n: expected[n] for n in sheets[1:]}
        assert pkg.take_prefetched() == {}
        assert pkg.read(sheets[1]) == expected[sheets[1]]  # read again, now


def test_a_damaged_member_prefetched_is_refused_as_when_read(xlsm, tmp_path):
    """A member that does not inflate is refused with the same bilingual error whether it was
    prefetched or not."""
    bad = str(tmp_path / "bad.xlsm")
    with zipfile.ZipFile(xlsm) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</sheetData>", b"</sheetDat>")
            zout.writestr(info, data)
    errors = []
    for prefetch in (False, True):
        with open_package(bad) as pkg:
            if prefetch:
                pkg.prefetch(["xl/worksheets/sheet2.xml"])
            with pytest.raises(StoreOpsError) as exc:
                pkg.read("xl/worksheets/sheet2.xml")
            errors.append(str(exc.value))
    assert errors[0] == errors[1]
