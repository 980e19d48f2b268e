"""The StoreOps ribbon tab (``customUI/customUI14.xml``) and adding it to a built ``.xlsm``.

Office 2010 and later read ``customUI/customUI14.xml`` (namespace
``http://schemas.microsoft.com/office/2009/07/customui``) when the package root
(``_rels/.rels``) relates it with the type
``http://schemas.microsoft.com/office/2007/relationships/ui/extensibility``.  The older
``customUI.xml`` (2006 namespace and relationship) only matters for Office 2007, which
cannot run current xlwings, so no 2007 fallback is written.  The ``.xml`` extension needs
the ``application/xml`` default content type, which every package built by XlsxWriter has;
:func:`add_ribbon` adds it when missing.
"""

from __future__ import annotations

import os
import re
from xml.sax.saxutils import quoteattr

from ._zipedit import edit_zip

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_REL_ID = "rIdStoreOpsRibbon"
RIBBON_MODULE = "StoreOpsRibbon"

#: (control id, label, imageMso, onAction Sub, Python function in storeops.ribbon, tip)
BUTTONS = (
    (
        "soRefresh",
        "刷新 Refresh",
        "Refresh",
        "StoreOpsRefresh",
        "refresh",
        "用 Python 重算全部 StoreOps 公式和汇总 / recalculate every StoreOps formula and summary",
    ),
    (
        "soImport",
        "导入数据 Import export",
        "ImportExcel",
        "StoreOpsImportExport",
        "import_export",
        "导入数据管家导出文件 / import a Data Manager export (.xls/.csv/.xlsx)",
    ),
    (
        "soNewWeek",
        "新一周 New week",
        "DateAndTimeInsert",
        "StoreOpsNewWeek",
        "new_week",
        "开始新的一周：滚动周期和周目标 / start a new week: roll the period and weekly targets",
    ),
    (
        "soReview",
        "周复盘 Weekly review",
        "CreateReport",
        "StoreOpsWeeklyReview",
        "weekly_review",
        "每周六复盘：业务员和团队的周报 / the Saturday review per salesperson and team",
    ),
    (
        "soCheck",
        "检查数据 Check data",
        "DataValidation",
        "StoreOpsCheckData",
        "check_data",
        "列出有问题的输入行及原因 / list bad input rows with reasons",
    ),
)


def customui_xml() -> bytes:
    """The ribbon XML: a "StoreOps" tab with one group of five large buttons (UTF-8)."""
    buttons = "\n".join(
        f"          <button id={quoteattr(cid)} label={quoteattr(label)} imageMso={quoteattr(img)}"
        f' size="large" onAction={quoteattr(sub)} screentip={quoteattr(label)}'
        f" supertip={quoteattr(tip)}/>"
        for cid, label, img, sub, _py, tip in BUTTONS
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<customUI xmlns="{CUSTOMUI_NS}">\n'
        "  <ribbon>\n"
        "    <tabs>\n"
        '      <tab id="soTab" label="StoreOps">\n'
        '        <group id="soGroup" label="StoreOps 店铺运营">\n'
        f"{buttons}\n"
        "        </group>\n"
        "      </tab>\n"
        "    </tabs>\n"
        "  </ribbon>\n"
        "</customUI>\n"
    )
    return text.encode("utf-8")


def _add_root_relationship(rels: bytes) -> bytes:
    text = rels.decode("utf-8")
    text = re.sub(r'<Relationship\b[^>]*Type="' + re.escape(RIBBON_REL_TYPE) + r'"[^>]*/>', "", text)
    text = re.sub(r'<Relationship\b[^>]*Id="' + re.escape(RIBBON_REL_ID) + r'"[^>]*/>', "", text)
    rel = f'<Relationship Id="{RIBBON_REL_ID}" Type="{RIBBON_REL_TYPE}" Target="{CUSTOMUI_PART}"/>'
    if "</Relationships>" not in text:
        raise ValueError("_rels/.rels has no <Relationships> element")
    return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")


def _ensure_xml_default(types: bytes) -> bytes:
    text = types.decode("utf-8")
    if re.search(r'<Default\b[^>]*Extension="xml"', text, flags=re.IGNORECASE):
        return types
    default = '<Default Extension="xml" ContentType="application/xml"/>'
    return re.sub(r"(<Types\b[^>]*>)", r"\1" + default, text, count=1).encode("utf-8")


def add_ribbon(xlsm_path: str | os.PathLike[str]) -> None:
    """Add (or replace) the StoreOps ribbon in a built ``.xlsm``, in place and reproducibly.

    Every member is rewritten in its original order with a fixed timestamp (1980-01-01),
    ``customUI/customUI14.xml`` is appended (or replaced), the root relationship and the
    ``xml`` content type are ensured.  The file is written to a temporary file and renamed
    over the original, so a failure leaves the original untouched.  Run it after any
    openpyxl step (openpyxl drops the relationship when it saves).
    """
    try:
        edit_zip(
            xlsm_path,
            {"_rels/.rels": _add_root_relationship, "[Content_Types].xml": _ensure_xml_default},
            append=[(CUSTOMUI_PART, customui_xml())],
        )
    except KeyError:
        raise ValueError(f"{xlsm_path}: not an Office package (no _rels/.rels or [Content_Types].xml)") from None
