"""The shared string "" that blank results point to, added to the workbook only when a
result needs it (the engine changes no part it does not have to).

openpyxl reads a cached ``<v></v>`` as ``None`` but a shared string as ``''``, so a
blank result is cached as the shared string "" (see :mod:`._encode`).  Excel writes
the shared-strings part of a workbook without text as the empty element
``<sst …/>``; the string is then added inside it, not after it.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

import numpy as np
import pandas as pd

from ..xlsx._package import Package, rels_of

_SST_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SST_CT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_EMPTY_SI = b"<si><t></t></si>"


class EmptyString:
    """Where the shared string "" is (or will be); :meth:`commit` adds it if it was used."""

    def __init__(self, pkg: Package, sst: list[str], has_formulas: bool):
        self.pkg = pkg
        self.used = False
        self._add = None
        if pkg.sst_path:
            try:
                self.ref = str(sst.index("")).encode()
            except ValueError:
                self.ref = str(len(sst)).encode()
                self._add = "append"
        elif has_formulas and not pkg.has(self._new_path()):
            self.ref = b"0"
            self._add = "create"
        else:
            self.ref = b""

    def note(self, result: Any) -> None:
        """Record whether a group's result holds a blank (None, NaN or "") written as ""."""
        if self.used or not self.ref:
            return
        if isinstance(result, np.ndarray):
            if result.dtype.kind == "f":
                self.used = bool(np.isnan(result).any())
            elif result.dtype == object:
                self.used = bool((pd.isna(result) | (result == "")).any())
        else:
            self.used = result is None or result == "" or (isinstance(result, float) and result != result)

    def commit(self, replace: dict[str, Any]) -> None:
        """Add "" to the package parts in ``replace`` if a result uses it and it is missing."""
        if not self.used or self._add is None:
            return
        if self._add == "append":
            sst_path = self.pkg.sst_path
            assert sst_path is not None  # "append" is chosen only when the part exists
            replace[sst_path] = append_empty(self.pkg.read(sst_path))
        else:
            self._create(replace)

    def _new_path(self) -> str:
        return posixpath.join(posixpath.dirname(self.pkg.workbook_path), "sharedStrings.xml")

    def _create(self, replace: dict[str, Any]) -> None:
        """A shared-strings part holding "" (files saved by openpyxl may have none)."""
        pkg, name = self.pkg, self._new_path()
        replace[name] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            + _EMPTY_SI
            + b"</sst>"
        )
        ct = replace.get("[Content_Types].xml") or pkg.read("[Content_Types].xml")
        i = ct.rfind(b"</Types>")
        replace["[Content_Types].xml"] = (
            ct[:i] + b'<Override PartName="/%s" ContentType="%s"/>' % (name.encode(), _SST_CT) + ct[i:]
        )
        wr = rels_of(pkg.workbook_path)
        rels = replace.get(wr) or pkg.read(wr)
        ids = {int(x) for x in re.findall(rb'Id="rId(\d+)"', rels)}
        rid = max(ids | {0}) + 1
        i = rels.rfind(b"</Relationships>")
        replace[wr] = (
            rels[:i] + b'<Relationship Id="rId%d" Type="%s" Target="sharedStrings.xml"/>' % (rid, _SST_TYPE) + rels[i:]
        )


def append_empty(data: bytes) -> bytes:
    """The shared-strings part with "" added as its last item (counts raised by one).

    Examples
    --------
    >>> append_empty(b'<sst xmlns="x" count="0" uniqueCount="0"/>')
    b'<sst xmlns="x" count="1" uniqueCount="1"><si><t></t></si></sst>'
    >>> append_empty(b'<sst count="2" uniqueCount="1"><si><t>a</t></si></sst>')
    b'<sst count="3" uniqueCount="2"><si><t>a</t></si><si><t></t></si></sst>'
    """
    start = data.find(b"<sst")
    head_end = data.find(b">", start)
    if data[head_end - 1 : head_end] == b"/":  # <sst …/>: an element without content
        tag = data[start : head_end - 1].rstrip()
        body = tag + b">" + _EMPTY_SI + b"</sst>"
        data = data[:start] + body + data[head_end + 1 :]
        head_end = start + len(tag)
    else:
        i = data.rfind(b"</sst>")
        data = data[:i] + _EMPTY_SI + data[i:]

    def bump(m: re.Match) -> bytes:
        return m.group(1) + str(int(m.group(2)) + 1).encode() + b'"'

    head = re.sub(rb'(uniqueCount=")(\d+)"', bump, data[:head_end])
    head = re.sub(rb'(\scount=")(\d+)"', bump, head)
    return head + data[head_end:]
