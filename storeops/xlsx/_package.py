"""Open an .xlsx/.xlsm package safely and read its small parts.

Everything here refuses a hostile or broken file *before* anything is written:
not a zip, a truncated zip, a zip bomb, encrypted members, XML with a DOCTYPE or
ENTITY declaration, or a package without its workbook parts.  Errors are one line,
Chinese first (:class:`storeops.errors.StoreOpsError`).
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from lxml import etree

from ..errors import StoreOpsError, io_error
from ._wellformed import REASONS, new_extent, xml_problem

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_M = "{%s}" % MAIN_NS
_R = "{%s}" % REL_NS
_P = "{%s}" % PKG_REL_NS

#: Largest total uncompressed size accepted (bytes); the scanner reads sheets up to 2 GiB
#: (``int32`` offsets).  Since the native formula twins (issue 9) a follow-up row is about
#: 6.8 KB of XML and a funnel row about 10 KB: the SPEC §9 reference workbook (100,000
#: follow-up rows, 50,000 funnel rows) is 1.23 GB, so about 236,000 follow-up rows fit
#: beside 50,000 funnel rows — not Excel's row limit (issue 14 says what it would take).
MAX_TOTAL_UNCOMPRESSED = 2 << 30
#: Largest compression ratio accepted for a member bigger than ``RATIO_FLOOR`` bytes
#: (real sheets compress 5–20 times; a zip bomb thousands of times).
MAX_RATIO = 100
#: Most zip members accepted (a workbook has tens; a zip without zip64 holds 65,535).
MAX_MEMBERS = 10_000
#: A sheet whose last row is beyond this, more than ``SPARSE_FACTOR`` times its number of
#: cells, *and* whose grid (last row x last column) exceeds ``SPARSE_SLOTS`` is refused: one
#: stray cell at XFD1048576 would make every column the engine reads a million rows long
#: (memory follows the real content, not the address).  A narrow sheet with a cell typed at
#: the bottom (a few columns x 1,048,576 rows) is still read.
SPARSE_ROWS = 65_536
SPARSE_FACTOR = 4
SPARSE_SLOTS = 1 << 26
#: Members bigger than this are inflated with :func:`._deflate.inflate` (ISA-L).
_FAST_INFLATE = 1 << 16
RATIO_FLOOR = 1 << 20

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_BUILTIN_DATE_FMTS = set(range(14, 23)) | {45, 46, 47, 27, 30, 36, 50, 57}


def bad_file(path: str, zh: str, en: str) -> StoreOpsError:
    """A one-line bilingual refusal naming the file."""
    name = os.path.basename(str(path))
    return StoreOpsError(f"{name}: {zh} / {en}")


@dataclass
class SheetInfo:
    """One worksheet: its display name, zip member path and index in workbook order."""

    name: str
    path: str
    index: int
    rels_path: str


@dataclass
class TableColumn:
    """One column of an Excel Table (header text and its calculated-column formula, if any)."""

    name: str
    formula: str | None = None


@dataclass
class TableInfo:
    """An Excel Table (ListObject) as stored in ``xl/tables/tableN.xml``."""

    name: str
    sheet: str
    path: str
    ref: str
    columns: list[TableColumn]
    header_rows: int = 1
    totals_rows: int = 0

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """(first_col, first_row, last_col, last_row), 1-based, of the whole table ref."""
        from ._cells import parse_range

        return parse_range(self.ref)

    @property
    def data_rows(self) -> tuple[int, int]:
        """First and last data row (1-based, inclusive; last < first when empty)."""
        c1, r1, c2, r2 = self.bounds
        return r1 + self.header_rows, r2 - self.totals_rows


@dataclass
class DefinedName:
    name: str
    text: str
    local_sheet: int | None = None


@dataclass
class Package:
    """A validated, open package.  Use :func:`open_package`; close with ``close()`` or ``with``."""

    path: str
    zf: zipfile.ZipFile
    infos: list[zipfile.ZipInfo]
    workbook_path: str = "xl/workbook.xml"
    sheets: list[SheetInfo] = field(default_factory=list)
    names: list[DefinedName] = field(default_factory=list)
    calc_pr: dict[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ members
    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        fp = self.zf.fp
        self.zf.close()
        if fp is not None and not fp.closed:
            fp.close()

    def source(self):
        """A new binary file object on the very file this package was opened from (not
        on its path, which a save may have pointed at a newer file meanwhile)."""
        if hasattr(os, "pread"):
            return _PositionalFile(os.dup(self.zf.fp.fileno()))
        return open(self.path, "rb")  # pragma: no cover - Windows: an open file cannot be replaced

    def has(self, name: str) -> bool:
        return name in self._members or name in self._overlay

    @property
    def _overlay(self) -> dict[str, bytes]:
        return self._cache.get("overlay", {})

    def overlaid(self, parts: dict[str, bytes]) -> Package:
        """This package as if ``parts`` (member → bytes) replaced or added those members.

        Reading a member in ``parts`` gives its new bytes (StoreOps' own output: not
        validated again); everything parsed from them — sheets, tables, shared strings —
        is read afresh.  The zip stays the same open file (``close`` either)."""
        pkg = Package(self.path, self.zf, self.infos)
        pkg._cache["overlay"] = {**self._overlay, **parts}
        pkg._cache["valid"] = self._cache.setdefault("valid", {})  # shared: a part is checked once
        pkg._cache["segment maps"] = self._cache.get("segment maps")
        _load_workbook(pkg)
        return pkg

    @property
    def _members(self) -> dict[str, zipfile.ZipInfo]:
        m = self._cache.get("members")
        if m is None:
            m = self._cache["members"] = {i.filename: i for i in self.infos}
        return m

    def prefetch(self, names: list[str]) -> None:
        """Start reading these members (inflated and checked, as :meth:`read` does) on a
        thread of their own, while this one goes on (ISA-L and the checks release the GIL):
        :meth:`read` then takes the bytes, once.  :meth:`take_prefetched` hands on those not
        taken."""
        from concurrent.futures import ThreadPoolExecutor

        pending = self._cache.setdefault("prefetch", {})
        names = [n for n in names if n not in pending and n not in self._overlay and n in self._members]
        if not names:
            return
        pool = ThreadPoolExecutor(1, thread_name_prefix="storeops-prefetch")
        for n in names:
            pending[n] = pool.submit(self._read_now, n)
        pool.shutdown(wait=False)  # the thread ends with the last job

    def take_prefetched(self) -> dict[str, bytes]:
        """The members :meth:`prefetch` read that :meth:`read` did not take (member → bytes;
        waiting for those still being read)."""
        pending = self._cache.pop("prefetch", {})
        return {n: fut.result() for n, fut in pending.items()}

    def read(self, name: str) -> bytes:
        """Bytes of one member; XML members are checked well-formed first (see :meth:`_validate`)."""
        fut = self._cache.get("prefetch", {}).pop(name, None)
        if fut is not None:
            return fut.result()
        return self._read_now(name)

    def _read_now(self, name: str) -> bytes:
        if name in self._overlay:
            return self._overlay[name]
        try:
            info = self._members.get(name)
            if info is not None and info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > _FAST_INFLATE:
                data = self._inflate(info)
            else:
                data = self.zf.read(name)
        except (zipfile.BadZipFile, EOFError, ValueError, zlib.error, NotImplementedError) as exc:
            raise bad_file(self.path, "文件已损坏（压缩内容不完整）", f"the file is damaged ({exc})") from None
        except OSError as exc:
            raise io_error(exc, self.path, writing=False) from None
        except KeyError:
            raise bad_file(self.path, f"缺少部件 {name}", f"missing part {name}") from None
        if name.endswith((".xml", ".rels")):
            self._validate(name, data)
        elif name.endswith(".vml"):  # legacy VML is not XML (Excel writes <br> unclosed): entity tricks only
            check_prolog(self.path, name, data)
        return data

    def _validate(self, name: str, data: bytes) -> None:
        """Refuse a part that is not well-formed UTF-8 XML (see :mod:`._wellformed`) and a
        worksheet whose cells lie far beyond its content or use missing shared strings."""
        done = self._cache.setdefault("valid", {})
        if name in done:
            return
        from ._session import current_session

        info = self._members.get(name)
        session = current_session(self.path) if info is not None else None
        key = (name, info.CRC, info.file_size) if info is not None else None
        if session is not None and key in session.checked:  # the same bytes, checked earlier in this command
            done[name] = session.checked[key]
            return
        from . import _trust

        tkey = self._cache.get("stored", {}).get(name)  # big parts: a key of their stored bytes (_inflate)
        sheet = next((s for s in self.sheets if s.path == name), None)
        known = _trust.lookup(tkey) if tkey is not None else None
        if known is not None and (sheet is None or known[3] < len(self.shared_strings)):
            # bytes this user's StoreOps wrote or checked (a record outside the file): not checked
            # again; the extent is still held against this file's shared strings
            extent = new_extent()
            extent[:] = known
        else:
            extent = new_extent()
            check_xml(self.path, name, data, extent)
            if tkey is not None:
                _trust.remember({tkey: extent.tolist()})
        if sheet is not None:
            check_extent(self.path, sheet.name, extent)
            if extent[3] >= 0:
                n = len(self.shared_strings)
                if extent[3] >= n:
                    raise bad_file(
                        self.path,
                        f"工作表 {sheet.name} 引用了第 {extent[3] + 1} 个共享字符串，但只有 {n} 个"
                        "（sharedStrings.xml 已损坏或被截断）",
                        f"sheet {sheet.name!r} uses shared string #{extent[3]} but the file has only {n} "
                        "(sharedStrings.xml is damaged or cut short)",
                    )
        done[name] = extent
        if session is not None:
            session.checked[key] = extent

    def validate_all(self) -> None:
        """Check every XML part, also those a command only copies into its output (so a
        damaged part is refused, never rewritten); parts already checked are skipped."""
        done = self._cache.setdefault("valid", {})
        for info in self.infos:
            n = info.filename
            if n.endswith((".xml", ".rels")) and n not in done and n not in self._overlay:
                self.read(n)

    def extent(self, name: str) -> tuple[int, int, int] | None:
        """(last row, number of cells, last column) of a worksheet part already read; else ``None``."""
        e = None if name in self._overlay else self._cache.get("valid", {}).get(name)
        return None if e is None else (int(e[0]), int(e[1]), int(e[2]))

    def checked_extent(self, name: str) -> list[int] | None:
        """The whole extent of a part read and checked from the file (see :func:`._wellformed.xml_problem`:
        last row, cells, last column, highest shared-string index); else ``None``."""
        e = None if name in self._overlay else self._cache.get("valid", {}).get(name)
        return None if e is None else [int(x) for x in e]

    def stored_bytes(self, info: zipfile.ZipInfo) -> bytes:
        """A member's bytes as the file stores them (compressed), in one buffer (a sheet at
        the row limit is 200 MB deflated); :class:`zipfile.BadZipFile` when cut short."""
        from ._zipwrite import data_offset

        with self.source() as fh:
            fh.seek(data_offset(fh, info))
            raw = fh.read(info.compress_size)
        if len(raw) != info.compress_size:
            raise zipfile.BadZipFile(f"truncated member {info.filename}")
        return raw

    def stored_key(self, name: str, raw: bytes | None = None) -> str:
        """The name :mod:`._trust` gives a member's stored bytes (``raw``, when already read;
        made once per package)."""
        from . import _trust

        keys = self._cache.setdefault("stored", {})
        key = keys.get(name)
        if key is None:
            info = self._members[name]
            data = raw if raw is not None else self.stored_bytes(info)
            key = keys[name] = _trust.part_key([data], info.compress_type, info.CRC, info.file_size)
        return key

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        """A big deflated member, inflated by :mod:`._deflate` (ISA-L) with size and CRC checked."""
        from . import _trust
        from ._deflate import crc32, inflate

        raw = self.stored_bytes(info)
        if info.file_size >= _trust.MIN_BYTES and info.filename.endswith(".xml"):  # see _validate
            self.stored_key(info.filename, raw)
        m = (self._cache.get("segment maps") or {}).get(info.filename)
        if m:  # written by StoreOps in segments: inflated on both cores (storeops.xlsx._segments)
            from ._segments import StaleMap, inflate_segments

            try:
                return inflate_segments(raw, m, info.file_size, info.CRC)
            except StaleMap:  # not as the map says (rewritten since): inflated whole
                pass
        data = inflate(raw, info.file_size)
        if crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename}")
        return data

    def xml(self, name: str) -> etree._Element:
        data = self.read(name)
        try:
            return etree.fromstring(data, _XML_PARSER)
        except etree.XMLSyntaxError as exc:
            raise bad_file(self.path, f"{name} 不是有效的 XML", f"{name} is not valid XML ({exc})") from None

    def rels(self, rels_path: str) -> dict[str, tuple[str, str]]:
        """rId → (type, absolute member path) for one ``.rels`` part ({} when absent)."""
        if not self.has(rels_path):
            return {}
        base = posixpath.dirname(posixpath.dirname(rels_path))
        out = {}
        for rel in self.xml(rels_path).iter(_P + "Relationship"):
            rid = rel.get("Id")
            if rid is None or rel.get("TargetMode") == "External":
                continue
            out[rid] = (rel.get("Type", ""), resolve(base, rel.get("Target", "")))
        return out

    # ------------------------------------------------------------------ parts
    @property
    def shared_strings(self) -> list[str]:
        """The shared-string table as plain texts (rich runs joined)."""
        sst = self._cache.get("sst")
        if sst is None:
            sst = self._cache["sst"] = parse_shared_strings(self.read(self.sst_path)) if self.sst_path else []
        return sst

    @property
    def sst_path(self) -> str | None:
        if "sst_path" not in self._cache:
            found = None
            for typ, target in self.rels(rels_of(self.workbook_path)).values():
                if typ.endswith("/sharedStrings") and self.has(target):
                    found = target
            self._cache["sst_path"] = found
        return self._cache["sst_path"]

    @property
    def styles_path(self) -> str | None:
        for typ, target in self.rels(rels_of(self.workbook_path)).values():
            if typ.endswith("/styles") and self.has(target):
                return target
        return None

    @property
    def date_styles(self) -> frozenset[int]:
        """Indexes of ``cellXfs`` whose number format shows a date or time."""
        ds = self._cache.get("date_styles")
        if ds is None:
            ds = self._cache["date_styles"] = (
                _date_styles(self.xml(self.styles_path)) if self.styles_path else frozenset()
            )
        return ds

    @property
    def tables(self) -> dict[str, TableInfo]:
        """Table name → :class:`TableInfo`, for every table of every sheet."""
        tb = self._cache.get("tables")
        if tb is None:
            tb = {}
            for sheet in self.sheets:
                for typ, target in self.rels(sheet.rels_path).values():
                    if not typ.endswith("/table"):
                        continue
                    if not self.has(target):
                        raise bad_file(
                            self.path,
                            f"工作表 {sheet.name} 缺少表格部件 {target}",
                            f"sheet {sheet.name!r} lacks its table part {target}",
                        )
                    t = _parse_table(self.xml(target), sheet.name, target)
                    _check_table(self.path, t)
                    tb[t.name] = t
            self._cache["tables"] = tb
        return tb

    def sheet(self, name: str) -> SheetInfo:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


class PackageParts(Protocol):
    """What the table writers read of a package: a :class:`Package`, or a view of one whose
    parts changed in memory (:class:`storeops.maintain.InputView`)."""

    @property
    def path(self) -> str: ...
    @property
    def infos(self) -> list[zipfile.ZipInfo]: ...
    @property
    def workbook_path(self) -> str: ...
    @property
    def tables(self) -> dict[str, TableInfo]: ...
    @property
    def shared_strings(self) -> list[str]: ...
    @property
    def date_styles(self) -> frozenset[int]: ...
    def has(self, name: str) -> bool: ...
    def read(self, name: str) -> bytes: ...
    def sheet(self, name: str) -> SheetInfo: ...
    def extent(self, name: str) -> tuple[int, int, int] | None: ...


class _PositionalFile:
    """A read-only file object over a duplicated descriptor that reads with ``os.pread``:
    it never moves the offset the original file object (buffered, used by ``zipfile``)
    relies on."""

    def __init__(self, fd: int):
        self.fd, self.pos = fd, 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = max(os.fstat(self.fd).st_size - self.pos, 0)
        data = os.pread(self.fd, n, self.pos)
        self.pos += len(data)
        return data

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos if whence == 0 else self.pos + pos if whence == 1 else os.fstat(self.fd).st_size + pos
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> _PositionalFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def resolve(base_dir: str, target: str) -> str:
    """A relationship target as an absolute member path (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def rels_of(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


_ROOT = re.compile(rb"<[A-Za-z_]")


def check_prolog(path: str, name: str, data: bytes) -> None:
    """Refuse a non-XML part (legacy VML) carrying a DOCTYPE or ENTITY declaration."""
    if _DOCTYPE.search(data):
        raise bad_file(
            path, f"{name} 含有 DOCTYPE/ENTITY 声明，已拒绝", f"{name} contains a DOCTYPE/ENTITY declaration; refused"
        )


def check_xml(path: str, name: str, data: bytes, extent=None) -> None:
    """Refuse a part that is not well-formed UTF-8 XML without a DTD (one bilingual line).

    Truncated or garbled parts, other encodings, ``&#xD800;``, DOCTYPE/ENTITY anywhere,
    cell references outside Excel's grid: see :func:`._wellformed.xml_problem`.
    """
    problem = xml_problem(data, extent=extent)
    if problem is not None:
        code, pos = problem
        zh, en = REASONS[code]
        raise bad_file(path, f"{name} {zh}（第 {pos} 字节），已拒绝", f"{name} {en} (byte {pos}); refused")


def check_extent(path: str, sheet: str, extent) -> None:
    """Refuse a sheet whose last row lies far beyond its cells (see :data:`SPARSE_ROWS`)."""
    last_row, cells, last_col = int(extent[0]), int(extent[1]), int(extent[2])
    if last_row > SPARSE_ROWS and last_row > SPARSE_FACTOR * cells and last_row * max(last_col, 1) > SPARSE_SLOTS:
        raise bad_file(
            path,
            f"工作表 {sheet} 的第 {last_row} 行有内容，远在其余 {cells} 个单元格之外；请在 Excel 中删除这些多余的单元格",
            f"sheet {sheet!r} has cells down at row {last_row}, far beyond its {cells} cells; "
            "delete those stray cells in Excel",
        )


_SI_PLAIN = re.compile(
    r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t(?: xml:space="preserve")?/></si>|<si/>'
)


def parse_shared_strings(data: bytes) -> list[str]:
    """Texts of ``sharedStrings.xml`` (rich text runs joined, phonetic runs dropped).

    Examples
    --------
    >>> parse_shared_strings(b'<sst><si><t>a &amp; b</t></si><si><r><t>x</t></r><r><t>y</t></r></si><si/></sst>')
    ['a & b', 'xy', '']
    """
    from ._cells import unescape

    text = data.decode("utf-8")
    plain = _SI_PLAIN.findall(text)
    if len(plain) == text.count("<si>") + text.count("<si/>"):  # every item is one plain <t>
        return [unescape(t.encode("utf-8")) if "&" in t or "_x" in t else t for t in plain]
    out: list[str] = []
    simple = re.compile(rb"<t(?: [^>]*)?>([^<]*)</t>|<t(?: [^>]*)?/>")
    for m in re.finditer(rb"<si>(.*?)</si>|<si/>", data, re.S):
        body = m.group(1)
        if not body:
            out.append("")
            continue
        if body.startswith(b"<t") and body.count(b"<t") == 1:
            mm = simple.match(body)
            out.append(unescape(mm.group(1) or b"") if mm else "")
            continue
        body = re.sub(rb"<rPh\b.*?</rPh>", b"", body, flags=re.S)
        out.append("".join(unescape(mm.group(1) or b"") for mm in simple.finditer(body)))
    return out


def _int(text: str | None, default: int) -> int:
    """An integer attribute (``default`` when absent; -1 when it is not a small integer)."""
    if text is None:
        return default
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 10 else -1


def _is_date_code(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code).lower()
    if code in ("general", ""):
        return False
    return bool(re.search(r"[ymdhs]", code.split(";")[0]))


def _date_styles(root: etree._Element) -> frozenset[int]:
    custom = {}
    nf = root.find(_M + "numFmts")
    if nf is not None:
        for f in nf:
            custom[_int(f.get("numFmtId"), 0)] = f.get("formatCode", "")
    out = set()
    xfs = root.find(_M + "cellXfs")
    if xfs is not None:
        for i, xf in enumerate(xfs.findall(_M + "xf")):
            fid = _int(xf.get("numFmtId"), 0)
            if fid in _BUILTIN_DATE_FMTS or (fid in custom and _is_date_code(custom[fid])):
                out.add(i)
    return frozenset(out)


def _parse_table(root: etree._Element, sheet: str, path: str) -> TableInfo:
    cols = []
    tc = root.find(_M + "tableColumns")
    if tc is not None:
        for c in tc.findall(_M + "tableColumn"):
            f = c.find(_M + "calculatedColumnFormula")
            cols.append(TableColumn(c.get("name", ""), f.text if f is not None and f.text else None))
    return TableInfo(
        name=root.get("displayName") or root.get("name") or "",
        sheet=sheet,
        path=path,
        ref=root.get("ref", ""),
        columns=cols,
        header_rows=_int(root.get("headerRowCount"), 1),
        totals_rows=_int(root.get("totalsRowCount") or "0", 0),
    )


def _check_table(path: str, t: TableInfo) -> None:
    """A table's range must be a range of Excel's grid with one column per table column."""
    from ._cells import parse_range

    try:
        c1, r1, c2, r2 = parse_range(t.ref)
    except (ValueError, KeyError, IndexError):
        c1 = r1 = c2 = r2 = 0
    ok = 1 <= c1 <= c2 <= 16384 and 1 <= r1 <= r2 <= 1048576 and c2 - c1 + 1 == len(t.columns)
    if not ok or t.header_rows < 0 or t.totals_rows < 0 or r1 + t.header_rows > r2 + 1:
        raise bad_file(
            path,
            f"表格 {t.name} 的范围 {t.ref!r} 与它的 {len(t.columns)} 列不符（表格部件已损坏）",
            f"table {t.name} has range {t.ref!r} that does not fit its {len(t.columns)} columns (damaged table part)",
        )


def open_package(path: str | os.PathLike[str]) -> Package:
    """Open and validate an .xlsx/.xlsm file without modifying it.

    Raises :class:`StoreOpsError` (one bilingual line) for a file that is missing, not
    a zip, truncated, a zip bomb, encrypted, has DOCTYPE/ENTITY XML or lacks its
    workbook parts.

    Examples
    --------
    >>> from storeops.xlsx import open_package
    >>> with open_package("StoreOps.xlsm") as pkg:      # doctest: +SKIP
    ...     [s.name for s in pkg.sheets]
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise bad_file(path, "这是一个文件夹，不是工作簿", "it is a folder, not a workbook file")
    if not os.path.isfile(path):
        raise bad_file(path, "找不到文件", "file not found")
    # one open file for everything read from now on: a save that replaces the file while
    # StoreOps works cannot mix two versions (the new one is seen only by the final check)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise io_error(exc, path, writing=False) from None
    try:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(4)
        fh.seek(0)
    except OSError as exc:
        fh.close()
        raise io_error(exc, path, writing=False) from None
    if head[:2] != b"PK":
        fh.close()
        raise bad_file(path, "不是 Excel 工作簿（不是 zip 文件）", "not an Excel workbook (not a zip file)")
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        fh.close()
        raise bad_file(path, "文件已损坏或被截断", f"the file is damaged or truncated ({exc})") from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise bad_file(
                path,
                f"压缩包内有 {len(infos)} 个部件（最多 {MAX_MEMBERS}），不是正常的工作簿，已拒绝",
                f"{len(infos)} parts in the zip (at most {MAX_MEMBERS}); not a normal workbook, refused",
            )
        total = 0
        seen = set()
        for i in infos:
            if i.filename in seen:
                raise bad_file(path, f"重复的部件 {i.filename}", f"duplicate part {i.filename}")
            seen.add(i.filename)
            if i.flag_bits & 0x1:
                raise bad_file(path, "文件已加密", "the file is encrypted")
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise bad_file(path, "不支持的压缩方式", f"unsupported compression in {i.filename}")
            if i.header_offset + i.compress_size > size:
                raise bad_file(path, "文件已损坏或被截断", "the file is damaged or truncated")
            total += i.file_size
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise bad_file(path, "疑似压缩炸弹，已拒绝", f"looks like a zip bomb ({i.filename}); refused")
        if total > MAX_TOTAL_UNCOMPRESSED:
            gb, limit = total / 1e9, MAX_TOTAL_UNCOMPRESSED / 1e9
            raise bad_file(
                path,
                f"解压后共 {gb:.2f} GB，超过 StoreOps 能读取的 {limit:.2f} GB 上限（压缩炸弹，或工作簿太大："
                "请把往年的跟进和订单记录移到存档工作簿），已拒绝",
                f"{gb:.2f} GB uncompressed, more than the {limit:.2f} GB StoreOps reads (a zip bomb, or a "
                "workbook too big: move past years' follow-ups and orders into an archive workbook); refused",
            )
        pkg = Package(path, zf, infos)
        _load_workbook(pkg)
        return pkg
    except BaseException:
        zf.close()
        fh.close()
        raise


def _load_workbook(pkg: Package) -> None:
    if not pkg.has("[Content_Types].xml"):
        raise bad_file(
            pkg.path,
            "缺少 [Content_Types].xml，不是 Excel 工作簿",
            "missing [Content_Types].xml; not an Excel workbook",
        )
    pkg.read("[Content_Types].xml")
    wb_path = None
    for typ, target in pkg.rels("_rels/.rels").values():
        if typ.endswith("/officeDocument"):
            wb_path = target
    if not wb_path or not pkg.has(wb_path):
        raise bad_file(pkg.path, "缺少工作簿部件 xl/workbook.xml", "missing the workbook part (xl/workbook.xml)")
    pkg.workbook_path = wb_path
    root = pkg.xml(wb_path)
    rels = pkg.rels(rels_of(wb_path))
    sheets_el = root.find(_M + "sheets")
    if sheets_el is None:
        raise bad_file(pkg.path, "工作簿没有工作表", "the workbook has no sheets")
    for i, s in enumerate(sheets_el.findall(_M + "sheet")):
        rid = s.get(_R + "id")
        typ, target = rels.get(rid, ("", "")) if rid is not None else ("", "")
        if not target or not pkg.has(target):
            raise bad_file(pkg.path, f"缺少工作表部件 {s.get('name')}", f"missing the part of sheet {s.get('name')!r}")
        pkg.sheets.append(SheetInfo(s.get("name", ""), target, i, rels_of(target)))
    dn = root.find(_M + "definedNames")
    if dn is not None:
        for d in dn.findall(_M + "definedName"):
            ls = d.get("localSheetId")
            local = None if ls is None else _int(ls, -1) if _int(ls, -1) >= 0 else 1 << 30  # garbage: no sheet
            pkg.names.append(DefinedName(d.get("name", ""), d.text or "", local))
    cp = root.find(_M + "calcPr")
    pkg.calc_pr = {str(k): str(v) for k, v in cp.attrib.items()} if cp is not None else {}
