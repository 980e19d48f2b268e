"""Concurrent saves and writers: a save that lands while StoreOps writes is never lost; one
StoreOps writer per workbook; temporary files of killed runs are cleaned; watch catches up."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from storeops.cli import main
from storeops.errors import FileBusyError, FileChangedError
from storeops.tables import drop_blank_rows, to_headers, to_keys
from storeops.xlsx import atomic_replace, read_tables, workbook_session, write_tables

from .test_workbook_corpus import PRODUCTS


def _follow(path: Path) -> pd.DataFrame:
    return drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(path)["tblFollow"])).set_index("buyer")


def _saved_version(master: Path, tmp_path: Path) -> Path:
    """What a person's save looks like: the same workbook with a 25,000 USD order of Amy's typed
    on 订单 Orders (and her row's 更新时间 updated_at moved on, as when a person edits it)."""
    other = tmp_path / "elsewhere" / "saved.xlsm"
    other.parent.mkdir()
    shutil.copyfile(master, other)
    fk = to_keys("tblFollow", read_tables(other)["tblFollow"])
    fk = drop_blank_rows("tblFollow", fk)
    fk.loc[fk["buyer"] == "Amy", ["updated_at"]] = ["2026-11-20 10:00"]
    order = pd.DataFrame(
        [
            {
                "order_date": pd.Timestamp(2026, 11, 19),
                "buyer_id": fk.loc[fk["buyer"] == "Amy", "buyer_id"].iloc[0],
                "salesperson": "Li",
                "kind": "付款 Paid",
                "amount": 25_000,
            }
        ]
    )
    write_tables(
        other,
        {
            "tblFollow": to_headers("tblFollow", fk, inputs_only=True),
            "tblOrders": to_headers("tblOrders", order, inputs_only=True),
        },
    )
    return other


class _Pause:
    """Patch ``module.write_zip`` so the first write stops half-way until released."""

    def __init__(self, monkeypatch, module):
        self.reached, self.go, self.calls = threading.Event(), threading.Event(), 0
        orig = module.write_zip

        def paused(fh, *a, **k):
            self.calls += 1
            if self.calls == 1:  # StoreOps has read the workbook and starts writing …
                self.reached.set()
                assert self.go.wait(30)  # … while someone saves it
            orig(fh, *a, **k)

        monkeypatch.setattr(module, "write_zip", paused)


def _cli_in_thread(argv: list[str]) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def target():
        try:
            result["rc"] = main([str(a) for a in argv])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            result["exc"] = exc

    t = threading.Thread(target=target)
    t.start()
    return t, result


def _save_over(target: Path, version: Path) -> None:
    """Save the way Excel does: a new file renamed over the old one."""
    tmp = target.with_name("~save.tmp")
    shutil.copyfile(version, tmp)
    os.replace(tmp, target)


@pytest.mark.parametrize("command", ["recalc", "import", "merge"])
def test_save_during_a_write_is_never_lost(command, books, tmp_path, monkeypatch, capsys):
    """The paused writer: StoreOps has read the workbook and is writing the new version when
    someone saves it.  The save survives, and the command's work is redone on top of it."""
    engine = importlib.import_module("storeops.engine.recalc")  # the module, not the function

    master, sales = books
    saved = _saved_version(master, tmp_path)
    pause = _Pause(monkeypatch, engine)
    argv = {
        "recalc": ["recalc", master, "--no-progress"],
        "import": ["import", PRODUCTS, "--into", master],
        "merge": ["merge", sales, "--into", master],
    }[command]
    t, result = _cli_in_thread(argv)
    assert pause.reached.wait(60), result
    _save_over(master, saved)
    pause.go.set()
    t.join(120)
    assert result.get("rc") == 0, (result, capsys.readouterr())
    assert pause.calls == 2  # refused once, then done again on the saved version
    follow = _follow(master)
    assert follow.loc["Amy", "order_usd"] == 25_000  # the save is kept …
    assert follow.loc["Amy", "buyer_class"] == "A"  # … and recalculated
    if command == "import":
        assert len(read_tables(master)["tblProducts"].dropna(how="all")) == 365
    if command == "merge":
        assert follow.loc["Bob", "stage"] == "已报价 Quoted"
    assert not [n for n in os.listdir(master.parent) if n.startswith(".storeops-")]


def test_atomic_replace_refuses_to_overwrite_a_newer_save(books, tmp_path):
    master, _ = books
    saved = _saved_version(master, tmp_path)
    with workbook_session(master):
        read_tables(master)
        _save_over(master, saved)  # someone saves after StoreOps read the file
        with pytest.raises(FileChangedError, match="saved by someone else"):
            atomic_replace(master, lambda fh: fh.write(b"new version"))
    assert master.read_bytes() == saved.read_bytes()


def test_same_size_same_mtime_change_is_caught(books):
    """The digest catches a change that keeps size and modification time (coarse clocks)."""
    master, _ = books
    with workbook_session(master):
        st = os.stat(master)
        data = bytearray(master.read_bytes())
        data[-30] ^= 1  # inside the zip's central directory comment-free tail: same size
        master.write_bytes(bytes(data))
        os.utime(master, ns=(st.st_atime_ns, st.st_mtime_ns))
        with pytest.raises(FileChangedError):
            atomic_replace(master, lambda fh: fh.write(b"x"))


def test_one_storeops_writer_at_a_time(books):
    master, _ = books
    held, release = threading.Event(), threading.Event()

    def holder():
        with workbook_session(master):
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        t0 = time.monotonic()
        with pytest.raises(FileBusyError, match="another StoreOps command"):
            with workbook_session(master, wait=0.3):
                pass
        assert time.monotonic() - t0 >= 0.3
        waited: list[float] = []

        def second():
            t1 = time.monotonic()
            with workbook_session(master, wait=20):
                waited.append(time.monotonic() - t1)

        t2 = threading.Thread(target=second)
        t2.start()
        time.sleep(0.3)
        release.set()
        t2.join(20)
        assert waited and waited[0] >= 0.25  # it waited for the first writer, then went on
    finally:
        release.set()
        t.join(10)
    assert not [n for n in os.listdir(master.parent) if n.startswith(".storeops-")]


def test_recalc_failure_after_import_leaves_the_file_unchanged(books, monkeypatch):
    from storeops.importers.into_workbook import import_into

    stages = importlib.import_module("storeops.engine._pipeline")  # the recalculation's stages
    master, _ = books
    before = master.read_bytes()

    def broken(*a, **k):
        raise RuntimeError("evaluation failed")

    monkeypatch.setattr(stages, "evaluate", broken)
    with pytest.raises(RuntimeError):
        import_into([str(PRODUCTS)], str(master), progress=False)
    assert master.read_bytes() == before  # rows and values are one write: neither happened


def test_killed_write_leaves_a_temp_file_the_next_run_removes(books):
    master, _ = books
    code = (
        "import sys, time, importlib\n"
        "rc = importlib.import_module('storeops.engine.recalc')\n"
        "orig = rc.write_zip\n"
        "def slow(fh, *a, **k):\n"
        "    orig(fh, *a, **k); fh.flush(); print('written', flush=True); time.sleep(60)\n"
        "rc.write_zip = slow\n"
        "rc.recalc(sys.argv[1], progress=False)\n"
    )
    before = master.read_bytes()
    p = subprocess.Popen([sys.executable, "-c", code, str(master)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "written"
    p.send_signal(signal.SIGKILL)
    p.wait()
    left = [n for n in os.listdir(master.parent) if n.startswith(".storeops-")]
    assert left and all(n.startswith(".storeops-master.xlsm.") for n in left), left
    assert master.read_bytes() == before
    assert main(["recalc", str(master), "--no-progress"]) == 0
    assert not [n for n in os.listdir(master.parent) if n.startswith(".storeops-")]


def test_watch_catches_up_on_saves_made_while_stopped(books, tmp_path):
    from storeops.watch import STATE_FILE, Watcher

    master, _ = books
    folder = tmp_path / "shared"
    folder.mkdir()
    target = folder / "book.xlsm"
    shutil.copyfile(master, target)
    saved = _saved_version(master, tmp_path)
    log = open(os.devnull, "w")
    w = Watcher(folder, settle=0.0, log_to=log)
    w.baseline()  # first start: the folder as it is
    assert (folder / STATE_FILE).exists() and w.poll_once(now=1e9) == []
    # the watcher is stopped (or killed); meanwhile the workbook is saved, and a killed run left a temp file
    _save_over(target, saved)
    (folder / ".storeops-book.xlsm.abcd1234.tmp").write_bytes(b"PK half")
    w2 = Watcher(folder, settle=0.0, log_to=log)
    w2.baseline()
    assert not (folder / ".storeops-book.xlsm.abcd1234.tmp").exists()
    assert w2.poll_once(now=1e9) == [target]
    assert _follow(target).loc["Amy", "buyer_class"] == "A"  # recalculated on start
    w3 = Watcher(folder, settle=0.0, log_to=log)  # nothing missed this time: nothing runs
    w3.baseline()
    assert w3.poll_once(now=1e9) == []
