"""The calculation-engine id every StoreOps file carries (``<calcPr calcId=…>`` in ``workbook.xml``).

Excel recalculates *every* formula of a workbook on open when ``calcPr/@calcId`` is
lower than its own calculation engine (ECMA-376 Part 1, 18.2.2 calcPr;
``Application.CalculationVersion`` in VBA), and with StoreOps UDFs that means one Python
call per UDF cell.  ``191029`` is the id written by Excel 2019, 2021 and Excel for
Microsoft 365 (the engine version has stayed 191029 since Excel 2019; it is the value
found in workbooks those versions save and the one other writers such as openpyxl-based
tools emit to avoid the full recalculation).  XlsxWriter writes ``124519`` (Excel 2007).

``fullCalcOnLoad="1"`` is kept only where a file has formulas without trustworthy cached
values (a freshly built workbook that was not recalculated, or formulas the engine left
to Excel).
"""

from __future__ import annotations

import re

__all__ = ["CALC_ID", "set_calc_id"]

#: calcId of current Excel (2019, 2021, Microsoft 365)
CALC_ID = 191029

_CALCPR = re.compile(rb"<calcPr\b[^>]*?/?>")
_AFTER = re.compile(
    rb"<(oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b"
)


def set_calc_id(workbook_xml: bytes, calc_id: int = CALC_ID) -> bytes:
    """``workbook.xml`` with ``calcPr/@calcId`` set to ``calc_id`` (other attributes kept).

    >>> set_calc_id(b'<workbook><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
    b'<workbook><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'
    >>> set_calc_id(b'<workbook><sheets/></workbook>')
    b'<workbook><sheets/><calcPr calcId="191029"/></workbook>'
    """
    m = _CALCPR.search(workbook_xml)
    value = b'calcId="%d"' % calc_id
    if m is None:
        anchor = _AFTER.search(workbook_xml)
        j = anchor.start() if anchor else workbook_xml.rfind(b"</workbook>")
        return workbook_xml[:j] + b"<calcPr " + value + b"/>" + workbook_xml[j:]
    tag = m.group(0)
    if re.search(rb'\scalcId="[^"]*"', tag):
        new = re.sub(rb'\scalcId="[^"]*"', b" " + value, tag)
    else:
        new = re.sub(rb"^<calcPr", b"<calcPr " + value, tag)
    return workbook_xml[: m.start()] + new + workbook_xml[m.end() :]
