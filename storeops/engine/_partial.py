"""A big sheet as the last write left it, read only where the recalculation needs it (issue 14).

An order edit changes one row of the Orders log; the follow-up sheet's per-buyer
``SUMIFS`` read that log, so the follow-up sheet (442 MB of XML on the reference) has to
be read — for the buyer IDs its criteria hold, the columns the Target and Buyers sheets
count, and the few cells whose values may change.  When the sheet is byte for byte as the
last write left it, its stored bytes are ones this user's StoreOps wrote (the record of
:mod:`storeops.xlsx._trust`: its segments are scanned without the well-formedness check of
a whole read) and the last write kept an extract of its columns
(:mod:`storeops.xlsx._extract`, :mod:`._extracts`), none of that needs the XML:

* its formula groups are the ones the state recorded (:func:`~._incremental.prior_groups`);
* the columns the planned groups read are converted from the extract
  (:meth:`PartialSheet.convert`, the same records and conversion as from the XML);
* before a group of the sheet is evaluated at some rows, the segments holding those rows
  are inflated and scanned, and the group cells found there (:meth:`PartialSheet.ensure`)
  — an order edit re-evaluates the rows of one buyer, a segment or two;
* when one of its cells gets another value, only the segments holding a changed cell are
  written, the others copied from the file with their extract blocks, and where a changed
  length moves a cut the segments from there are cut anew (:meth:`PartialSheet.write`) —
  byte for byte what reading it whole gives; when that cannot be vouched for, its XML is
  inflated whole (:meth:`PartialSheet.materialize`) and written as a whole read is.

A sheet is opened partially only when the extract holds every column of it that any
formula of the workbook reads (and a chart shows); else it is read whole, as before.
"""

from __future__ import annotations

import zipfile
from typing import Any

import numpy as np

from ..xlsx import _trust
from ..xlsx._extract import Extract, data_region
from ..xlsx._scan import (
    F_CEND,
    F_COL,
    F_FKIND,
    F_TAGC,
    NARROW_FIELDS,
    NO_SST,
    NO_VIRTUAL,
    NV,
    SheetScan,
    _estimate,
    _records,
    _scan_part,
    want_mask,
)
from ._run import Run, as_written

#: formula record fields holding positions in the sheet's XML (moved when the XML is put together)
_POSITIONS = slice(F_TAGC, F_CEND + 1)
_NO_VALUES = want_mask([])


class PartialSheet:
    """A sheet read segment by segment (see the module help).  ``run.xml[name]`` holds the
    segments inflated so far and the value bytes of its deferred cells (in the order they
    came); ``run.scans[name]`` the formula records of those segments."""

    def __init__(self, name: str, path: str, segment_map: list[list[int]], extract: Extract, formulas: int):
        self.name, self.path, self.map, self.extract = name, path, segment_map, extract
        self.formulas = formulas  # the sheet's formula cells (the state's count)
        self.first_rows = np.array([seg[5] for seg in segment_map], np.int64)
        self.first_rows[0] = 0
        self.base: dict[int, int] = {}  # segment → where its content starts in run.xml[name]
        self.rec_seg = np.zeros(0, np.int32)  # per formula record: its segment
        self.whole = False
        self.extent: list[int] = []  # what the trust record says of its bytes (:mod:`storeops.xlsx._trust`)
        self._ordered: dict[int, bool] = {}  # id(group) → whether its rows are in order

    # ------------------------------------------------------------------ reading
    def segments_of(self, rows: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.first_rows, np.asarray(rows, np.int64), side="right") - 1

    def ensure(self, run: Run, rows: np.ndarray) -> None:
        """Inflate and scan the segments holding ``rows`` (those not read yet) and find the
        cells of the sheet's groups there."""
        if self.whole or not len(rows):
            return
        new = [int(i) for i in np.unique(self.segments_of(rows)) if int(i) not in self.base]
        if not new:
            return
        contents = _inflate(run, self.path, [self.map[i] for i in new])
        buf = run.xml[self.name]
        at = len(buf)
        spans = []
        for i, data in zip(new, contents):
            self.base[i] = at
            lo, hi = data_region(data)
            spans.append((at + lo, at + hi))
            at += len(data)
        buf = b"".join([buf, *contents])
        del contents
        a = np.frombuffer(buf, np.uint8)
        parts, segs = [], []
        for i, (lo, hi) in zip(new, spans):
            if hi > lo:
                F, *_rest = _scan_part(
                    a, lo, hi, _NO_VALUES, NO_SST, -1, buf, NO_VIRTUAL,
                    *_records(*_estimate(a, lo, hi, _NO_VALUES), NARROW_FIELDS),
                )  # fmt: skip
                parts.append(F)
                segs.append(np.full(len(F), i, np.int32))
        sc = run.scans[self.name]
        assert sc is not None
        before = len(sc.formulas)
        F_new = np.concatenate(parts) if parts else np.zeros((0, NARROW_FIELDS), np.int32)
        sc.formulas = np.concatenate([sc.formulas, F_new])
        self.rec_seg = np.concatenate([self.rec_seg, *segs]) if segs else self.rec_seg
        run.xml[self.name] = buf
        self._place(run, F_new, before, np.array(new, np.int64))

    def _place(self, run: Run, F: np.ndarray, offset: int, new: np.ndarray) -> None:
        """The cells of every group of the sheet in the segments ``new`` (records ``F``,
        the first at ``offset`` among the sheet's)."""
        from ._incremental import _ColumnCells
        from ._pipeline import FullRecalcNeeded

        cells = _ColumnCells(F)
        bounds = np.r_[self.first_rows, np.iinfo(np.int64).max]
        for g in run.groups.get(self.name, []):
            ordered = self._ordered.get(id(g))
            if ordered is None:
                ordered = self._ordered[id(g)] = bool((np.diff(g.rows) > 0).all())
            if ordered:  # rows in order (as groups hold them): each segment's rows a slice
                inside = np.zeros(len(g.rows), np.bool_)
                for i in new.tolist():
                    a, b = np.searchsorted(g.rows, bounds[i : i + 2])
                    inside[a:b] = True
            else:
                inside = np.isin(self.segments_of(g.rows), new)
            if not inside.any():
                continue
            found = cells.find(g.col, g.rows[inside])
            if found is None:  # not the cells the state recorded: a full recalculation says what is there
                raise FullRecalcNeeded
            g.cell_index[inside] = found + offset

    # ------------------------------------------------------------------ converting
    def convert(self, run: Run, cols: set[int], live: list) -> dict:
        """The columns ``cols`` from the extract, each converted when the evaluation first
        reads it (``run.book.pending``); the cells a live group recomputes are deferred,
        as :func:`~._read._convert_sheet` defers them (``run.deferred``)."""
        from ..xlsx._scan import V_ROW
        from ._groups import in_rows

        if not set(cols) <= set(self.extract.cols):  # open_partial checked every column any formula reads
            raise RuntimeError(f"{self.name}: columns {sorted(set(cols) - set(self.extract.cols))} not extracted")
        by_col: dict[int, list] = {}
        for g in live:
            if g.col in cols:
                by_col.setdefault(g.col, []).append(g)
        deferred = []
        for c, (V, isf, blob) in self.extract.columns(cols).items():
            later = np.zeros(len(V), np.bool_)
            formulas = np.flatnonzero(isf)
            for g in by_col.get(c, ()):
                later[formulas[in_rows(V[formulas, V_ROW], g.rows)]] = True
            if later.any():
                deferred.append((V[later], blob))
            run.book.pending[(self.name, c)] = _loader(run, self.name, blob, V[~later])
        run.deferred[self.name] = self._append_values(run, deferred)
        return {}

    def _append_values(self, run: Run, pieces: list[tuple[np.ndarray, bytes]]) -> np.ndarray:
        """Value records of several columns, each into bytes of its own, as records into
        ``run.xml[name]`` — those bytes appended to it (what reads the deferred cells reads
        there, :meth:`~._pruning.Pruning._load_cached`)."""
        from ..xlsx._scan import V_ISE, V_ISS, V_VTE, V_VTS

        buf = run.xml[self.name]
        at = len(buf)
        out = []
        for V, blob in pieces:
            V = V.copy()
            for f in (V_VTS, V_VTE, V_ISS, V_ISE):
                V[:, f] = np.where(V[:, f] >= 0, V[:, f] + at, V[:, f])
            out.append(V)
            at += len(blob)
        if pieces:
            run.xml[self.name] = b"".join([buf, *(blob for _V, blob in pieces)])
        return np.concatenate([np.zeros((0, NV), np.int32), *out])

    # ------------------------------------------------------------------ writing
    def write(self, run: Run, sp: Any, build: Any) -> Any:
        """The sheet with the new values of ``sp`` (a :class:`~storeops.xlsx._splice.Spliced`
        of ``run.xml[name]``) deflated without reading most of it: a segment holding a
        changed cell is spliced and compressed, every other one copied from the file as it
        is stored, with its block of the extract (``build``: the extract's builder, or
        ``None``) — where a changed length moves a cut, the segments from there until the
        cuts meet the old ones again are cut anew (:func:`~storeops.xlsx._segments.recut`,
        those read from the file).  The member :meth:`materialize` and a spliced deflate
        give.  ``None`` when a copied segment's block of the extract cannot be had (then
        :meth:`materialize`)."""
        from ..xlsx import _zipwrite
        from ..xlsx._segments import compress_segment, cut_tail, finish, finish_inspected, recut

        if self.whole or (build is not None and build.old is not self.extract):
            return None
        tails = self.extract.tails()
        new: dict[int, bytes] = {}
        lens = []
        for i, seg in enumerate(self.map):
            at = self.base.get(i)
            if at is not None and sp.touches(at, at + seg[1]):
                new[i] = bytes(sp.range(at, at + seg[1]))
                tails[i] = cut_tail(new[i])
            lens.append(len(new[i]) if i in new else seg[1])

        def content(i: int) -> Any:
            if i in new:
                return new[i]
            at = self.base.get(i)
            if at is not None:
                return memoryview(run.xml[self.name])[at : at + self.map[i][1]]
            return _inflate(run, self.path, [self.map[i]])[0]

        plan = recut(lens, tails, content, _zipwrite.SEGMENT)
        copied = [v for kind, v in plan if kind == "as is" and v not in new]
        parts: dict[int, Any] = {}
        if build is not None:
            for i in copied:
                seg = self.map[i]
                span = build.spans.get((seg[4], seg[1]))
                part = build.old.block(span, seg[1], seg[4]) if span is not None else None
                if part is None:
                    return None
                parts[i] = part
        raws = dict(zip(copied, copied_segments(run, self.path, [self.map[i] for i in copied])))
        segments, found = [], []
        for kind, v in plan:
            if kind == "as is" and v in raws:
                seg = self.map[v]
                segments.append((raws[v], seg[1], seg[4], seg[5]))
                found.append(parts.get(v))
                continue
            data = new[v] if kind == "as is" else v
            segments.append(compress_segment(data))
            found.append(build.part(data, segments[-1][2]) if build is not None else None)
        if build is None:
            return finish(segments)
        return finish_inspected(zip(segments, found), build.keep)

    def materialize(self, run: Run, sink: Any = None) -> None:
        """The sheet's XML whole (to write it), the formula records read so far moved to
        their places in it and put in document order (what splicing takes: segments are
        read in the order the evaluation needs them) — the record numbers held by the
        sheet's groups, the parts evaluated and ``sink`` (a :class:`~._encode.ValueSink`)
        renumbered with them."""
        if self.whole:
            return
        from ..xlsx._segments import inflate_segments

        info = next(i for i in run.pkg.infos if i.filename == self.path)
        raw = run.pkg.stored_bytes(info)
        xml = inflate_segments(raw, self.map, info.file_size, info.CRC)
        del raw
        sc = run.scans[self.name]
        assert sc is not None
        F = sc.formulas
        if len(F):
            uoff = np.array([seg[0] for seg in self.map], np.int64)
            base = np.zeros(len(self.map), np.int64)
            for i, b in self.base.items():
                base[i] = b
            delta = (uoff - base)[self.rec_seg]
            pos = F[:, _POSITIONS].astype(np.int64)
            pos = np.where(pos >= 0, pos + delta[:, None], pos)
            F[:, _POSITIONS] = pos.astype(np.int32)
            order = np.argsort(F[:, F_TAGC], kind="stable")
            if (np.diff(order) != 1).any():
                new = np.empty(len(order), np.int64)
                new[order] = np.arange(len(order))
                sc.formulas, self.rec_seg = F[order], self.rec_seg[order]
                self._renumber(run, new, sink)
        run.xml[self.name] = xml
        self.whole = True

    def _renumber(self, run: Run, new: np.ndarray, sink: Any) -> None:
        """Record ``i`` is now record ``new[i]``: in the groups, the parts evaluated, the one-cell
        formulas and ``sink``."""
        pruning = run.plan.pruning if run.plan is not None else None
        for g in run.groups.get(self.name, []):
            placed = g.cell_index >= 0
            g.cell_index = g.cell_index.copy()
            g.cell_index[placed] = new[g.cell_index[placed]]
            part = pruning.parts.get(id(g)) if pruning is not None else None
            if part is not None:
                part.cell_index = new[part.cell_index]
        single = run.single.get(self.name)
        if single:
            run.single[self.name] = {int(new[i]): v for i, v in single.items()}
        if sink is not None:
            sink.renumber(new)


def _loader(run: Run, name: str, blob: bytes, V: np.ndarray):
    """What converts one column's records (into the extract's bytes ``blob``) into the book."""

    def load() -> None:
        from ..xlsx import _cells
        from ._read import set_columns

        if len(V):
            data = _cells.records_to_columns(blob, V, run.sst_array(), run.pkg.date_styles, objects=False)
            set_columns(run.book, name, data)

    return load


def _inflate(run: Run, path: str, segs: list[list[int]]) -> list[bytes]:
    """The contents of these segments of member ``path`` (each checked for its length and CRC-32)."""
    from ..xlsx._package import bad_file
    from ..xlsx._segments import StaleMap, inflate_segment

    raws = _stored_segments(run, path, segs)

    def one(k: int) -> bytes:
        try:
            return inflate_segment(raws[k], segs[k])
        except StaleMap as exc:  # the member had the last write's digest: the file is damaged
            raise bad_file(
                run.pkg.path, "文件已损坏（压缩内容不完整）", f"the file is damaged ({path}: {exc})"
            ) from None

    if run.pool is not None and len(segs) > 1:
        return list(run.pool.map(one, range(len(segs))))
    return [one(k) for k in range(len(segs))]


def copied_segments(run: Run, path: str, segs: list[list[int]]) -> list[bytes]:
    """The compressed bytes of these segments of member ``path``, to be copied into the new file as they are."""
    return _stored_segments(run, path, segs)


def _stored_segments(run: Run, path: str, segs: list[list[int]]) -> list[bytes]:
    """The compressed bytes of these segments of member ``path``, as stored."""
    from ..xlsx._zipwrite import data_offset

    info = next(i for i in run.pkg.infos if i.filename == path)
    out = []
    with run.pkg.source() as fh:
        base = data_offset(fh, info)
        for seg in segs:
            fh.seek(base + seg[2])
            out.append(fh.read(seg[3]))
    return out


# --------------------------------------------------------------------------- opening
def open_partial(run: Run, name: str) -> bool:
    """Open sheet ``name`` partially when it can be (see the module help); whether it was."""
    from . import _extracts
    from ._incremental import recorded_digests
    from ._write import segment_map_of

    prior = run.prior
    entry = prior.sheets.get(name) if prior is not None else None
    if entry is None or entry.get("bad") or not as_written(run, name) or name in run.scans:
        return False
    if run.ids is not None and run.ids.sheet == name:
        return False
    path = run.pkg.sheet(name).path
    m = segment_map_of(run, path)
    if not m or any(seg[5] <= 0 for seg in m[1:]):
        return False
    rows = [seg[5] for seg in m[1:]]
    if any(b <= a for a, b in zip(rows, rows[1:])):
        return False
    groups = run.groups.get(name, [])
    info = next(i for i in run.pkg.infos if i.filename == path)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.file_size < _trust.MIN_BYTES:
        return False
    key = run.pkg.stored_key(path)
    extent = _trust.lookup(key)  # bytes this StoreOps wrote: its scans may read them unchecked
    if extent is None or extent[3] >= len(run.pkg.shared_strings):
        return False
    ext = _extracts.load(key)
    if ext is None or not ext.describes(m) or not _extracts.columns_read(run, name) <= set(ext.cols):
        return False
    if not ext.read_cells():  # held from here on: the file may be pruned by another process
        return False
    p = PartialSheet(name, path, m, ext, int(entry["formulas"]))
    p.extent = extent
    run.partial[name] = p
    run.xml[name] = b""
    run.scans[name] = SheetScan(
        np.zeros((0, NARROW_FIELDS), np.int32), np.zeros((0, NV), np.int32), max_row=int(entry["max_row"])
    )
    dig = recorded_digests(entry)
    run.digests[name], run.shift[name] = dig, dig.shift
    run.changed[name] = np.zeros(0, np.int64)
    run.book.max_row[name] = max(int(entry["max_row"]), 1)
    run.bad[name] = 0
    for g in groups:
        g.cell_index = np.full(len(g.rows), -1, np.int64)
    single = [g for g in groups if len(g.rows) == 1]
    if single:  # what a spill's check reads of one-cell formulas (_pipeline.promote_spills): their records
        p.ensure(run, np.concatenate([g.rows for g in single]))
        F = run.scans[name].formulas  # type: ignore[union-attr]
        run.single[name] = {
            int(g.cell_index[0]): {F_FKIND: int(F[int(g.cell_index[0]), F_FKIND]), F_COL: int(g.col)} for g in single
        }
    return True


def formula_count(run: Run, name: str, scan: Any) -> int:
    """A sheet's formula cells: the state's count for a partial sheet, else its records."""
    p = run.partial.get(name)
    return p.formulas if p is not None else len(scan.formulas)
