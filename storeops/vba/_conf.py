"""Write key/value rows into the ``xlwings.conf`` sheet of an existing ``.xlsm`` without
openpyxl (which would drop charts and the ribbon): only that sheet's XML changes, every
other member is copied byte for byte in its original order.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from ._zipedit import edit_zip

CONF_SHEET = "xlwings.conf"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _found(pattern: str, text: str) -> re.Match[str]:
    m = re.search(pattern, text)
    if m is None:
        raise KeyError(f"not found in the workbook's parts: {pattern}")
    return m


def _conf_sheet_part(zf: zipfile.ZipFile) -> str:
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    m = re.search(r'<sheet\b[^>]*name="' + re.escape(CONF_SHEET) + r'"[^>]*/>', workbook)
    if not m:
        raise KeyError(f"no sheet named {CONF_SHEET!r}")
    rid = _found(r'r:id="([^"]+)"', m.group(0)).group(1)
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rel = _found(r'<Relationship\b[^>]*Id="' + re.escape(rid) + r'"[^>]*/>', rels).group(0)
    target = _found(r'Target="([^"]+)"', rel).group(1)
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _cell_text(cell: str, shared: list[str]) -> str:
    """The cell's text, XML entities decoded (``&amp;`` → ``&``), so a value survives
    :func:`write_conf` rewriting it."""
    m = re.search(r"<t[^>]*>(.*?)</t>", cell, flags=re.S)
    if 't="s"' in cell:
        v = re.search(r"<v>(\d+)</v>", cell)
        return html.unescape(shared[int(v.group(1))]) if v else ""
    return html.unescape(m.group(1)) if m else ""


def read_conf(xlsm_path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``xlwings.conf`` rows (A → B) of a workbook, as xlwings would read them."""
    with zipfile.ZipFile(xlsm_path) as zf:
        sheet = zf.read(_conf_sheet_part(zf)).decode("utf-8")
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            sst = zf.read("xl/sharedStrings.xml").decode("utf-8")
            shared = [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", sst, flags=re.S)]
    out: dict[str, str] = {}
    for row in re.findall(r"<row\b[^>]*>(.*?)</row>", sheet, flags=re.S):
        cells = dict(
            (m.group(1), _cell_text(m.group(0), shared))
            for m in re.finditer(r'<c\b[^>]*r="([A-Z]+)\d+"[^>]*(?:/>|>.*?</c>)', row, flags=re.S)
        )
        if cells.get("A"):
            out[cells["A"]] = cells.get("B", "")
    return out


def write_conf(xlsm_path: str | os.PathLike[str], values: Mapping[str, str]) -> None:
    """Append (or overwrite) rows of the ``xlwings.conf`` sheet, in place and atomically.

    Keys already present are replaced (their row is removed and the key written again at
    the end); rows are kept contiguous from A1 as xlwings requires.
    """
    path = Path(xlsm_path)
    current = read_conf(path)
    merged = {k: v for k, v in current.items() if k.upper() not in {x.upper() for x in values}}
    merged.update(values)
    rows = []
    for i, (key, value) in enumerate(merged.items(), start=1):
        rows.append(
            f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
            f'<c r="B{i}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c></row>'
        )
    body = "<sheetData>" + "".join(rows) + "</sheetData>"
    dimension = f'<dimension ref="A1:B{max(len(rows), 1)}"/>'

    def rewrite(data: bytes) -> bytes:
        # callables as replacements: a value's backslashes (C:\Users\…) stay literal
        text = data.decode("utf-8")
        if re.search(r"<sheetData\s*/>", text):
            text = re.sub(r"<sheetData\s*/>", lambda _m: body, text, count=1)
        else:
            text = re.sub(r"<sheetData>.*?</sheetData>", lambda _m: body, text, count=1, flags=re.S)
        text = re.sub(r'<dimension ref="[^"]*"/>', lambda _m: dimension, text)
        return text.encode("utf-8")

    with zipfile.ZipFile(path) as zf:
        part = _conf_sheet_part(zf)
    edit_zip(path, {part: rewrite})
