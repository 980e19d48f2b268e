"""Assemble ``vbaProject.bin`` (MS-OVBA) from module source texts.

Streams written (MS-OVBA 2.2–2.3):

* ``PROJECT``: the text properties (ID, one ``Document=``/``Module=``/``Class=`` line per
  module, Name, CMG/DPB/GC — encrypted per 2.4.3 with a fixed seed: not protected, no
  password, visible), then ``[Host Extender Info]`` and ``[Workspace]``.
* ``PROJECTwm``: module names in the code page and in UTF-16.
* ``VBA/_VBA_PROJECT``: only the 7-byte header with version ``0xFFFF``: no compiled
  performance cache, so Office recompiles the project from source on first open.
* ``VBA/dir`` (compressed): project information, references (OLE Automation, the Office
  object library for ``IRibbonControl``, and the xlwings add-in project), one MODULE
  record per module with ``MODULEOFFSET`` 0.
* ``VBA/<module>`` (compressed source, no performance cache).

Everything is fixed (project GUID, encryption seed, versions, order), so the same texts give
the same bytes.  Module source must be ASCII (VBA stores it in the project code page, 1252;
put Chinese text in with ``ChrW``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from typing import Any

from ._cfb import write_cfb
from ._compress import compress

CODEPAGE = 1252
LCID = 0x0409
PROJECT_NAME = "VBAProject"
PROJECT_GUID = "{5A7D3E51-0C6B-4B1E-9D2A-53544F52454F}"  # fixed: "STORE" in the tail
ENCRYPTION_SEED = 0x5E  # any byte; fixed for reproducible output
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

#: (name, libid) of registered type libraries every Excel project references.
REGISTERED_REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)

#: The project reference to the xlwings add-in, as xlwings' own quickstart.xlsm carries it.
#: Excel resolves it to the already-open add-in ``xlwings.xlam`` (``xlwings addin install``
#: puts it in XLSTART, so it is open before any workbook); the paths are only fallbacks.
#: Version numbers are the PROJECTVERSION of the xlwings 0.37.8 add-in.
XLWINGS_REFERENCE: dict[str, Any] = {
    "name": "xlwings",
    "absolute": r"*\C%APPDATA%\Microsoft\Excel\XLSTART\xlwings.xlam",
    "relative": r"*\Cxlwings.xlam",
    "major": 0x6B4FEF4C,
    "minor": 0x0008,
}


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _text(s: str) -> bytes:
    return s.encode("cp1252")


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def encrypt(project_id: str, data: bytes, seed: int = ENCRYPTION_SEED) -> str:
    """MS-OVBA 2.4.3.2 data encryption, as hex text for ``CMG``/``DPB``/``GC``.

    Examples
    --------
    >>> encrypt("{00000000-0000-0000-0000-000000000000}", b"\\xff", seed=0x9D)[:6]
    '9D9F31'
    """
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    proj_key_enc = seed ^ proj_key
    out = [seed, version_enc, proj_key_enc]
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    ignored = [0] * ((seed & 6) // 2)
    for byte in ignored + list(struct.pack("<I", len(data))) + list(data):
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return bytes(out).hex().upper()


def decrypt(project_id: str, text: str) -> bytes:
    """Inverse of :func:`encrypt` (checks the version and project key)."""
    raw = bytes.fromhex(text)
    seed, version_enc, proj_key_enc = raw[:3]
    if seed ^ version_enc != 2 or seed ^ proj_key_enc != sum(project_id.encode("ascii")) & 0xFF:
        raise ValueError("bad version or project key")
    unencrypted1, encrypted1, encrypted2 = seed ^ proj_key_enc, proj_key_enc, version_enc
    plain = []
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    body = bytes(plain[(seed & 6) // 2 :])
    (length,) = struct.unpack_from("<I", body)
    if length != len(body) - 4:
        raise ValueError("bad encrypted length")
    return body[4:]


def module_kind(name: str, source: str) -> str:
    """``document`` (ThisWorkbook, sheets), ``class`` or ``module``, from the source's attributes."""
    if 'Attribute VB_Base = "0{000208' in source:
        return "document"
    if "VB_PredeclaredId" in source or "VB_Exposed" in source:
        return "class"
    return "module"


def document_module(codename: str, workbook: bool = False) -> str:
    """The source Excel keeps for an empty sheet (or workbook) document module."""
    base = WORKBOOK_BASE if workbook else WORKSHEET_BASE
    return "\r\n".join(
        [
            f'Attribute VB_Name = "{codename}"',
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
            "",
        ]
    )


def _references() -> bytes:
    out = bytearray()
    for name, libid in REGISTERED_REFERENCES:
        out += _rec(0x0016, _text(name)) + struct.pack("<HI", 0x003E, len(_utf16(name))) + _utf16(name)
        body = struct.pack("<I", len(libid)) + _text(libid) + struct.pack("<IH", 0, 0)
        out += _rec(0x000D, body)
    ref = XLWINGS_REFERENCE
    name = ref["name"]
    out += _rec(0x0016, _text(name)) + struct.pack("<HI", 0x003E, len(_utf16(name))) + _utf16(name)
    body = (
        struct.pack("<I", len(ref["absolute"]))
        + _text(ref["absolute"])
        + struct.pack("<I", len(ref["relative"]))
        + _text(ref["relative"])
        + struct.pack("<IH", ref["major"], ref["minor"])
    )
    out += _rec(0x000E, body)
    return bytes(out)


def dir_stream(modules: Iterable[tuple[str, str]]) -> bytes:
    """The decompressed ``VBA/dir`` stream for ``(name, kind)`` pairs."""
    modules = list(modules)
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 1))  # SYSKIND: 32-bit Windows (Office recompiles)
    out += _rec(0x0002, struct.pack("<I", LCID))
    out += _rec(0x0014, struct.pack("<I", LCID))
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))
    out += _rec(0x0004, _text(PROJECT_NAME))
    out += _rec(0x0005, b"") + struct.pack("<HI", 0x0040, 0)  # docstring
    out += _rec(0x0006, b"") + struct.pack("<HI", 0x003D, 0)  # help file
    out += _rec(0x0007, struct.pack("<I", 0))  # help context
    out += _rec(0x0008, struct.pack("<I", 0))  # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION (Reserved=4, major, minor)
    out += _rec(0x000C, b"") + struct.pack("<HI", 0x003C, 0)  # constants
    out += _references()
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))
    for name, kind in modules:
        out += _rec(0x0019, _text(name))
        out += _rec(0x0047, _utf16(name))
        out += _rec(0x001A, _text(name)) + struct.pack("<HI", 0x0032, len(_utf16(name))) + _utf16(name)
        out += _rec(0x001C, b"") + struct.pack("<HI", 0x0048, 0)
        out += _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at 0
        out += _rec(0x001E, struct.pack("<I", 0))
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))
        out += _rec(0x0021 if kind == "module" else 0x0022, b"")
        out += struct.pack("<HI", 0x002B, 0)
    out += struct.pack("<HI", 0x0010, 0)
    return bytes(out)


def project_stream(modules: Iterable[tuple[str, str]]) -> bytes:
    """The ``PROJECT`` stream text (CRLF, code page 1252)."""
    modules = list(modules)
    lines = [f'ID="{PROJECT_GUID}"']
    for name, kind in modules:
        if kind == "document":
            lines.append(f"Document={name}/&H00000000")
        elif kind == "class":
            lines.append(f"Class={name}")
        else:
            lines.append(f"Module={name}")
    lines += [
        f'Name="{PROJECT_NAME}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(PROJECT_GUID, bytes(4))}"',
        f'DPB="{encrypt(PROJECT_GUID, bytes(1))}"',
        f'GC="{encrypt(PROJECT_GUID, bytes([0xFF]))}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{name}=0, 0, 0, 0, C" for name, _ in modules]
    return _text("\r\n".join(lines) + "\r\n")


def projectwm_stream(names: Iterable[str]) -> bytes:
    out = bytearray()
    for name in names:
        out += _text(name) + b"\0" + _utf16(name) + b"\0\0"
    return bytes(out + b"\0\0")


def normalise_source(text: str) -> str:
    """CRLF line ends, one final line end; refuses non-ASCII (use ``ChrW`` in VBA)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"
    bad = sorted({c for c in text if ord(c) > 127})
    if bad:
        raise ValueError(f"VBA source must be ASCII (found {''.join(bad)[:10]!r}); use ChrW(...)")
    return text.replace("\n", "\r\n")


def build_project(modules: Mapping[str, str]) -> bytes:
    """``vbaProject.bin`` bytes for ``{module name: source}`` (documents first, then the rest
    in the given order)."""
    items = [(name, normalise_source(src)) for name, src in modules.items()]
    kinds = {name: module_kind(name, src) for name, src in items}
    ordered = [i for i in items if kinds[i[0]] == "document"] + [i for i in items if kinds[i[0]] != "document"]
    pairs = [(name, kinds[name]) for name, _ in ordered]
    streams = {
        "PROJECT": project_stream(pairs),
        "PROJECTwm": projectwm_stream(name for name, _ in ordered),
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000),
        "VBA/dir": compress(dir_stream(pairs)),
    }
    for name, src in ordered:
        streams[f"VBA/{name}"] = compress(_text(src))
    return write_cfb(streams)
