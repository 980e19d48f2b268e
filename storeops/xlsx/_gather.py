"""The value texts of some cells, gathered from a sheet's XML as it streams by (issue 14).

Converting a big sheet's input columns needs only the bytes of their values (``<v>`` text
and inline strings), a few percent of the sheet.  :func:`gather_values` copies exactly
those bytes out of the XML's consecutive chunks into one small buffer, and gives the value
records with their positions moved into it: :func:`storeops.xlsx._cells.records_to_columns`
then reads the buffer as it would read the whole XML.  A parked sheet
(:mod:`storeops.engine._parked`) is converted without being brought back whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._scan import V_ISE, V_ISS, V_VTE, V_VTS

#: the position fields of a value record (-1: none)
_POS = (V_VTS, V_VTE, V_ISS, V_ISE)


def gather_values(chunks: Iterable[Any], V: np.ndarray) -> tuple[bytes, np.ndarray]:
    """``(buffer, records)``: the bytes the value records ``V`` point at (the value text
    and the inline string of each), taken from the XML given as consecutive ``chunks``,
    and a copy of ``V`` whose positions point into the buffer.  ``V`` is in document order
    (as :func:`~storeops.xlsx._scan.scan_sheet` gives it); :class:`ValueError` when the
    chunks end before its last value."""
    V2 = V.copy()
    if not len(V):
        for _ in chunks:
            pass
        return b"", V2
    pos = V[:, _POS].astype(np.int64)
    has = pos >= 0
    big = np.iinfo(np.int64).max
    lo = np.where(has, pos, big).min(axis=1)
    hi = np.where(has, pos, -1).max(axis=1)
    keep = np.flatnonzero(hi >= 0)
    lo, hi = lo[keep], hi[keep]
    if len(lo) > 1 and (np.diff(lo) < 0).any():
        raise ValueError("value records not in document order")
    out: list[np.ndarray] = []
    out_len = 0
    shift = np.zeros(len(keep), np.int64)
    window = np.empty(0, np.uint8)
    base = 0  # XML position of window[0]
    done = 0  # records of ``keep`` gathered
    for chunk in chunks:
        a = np.frombuffer(chunk, np.uint8)
        window = np.concatenate([window, a]) if len(window) else a
        end = base + len(window)
        stop = int(np.searchsorted(hi, end, "right"))  # records wholly inside the window
        if stop > done:
            s, e = lo[done:stop] - base, hi[done:stop] - base
            lens = e - s
            starts = np.cumsum(lens) - lens
            idx = np.repeat(s - starts, lens) + np.arange(int(lens.sum()))
            out.append(window[idx])
            shift[done:stop] = out_len + starts - (lo[done:stop])
            out_len += int(lens.sum())
            done = stop
        cut = int(lo[done]) - base if done < len(lo) else len(window)
        cut = min(cut, len(window))
        window, base = window[cut:].copy(), base + cut
    if done < len(lo):
        raise ValueError("the XML ended before the last value record")
    for f in _POS:
        col = V2[keep, f]
        V2[keep, f] = np.where(col >= 0, col + shift, col)
    return np.concatenate(out).tobytes() if out else b"", V2
