"""Edits to the small parts of an open package, gathered for one atomic write.

:class:`PackageEdit` holds the new bytes of every part that changes (``replace``, what
:func:`storeops.xlsx._zipwrite.write_zip` takes) and knows the package conventions the
engine needs: content-type overrides, relationships, the
calculation properties, a table's range and a custom XML data-store item.  Reading a
part through it gives the edited bytes, so several edits of one part compose.

Examples
--------
>>> from storeops.xlsx import open_package
>>> with open_package("StoreOps.xlsm") as pkg:              # doctest: +SKIP
...     edit = PackageEdit(pkg)
...     edit.set_full_calc_on_load(True)
...     sorted(edit.replace)
['xl/workbook.xml']
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ._package import PackageParts, TableInfo, rels_of

CUSTOM_XML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
CUSTOM_XML_PROPS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
CUSTOM_XML_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_ITEM = re.compile(r"^customXml/item\d+\.xml$")
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"


class PackageEdit:
    """New bytes of the parts of ``pkg`` that change; ``overlay`` parts count as already changed."""

    def __init__(self, pkg: PackageParts, overlay: dict[str, Any] | None = None):
        self.pkg = pkg
        self.replace: dict[str, Any] = dict(overlay or {})

    # ------------------------------------------------------------------ parts
    def has(self, name: str) -> bool:
        return name in self.replace or self.pkg.has(name)

    def read(self, name: str) -> bytes:
        """The part as it is after the edits so far."""
        data = self.replace.get(name)
        if data is None:
            return self.pkg.read(name)
        if isinstance(data, bytes):
            return data
        from ._deflate import inflate

        return inflate(b"".join(data.chunks), data.size)

    def set(self, name: str, data: Any) -> None:
        """Replace (or add) a part: bytes, or a :class:`~storeops.xlsx._zipwrite.Deflated`."""
        self.replace[name] = data

    def created_parts(self) -> list[str]:
        """The parts these edits add to the package."""
        return [name for name in self.replace if not self.pkg.has(name)]

    def set_if_changed(self, name: str, data: bytes) -> None:
        if data != self.read(name):
            self.set(name, data)

    # ------------------------------------------------------------------ conventions
    def add_override(self, part: str, content_type: str) -> None:
        """Declare the content type of ``part`` in ``[Content_Types].xml`` (once)."""
        ct = self.read("[Content_Types].xml")
        name = b'PartName="/%s"' % part.encode()
        if name in ct:
            return
        i = ct.rfind(b"</Types>")
        self.set(
            "[Content_Types].xml",
            ct[:i] + b'<Override %s ContentType="%s"/>' % (name, content_type.encode()) + ct[i:],
        )

    def relationships(self, source: str) -> list[tuple[str, str, str]]:
        """(Id, Type, Target) of the relationships of ``source`` (a part, or "" for the package)."""
        path = rels_of(source) if source else "_rels/.rels"
        if not self.has(path):
            return []
        data = self.read(path)
        out = []
        for m in re.finditer(rb"<Relationship\b[^>]*>", data):
            attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(0)))
            out.append(tuple(attrs.get(k, b"").decode() for k in (b"Id", b"Type", b"Target")))
        return out

    def add_relationship(self, source: str, rel_type: str, target: str) -> str:
        """Relate ``source`` to ``target`` (relative to the source's folder); returns the new Id."""
        path = rels_of(source) if source else "_rels/.rels"
        ids = {rid for rid, _, _ in self.relationships(source)}
        k = 1
        while f"rId{k}" in ids:
            k += 1
        rid = f"rId{k}"
        rel = b'<Relationship Id="%s" Type="%s" Target="%s"/>' % (rid.encode(), rel_type.encode(), target.encode())
        if self.has(path):
            data = self.read(path)
            i = data.rfind(b"</Relationships>")
            data = data[:i] + rel + data[i:]
        else:
            data = _DECL + b'<Relationships xmlns="%s">%s</Relationships>' % (_RELS_NS, rel)
        self.set(path, data)
        return rid

    def set_full_calc_on_load(self, on: bool) -> None:
        """Ask Excel to recalculate everything on open (``<calcPr fullCalcOnLoad="1"/>``), or stop asking."""
        wb = self.read(self.pkg.workbook_path)
        self.set_if_changed(self.pkg.workbook_path, _full_calc(wb, on))

    def set_table_ref(self, table: TableInfo, ref: str) -> None:
        """Resize a table (and its autoFilter) to ``ref``."""
        self.set(table.path, set_table_ref(self.read(table.path), ref))
        table.ref = ref

    def custom_xml_item(self, namespace: bytes) -> str | None:
        """The custom XML data-store item whose root element is in ``namespace``, if any.

        Found by its name and content, not by relationship: LibreOffice keeps the item
        when it saves but moves its relationship (to the package, with a wrong target)."""
        names = [i.filename for i in self.pkg.infos] + [n for n in self.replace if not self.pkg.has(n)]
        for part in sorted(n for n in names if _ITEM.match(n)):
            if b'xmlns="%s"' % namespace in self.read(part)[:400]:
                return part
        return None

    def set_custom_xml_item(self, namespace: bytes, data: bytes, item_id: str) -> str:
        """Store ``data`` (an XML document whose root is in ``namespace``) as a custom XML
        data-store item — the place OOXML gives applications for their own data; Excel and
        LibreOffice keep it when they save.  Replaces the item if there is one.  Returns its part."""
        part = self.custom_xml_item(namespace)
        if part is None:
            n = 1
            while self.has(f"customXml/item{n}.xml"):
                n += 1
            part = f"customXml/item{n}.xml"
            props = f"customXml/itemProps{n}.xml"
            self.set(
                props,
                b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                b'<ds:datastoreItem ds:itemID="%s" '
                b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                b"<ds:schemaRefs/></ds:datastoreItem>" % item_id.encode(),
            )
            self.add_override(props, CUSTOM_XML_PROPS_CT)
            self.add_relationship(part, CUSTOM_XML_PROPS_TYPE, f"itemProps{n}.xml")
            if b'Extension="xml"' not in self.read("[Content_Types].xml"):
                self.add_override(part, "application/xml")
            target = posixpath.relpath(part, posixpath.dirname(self.pkg.workbook_path))
            self.add_relationship(self.pkg.workbook_path, CUSTOM_XML_TYPE, target)
        self.set(part, data)
        return part


def set_table_ref(table_xml: bytes, new_ref: str) -> bytes:
    """The table part with its ``ref`` (and its autoFilter's) set to ``new_ref``."""
    ref = new_ref.encode()
    table_xml = re.sub(rb'(<table\b[^>]*?\sref=")[^"]*"', lambda m: m.group(1) + ref + b'"', table_xml, count=1)
    return re.sub(rb'(<autoFilter\b[^>]*?\sref=")[^"]*"', lambda m: m.group(1) + ref + b'"', table_xml, count=1)


def _full_calc(wb: bytes, on: bool) -> bytes:
    m = re.search(rb"<calcPr\b[^>]*?/?>", wb)
    if m is None:
        if not on:
            return wb
        i = wb.find(b"</workbook>")
        # calcPr must come after definedNames and before oleSize/customWorkbookViews/…
        anchor = re.search(
            rb"<(oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b",
            wb,
        )
        j = anchor.start() if anchor else i
        return wb[:j] + b'<calcPr fullCalcOnLoad="1"/>' + wb[j:]
    tag = m.group(0)
    new = re.sub(rb'\sfullCalcOnLoad="[^"]*"', b"", tag)
    if on:
        new = re.sub(rb"^<calcPr", b'<calcPr fullCalcOnLoad="1"', new)
    return wb[: m.start()] + new + wb[m.end() :]
