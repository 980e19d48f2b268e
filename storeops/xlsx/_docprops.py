"""The schema-version stamp: the custom document property ``StoreOpsSchemaVersion``.

Custom properties live in ``docProps/custom.xml`` (linked from ``_rels/.rels``, with its
content type); Excel, WPS and LibreOffice keep them when they save a file.  The builder
writes the property (XlsxWriter's ``set_custom_property``); :func:`schema_version` reads it;
:func:`schema_version_parts` sets it on an existing package (``storeops migrate``).
"""

from __future__ import annotations

import os
import posixpath

from lxml import etree

from ._package import Package, open_package

__all__ = ["PROPERTY", "schema_version", "schema_version_parts"]

#: the property's name
PROPERTY = "StoreOpsSchemaVersion"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CP = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
#: the format id every custom property carries (FMTID_UserDefinedProperties)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _custom_part(pkg: Package) -> str | None:
    for typ, target in pkg.rels("_rels/.rels").values():
        if typ == _CUSTOM_REL and pkg.has(target):
            return target
    return None


def schema_version(pkg: Package | str | os.PathLike[str]) -> int | None:
    """The ``StoreOpsSchemaVersion`` of a workbook (a path or an open package); ``None``
    when it has none (built before versions were stamped, or not by StoreOps) or when the
    value is not a whole number.

    Examples
    --------
    >>> from storeops.workbook.schema import SCHEMA_VERSION
    >>> schema_version("workbook/StoreOps.xlsm") == SCHEMA_VERSION      # doctest: +SKIP
    True
    """
    if not isinstance(pkg, Package):
        with open_package(pkg) as p:
            return schema_version(p)
    part = _custom_part(pkg)
    if part is None:
        return None
    for prop in pkg.xml(part).iter(f"{{{_CP}}}property"):
        if prop.get("name") != PROPERTY:
            continue
        for value in prop:  # vt:i4 from Excel/XlsxWriter; LibreOffice may write vt:r8 or text
            text = (value.text or "").strip()
            try:
                number = float(text)
            except ValueError:
                return None
            return int(number) if number.is_integer() and 0 <= number < 1 << 31 else None
    return None


def schema_version_parts(pkg: Package, version: int) -> dict[str, bytes]:
    """Members to write so the package carries ``StoreOpsSchemaVersion = version``: the
    custom-properties part (added or updated), and when it is new, its relationship and
    content type."""
    out: dict[str, bytes] = {}
    part = _custom_part(pkg)
    if part is None:
        part = "docProps/custom.xml"
        root = etree.Element(f"{{{_CP}}}Properties", nsmap={None: _CP, "vt": _VT})  # type: ignore[dict-item]  # lxml-stubs: no None (default) prefix
        rels = pkg.xml("_rels/.rels")
        ids = {r.get("Id") for r in rels}
        k = 1
        while f"rId{k}" in ids:
            k += 1
        etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=f"rId{k}", Type=_CUSTOM_REL, Target=part)
        out["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        ct = pkg.xml("[Content_Types].xml")
        if not any(o.get("PartName") == "/" + part for o in ct):
            etree.SubElement(ct, f"{{{_CT}}}Override", PartName="/" + posixpath.normpath(part), ContentType=_CUSTOM_CT)
            out["[Content_Types].xml"] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)
    else:
        root = pkg.xml(part)
    props = root.findall(f"{{{_CP}}}property")
    prop = next((p for p in props if p.get("name") == PROPERTY), None)
    if prop is None:
        pid = max([int(p.get("pid", "1")) for p in props if (p.get("pid") or "").isdigit()] + [1]) + 1
        prop = etree.SubElement(root, f"{{{_CP}}}property", fmtid=_FMTID, pid=str(pid), name=PROPERTY)
    for child in list(prop):
        prop.remove(child)
    etree.SubElement(prop, f"{{{_VT}}}i4").text = str(int(version))
    out[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out
