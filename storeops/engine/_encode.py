"""Turn evaluated results into what :func:`storeops.xlsx._splice.splice` writes.

Per sheet a :class:`ValueSink` collects, for every rewritten formula cell, its new ``t=``
attribute and where its value text comes from: a row of one matrix of formatted
numbers (:func:`storeops.xlsx._numtext.format_floats`, no Python object per number) or
one of the distinct texts (strings, errors, blanks, booleans), each encoded once.

Blank results are cached as the shared string "" (``t="s"``), so openpyxl
``data_only`` reads ``''``; TRUE/FALSE as booleans (``t="b"``).  LibreOffice and WPS
recompute both on load, so the workbook computes them with native formulas
(:mod:`storeops.workbook.editions`).
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np

from ..xlsx import _cells
from ..xlsx._numtext import format_floats
from ..xlsx._splice import CELL_INDEX, CODE, T_ATTRS, splice
from ._serial import serial_from_datetime
from ._values import XLErr, from_datetime64, is_vec, type_masks

_T_CODE = {t: i for i, t in enumerate(T_ATTRS)}
_NEEDS_ESCAPE = re.compile(r'[&<>"\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


_serial = serial_from_datetime  # the engine's one date → serial rule (storeops.engine._serial)


class ValueSink:
    """New cached values of one sheet's formula cells, gathered group by group."""

    def __init__(self, empty_ref: bytes):
        self.empty = (b' t="s"', empty_ref) if empty_ref else (b' t="str"', b"")
        self.cells: list[np.ndarray] = []
        self.tnew: list[np.ndarray] = []
        self.vkind: list[np.ndarray] = []
        self.vidx: list[np.ndarray] = []
        self.nums: list[np.ndarray] = []
        self.n_nums = 0
        self.uniq: dict[tuple[bytes, bytes], int] = {}
        self.utext: list[bytes] = []
        self.utype: list[int] = []
        self._arrays: tuple | None = None

    # ------------------------------------------------------------------ pieces
    def _u(self, t: bytes, text: bytes) -> int:
        key = (t, text)
        u = self.uniq.get(key)
        if u is None:
            u = self.uniq[key] = len(self.utext)
            self.utext.append(text)
            self.utype.append(_T_CODE[t])
        return u

    def _push(self, cells: np.ndarray, tnew, vkind, vidx) -> None:
        n = len(cells)
        self.cells.append(cells)
        self.tnew.append(np.broadcast_to(np.asarray(tnew, CODE), (n,)))
        self.vkind.append(np.broadcast_to(np.asarray(vkind, CODE), (n,)))
        self.vidx.append(np.broadcast_to(np.asarray(vidx, CELL_INDEX), (n,)))

    def _push_unique(self, cells: np.ndarray, codes: np.ndarray) -> None:
        utype = np.array(self.utype, np.int64)
        self._push(cells, utype[codes], 1, codes)

    def _push_floats(self, cells: np.ndarray, f: np.ndarray) -> None:
        finite = np.isfinite(f)
        if finite.all():
            self._push(cells, 0, 0, self.n_nums + np.arange(len(f)))
            self.nums.append(f)
            self.n_nums += len(f)
            return
        codes = np.empty(len(f), np.int64)
        codes[np.isnan(f)] = self._u(*self.empty)
        codes[np.isinf(f)] = self._u(b' t="e"', b"#NUM!")
        if finite.any():
            self._push_floats(cells[finite], f[finite])
        self._push_unique(cells[~finite], codes[~finite])

    # ------------------------------------------------------------------ public
    def add(self, cells: np.ndarray, values: Any) -> None:
        """Record the results ``values`` (scalar or one per cell) of the formula cells ``cells``."""
        self._arrays = None
        cells = np.asarray(cells, CELL_INDEX)
        n = len(cells)
        if not n:
            return
        if not is_vec(values):
            self._push_unique(cells, np.full(n, self._u(*self.encode1(values)), np.int64))
            return
        if values.dtype.kind == "M":
            values = from_datetime64(values)
        if values.dtype.kind in "fiu":
            self._push_floats(cells, values.astype(np.float64))
            return
        if values.dtype == bool:
            one, zero = self._u(b' t="b"', b"1"), self._u(b' t="b"', b"0")
            self._push_unique(cells, np.where(values, one, zero).astype(np.int64))
            return
        self._add_objects(cells, np.asarray(values, dtype=object))

    def _add_objects(self, cells: np.ndarray, values: np.ndarray) -> None:
        import pandas as pd

        kinds = type_masks(values)
        isf = kinds["num"]
        if isf.any():
            self._push_floats(cells[isf], values[isf].astype(np.float64))
        rest = ~isf
        if not rest.any():
            return
        codes = np.full(len(values), -1, np.int64)
        iss = rest & kinds["str"]
        if iss.any():
            fc, uniq = pd.factorize(pd.Series(values[iss], dtype=object), sort=False)
            codes[iss] = self._texts(list(uniq))[fc]
        isn = rest & kinds["none"]
        codes[isn] = self._u(*self.empty)
        isb = rest & kinds["bool"]
        if isb.any():
            one, zero = self._u(b' t="b"', b"1"), self._u(b' t="b"', b"0")
            codes[isb] = np.where(values[isb].astype(bool), one, zero)
        for i in np.flatnonzero(rest & (codes < 0)).tolist():
            codes[i] = self._u(*self.encode1(values[i]))
        self._push_unique(cells[rest], codes[rest])

    def _texts(self, texts: list[str]) -> np.ndarray:
        """Codes of many distinct result texts, escaped and encoded in one go."""
        joined = "\x00".join(texts)
        if joined.count("\x00") != len(texts) - 1 or _NEEDS_ESCAPE.search(joined):
            return np.array([self._u(*self.encode1(t)) for t in texts], np.int64)
        enc = joined.encode("utf-8").split(b"\x00")
        # distinct within this call: append them all (no per-text dictionary look-up)
        codes = len(self.utext) + np.arange(len(texts), dtype=np.int64)
        self.utext.extend(enc)
        self.utype.extend([_T_CODE[b' t="str"']] * len(texts))
        if "" in texts:  # the blank result is the shared empty string, not t="str"
            codes[texts.index("")] = self._u(*self.empty)
        return codes

    def encode1(self, x: Any) -> tuple[bytes, bytes]:
        """(t attribute, value text) of one result."""
        if x is None:
            return self.empty
        if isinstance(x, XLErr):
            return b' t="e"', str(x).encode()
        if isinstance(x, (bool, np.bool_)):
            return b' t="b"', b"1" if x else b"0"
        if isinstance(x, str):
            if x == "":
                return self.empty
            return b' t="str"', _cells.escape(x).encode("utf-8")
        if isinstance(x, (_dt.datetime, _dt.date)):
            return b"", repr(_serial(x)).encode()
        if isinstance(x, np.datetime64):
            return self.encode1(float(from_datetime64(np.array([x]))[0]))
        try:
            f = float(x)
        except (TypeError, ValueError):
            return b' t="str"', _cells.escape(str(x)).encode("utf-8")
        if f != f:
            return self.empty
        if f in (float("inf"), float("-inf")):
            return b' t="e"', b"#NUM!"
        return b"", repr(f).encode()

    def __len__(self) -> int:
        return sum(len(c) for c in self.cells)

    def renumber(self, new: np.ndarray) -> None:
        """The formula records were put in another order: record ``i`` is now ``new[i]``."""
        self.cells = [np.asarray(new[c], CELL_INDEX) for c in self.cells]
        self._arrays = None

    def arrays(self) -> tuple:
        """(cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff): the recorded values in
        document order, as :func:`storeops.xlsx._splice.splice` takes them (computed once
        until more is recorded)."""
        if self._arrays is None:
            self._arrays = self._make_arrays()
        return self._arrays

    def _make_arrays(self) -> tuple:
        cells = np.concatenate(self.cells)
        order = np.argsort(cells, kind="stable")  # formula records are in document order
        tnew = np.concatenate(self.tnew)[order]
        vkind = np.concatenate(self.vkind)[order]
        vidx = np.concatenate(self.vidx)[order]
        cells = cells[order]
        if self.nums:
            nummat, numlen = format_floats(np.concatenate(self.nums))
        else:
            nummat, numlen = np.zeros((1, 1), np.uint8), np.zeros(1, np.int64)
        ubuf = np.frombuffer(b"".join(self.utext) or b"\0", np.uint8)
        uoff = np.zeros(len(self.utext) + 1, np.int64)
        uoff[1:] = np.cumsum([len(t) for t in self.utext])
        return cells, tnew, vkind, vidx, nummat, numlen, ubuf, uoff

    def write(self, xml: bytes, F: np.ndarray, arrays: tuple | None = None):
        """The sheet XML with every recorded value written in place, as a stream of
        pieces (see :func:`storeops.xlsx._splice.splice`); ``None`` when every cell already
        holds its value."""
        if not self.cells:
            return None
        return splice(xml, F, *(arrays or self.arrays()))
