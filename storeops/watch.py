"""``storeops watch``: recalculate StoreOps workbooks in a folder whenever they are saved.

Portable polling (no inotify/FSEvents dependency): every ``interval`` seconds the folder is
listed and each ``*.xlsm``/``*.xlsx`` is ``stat``-ed.

* **debounced** — a file runs only after its size and modification time have stayed the
  same for ``settle`` seconds (Excel and LibreOffice write a file in several steps);
* **locks** — while Excel (``~$NAME``), LibreOffice/WPS (``.~lock.NAME#``) hold the file open,
  it waits (logging once) and runs when the lock goes;
* **mid-write or corrupt files** are never modified: the error is logged and the file is tried
  again on its next change;
* **its own writes** are recognised (size + mtime recorded after each run) and ignored, so the
  watcher never loops;
* only StoreOps workbooks are touched (a ``tblFollow`` or ``tblProducts`` table inside);
* with ``merge_into`` a salesperson's saved workbook is recalculated (its new rows get their
  buyer IDs) and then merged into the master (:func:`storeops.merge_workbooks.merge_files`),
  which is recalculated too;
* each run is logged with time and summary; Ctrl-C or SIGTERM stops it cleanly.

Files already in the folder when the watcher starts are taken as they are (not recalculated)
until they change.
"""

from __future__ import annotations

import datetime as _dt
import os
import signal
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

__all__ = ["Watcher", "is_storeops_workbook", "locked", "watch"]

_EXTS = (".xlsm", ".xlsx")


def locked(path: Path) -> bool:
    """True while Excel, WPS or LibreOffice holds ``path`` open (their lock/owner files exist)."""
    from storeops.xlsx._atomic import lock_files

    return bool(lock_files(str(path)))


def is_storeops_workbook(path: Path) -> bool:
    """A workbook with a StoreOps table (``tblFollow`` or ``tblProducts``) inside.

    Reads only the small table parts; a file that is not a readable zip is *not* one (yet).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if (
                    info.filename.startswith("xl/tables/")
                    and info.filename.endswith(".xml")
                    and info.file_size < 1 << 20
                ):
                    head = zf.read(info.filename)
                    if b'name="tblFollow"' in head or b'name="tblProducts"' in head:
                        return True
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
        return False
    return False


@dataclass
class _State:
    sig: tuple[int, int] | None = None  # (size, mtime_ns) last seen
    changed_at: float = 0.0
    pending: bool = False
    own: tuple[int, int] | None = None  # signature right after our own write
    waiting_lock: bool = False
    failed_sig: tuple[int, int] | None = None


def _sig(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass
class Watcher:
    """Poll ``folder`` and recalculate StoreOps workbooks when they are saved.

    ``recalc`` defaults to :func:`storeops.engine.recalc`; tests may pass their own.
    """

    folder: Path
    interval: float = 1.0
    settle: float = 1.0
    merge_into: Path | None = None
    log_to: TextIO = field(default_factory=lambda: sys.stdout)
    recalc: Callable[[str], object] | None = None
    states: dict[Path, _State] = field(default_factory=dict)
    stop_event: threading.Event = field(default_factory=threading.Event)
    runs: int = 0

    def log(self, msg: str) -> None:
        stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        print(f"[{stamp}] {msg}", file=self.log_to, flush=True)

    def _candidates(self) -> list[Path]:
        try:
            names = os.listdir(self.folder)
        except OSError as exc:
            self.log(f"无法读取文件夹 / cannot list the folder: {exc}")
            return []
        out = []
        for n in sorted(names):
            if not n.lower().endswith(_EXTS) or n.startswith(("~$", ".~lock.", ".storeops-", ".")):
                continue
            out.append(self.folder / n)
        return out

    def baseline(self) -> None:
        """Take the folder as it is now: existing files are not run until they change."""
        for p in self._candidates():
            self.states[p] = _State(sig=_sig(p))

    def poll_once(self, now: float | None = None) -> list[Path]:
        """One scan; returns the files run in this scan."""
        now = time.monotonic() if now is None else now
        ran = []
        seen = set()
        for p in self._candidates():
            seen.add(p)
            st = self.states.setdefault(p, _State())
            sig = _sig(p)
            if sig is None:
                continue
            if sig != st.sig:
                st.sig, st.changed_at = sig, now
                st.pending = sig != st.own and sig != st.failed_sig
                continue
            if not st.pending or now - st.changed_at < self.settle:
                continue
            if locked(p):
                if not st.waiting_lock:
                    self.log(f"等待解锁(文件正被打开) / waiting: {p.name} is open in another program")
                    st.waiting_lock = True
                continue
            st.waiting_lock = False
            st.pending = False
            if self._run(p, st):
                ran.append(p)
        for gone in set(self.states) - seen:
            del self.states[gone]
        return ran

    def _recalc(self, path: Path) -> object:
        if self.recalc is not None:
            return self.recalc(str(path))
        from storeops.engine import recalc

        return recalc(str(path), progress=False)

    def _run(self, p: Path, st: _State) -> bool:
        if not is_storeops_workbook(p):
            if zipfile.is_zipfile(p):
                return False  # some other workbook: leave it alone, silently
            self.log(
                f"跳过(文件不完整或已损坏,下次保存时重试) / skipped {p.name}: not a readable workbook yet; "
                f"will retry on its next change"
            )
            st.failed_sig = st.sig
            return False
        t0 = time.perf_counter()
        try:
            # recalc first: rows typed below the table become table rows with their buyer IDs,
            # so the merge reads the file exactly as the salesperson will see it next time
            summary = [_summary(self._recalc(p))]
            st.own = st.sig = _sig(p)
            if self.merge_into is not None and p.resolve() != self.merge_into.resolve():
                from storeops.merge_workbooks import merge_files

                res = merge_files(str(self.merge_into), [str(p)], progress=False).result
                summary.append(
                    f"合并到 merged into {self.merge_into.name}: +{res.added} ~{res.updated}, "
                    f"冲突 conflicts {len(res.conflicts)}"
                )
                master = self.states.setdefault(self.merge_into, _State())
                master.own = master.sig = _sig(self.merge_into)
                master.pending = False
        except Exception as exc:  # noqa: BLE001 - a watcher must survive any one file
            st.failed_sig = st.sig
            self.log(
                f"失败,文件未改动,下次保存时重试 / failed, {p.name} left unchanged; will retry on its next change: "
                f"{type(exc).__name__}: {exc}"
            )
            return False
        st.own = st.sig = _sig(p)
        self.runs += 1
        self.log(
            f"已重新计算 recalculated {p.name} ({time.perf_counter() - t0:.2f} s): "
            + "; ".join(s for s in summary if s)
        )
        return True

    def run(self) -> int:
        """Poll until stopped (Ctrl-C, SIGTERM or :attr:`stop_event`)."""
        self.baseline()
        self.log(
            f"正在监视 watching {self.folder} (每 {self.interval:g} 秒 every {self.interval:g} s; Ctrl-C 停止 to stop)"
        )
        try:
            while not self.stop_event.is_set():
                self.poll_once()
                self.stop_event.wait(self.interval)
        except KeyboardInterrupt:
            pass
        self.log(f"已停止 stopped ({self.runs} 次计算 runs)")
        return 0


def _summary(report: object) -> str:
    if report is None:
        return ""
    for attr in ("summary", "message"):
        v = getattr(report, attr, None)
        if callable(v):
            v = v()
        if isinstance(v, str) and v:
            return v
    return str(report)[:200]


def watch(folder: str, *, interval: float = 1.0, settle: float = 1.0, merge_into: str | None = None) -> int:
    """Run the watcher in the foreground with Ctrl-C/SIGTERM handling."""
    from storeops.errors import StoreOpsError

    path = Path(folder)
    if not path.is_dir():
        raise StoreOpsError(f"不是文件夹 / not a folder: {folder}")
    if merge_into is not None and not Path(merge_into).is_file():
        raise StoreOpsError(f"找不到主文件 / master workbook not found: {merge_into}")
    w = Watcher(path, interval=interval, settle=settle, merge_into=Path(merge_into) if merge_into else None)

    def _stop(signum: int, frame: object) -> None:
        w.stop_event.set()

    old = {}
    for s in (signal.SIGTERM, signal.SIGINT) + ((signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()):
        try:
            old[s] = signal.signal(s, _stop)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        return w.run()
    finally:
        for s, h in old.items():
            signal.signal(s, h)
