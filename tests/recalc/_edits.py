"""Ways a person or a program edits a recalculated StoreOps workbook, for the
incremental-equals-full tests: byte edits of single cells the way StoreOps' own writers
save (every other part copied as it is, so the recalc state stays), table writes,
openpyxl saves (which drop the state) and LibreOffice saves (which keep it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile

from storeops.xlsx import _cells
from storeops.xlsx._atomic import atomic_replace
from storeops.xlsx._package import open_package
from storeops.xlsx._zipwrite import write_zip
from tests.compat._lo import soffice_or_skip


class Formula(str):
    """A cell value that is a formula (its text without ``=``), as a person types it."""


def _cell_xml(ref: str, style: bytes, value) -> bytes:
    if isinstance(value, Formula):
        return b'<c r="%s"%s><f>%s</f></c>' % (ref.encode(), style, _cells.escape(str(value)).encode("utf-8"))
    if value is None:
        return b'<c r="%s"%s/>' % (ref.encode(), style)
    if isinstance(value, (int, float)):
        return b'<c r="%s"%s><v>%s</v></c>' % (ref.encode(), style, repr(float(value)).encode())
    return b'<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (
        ref.encode(),
        style,
        _cells.escape(str(value)).encode("utf-8"),
    )


def set_cell(xml: bytes, ref: str, value) -> bytes:
    """The sheet XML with the input cell ``ref`` holding ``value`` (number, text or None);
    the cell keeps its style, a missing cell is added to its row."""
    col, row = _cells.parse_cell(ref)
    m = re.search(rb'<c r="%s"([^>]*?)(/>|>.*?</c>)' % ref.encode(), xml, re.S)
    if m is not None:
        style = re.search(rb' s="\d+"', m.group(1))
        return xml[: m.start()] + _cell_xml(ref, style.group(0) if style else b"", value) + xml[m.end() :]
    from storeops.xlsx._sheetxml import add_row_cells

    return add_row_cells(xml, row, {col: _cell_xml(ref, b"", value)})


def edit_cells(path: str, edits: dict[str, dict[str, object]]) -> None:
    """Change cells in place ({sheet name: {ref: value}}), other parts copied raw (as
    ``storeops import``/``merge`` write)."""
    with open_package(path) as pkg:
        replace = {}
        for sheet, cells in edits.items():
            part = pkg.sheet(sheet).path
            xml = pkg.read(part)
            for ref, value in cells.items():
                xml = set_cell(xml, ref, value)
            replace[part] = xml
        infos = pkg.infos
        atomic_replace(path, lambda fh: write_zip(fh, path, infos, replace))


def set_cached(path: str, sheet: str, ref: str, text: bytes) -> None:
    """Overwrite a formula cell's cached value (as an editor that recalculated it would)."""
    with open_package(path) as pkg:
        part = pkg.sheet(sheet).path
        xml = pkg.read(part)
        m = re.search(rb'<c r="%s"[^>]*>.*?</c>' % ref.encode(), xml, re.S)
        cell = m.group(0)
        new = re.sub(rb"<v>[^<]*</v>", b"<v>" + text + b"</v>", cell) if b"<v>" in cell else cell
        new = re.sub(rb' t="\w+"', b"", new)
        replace = {part: xml[: m.start()] + new + xml[m.end() :]}
        infos = pkg.infos
        atomic_replace(path, lambda fh: write_zip(fh, path, infos, replace))


def named_cell(path: str, name: str) -> tuple[str, str]:
    """(sheet, cell ref) of a defined name."""
    with open_package(path) as pkg:
        text = next(d.text for d in pkg.names if d.name == name)
    sheet, _, ref = text.rpartition("!")
    return sheet.strip("'").replace("''", "'"), ref.replace("$", "")


def libreoffice_save(path: str, workdir) -> None:
    """Open and save ``path`` with LibreOffice headless (xlsx → xlsx), in place."""
    out = os.path.join(str(workdir), "lo-out")
    os.makedirs(out, exist_ok=True)
    src = os.path.join(str(workdir), "lo-in.xlsx")
    shutil.copyfile(path, src)
    subprocess.run(
        [
            soffice_or_skip(),
            f"-env:UserInstallation=file://{workdir}/lo-profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            out,
            src,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.copyfile(os.path.join(out, "lo-in.xlsx"), path)


def members(path: str) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}
