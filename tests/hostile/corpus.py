"""The hostile-input corpus: ways a workbook or an export file arrives broken, truncated or
crafted.  Each damage function takes a good file and writes a bad one; the tests run every
command on it and check the exit code, the message, that nothing was written and that no
traceback or "internal error" appears (issue 15)."""

from __future__ import annotations

import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

from storeops.xlsx import open_package

FOLLOW_SHEET = "跟进 Follow-up"


def members(path: Path) -> dict[str, str]:
    """Names of the members the damage functions aim at."""
    with open_package(path) as pkg:
        sheet = pkg.sheet(FOLLOW_SHEET).path
        return {
            "sheet": sheet,
            "sst": pkg.sst_path,
            "table": pkg.tables["tblFollow"].path,
            "workbook": pkg.workbook_path,
            "styles": pkg.styles_path,
        }


def rezip(
    src: Path,
    dst: Path,
    *,
    change: dict[str, Callable[[bytes], bytes]] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
) -> None:
    """Copy the zip ``src`` to ``dst`` with some members changed, dropped or added."""
    change = change or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            if info.filename in change:
                data = change[info.filename](data)
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)


def _insert_in_sheet_data(xml: bytes, piece: bytes) -> bytes:
    i = xml.index(b"<sheetData>") + len(b"<sheetData>")
    return xml[:i] + piece + xml[i:]


def _cut_sst_closed(data: bytes) -> bytes:
    """sharedStrings.xml cut after its first few items and closed again: well-formed, but the
    cells refer to strings that are gone (what a truncated file re-saved by a broken tool looks like)."""
    k = 0
    for _ in range(5):
        k = data.index(b"</si>", k) + 5
    return data[:k] + b"</sst>"


#: workbook damage: id → (what to do to the member kinds, the word the message must contain)
WORKBOOK_DAMAGE: dict[str, tuple[Callable[[Path, Path, dict[str, str]], None], str]] = {}


def damage(name: str, word: str):
    def deco(fn):
        WORKBOOK_DAMAGE[name] = (fn, word)
        return fn

    return deco


@damage("garbage-sheet-bytes", "sheet")
def _(src, dst, m):
    rnd = random.Random(1)
    rezip(src, dst, change={m["sheet"]: lambda d: bytes(rnd.randrange(256) for _ in range(len(d)))})


@damage("garbage-sheet-text", "sheet")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: b"this is not XML at all, just words " * 50})


@damage("truncated-sheet", "cut short")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: d[: len(d) * 3 // 5]})


@damage("truncated-sharedstrings", "sharedStrings")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d[: len(d) // 2]})


@damage("sharedstrings-cut-and-closed", "shared string")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: _cut_sst_closed})


@damage("surrogate-char-ref", "reference")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"<t>", b"<t>&#xD800;", 1)})


@damage("nul-char-ref", "reference")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"<t>", b"<t>&#0;", 1)})


@damage("control-byte-in-text", "character")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"<t>", b"<t>\x01", 1)})


@damage("invalid-utf8", "UTF-8")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"<t>", b"<t>\xff\xfe", 1)})


@damage("doctype-in-sheetdata", "DOCTYPE")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: _insert_in_sheet_data(d, b'<!DOCTYPE x [<!ENTITY a "b">]>')})


@damage("billion-laughs-prolog", "DOCTYPE")
def _(src, dst, m):
    evil = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"?>", b"?>" + evil, 1)})


@damage("undefined-entity", "reference")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b"<t>", b"<t>&nbsp;", 1)})


@damage("utf16-sheet", "UTF-8")
def _(src, dst, m):
    rezip(
        src,
        dst,
        change={m["sheet"]: lambda d: d.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")},
    )


@damage("latin1-declared", "UTF-8")
def _(src, dst, m):
    rezip(src, dst, change={m["sst"]: lambda d: d.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')})


@damage("mismatched-tags", "mismatched")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: d.replace(b"</row>", b"</c>", 1)})


@damage("duplicate-attribute", "attribute")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: d.replace(b'<c r="A1"', b'<c r="A1" r="B7"', 1)})


@damage("cell-beyond-grid", "grid")
def _(src, dst, m):
    rezip(
        src, dst, change={m["sheet"]: lambda d: _insert_in_sheet_data(d, b'<row r="1"><c r="XFE1"><v>1</v></c></row>')}
    )


@damage("row-beyond-grid", "grid")
def _(src, dst, m):
    rezip(
        src,
        dst,
        change={
            m["sheet"]: lambda d: d.replace(
                b"</sheetData>", b'<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>'
            )
        },
    )


@damage("stray-cell-at-XFD1048576", "row 1048576")
def _(src, dst, m):
    rezip(
        src,
        dst,
        change={
            m["sheet"]: lambda d: d.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
            )
        },
    )


@damage("sst-index-not-a-number", "shared-string")
def _(src, dst, m):
    def f(d):
        i = d.index(b't="s"><v>') + len(b't="s"><v>')
        return d[:i] + b"x" + d[i:]

    rezip(src, dst, change={m["sheet"]: f})


@damage("deep-nesting", "nested")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: _insert_in_sheet_data(d, b"<x>" * 300 + b"</x>" * 300)})


@damage("text-after-root", "outside")
def _(src, dst, m):
    rezip(src, dst, change={m["sheet"]: lambda d: d + b"<worksheet/>"})


@damage("missing-table-part", "table part")
def _(src, dst, m):
    rezip(src, dst, drop=(m["table"],))


@damage("table-ref-garbage", "table")
def _(src, dst, m):
    rezip(src, dst, change={m["table"]: lambda d: d.replace(b'ref="', b'ref="ZZZZ9:', 1)})


@damage("table-ref-whole-sheet", "table")
def _(src, dst, m):
    import re

    rezip(src, dst, change={m["table"]: lambda d: re.sub(rb'ref="[^"]*"', b'ref="A1:XFD1048576"', d, count=1)})


@damage("garbage-styles", "styles")
def _(src, dst, m):
    rezip(src, dst, change={m["styles"]: lambda d: d[: len(d) // 3]})


@damage("missing-workbook-part", "workbook")
def _(src, dst, m):
    rezip(src, dst, drop=(m["workbook"],))


@damage("missing-content-types", "Content_Types")
def _(src, dst, m):
    rezip(src, dst, drop=("[Content_Types].xml",))


@damage("missing-sheet-part", "sheet")
def _(src, dst, m):
    rezip(src, dst, drop=(m["sheet"],))


@damage("not-a-zip", "zip")
def _(src, dst, m):
    dst.write_bytes(b"Buyer,Company\nAmy,Pet Co\n")


@damage("empty-file", "zip")
def _(src, dst, m):
    dst.write_bytes(b"")


@damage("truncated-zip", "damaged")
def _(src, dst, m):
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])


@damage("zip-bomb", "bomb")
def _(src, dst, m):
    rezip(src, dst, add={"xl/media/padding.bin": b"\0" * (8 << 20)})


@damage("too-many-parts", "parts")
def _(src, dst, m):
    rezip(src, dst, add={f"xl/media/p{i}.bin": b"" for i in range(10_001)})


@damage("duplicate-member", "duplicate")
def _(src, dst, m):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        rezip(src, dst, add={m["sheet"]: b"<worksheet/>"})


@damage("encrypted-member", "encrypted")
def _(src, dst, m):
    rezip(src, dst)
    data = bytearray(dst.read_bytes())
    # set the "encrypted" flag of every member in the central directory
    i = 0
    while (i := data.find(b"PK\x01\x02", i)) >= 0:
        data[i + 8] |= 1
        i += 4
    dst.write_bytes(bytes(data))


def file_names(folder: Path) -> set[str]:
    return set(os.listdir(folder))
