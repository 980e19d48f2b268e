"""`storeops watch` in a subprocess: recalculates saved workbooks, waits for locks, survives junk."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pandas as pd

from storeops.tables import drop_blank_rows, to_headers, to_keys
from storeops.workbook import build_workbook
from storeops.xlsx import read_tables, write_tables


def _class_of(path, buyer):
    fk = drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(str(path))["tblFollow"]))
    return fk.set_index("buyer").loc[buyer, "buyer_class"]


class _Reader:
    def __init__(self, proc):
        self.lines = []
        self.t = threading.Thread(target=self._run, args=(proc,), daemon=True)
        self.t.start()

    def _run(self, proc):
        for line in proc.stdout:
            self.lines.append(line)

    def wait_for(self, text, timeout=20.0, count=1):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if sum(text in l for l in self.lines) >= count:
                return True
            time.sleep(0.05)
        return False


def _stale_workbook(tmp_path):
    """A built, recalculated workbook whose input then changed without a recalc (stale class)."""
    from storeops.engine import recalc

    src = tmp_path / "src.xlsm"
    follow = pd.DataFrame(
        [
            {
                "buyer": "Big Buyer",
                "source": "TM",
                "channel": "TM",
                "salesperson": "Li",
                "received_at": "2026-11-03 09:00",
                "buyer_id": "BIG1",
                "next_action": "quote",
            }
        ]
    )
    build_workbook(src, data={"tblFollow": follow})
    recalc(str(src), progress=False)
    assert _class_of(src, "Big Buyer") == "D"
    order = pd.DataFrame(
        [
            {
                "order_date": pd.Timestamp(2026, 11, 4),
                "buyer_id": "BIG1",
                "salesperson": "Li",
                "kind": "付款 Paid",
                "amount": 25000,
            }
        ]
    )
    write_tables(str(src), {"tblOrders": to_headers("tblOrders", order, inputs_only=True)})
    assert _class_of(src, "Big Buyer") != "A"  # stale (or cleared) until recalculated
    return src


def test_watch_recalculates_saved_workbook_and_respects_locks(tmp_path):
    src = _stale_workbook(tmp_path)
    folder = tmp_path / "shared"
    folder.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "storeops.cli", "watch", str(folder), "--interval", "0.2", "--settle", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = _Reader(proc)
    try:
        assert out.wait_for("正在监视 watching"), out.lines
        target = folder / "StoreOps.xlsm"
        lock = folder / ".~lock.StoreOps.xlsm#"  # LibreOffice/WPS lock: the file is open
        lock.write_text("user,host,1;")
        junk = folder / "broken.xlsm"
        junk.write_bytes(b"PK\x03\x04 half written")
        shutil.copyfile(src, tmp_path / "tmp.xlsm")
        os.replace(tmp_path / "tmp.xlsm", target)  # "save"
        assert out.wait_for("等待解锁"), out.lines
        time.sleep(1.5)
        assert _class_of(target, "Big Buyer") != "A"  # left alone while locked
        assert target.read_bytes() == src.read_bytes()
        assert junk.read_bytes() == b"PK\x03\x04 half written"
        lock.unlink()
        assert out.wait_for("已重新计算 recalculated StoreOps.xlsm"), out.lines
        assert _class_of(target, "Big Buyer") == "A"
        time.sleep(2.0)  # its own write must not trigger another run
        assert sum("已重新计算" in l for l in out.lines) == 1, out.lines
        assert any("broken.xlsm" in l for l in out.lines)  # logged, never modified
        assert junk.read_bytes() == b"PK\x03\x04 half written"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert any("已停止" in l for l in out.lines)


def test_poll_once_debounces_and_ignores_own_writes(tmp_path):
    from storeops.watch import Watcher

    calls = []
    w = Watcher(tmp_path, settle=1.0, recalc=lambda p: calls.append(p) or "ok", log_to=open(os.devnull, "w"))
    w.baseline()
    p = tmp_path / "a.xlsm"
    build_workbook(p)
    w.poll_once(now=100.0)  # first sight: wait to settle
    assert calls == []
    w.poll_once(now=100.5)
    assert calls == []  # not yet stable for 1 s
    w.poll_once(now=101.2)
    assert len(calls) == 1
    w.poll_once(now=105.0)
    assert len(calls) == 1  # unchanged since: nothing to do
