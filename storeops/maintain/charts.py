"""Charts follow a table that grew or shrank (the PK and target charts follow the roster).

Excel charts read fixed ranges; a series that covered exactly the data rows of a table
column is moved to the table's new data rows, and its cached points are dropped so no
program shows the old ones (Excel, LibreOffice and WPS read the cells).
"""

from __future__ import annotations

import re

from storeops.xlsx._cells import col_index

__all__ = ["follow_table"]

_F = re.compile(rb"<c:f>([^<]*)</c:f>(\s*<c:(?:str|num)Cache>.*?</c:(?:str|num)Cache>)?", re.S)
_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!']+))!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$")


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")


def follow_table(view, sheet: str, c1: int, c2: int, first: int, old_last: int, new_last: int) -> int:
    """Move every chart series reading rows ``first..old_last`` of one column ``c1..c2`` of
    ``sheet`` to ``first..new_last`` (parts replaced in ``view.parts``).  Returns the number
    of series moved."""
    if old_last == new_last:
        return 0
    moved = 0
    for info in view.infos:
        name = info.filename
        if not (name.startswith("xl/charts/chart") and name.endswith(".xml")):
            continue
        data = view.read(name)

        def fix(m: re.Match) -> bytes:
            nonlocal moved
            ref = _REF.match(_unescape(m.group(1).decode("utf-8")))
            if not ref:
                return m.group(0)
            s = (ref.group(1) or "").replace("''", "'") or ref.group(2)
            a, b = col_index(ref.group(3)), col_index(ref.group(5))
            if (
                s != sheet
                or a != b
                or not (c1 <= a <= c2)
                or (int(ref.group(4)), int(ref.group(6))) != (first, old_last)
            ):
                return m.group(0)
            moved += 1
            return b"<c:f>" + m.group(1).rsplit(b"$", 1)[0] + b"$%d</c:f>" % new_last  # cached points dropped

        new = _F.sub(fix, data)
        if new != data:
            view.parts[name] = new
    return moved
