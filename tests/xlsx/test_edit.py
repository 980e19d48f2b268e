"""Package edits gathered for one write: content types, relationships, the shared string
"", calcPr and the custom XML item that keeps the recalc state (found even after
LibreOffice moved its relationship)."""

from __future__ import annotations

import re
import zipfile

import openpyxl

from storeops.engine._state import Clock, RecalcState
from storeops.xlsx._atomic import atomic_replace
from storeops.xlsx._edit import PackageEdit
from storeops.xlsx._package import open_package
from storeops.xlsx._zipwrite import write_zip

NS = b"urn:example:test"


def _book(tmp_path, *, text: str | None = "x") -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 1
    if text is not None:
        ws["B1"] = text
    ws["C1"] = "=A1+1"
    p = str(tmp_path / "b.xlsx")
    wb.save(p)
    return p


def _write(path: str, edit: PackageEdit) -> None:
    infos = edit.pkg.infos
    atomic_replace(path, lambda fh: write_zip(fh, path, infos, edit.replace))


def test_custom_xml_item_added_then_replaced_then_found_by_content(tmp_path):
    p = _book(tmp_path)
    doc = b'<?xml version="1.0"?>\n<state xmlns="%s">one</state>' % NS
    with open_package(p) as pkg:
        edit = PackageEdit(pkg)
        assert edit.custom_xml_item(NS) is None
        part = edit.set_custom_xml_item(NS, doc, "{00000000-0000-4000-8000-000000000001}")
        _write(p, edit)
    with open_package(p) as pkg:
        edit = PackageEdit(pkg)
        assert edit.custom_xml_item(NS) == part
        ct = pkg.read("[Content_Types].xml")
        assert b"customXmlProperties+xml" in ct and b'PartName="/customXml/itemProps1.xml"' in ct
        assert any(t.endswith("/customXml") for _i, t, _g in edit.relationships(pkg.workbook_path))
        edit.set_custom_xml_item(NS, doc.replace(b"one", b"two"), "{00000000-0000-4000-8000-000000000001}")
        assert sorted(edit.replace) == [part]  # replaced in place, nothing else touched
        _write(p, edit)
    # LibreOffice keeps the item but moves its relationship to the package (with a wrong target)
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/_rels/workbook.xml.rels"] = re.sub(
        rb'<Relationship [^>]*customXml"[^>]*/>', b"", members["xl/_rels/workbook.xml.rels"]
    )
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    with open_package(p) as pkg:
        part = PackageEdit(pkg).custom_xml_item(NS)
        assert part is not None and b"two" in pkg.read(part)
    assert openpyxl.load_workbook(p)["Sheet"]["A1"].value == 1


def test_full_calc_on_load(tmp_path):
    with open_package(_book(tmp_path)) as pkg:
        edit = PackageEdit(pkg)
        edit.set_full_calc_on_load(True)
        assert b'fullCalcOnLoad="1"' in edit.read(pkg.workbook_path)
        edit.set_full_calc_on_load(False)
        assert b"fullCalcOnLoad" not in edit.read(pkg.workbook_path)


def test_recalc_state_round_trip():
    state = RecalcState(
        engine="0.1.0/abc",
        clock=Clock(46000.0, 46000.5, 46000.0),
        volatile=["today"],
        members={"xl/workbook.xml": [1, 2, 3, 4]},
        names="n",
        blank="7",
        tables={"tblX": ["S", "A1:B9", 1, 0, "00"]},
        sheets={"S": {"path": "xl/worksheets/sheet1.xml", "shift": 0, "digests": ""}},
        groups=[["S", 2, 2, "A2*2", [2, 8], [["S", 1, 1, 2, 9]], ""]],
    )
    back = RecalcState.from_xml(state.to_xml())
    assert back is not None
    assert (back.engine, back.volatile, back.members, back.groups) == (
        state.engine,
        state.volatile,
        state.members,
        state.groups,
    )
    assert back.clock.today == 46000.0 and back.clock.now is None  # only the dates formulas use are kept
    assert state.to_xml() == back.to_xml()
    assert RecalcState.from_xml(b"<storeopsRecalc>not base64!</storeopsRecalc>") is None
    assert RecalcState.from_xml(b"<other/>") is None
