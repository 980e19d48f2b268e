"""Sheet XML that need not stay whole between the stages of a recalculation (issue 14).

A big sheet's XML is needed whole when it is scanned and its input columns converted;
the evaluation does not read it, and writing the new cached values reads it once, from
the start to the end (:class:`storeops.xlsx._splice.StreamSplice`).  :class:`SheetXml`
is the run's ``sheet name → XML`` mapping with *parked* entries: a parked sheet holds no
XML.  Reading the entry brings the XML back whole (and keeps it until it is parked
again); :meth:`SheetXml.chunks` gives it in consecutive chunks without ever holding it
whole.  It comes back from the package when it is the part's bytes as read, else from a
deflated copy made when it was parked (about a tenth of its size).  Either way the bytes
are checked: the same length and CRC-32 as when they were parked.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ..xlsx._deflate import crc32

#: sheets with at least this much XML are parked (smaller ones cost more time than they free)
PARK_BYTES = 32 << 20
#: the chunks a parked sheet comes back in
CHUNK = 4 << 20


class Parked:
    """How a parked sheet's XML comes back (``whole()`` or ``chunks()``), its length and CRC-32."""

    def __init__(self, whole: Callable[[], bytes], chunks: Callable[[], Iterator[Any]], size: int, crc: int):
        self.whole, self.chunks, self.size, self.crc = whole, chunks, size, crc


class SheetXml(dict):
    """``sheet name → XML`` where an entry may be parked (:meth:`park`)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._parked: dict[str, Parked] = {}
        self._spare: dict[str, Parked] = {}  # brought back, and can be parked again at no cost
        self._lock = threading.Lock()  # one sheet brought back at a time
        self._last: Any = None  # the job of the last big sheet submitted (:func:`submit`)
        self.big: set[str] = set()  # the sheets parked, or to be parked once used (:func:`read_sheets`)

    def __getitem__(self, name: str) -> bytes:
        if name in self._parked:
            with self._lock:
                p = self._parked.pop(name, None)
                if p is not None:
                    data = p.whole()
                    _check(name, p, len(data), crc32(data))
                    super().__setitem__(name, data)
                    self._spare[name] = p
        return super().__getitem__(name)

    def __setitem__(self, name: str, data: bytes) -> None:
        self._parked.pop(name, None)
        self._spare.pop(name, None)
        super().__setitem__(name, data)

    def repark(self, name: str) -> bool:
        """Park a sheet brought back again (its XML unchanged since); whether it was."""
        p = self._spare.pop(name, None)
        if p is not None:
            self.park(name, p)
        return p is not None

    def parked(self, name: str) -> bool:
        return name in self._parked

    def park(self, name: str, p: Parked) -> None:
        """Let sheet ``name``'s XML go until it is read again (``p``: how it comes back)."""
        super().__setitem__(name, b"")
        self._parked[name] = p

    def chunks(self, name: str) -> Iterator[Any]:
        """The XML of parked sheet ``name`` in consecutive chunks (checked at the end:
        :class:`RuntimeError` when it is not what was parked)."""
        p = self._parked[name]
        size = crc = 0
        for chunk in p.chunks():
            size += len(chunk)
            crc = crc32(chunk, crc)
            yield chunk
        _check(name, p, size, crc)


def _check(name: str, p: Parked, size: int, crc: int) -> None:
    if size != p.size or crc != p.crc:
        raise RuntimeError(f"sheet {name}: the XML brought back is not what was parked")


def parks(run: Any) -> bool:
    """Whether the run parks its big sheets: a full run (an incremental one reads few
    sheets, evaluates little and copies the last write's segments, which needs a sheet
    whole — bringing it back would cost it more time than it saves room)."""
    return isinstance(run.xml, SheetXml) and run.prior is None


def big_sheets(run: Any, names: list[str]) -> list[str]:
    """The sheets of ``names`` the run parks (:data:`PARK_BYTES` of XML or more)."""
    return [n for n in names if sheet_size(run.pkg, n) >= PARK_BYTES] if parks(run) else []


def park_big_sheets(run: Any, names: list[str] | None = None) -> None:
    """Park the XML of every scanned sheet (of ``names``) of at least :data:`PARK_BYTES`.  A
    sheet whose XML is its part as read comes back from the package; another (an
    edition's cells put in, rows taken into a table) is kept deflated."""
    xml = run.xml
    if not parks(run):
        return
    for s in run.sheets:
        name = s.name
        if (names is not None and name not in names) or name not in xml or xml.parked(name):
            continue
        if xml.repark(name):
            continue
        data = dict.__getitem__(xml, name)
        if len(data) < PARK_BYTES:
            continue
        size, crc = len(data), crc32(data)
        if name in run.as_read:
            p = _from_part(run, s.path, size, crc)
        else:
            p = _deflated(data, size, crc)
        del data
        xml.park(name, p)


def _deflated(data: bytes, size: int, crc: int) -> Parked:
    """The bytes deflated in segments now (on threads of their own: this may run on the
    run's pool); back by inflating them (whole: on both cores)."""
    from ..xlsx._segments import inflate_pieces, inflate_segments, segment_map
    from ..xlsx._zipwrite import deflate

    with ThreadPoolExecutor(2) as pool:
        d = deflate([data], pool)
    chunks, m = d.chunks, segment_map(d)
    return Parked(lambda: inflate_segments(b"".join(chunks), m, size, crc), lambda: inflate_pieces(chunks), size, crc)


def _from_part(run: Any, path: str, size: int, crc: int) -> Parked:
    """Back from the package's part (as this run's edits have it)."""

    def chunks() -> Iterator[Any]:
        data = run.edit.replace.get(path)
        if data is None:
            data = getattr(run.pkg, "_overlay", {}).get(path)
        if isinstance(data, bytes):
            view = memoryview(data)
            return (view[i : i + CHUNK] for i in range(0, len(data), CHUNK))
        if data is not None:  # a Deflated
            from ..xlsx._segments import inflate_pieces

            return inflate_pieces(data.chunks)
        return _member_chunks(run.pkg, path)

    return Parked(lambda: run.edit.read(path), chunks, size, crc)


def _member_chunks(pkg: Any, path: str) -> Iterator[Any]:
    """A member of the package's file, inflated as it is read (never held whole)."""
    from ..xlsx._segments import inflate_pieces
    from ..xlsx._zipwrite import data_offset, stored_chunks

    info = next(i for i in pkg.infos if i.filename == path)
    with pkg.source() as fh:
        fh.seek(data_offset(fh, info))
        raws = stored_chunks(fh, info.compress_size, 1 << 20)
        if info.compress_type == zipfile.ZIP_STORED:
            yield from raws
        else:
            yield from inflate_pieces(raws)


def submit(run: Any, name: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` on the run's pool (at once without one).  For a big sheet the job
    starts when the last big sheet's is done (no worker waits for it meanwhile) and parks
    the sheet again after it: one big sheet's XML at a time."""
    xml = run.xml
    if not isinstance(xml, SheetXml) or name not in xml.big:
        return run.pool.submit(fn, *args) if run.pool is not None else fn(*args)

    def job() -> Any:
        try:
            return fn(*args)
        finally:
            if not xml.repark(name):
                park_big_sheets(run, [name])

    if run.pool is None:
        return job()
    out: Future = Future()

    def start(_: Any = None) -> None:
        try:
            run.pool.submit(job).add_done_callback(lambda f: _settle(out, f))
        except BaseException as exc:  # the pool shut down: said where the result is taken
            out.set_exception(exc)

    before, xml._last = xml._last, out
    if before is None:
        start()
    else:
        before.add_done_callback(start)
    return out


def _settle(out: Future, done: Future) -> None:
    exc = done.exception()
    if exc is not None:
        out.set_exception(exc)
    else:
        out.set_result(done.result())


def read_sheets(run: Any, names: list[str], prepare: Callable, scan: Callable, columns: Callable) -> None:
    """Prepare and scan these sheets (``prepare(run, names)``, ``scan(run, names, cols)``,
    ``columns(run, names)``: what to scan) — a big sheet (:data:`PARK_BYTES` of XML or
    more) alone, parked as soon as it is scanned: one big sheet's XML at a time.  The
    others are prepared first (their guesses of what to scan count for the big ones)
    and scanned last (with every guess).  The last big sheet scanned stays whole when it
    is the first the next stage takes (:func:`submit`, in the workbook's order): it is
    not brought back again."""
    from ._read import trim_formulas

    big = big_sheets(run, names)
    if not big:
        prepare(run, names)
        scan(run, names, columns(run, names))
        return
    small = [n for n in names if n not in big]
    order = [s.name for s in run.sheets]
    # the one inflated already first, the others from the workbook's end
    big.sort(key=lambda n: (run.pkg.sheet(n).path not in run.kept, -order.index(n)))
    run.xml.big.update(big)
    prepare(run, small)
    cols = columns(run, small)
    first = min(run.xml.big, key=order.index)
    for name in big:
        prepare(run, [name])
        for sheet, more in columns(run, [name]).items():
            cols.setdefault(sheet, set()).update(more)
        scan(run, [name], cols)
        if name != big[-1] or name != first:
            park_big_sheets(run, [name])
        trim_formulas(run, [name])
    if small:
        scan(run, small, cols)


def sheet_size(pkg: Any, name: str) -> int:
    """A sheet's XML size as the package stores it (0 when unknown)."""
    path = pkg.sheet(name).path
    info = next((i for i in pkg.infos if i.filename == path), None)
    return info.file_size if info is not None else 0
