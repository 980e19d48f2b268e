"""Where the extracts of big sheets are kept between recalculations (issue 14).

Every recalculation that keeps its state and writes a big sheet (:data:`EXTRACT_BYTES` of
XML or more) extracts, as it deflates the sheet's segments, the value cells of every
column a formula of the workbook reads there (:mod:`storeops.xlsx._extract`); segments
copied from the last write keep their part of the last extract.  The extract is kept in
the user's cache folder (:func:`storeops.xlsx._trust.cache_dir`, sub-folder ``extracts``;
the newest :data:`MAX_FILES`, at most :data:`MAX_BYTES`), named after the engine's key and the SHA-256 of the sheet's
stored bytes — the name :mod:`storeops.xlsx._trust` records the bytes this user's StoreOps
wrote under.  It is found again for any copy of the workbook whose sheet holds those bytes,
and never for other bytes; a file cannot name one (nothing in it is trusted for that).

Nothing in the workbook changes: a file opened in Excel, WPS or LibreOffice is the same
with or without an extract, and without one the sheet is simply read whole.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from ..xlsx._extract import Extract, ExtractWriter, Part, column_mask, extract_part
from ._parked import sheet_size

#: sheets with at least this much XML are extracted when written
EXTRACT_BYTES = 32 << 20
#: extracts kept in the cache folder, and their bytes at most (the oldest go first; the
#: reference's follow-up sheet has one of 51 MB)
MAX_FILES = 24
MAX_BYTES = 1 << 30


def cache_dir() -> str:
    """The folder extracts are kept in."""
    from ..xlsx._trust import cache_dir as storeops_cache

    return os.path.join(storeops_cache(), "extracts")


@functools.lru_cache(maxsize=1)
def _engine_key() -> str:
    from ._state import engine_key

    return engine_key()


def _name(key: str) -> str:
    """The file of the extract of the stored bytes named ``key`` (:func:`storeops.xlsx._trust.part_key`:
    a SHA-256 of the bytes with their CRC-32 and size), findable by CRC-32 and size too."""
    import hashlib

    _sha, _method, crc, size = key.rsplit(":", 3)
    h = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{_engine_key()}-{crc}-{int(size):x}-{h}.ext"


def load(key: str) -> Extract | None:
    """The extract of the sheet whose stored bytes are ``key`` (``None``: none kept)."""
    return _open(os.path.join(cache_dir(), _name(key)))


def load_like(crc: int, size: int) -> Extract | None:
    """The newest extract of a content with this CRC-32 and length: only its segments'
    blocks are used, each where a segment has their CRC-32 and length (a sheet rewritten since)."""
    folder = cache_dir()
    if not os.path.isdir(folder):
        return None
    prefix = f"{_engine_key()}-{crc & 0xFFFFFFFF:08x}-{size:x}-"
    found = []
    for f in os.listdir(folder):
        if f.startswith(prefix) and f.endswith(".ext"):
            try:
                found.append((os.path.getmtime(os.path.join(folder, f)), f))
            except OSError:
                continue
    return _open(os.path.join(folder, max(found)[1])) if found else None


def _open(path: str) -> Extract | None:
    if not os.path.exists(path):
        return None
    ext = Extract.open(path)
    if ext is not None:
        try:
            os.utime(path)  # the newest are kept
        except OSError:
            pass
    return ext


def _prune(folder: str) -> None:
    """Keep the newest :data:`MAX_FILES` extracts, at most :data:`MAX_BYTES` of them."""
    prune_folder(folder, ".ext", MAX_FILES, MAX_BYTES)


def prune_folder(folder: str, suffix: str, max_files: int, max_bytes: int | None = None) -> None:
    """Keep the newest ``max_files`` files of ``folder`` ending in ``suffix`` (temporary
    ones, named with a leading dot, aside), at most ``max_bytes`` of them (the newest always)."""
    files = []
    for f in os.listdir(folder):
        if f.endswith(suffix) and not f.startswith("."):
            try:
                st = os.stat(os.path.join(folder, f))
            except OSError:
                continue
            files.append((st.st_mtime, st.st_size, f))
    total = 0
    for k, (_t, size, f) in enumerate(sorted(files, reverse=True)):
        total += size
        if k >= max_files or (k and max_bytes is not None and total > max_bytes):
            try:
                os.remove(os.path.join(folder, f))
            except OSError:
                pass


def columns_read(run: Any, name: str) -> set[int]:
    """The columns of sheet ``name`` any formula of the workbook reads, or a chart shows."""
    from ._read import add_reads

    cols: dict[str, set[int]] = {name: set()}
    add_reads(cols, [r for g in run.all_groups() for r in g.reads if r[0] == name])
    add_reads(cols, [(s, c1, c2, r1, r2) for s, c1, r1, c2, r2 in run.charts if s == name])
    return cols[name]


class Builder:
    """Extracts a sheet as its segments are deflated (the ``inspect`` of
    :func:`storeops.xlsx._zipwrite.deflate`): :meth:`part` on the pool for each segment's
    content, :meth:`keep` in order (written to the file at once), :meth:`finish` with the
    deflated member (names the file), :meth:`abandon` when the write failed.  A segment
    the last extract has (the same CRC-32 and length) keeps its block, copied from there."""

    def __init__(self, cols: set[int], old: Extract | None, folder: str):
        self.cols = tuple(sorted(cols))
        self.want = column_mask(self.cols)
        self.old = old if old is not None and old.cols == self.cols else None
        self.spans = self.old.blocks() if self.old is not None else {}
        os.makedirs(folder, mode=0o700, exist_ok=True)
        self.folder = folder
        self.writer = ExtractWriter(os.path.join(folder, f".{os.getpid()}-{id(self):x}.tmp"), self.cols)

    def part(self, data: Any, crc: int) -> Part | None:
        span = self.spans.get((crc, len(data)))
        if span is not None and self.old is not None:
            part = self.old.block(span, len(data), crc)
            if part is not None:
                return part
        return extract_part(data, self.cols, self.want, crc)

    def keep(self, part: Part | None) -> None:
        self.writer.add(part)

    def finish(self, deflated: Any) -> None:
        self.finish_as(stored_key(deflated))

    def finish_as(self, key: str) -> None:
        """Name the file after the stored bytes ``key``."""
        try:
            if self.writer.close(os.path.join(self.folder, _name(key))):
                _prune(self.folder)
        except OSError:
            self.writer.abandon()

    def abandon(self) -> None:
        self.writer.abandon()


def stored_key(deflated: Any) -> str:
    """The :func:`~storeops.xlsx._trust.part_key` of a member deflated for the file (computed once)."""
    key = getattr(deflated, "key", None)
    if key is None:
        import zipfile

        from ..xlsx._trust import part_key

        key = deflated.key = part_key(deflated.chunks, zipfile.ZIP_DEFLATED, deflated.crc, deflated.size)
    return key


def builder(run: Any, name: str) -> Builder | None:
    """The extract builder for sheet ``name`` when this run writes it and it is extracted:
    a big sheet, written as the file holds it (no formulas put in or taken out for the
    workbook's edition, no date stamped on it), of which some formula reads a column."""
    if not run.extracts or sheet_size(run.pkg, name) < EXTRACT_BYTES:
        return None
    ed = run.editions
    if ed is not None and (
        name in ed.stamped or ed.injected.get(name) or ed.injected_cells.get(name) or ed.virtual.get(name)
    ):
        return None
    cols = columns_read(run, name)
    if not cols:
        return None
    folder = cache_dir()
    partial = run.partial.get(name)
    old = partial.extract if partial is not None else _last_extract(run, name)
    try:
        return Builder(cols, old, folder)
    except OSError:  # a cache folder that cannot be written: nothing kept
        return None


def _last_extract(run: Any, name: str) -> Extract | None:
    """The extract of the sheet as the last recalculation wrote it (its segments that did
    not change keep their parts)."""
    stored = run.stored
    path = run.pkg.sheet(name).path
    digest = stored.members.get(path) if stored is not None else None
    return load_like(digest[0], digest[1]) if digest else None


def extract_unchanged(run: Any, name: str, xml: Any, pool: Any = None) -> None:
    """A big sheet this run read whole and leaves as it is, byte for byte as the last write
    left it, gets the extract that write did not keep (written on another machine, or the
    cache folder cleared): the next run needing it reads it partially.  Its segments are
    the state's map (the member is the last write's), extracted on ``pool``."""
    from ..xlsx._zipwrite import map_in_order
    from ._run import as_written

    if run.prior is None or name in run.partial or name not in run.as_read or not as_written(run, name):
        return
    path = run.pkg.sheet(name).path
    m = run.prior.segments.get(path)
    if not m or sum(seg[1] for seg in m) != len(xml):
        return
    key = run.pkg.stored_key(path)  # made when the part was read, if it is a big one
    if load(key) is not None:
        return
    build = builder(run, name)
    if build is None:
        return
    view = memoryview(xml)
    try:
        for part in map_in_order(lambda seg: build.part(view[seg[0] : seg[0] + seg[1]], seg[4]), m, pool):
            build.keep(part)
    except BaseException:
        build.abandon()
        raise
    build.finish_as(key)
