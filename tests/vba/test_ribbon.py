"""The StoreOps ribbon tab: related from the package root, well-formed customUI, and every
button wired to a VBA Sub ``(control As IRibbonControl)`` that runs one Python function."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from storeops import vba
from storeops.vba._ribbon import CUSTOMUI_NS

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _read(xlsm: Path, name: str) -> bytes:
    with zipfile.ZipFile(xlsm) as zf:
        return zf.read(name)


def test_ribbon_is_related_from_the_package_root(built_xlsm: Path) -> None:
    rels = etree.fromstring(_read(built_xlsm, "_rels/.rels"))
    ui = [r for r in rels.findall(f"{{{PKG_REL_NS}}}Relationship") if r.get("Type") == vba.RIBBON_REL_TYPE]
    assert vba.RIBBON_REL_TYPE == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    assert len(ui) == 1 and ui[0].get("Target") == "customUI/customUI14.xml"
    ids = [r.get("Id") for r in rels]
    assert len(ids) == len(set(ids))
    # the workbook part is still there, untouched
    assert any(r.get("Target") == "xl/workbook.xml" for r in rels)
    types = etree.fromstring(_read(built_xlsm, "[Content_Types].xml"))
    assert any(d.get("Extension") == "xml" for d in types.findall(f"{{{CT_NS}}}Default"))


def _buttons(xml: bytes) -> list[etree._Element]:
    root = etree.fromstring(xml)
    assert root.tag == f"{{{CUSTOMUI_NS}}}customUI"
    tabs = root.findall(f"{{{CUSTOMUI_NS}}}ribbon/{{{CUSTOMUI_NS}}}tabs/{{{CUSTOMUI_NS}}}tab")
    assert [t.get("label") for t in tabs] == ["StoreOps"]
    return list(root.iter(f"{{{CUSTOMUI_NS}}}button"))


def test_customui_is_well_formed_with_five_bilingual_buttons(built_xlsm: Path) -> None:
    buttons = _buttons(_read(built_xlsm, "customUI/customUI14.xml"))
    labels = [b.get("label") for b in buttons]
    assert labels == [
        "刷新 Refresh",
        "导入数据 Import export",
        "新一周 New week",
        "周复盘 Weekly review",
        "检查数据 Check data",
    ]
    ids = [b.get("id") for b in buttons]
    assert len(set(ids)) == 5 and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids)
    assert all(b.get("imageMso") for b in buttons)


def test_every_onaction_names_a_ribbon_sub_that_runs_one_python_function(built_xlsm: Path) -> None:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built_xlsm))
    code = {s.split("/")[-1]: c for _f, s, _n, c in parser.extract_macros()}
    parser.close()
    ribbon = code["StoreOpsRibbon"].replace("\r\n", "\n")
    for button, (_cid, _label, _img, sub, py, _tip) in zip(
        _buttons(_read(built_xlsm, "customUI/customUI14.xml")), vba.BUTTONS
    ):
        assert button.get("onAction") == sub
        m = re.search(rf"^Public Sub {sub}\(control As IRibbonControl\)\n(.*?)^End Sub", ribbon, flags=re.M | re.S)
        assert m, f"no Sub {sub}(control As IRibbonControl)"
        calls = re.findall(r'RunPython "([^"]*)"', m.group(1))
        assert calls == [f"import storeops.ribbon as r; r.{py}()"]


def test_workbook_beforesave_exists_and_never_cancels() -> None:
    text = vba.vba_modules()["ThisWorkbook"]
    assert re.search(
        r"^Private Sub Workbook_BeforeSave\(ByVal SaveAsUI As Boolean, Cancel As Boolean\)", text, flags=re.M
    )
    assert "Cancel = True" not in text
    assert "Application.EnableEvents = False" in text and "Application.EnableEvents = eventsWere" in text
    assert "RunPython" not in text.replace("'", "\n").split("Option Explicit", 1)[1].split("StoreOpsRibbon.")[0]
    ribbon = vba.vba_modules()["StoreOpsRibbon"]
    assert re.search(
        r"Public Sub StoreOpsRefreshOnSave\(\)\r\n(?:\s*'.*\r\n)*\s+RunPython \"import storeops.ribbon as r; r.refresh\(\)\"",
        ribbon,
    )


def test_add_ribbon_is_idempotent_and_deterministic(built_xlsm: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsm"
    shutil.copyfile(built_xlsm, copy)
    vba.add_ribbon(copy)
    assert copy.read_bytes() == built_xlsm.read_bytes()
    with zipfile.ZipFile(copy) as zf:
        names = zf.namelist()
        assert names.count("customUI/customUI14.xml") == 1
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.testzip() is None


def test_add_ribbon_refuses_a_non_package(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsm"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("hello.txt", "x")
    before = bad.read_bytes()
    with pytest.raises(ValueError):
        vba.add_ribbon(bad)
    assert bad.read_bytes() == before and list(tmp_path.iterdir()) == [bad]


def test_ribbon_survives_openpyxl_only_if_added_after(built_xlsm: Path, tmp_path: Path) -> None:
    """Documents the build order: openpyxl drops the ribbon; add_ribbon afterwards restores it."""
    import openpyxl

    path = tmp_path / "o.xlsm"
    wb = openpyxl.load_workbook(built_xlsm, keep_vba=True)
    wb.save(path)
    vba.add_ribbon(path)
    rels = _read(path, "_rels/.rels").decode()
    assert vba.RIBBON_REL_TYPE in rels
    assert _read(path, "xl/vbaProject.bin") == _read(built_xlsm, "xl/vbaProject.bin")


def test_each_button_names_a_python_entry_point() -> None:
    """The Python side (storeops.ribbon, another module) must define every function a button runs."""
    ribbon = pytest.importorskip(
        "storeops.ribbon", reason="storeops.ribbon (the ribbon's Python side) is not written yet"
    )
    for *_, py, _tip in vba.BUTTONS:
        assert callable(getattr(ribbon, py, None)), f"storeops.ribbon.{py} is missing"
