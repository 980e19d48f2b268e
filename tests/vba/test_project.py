"""The VBA project inside the built .xlsm: decodable by olevba, equal to the text files, and
obeying MS-OVBA (dir records, PROJECT stream, version trick, encryption fields)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

import udfs
from storeops import vba
from storeops.vba._project import PROJECT_GUID, decrypt

from ._ovba_reader import parse_dir
from .conftest import build_xlsm, crlf


def _bin(xlsm: Path) -> bytes:
    with zipfile.ZipFile(xlsm) as zf:
        return zf.read("xl/vbaProject.bin")


def _ole(xlsm: Path) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(_bin(xlsm)), raise_defects=olefile.DEFECT_INCORRECT)


def test_olevba_decodes_every_module_equal_to_its_text(built_xlsm: Path) -> None:
    parser = VBA_Parser(str(built_xlsm))
    assert parser.detect_vba_macros()
    decoded = {stream.split("/")[-1]: code for _f, stream, _n, code in parser.extract_macros()}
    parser.close()
    expected = vba.vba_modules()
    for name, text in expected.items():
        assert crlf(decoded[name]) == crlf(text), name
    for sheet in ("Sheet1", "Sheet2", "Sheet3"):
        assert 'Attribute VB_Name = "%s"' % sheet in decoded[sheet]


def test_text_files_are_what_goes_in() -> None:
    modules = vba.vba_modules()
    for path in vba.VBA_SOURCE_DIR.glob("*.*"):
        name = re.search(r'Attribute VB_Name = "([^"]+)"', path.read_text("ascii")).group(1)
        assert crlf(modules[name]) == crlf(path.read_text("ascii"))
    assert list(modules)[0] == "ThisWorkbook" and list(modules)[-1] == "xlwings_udfs"


def test_generated_udf_module_wraps_every_udf() -> None:
    source = vba.vba_modules()["xlwings_udfs"]
    assert source.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    declared = re.findall(r"^Function (\w+)\(", source, flags=re.M)
    assert declared == list(udfs.__all__)
    for name in udfs.__all__:
        assert f'{name} = XLPy.CallUDF("udfs", "{name}", Array(' in source
        assert f"{name} = Err.Description" in source


def test_udf_wrapper_follows_python_signatures() -> None:
    import inspect

    source = vba.udf_wrapper_module()
    for name in udfs.__all__:
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        header = re.search(rf"^Function {name}\((.*)\)\r$", source, flags=re.M).group(1)
        pieces = [p.strip() for p in header.split(",")] if header else []
        assert len(pieces) == len(params)
        for piece, p in zip(pieces, params):
            assert piece.startswith("Optional ") == (p.default is not inspect.Parameter.empty), (name, piece)


def test_dir_stream_obeys_ms_ovba_and_lists_every_module(built_xlsm: Path) -> None:
    ole = _ole(built_xlsm)
    info = parse_dir(bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read()))))
    assert info.codepage == 1252 and info.project_name == "VBAProject" and info.cookie == 0xFFFF
    names = [m["name"] for m in info.modules]
    assert set(names) == set(vba.vba_modules()) | {"Sheet1", "Sheet2", "Sheet3"}
    for m in info.modules:
        assert m["stream"] == m["name"] == m["stream_unicode"] == m["name_unicode"]
        assert m["offset"] == 0  # no performance cache: the stream is just compressed source
        assert m["type"] == (0x0021 if m["name"] in ("StoreOpsRibbon", "xlwings_udfs") else 0x0022)
        assert ole.exists(f"VBA/{m['stream']}")
    refs = {name: (rid, libid) for name, rid, libid in info.references}
    assert refs["xlwings"][0] == 0x000E  # REFERENCEPROJECT to the xlwings add-in
    assert refs["xlwings"][1].endswith("xlwings.xlam")
    assert "{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in refs["Office"][1]  # IRibbonControl lives here


def test_project_stream_lists_every_module(built_xlsm: Path) -> None:
    ole = _ole(built_xlsm)
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    props = text.split("\r\n\r\n")[0].split("\r\n")
    assert props[0] == f'ID="{PROJECT_GUID}"'
    listed = {
        line.split("=", 1)[1].split("/")[0]: line.split("=", 1)[0]
        for line in props
        if line.split("=")[0] in ("Document", "Module", "Class")
    }
    assert listed == {
        "ThisWorkbook": "Document",
        "Sheet1": "Document",
        "Sheet2": "Document",
        "Sheet3": "Document",
        "StoreOpsRibbon": "Module",
        "xlwings_udfs": "Module",
    }
    fields = dict(line.split("=", 1) for line in props if "=" in line)
    assert decrypt(PROJECT_GUID, fields["CMG"].strip('"')) == bytes(4)  # not protected
    assert decrypt(PROJECT_GUID, fields["DPB"].strip('"')) == b"\0"  # no password
    assert decrypt(PROJECT_GUID, fields["GC"].strip('"')) == b"\xff"  # visible
    wm = ole.openstream("PROJECTwm").read()
    for name in listed:
        assert name.encode() + b"\0" + name.encode("utf-16-le") + b"\0\0" in wm


def test_vba_project_version_forces_recompile(built_xlsm: Path) -> None:
    data = _ole(built_xlsm).openstream("VBA/_VBA_PROJECT").read()
    assert data == b"\xcc\x61\xff\xff\x00\x00\x00"  # Reserved1 0x61CC, Version 0xFFFF, no cache


def test_same_input_same_bytes(tmp_path: Path, built_xlsm: Path) -> None:
    assert vba.vba_project_bin() == vba.vba_project_bin()
    again = build_xlsm(tmp_path / "again.xlsm")
    assert again.read_bytes() == built_xlsm.read_bytes()


def test_large_module_survives(tmp_path: Path) -> None:
    big = 'Attribute VB_Name = "Big"\r\n' + "".join(
        f"Public Function F{i}(x)\r\n    F{i} = x * {i} + {i * 7 % 13}\r\nEnd Function\r\n" for i in range(3000)
    )
    assert len(big) > 100_000
    xlsm = build_xlsm(tmp_path / "big.xlsm", {"ThisWorkbook": vba.vba_modules()["ThisWorkbook"], "Big": big})
    parser = VBA_Parser(str(xlsm))
    decoded = {s.split("/")[-1]: c for _f, s, _n, c in parser.extract_macros()}
    parser.close()
    assert crlf(decoded["Big"]) == crlf(big)


def test_non_ascii_source_is_refused() -> None:
    with pytest.raises(ValueError, match="ChrW"):
        vba.vba_project_bin({"M": 'Attribute VB_Name = "M"\r\nSub A()\r\n MsgBox "刷新"\r\nEnd Sub\r\n'})


def test_doctests_of_the_vba_package() -> None:
    import doctest
    import importlib

    for name in (
        "storeops.vba",
        "storeops.vba._compress",
        "storeops.vba._cfb",
        "storeops.vba._project",
        "storeops.vba._udf_wrapper",
    ):
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name


def test_wrapper_handles_varargs_reserved_names_and_caller() -> None:
    from storeops.vba._udf_wrapper import wrapper_source

    def JOIN(date, *rest):
        """Join."""

    def WHO(caller, x=1):
        """Caller-aware."""

    src = wrapper_source("udfs", [JOIN, WHO]).replace("\r\n", "\n")
    assert "Function JOIN(date_, ParamArray rest())" in src
    assert "argsArray = Array(date_)" in src and "argsArray(1 + k - LBound(rest)) = rest(k)" in src
    assert 'JOIN = XLPy.CallUDF("udfs", "JOIN", argsArray, ThisWorkbook, Application.Caller)' in src
    assert "Function WHO(Optional x)" in src
    assert 'XLPy.CallUDF("udfs", "WHO", Array(Nothing, x), ThisWorkbook, Application.Caller)' in src

    def BAD(*, k):
        pass

    with pytest.raises(ValueError, match="keyword-only"):
        wrapper_source("udfs", [BAD])
