"""`storeops watch --merge-into MASTER`: a salesperson's saved workbook is merged into the master."""

import io
import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from storeops.tables import drop_blank_rows, to_keys
from storeops.watch import Watcher
from storeops.workbook import build_workbook
from storeops.xlsx import read_tables

SP = pd.DataFrame({"salesperson": ["Li", "Wu", "Zhang"], "team": ["狼队", "狼队", "虎队"]})
MASTER_ROWS = [
    {"buyer": "Bob", "salesperson": "Li", "updated_at": "2026-11-03 10:00"},
    {"buyer": "Only Master", "salesperson": "Zhang", "updated_at": "2026-11-01 10:00"},
]
LI_ROWS = [  # Li moved Bob on and found a new buyer
    {"buyer": "Bob", "salesperson": "Li", "stage": "已报价 Quoted", "updated_at": "2026-11-05 17:00"},
    {"buyer": "Dan", "salesperson": "Li", "updated_at": "2026-11-05 17:00"},
]
WU_ROWS = [  # Wu also edited Li's buyer Bob, differently and earlier
    {"buyer": "Bob", "salesperson": "Li", "stage": "流失 Lost", "updated_at": "2026-11-04 09:00"},
]


def _follow(rows):
    base = {
        "source": "TM",
        "channel": "TM",
        "received_at": "2026-11-03 09:00",
        "stage": "新询盘 New",
        "next_action": "quote",
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def _build(path, rows):
    build_workbook(path, data={"tblSalespeople": SP, "tblFollow": _follow(rows)})
    return path


def _save(tmp_path, folder, name, rows):
    """Write a workbook elsewhere and rename it into the folder, as Excel's save does."""
    tmp = _build(tmp_path / f"tmp-{name}", rows)
    os.replace(tmp, folder / name)


def _master_rows(master):
    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(master))["tblFollow"]))
    return fk.set_index("buyer")


@pytest.fixture
def setup(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    master = _build(folder / "master.xlsm", MASTER_ROWS)  # the master lives in the watched folder too
    log = io.StringIO()
    recalculated = []
    w = Watcher(
        folder,
        settle=0.5,
        merge_into=master,
        log_to=log,
        recalc=lambda p: recalculated.append(os.path.basename(p)) or "ok",
    )
    w.baseline()
    return tmp_path, folder, master, w, log, recalculated


def test_saved_file_is_merged_and_nothing_in_the_master_is_lost(setup):
    tmp_path, folder, master, w, log, recalculated = setup
    _save(tmp_path, folder, "li.xlsm", LI_ROWS)
    assert w.poll_once(now=100.0) == []  # first sight: wait for it to settle
    assert w.poll_once(now=101.0) == [folder / "li.xlsm"]
    rows = _master_rows(master)
    assert sorted(rows.index) == ["Bob", "Dan", "Only Master"]
    assert rows.loc["Bob", "stage"] == "已报价 Quoted"  # Li's newer edit
    assert rows.loc["Only Master", "updated_at"] == "2026-11-01 10:00"
    assert rows["buyer_class"].notna().all()  # the master was recalculated after merging
    assert "merged into master.xlsm: +1 ~1, 冲突 conflicts 0" in log.getvalue()
    assert recalculated == ["li.xlsm"]
    # the watcher's own write to the master (in the same folder) does not start another run
    assert w.poll_once(now=105.0) == [] and w.poll_once(now=110.0) == []
    assert w.runs == 1

    _save(tmp_path, folder, "wu.xlsm", WU_ROWS)  # an older, different edit of Bob
    w.poll_once(now=120.0)
    assert w.poll_once(now=121.0) == [folder / "wu.xlsm"]
    rows = _master_rows(master)
    assert sorted(rows.index) == ["Bob", "Dan", "Only Master"]  # each once, none lost
    assert rows.loc["Bob", "stage"] == "已报价 Quoted"  # the newest edit still wins


def test_different_edits_of_one_buyer_are_reported_as_a_conflict(setup):
    """Watch merges one saved file at a time: an older, different edit that loses to the
    master's newer version is reported as a conflict, not dropped silently."""
    tmp_path, folder, master, w, log, _ = setup
    _save(tmp_path, folder, "li.xlsm", LI_ROWS)
    _save(tmp_path, folder, "wu.xlsm", WU_ROWS)
    w.poll_once(now=100.0)
    assert len(w.poll_once(now=101.0)) == 2
    assert "冲突 conflicts 1" in log.getvalue(), log.getvalue()


def test_cli_merge_into_in_a_subprocess(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    master = _build(tmp_path / "master.xlsm", MASTER_ROWS)
    li = _build(tmp_path / "li-new.xlsm", LI_ROWS)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "storeops.cli",
            "watch",
            str(folder),
            "--merge-into",
            str(master),
            "--interval",
            "0.2",
            "--settle",
            "0.4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()

    def wait_for(text, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(text in line for line in list(lines)):
                return True
            time.sleep(0.05)
        return False

    try:
        assert wait_for("正在监视 watching"), lines
        os.replace(li, folder / "li.xlsm")
        assert wait_for("merged into master.xlsm: +1 ~1"), lines
        rows = _master_rows(master)
        assert sorted(rows.index) == ["Bob", "Dan", "Only Master"]
        assert rows.loc["Bob", "stage"] == "已报价 Quoted"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    reader.join(timeout=5)
    assert proc.returncode == 0, lines
    assert any("已停止" in line for line in lines)


def test_cli_refuses_a_missing_master(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "watch", str(tmp_path), "--merge-into", str(tmp_path / "nope.xlsm")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "找不到主文件" in out.stderr + out.stdout and "Traceback" not in out.stderr
