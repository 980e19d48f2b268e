"""What the last ``storeops recalc`` wrote, kept inside the workbook, and the check
against it (SPEC §9: a recalculation with nothing changed costs next to nothing).

After every write, ``recalc`` stores a :class:`RecalcState` as a custom XML data-store
item (``customXml/itemN.xml``, root element in :data:`NAMESPACE`) — not in
``docProps/custom.xml``, which carries the schema version.  It records:

* a digest of every zip member that can change a value (sheets, shared strings,
  workbook, tables, their relationships): CRC-32 and size of the content and
  of the stored bytes (:func:`storeops.xlsx._zipwrite.member_digest`);
* per sheet the cell digests (:class:`storeops.xlsx._digest.Digests`) and per formula
  group its cells, what it reads and whether it was left to Excel;
* the defined names and tables, the dates ``TODAY()`` / ``NOW()`` gave,
  and a key of the engine's own code (a new version recalculates everything);
* per member StoreOps deflated in segments (the big sheets) its segment map
  (:mod:`storeops.xlsx._segments`): the next write re-deflates only the segments that
  change and inflates the member on both cores.  A state without maps (older ones) just
  means nothing is reused.

Any program that saves the file either drops the item (openpyxl does; then the next
recalculation is a full one) or keeps it with digests that no longer match what it
rewrote (Excel, LibreOffice): either way a change is never mistaken for none.

This module imports nothing heavy (no numpy, pandas or numba), so "nothing changed"
is answered before those load.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import os
import re
import zlib
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from ..xlsx._package import Package, rels_of
from ..xlsx._zipwrite import member_digest

NAMESPACE = b"urn:storeops:recalc-state:1"
#: the data-store item's fixed id (one StoreOps item per workbook)
ITEM_ID = "{5C0F3A52-7E0D-4D5B-9C7E-53544F52454F}"
FORMAT = 2  # 2: dates as day numbers (not serials)


def value_parts(pkg: Package) -> list[str]:
    """The members whose content can change a formula's value (sorted): the workbook, its
    sheets, shared strings, tables and their relationships.  (Not the styles: the engine
    reads a date as its serial number, whatever its format.)"""
    parts = {pkg.workbook_path, rels_of(pkg.workbook_path), pkg.sst_path}
    parts |= {s.path for s in pkg.sheets} | {s.rels_path for s in pkg.sheets}
    parts |= {t.path for t in pkg.tables.values()}
    return sorted(p for p in parts if p and pkg.has(p))


def engine_key() -> str:
    """A key of the engine's code and data: another version (or an edited source) gives
    another key, and the next recalculation evaluates everything.  (Finds the sources
    without importing them: this runs before anything heavy is loaded.)"""
    import importlib.util

    import storeops

    here = os.path.dirname(storeops.__file__)
    core = importlib.util.find_spec("storeops_xl")
    roots = list(core.submodule_search_locations or []) if core else []
    roots += [os.path.join(here, "engine"), os.path.join(here, "xlsx")]
    crc = 0
    for root in roots:
        for d, dirs, files in sorted(os.walk(root)):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for f in sorted(files):
                if f.endswith((".pyc", ".nbi", ".nbc")):
                    continue
                with open(os.path.join(d, f), "rb") as fh:
                    crc = zlib.crc32(fh.read(), zlib.crc32(f.encode(), crc))
    return f"{crc:08x}"  # the core's files include its __version__ (importing it would load pandas)


def day_number(d: _dt.date | _dt.datetime) -> float:
    """A date (or time) as the state records it: days since 0001-01-01 (day 1), the time of
    day as a fraction.  (Only compared for equality; the engine's serial numbers are
    :func:`storeops.engine._serial.serial_from_datetime`, which imports the core.)"""
    if isinstance(d, _dt.datetime):
        return d.toordinal() + (d - _dt.datetime.combine(d.date(), _dt.time())) / _dt.timedelta(days=1)
    return float(d.toordinal())


@dataclass
class Clock:
    """The dates a recalculation uses: ``TODAY()``, ``NOW()`` and the real date (which
    StoreOps functions take when a date argument is left blank)."""

    today: float | None
    now: float | None
    date: float | None
    #: the dates themselves (not stored): ``TODAY()`` and ``NOW()``
    today_d: _dt.date | None = field(default=None, compare=False)
    now_dt: _dt.datetime | None = field(default=None, compare=False)
    #: the recalculation runs for the real today (not a given date): ``cfg_now`` is its moment
    real: bool = field(default=False, compare=False)

    def day(self) -> _dt.date:
        """The date ``TODAY()`` gives (the as-of stamp's default)."""
        if self.today_d is not None:
            return self.today_d
        serial = self.today if self.today is not None else self.date
        if serial is None:
            raise ValueError("Clock has neither today nor a given date")
        return _dt.date.fromordinal(int(serial))

    def as_dict(self) -> dict[str, float | None]:
        return {"today": self.today, "now": self.now, "date": self.date}

    @classmethod
    def of(cls, today: _dt.date | None) -> Clock:
        now = _dt.datetime.now()
        real = day_number(now.date())
        if today is None:
            return cls(real, day_number(now), real, now.date(), now, True)
        return cls(day_number(today), day_number(today), real, today, _dt.datetime.combine(today, _dt.time()))


@dataclass
class RecalcState:
    """See the module docstring; ``sheets``/``groups`` stay JSON-shaped (decoded by
    :mod:`storeops.engine._incremental`)."""

    engine: str
    clock: Clock
    volatile: list[str] = field(default_factory=list)  # which of today/now/date some formula uses
    members: dict[str, list[int]] = field(default_factory=dict)
    names: str = ""
    blank: str = ""  # the shared-string index cached for blank results
    tables: dict[str, list[Any]] = field(default_factory=dict)
    sheets: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: list[list[Any]] = field(default_factory=list)
    #: member → segment map ([uoff, ulen, coff, clen, crc, first row] per segment) of the
    #: members written in segments, valid while the member's digest in ``members`` holds
    segments: dict[str, list[list[int]]] = field(default_factory=dict)

    # ------------------------------------------------------------------ storage
    def to_xml(self) -> bytes:
        doc = {
            "format": FORMAT,
            "engine": self.engine,
            "clock": {k: v for k, v in self.clock.as_dict().items() if k in self.volatile},
            "volatile": self.volatile,
            "members": self.members,
            "names": self.names,
            "blank": self.blank,
            "tables": self.tables,
            "sheets": self.sheets,
            "groups": self.groups,
            "segments": self.segments,
        }
        raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        payload = base64.b64encode(zlib.compress(raw, 6))
        return (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<storeopsRecalc xmlns="%s" format="%d">%s</storeopsRecalc>' % (NAMESPACE, FORMAT, payload)
        )

    @classmethod
    def from_xml(cls, data: bytes) -> RecalcState | None:
        """The state in an item written by :meth:`to_xml`; ``None`` when unreadable."""
        m = re.search(rb"<storeopsRecalc\b[^>]*>([A-Za-z0-9+/=\s]*)</storeopsRecalc>", data)
        if m is None:
            return None
        try:
            doc = json.loads(zlib.decompress(base64.b64decode(m.group(1))).decode("utf-8"))
            if doc.get("format") != FORMAT:
                return None
            return cls(
                engine=doc["engine"],
                clock=Clock(**{"today": None, "now": None, "date": None, **doc["clock"]}),
                volatile=list(doc["volatile"]),
                members={k: list(v) for k, v in doc["members"].items()},
                names=doc["names"],
                blank=doc["blank"],
                tables=doc["tables"],
                sheets=doc["sheets"],
                groups=doc["groups"],
                segments={k: [list(map(int, seg)) for seg in v] for k, v in doc.get("segments", {}).items()},
            )
        except (ValueError, KeyError, TypeError, zlib.error):
            return None

    # ------------------------------------------------------------------ checks
    def clock_changed(self, clock: Clock) -> list[str]:
        """Which of the dates some formula uses differ from the last recalculation's."""
        old, new = self.clock.as_dict(), clock.as_dict()
        return [k for k in self.volatile if old[k] != new[k]]

    def changed_members(self, pkg: Package, parts: list[str]) -> list[str]:
        """The members (of ``parts``) whose bytes differ from what was written, plus members
        that appeared or disappeared."""
        changed = sorted(set(self.members) - set(parts))
        infos = {i.filename: i for i in pkg.infos}
        with open(pkg.path, "rb") as fh:
            for name in parts:
                old = self.members.get(name)
                info = infos[name]
                if old is None or (info.CRC, info.file_size, info.compress_size) != (old[0], old[1], old[3]):
                    changed.append(name)
                elif list(member_digest(fh, info)) != old:
                    changed.append(name)
        return sorted(changed)


def names_key(pkg: Package) -> str:
    """A key of the sheet list and the defined names."""
    doc = [[s.name for s in pkg.sheets], sorted((d.name, d.local_sheet or -1, d.text) for d in pkg.names)]
    return f"{zlib.crc32(json.dumps(doc, ensure_ascii=False).encode()):08x}"


def tables_key(pkg: Package) -> dict[str, list[Any]]:
    """Per table: sheet, range, header/totals rows and a key of its column names — what
    structured references read.  (Not its part name, which LibreOffice renumbers, nor its
    calculated-column formulas, which only shape new rows: those show in the sheet.)"""
    out = {}
    for name, t in sorted(pkg.tables.items()):
        cols = json.dumps([c.name for c in t.columns], ensure_ascii=False).encode()
        out[name] = [t.sheet, t.ref, t.header_rows, t.totals_rows, f"{zlib.crc32(cols):08x}"]
    return out


def keeps_state(pkg: Package) -> bool:
    """Whether a recalculation stores its state in the workbook: only in StoreOps
    workbooks (they have the as-of cell or one of the schema's tables).  Any other file
    gets its cached values and nothing else — the engine adds no part to a file it did
    not make — and is recalculated in full every time."""
    from storeops.workbook import schema

    if any(name in schema.TABLES for name in pkg.tables):
        return True
    return any(d.name.lower() == schema.AS_OF_CELL for d in pkg.names)


def validate_copied(pkg: Package, state: RecalcState | None, verdict: Verdict) -> None:
    """Check every XML part the write copies (:meth:`Package.validate_all`), except the
    value parts that are byte for byte as the last StoreOps write left them (checked when
    that write read them; their CRC-32 and sizes match the state)."""
    if state is not None:
        same = [p for p in state.members if p not in verdict.members and pkg.has(p) and p.endswith(".xml")]
        done = pkg._cache.setdefault("valid", {})
        for p in same:
            done.setdefault(p, None)
    pkg.validate_all()


def read_state(pkg: Package) -> RecalcState | None:
    """The state of the last StoreOps write, if the workbook still carries it."""
    from ..xlsx._edit import PackageEdit

    part = PackageEdit(pkg).custom_xml_item(NAMESPACE)
    if part is None:
        return None
    return RecalcState.from_xml(pkg.read(part))


@dataclass
class Verdict:
    """How a workbook compares with the state of the last write."""

    unchanged: bool = False  # nothing that can change a value: nothing to do
    full: bool = True  # no usable state: evaluate everything
    dirty: set[str] = field(default_factory=set)  # sheets (names) whose part changed
    clock: list[str] = field(default_factory=list)  # dates that moved and are used
    members: list[str] = field(default_factory=list)  # value parts that changed


#: An unchanged file's ``cfg_now`` stamp younger than this (days: 10 minutes) is kept, so a save
#: with nothing typed costs no evaluation; an older one is stamped anew (waiting hours move on).
NOW_TOLERANCE = 10 / 1440


def _now_stale(state: RecalcState, clock: Clock) -> bool:
    old, new = state.clock.now, clock.now
    return old is None or new is None or abs(new - old) > NOW_TOLERANCE


def keep_moment(clock: Clock, state: RecalcState | None) -> Clock:
    """The clock of a recalculation, with the moment of the last write kept while it is
    younger than :data:`NOW_TOLERANCE` on the same day: ``cfg_now`` moves in steps of at
    most 10 minutes, so an edit saved right after another re-evaluates what it changed, not
    every reply-hours cell of the workbook (they all read the moment).  A given date, a new
    day or an older stamp: the clock as it is."""
    if state is None or not clock.real or state.clock.now is None or clock.now is None:
        return clock
    if int(state.clock.now) != int(clock.now) or _now_stale(state, clock):  # another day, an old stamp
        return clock
    days = state.clock.now
    whole = int(days)
    moment = _dt.datetime.fromordinal(whole) + _dt.timedelta(days=days - whole)
    return Clock(clock.today, days, clock.date, clock.today_d, moment, True)


def compare(pkg: Package, state: RecalcState | None, clock: Clock, overlay: Set[str] = frozenset()) -> Verdict:
    """Compare the open package with ``state`` (cheap: reads no sheet); the ``overlay``
    members (replaced before evaluating) count as changed."""
    if state is None or state.engine != engine_key():
        return Verdict()
    parts = value_parts(pkg)
    changed = sorted(set(state.changed_members(pkg, [p for p in parts if p not in overlay])) | set(overlay))
    moved = state.clock_changed(clock)
    if not changed:
        # the moment alone (``cfg_now``, ``NOW()``) makes a file stale only after NOW_TOLERANCE: a
        # file as the last write left it keeps the values of that moment, and the stamp that says
        # so; a new day, any edit, or a stamp older than the tolerance stamps the moment anew
        # (docs/engine.md, "nothing changed")
        return Verdict(
            unchanged=not [k for k in moved if k != "now" or _now_stale(state, clock)], full=False, clock=moved
        )
    wb_changed = pkg.workbook_path in changed
    if wb_changed and state.names != names_key(pkg):
        return Verdict(members=changed)
    if any("/tables/" in n for n in changed):
        old = {k: v[:1] + v[2:] for k, v in state.tables.items()}
        new = {k: v[:1] + v[2:] for k, v in tables_key(pkg).items()}
        if old != new:  # a table added, removed, renamed or with other columns (a new range is fine)
            return Verdict(members=changed)
    paths = {s.path: s.name for s in pkg.sheets}
    if pkg.sst_path in changed:  # shared strings renumbered or rewritten: every sheet may read them
        dirty = set(paths.values())
    else:
        dirty = {paths[n] for n in changed if n in paths}
    return Verdict(unchanged=False, full=False, dirty=dirty, clock=moved, members=changed)
