"""Excel glue for StoreOps XL: the VBA project, the ribbon tab and the xlwings settings.

The VBA lives as text in ``storeops/vba/src/`` (package data: ``ThisWorkbook.cls`` with
``Workbook_BeforeSave``, ``StoreOpsRibbon.bas`` with the ribbon callbacks); the UDF wrapper
module ``xlwings_udfs`` is generated from ``udfs.__all__`` at build time.  The workbook
builder calls, in this order::

    import io, xlsxwriter
    from storeops import vba

    wb = xlsxwriter.Workbook(path)
    ...                                    # sheets; each ws.set_vba_name(f"Sheet{i}")
    conf = wb.add_worksheet("xlwings.conf")
    for row, (key, value) in enumerate(vba.XLWINGS_CONF):
        conf.write_string(row, 0, key); conf.write_string(row, 1, value)
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(vba.vba_project_bin(sheet_codenames=[...])), is_stream=True)
    wb.close()
    # ... any openpyxl step ...
    vba.add_ribbon(path)                   # last: openpyxl would drop the ribbon

Examples
--------
>>> from storeops import vba
>>> sorted(vba.vba_modules())[:2]
['StoreOpsRibbon', 'ThisWorkbook']
>>> vba.vba_project_bin()[:8].hex()
'd0cf11e0a1b11ae1'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from ._project import build_project, document_module
from ._ribbon import BUTTONS, CUSTOMUI_PART, RIBBON_REL_TYPE, add_ribbon, customui_xml
from ._udf_wrapper import MODULE_NAME as UDF_MODULE_NAME
from ._udf_wrapper import udf_functions, wrapper_source

__all__ = [
    "BUTTONS",
    "CUSTOMUI_PART",
    "RIBBON_REL_TYPE",
    "UDF_MODULE_NAME",
    "VBA_SOURCE_DIR",
    "XLWINGS_CONF",
    "add_ribbon",
    "customui_xml",
    "udf_wrapper_module",
    "vba_modules",
    "vba_project_bin",
]

#: Where the VBA text files live: package data (``storeops/vba/src``), so a wheel builds the workbook too.
VBA_SOURCE_DIR = Path(str(resources.files(__name__).joinpath("src")))

#: Rows of the ``xlwings.conf`` sheet, from cell A1 down (no header row: xlwings reads
#: ``A1:B1`` expanded down as key → value and upper-cases the keys).  Only keys whose value
#: we know at build time: an empty ``Interpreter_Win`` row would hide the interpreter the
#: user set in the xlwings ribbon, so ``storeops install`` adds it with a real path.
XLWINGS_CONF: list[tuple[str, str]] = [
    ("UDF Modules", "udfs"),
]


def _module_name(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("Attribute VB_Name = "):
            return line.split("=", 1)[1].strip().strip('"')
    return fallback


def udf_wrapper_module(module_name: str = "udfs") -> str:
    """The generated ``xlwings_udfs`` VBA module for every function in ``udfs.__all__``."""
    return wrapper_source(module_name, udf_functions(module_name))


def vba_modules(source_dir: str | Path | None = None) -> dict[str, str]:
    """Module name → VBA source: the text files, then the generated UDF wrapper.

    ``ThisWorkbook`` comes first, the other ``*.bas``/``*.cls`` files in name order, then
    ``xlwings_udfs``.  Line ends are CRLF (as VBA stores them).
    """
    folder = Path(source_dir) if source_dir is not None else VBA_SOURCE_DIR
    files = sorted(
        list(folder.glob("*.bas")) + list(folder.glob("*.cls")), key=lambda p: (p.stem != "ThisWorkbook", p.name)
    )
    if not files:
        raise FileNotFoundError(f"no VBA sources (*.bas, *.cls) in {folder}")
    modules: dict[str, str] = {}
    for path in files:
        text = path.read_text(encoding="ascii").replace("\r\n", "\n").replace("\n", "\r\n")
        modules[_module_name(text, path.stem)] = text
    modules[UDF_MODULE_NAME] = udf_wrapper_module()
    return modules


def vba_project_bin(modules: Mapping[str, str] | None = None, sheet_codenames: Iterable[str] = ()) -> bytes:
    """A ``vbaProject.bin`` (MS-CFB + MS-OVBA) built from module texts; same input, same bytes.

    Parameters
    ----------
    modules : mapping, optional
        Module name → VBA source; default :func:`vba_modules`.
    sheet_codenames : iterable of str
        Code names of the worksheets (``ws.set_vba_name(...)`` in XlsxWriter); each gets an
        empty document module unless ``modules`` already has one, so Excel ties the sheets to
        the project instead of adding ``Sheet1``-style duplicates.
    """
    mods = dict(vba_modules() if modules is None else modules)
    for codename in sheet_codenames:
        mods.setdefault(codename, document_module(codename))
    return build_project(mods)
