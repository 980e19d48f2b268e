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
* each run is logged with time and summary; Ctrl-C or SIGTERM stops it cleanly;
* **one writer** — each run holds the workbook's StoreOps lock
  (:func:`storeops.xlsx.workbook_session`): while ``merge`` or ``import`` writes the file it
  waits, and a save that lands during a run is never overwritten (the run is refused and
  the file runs again once it settles);
* **catch-up** — the version of each file it last dealt with is kept in
  ``.storeops-watch.json`` in the folder; started again (after a stop, a crash or a kill) it
  runs every file saved meanwhile, and removes temporary files killed runs left.

The very first time it watches a folder, the files already there are taken as they are (not
recalculated) until they change.
"""

from __future__ import annotations

import datetime as _dt
import json
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
#: the watcher's memory of each file's last handled version, in the watched folder
STATE_FILE = ".storeops-watch.json"


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
    handled: tuple[int, int] | None = None  # the version last dealt with (run, failed or skipped)


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

    @property
    def state_path(self) -> Path:
        return self.folder / STATE_FILE

    def _load_state(self) -> dict[str, tuple[int, int]] | None:
        try:
            raw = json.loads(self.state_path.read_text(encoding="utf-8"))
            return {str(k): (int(v[0]), int(v[1])) for k, v in raw.get("files", {}).items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
            self.log(f"忽略损坏的状态文件 / ignoring a damaged {STATE_FILE}: {exc}")
            return None

    def _save_state(self) -> None:
        """Record the version of each file dealt with (for the catch-up after a restart)."""
        from storeops.xlsx import atomic_write

        done = {}
        for p, st in self.states.items():
            sig = st.handled
            if sig is not None:
                done[p.name] = list(sig)
        data = json.dumps({"version": 1, "files": done}, ensure_ascii=False, indent=0).encode("utf-8")
        try:
            atomic_write(self.state_path, lambda fh: fh.write(data))
        except Exception as exc:  # noqa: BLE001 - the watcher keeps working without it
            self.log(f"无法保存状态文件 / cannot save {STATE_FILE}: {exc}")

    def baseline(self, now: float | None = None) -> None:
        """Start: remove temporary files killed runs left; then, if this folder was watched
        before, mark every file saved since (or new) to run; else take the folder as it is."""
        from storeops.xlsx._session import clean_folder

        now = time.monotonic() if now is None else now
        for name in clean_folder(self.folder):
            self.log(f"已删除中断留下的临时文件 / removed a temporary file a killed run left: {name}")
        known = self._load_state()
        missed = 0
        for p in self._candidates():
            sig = _sig(p)
            st = self.states[p] = _State(sig=sig, changed_at=now)
            if known is None:
                st.handled = sig
            elif known.get(p.name) != sig:
                st.pending = True  # saved (or added) while the watcher was not running
                missed += 1
            else:
                st.handled = sig
        if missed:
            self.log(f"补做停止期间保存的 {missed} 个文件 / catching up on {missed} file(s) saved while stopped")
        self._save_state()

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
            self._save_state()
        for gone in set(self.states) - seen:
            del self.states[gone]
        return ran

    def _recalc(self, path: Path) -> object:
        if self.recalc is not None:
            return self.recalc(str(path))
        from storeops.engine import recalc

        return recalc(str(path), progress=False)

    def _run(self, p: Path, st: _State) -> bool:
        from storeops.errors import FileBusyError, FileChangedError
        from storeops.xlsx import workbook_session

        if not is_storeops_workbook(p):
            st.handled = st.sig
            if zipfile.is_zipfile(p):
                return False  # some other workbook: leave it alone, silently
            self.log(
                f"跳过(文件不完整或已损坏,下次保存时重试) / skipped {p.name}: not a readable workbook yet; "
                f"will retry on its next change"
            )
            st.failed_sig = st.sig
            return False
        try:
            session = workbook_session(p, wait=0.0)
            session.__enter__()
        except FileBusyError:
            if not st.waiting_lock:
                self.log(f"等待另一个 StoreOps 命令写完 / waiting: another StoreOps command is writing {p.name}")
                st.waiting_lock = True
            st.pending = True
            return False
        except Exception as exc:  # noqa: BLE001 - read-only, vanished …: log, retry on the next change
            st.failed_sig = st.handled = st.sig
            self.log(f"失败,文件未改动,下次保存时重试 / failed, {p.name} left unchanged: {_one_line(exc)}")
            return False
        try:
            return self._run_locked(p, st)
        except FileChangedError:
            self.log(
                f"运行期间 {p.name} 又被保存了,未写入,稍后按新内容重做 / {p.name} was saved meanwhile: "
                "nothing written, it runs again once the save settles"
            )
            return False
        finally:
            session.__exit__(None, None, None)

    def _run_locked(self, p: Path, st: _State) -> bool:
        from storeops.errors import FileChangedError

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
                master.own = master.sig = master.handled = _sig(self.merge_into)
                master.pending = False
        except FileChangedError:
            raise
        except Exception as exc:  # noqa: BLE001 - a watcher must survive any one file
            st.failed_sig = st.handled = st.sig
            self.log(
                f"失败,文件未改动,下次保存时重试 / failed, {p.name} left unchanged; will retry on its next change: "
                f"{_one_line(exc)}"
            )
            return False
        st.own = st.sig = st.handled = _sig(p)
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


def _one_line(exc: BaseException) -> str:
    from storeops.errors import describe

    known = describe(exc)
    text = known[0] if known else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


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
