"""Buyer identity 买家ID: a stable key for every follow-up row.

A buyer's name is not a key: the demo store alone has 23 pairs of buyers with the same
name at different companies, and names get corrected.  Each follow-up row therefore
carries a **buyer ID** (column ``buyer_id`` of ``tblFollow``), written once as an input
value and never changed afterwards, so it survives renames, reordering and a change of
salesperson.

The ID of a row that has none yet is *derived* from the data the row was created with —
buyer, company, salesperson and the time the inquiry was received (to the minute) — so
every place that fills IDs (``storeops recalc``, ``merge``, ``import``, the Refresh
button in Excel) gives the same row the same ID without talking to each other: a
salesperson's file that was never recalculated still matches the master's rows.
Two rows created with identical data are told apart by ``occurrence`` (2, 3 …).

Text is compared the way people mean it: Unicode-normalised (full-width letters),
case-insensitive, with runs of spaces collapsed.

Examples
--------
>>> a = buyer_id("Fatima Garcia", "Garcia Pet Store", "王芳 Wang Fang", "2026-11-03 09:30")
>>> b = buyer_id("fatima  GARCIA ", "Garcia Pet Store", "王芳 Wang Fang", "2026/11/3 9:30")
>>> a == b, a[0], len(a)
(True, 'B', 11)
>>> a == buyer_id("Fatima Garcia", "Garcia Outdoor Dogs Ltd", "王芳 Wang Fang", "2026-11-03 09:30")
False
>>> buyer_id(["Amy", None], ["A Co", None], ["Li", None], ["2026-11-03", None]).tolist()[1]
''
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import unicodedata
from typing import Any

import numpy as np

from ._coerce import EXCEL_EPOCH, broadcast, restore, to_date, to_text

__all__ = ["buyer_id", "normalise_text"]

#: Crockford's base-32 alphabet (no I, L, O, U: nothing to misread when typed)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 10  # 50 bits: the chance that two of 100,000 buyers share an ID is about 4 in a million


def normalise_text(v: Any) -> str:
    """One text as it is compared: NFKC, case-folded, spaces collapsed; blanks → ``""``.

    >>> normalise_text("  Ｆatima   GARCIA ")
    'fatima garcia'
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    text = v if isinstance(v, str) else to_text(np.array([v], dtype=object)).values[0]
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _minute(serial: float) -> str:
    if not math.isfinite(serial):
        return ""
    return (EXCEL_EPOCH + _dt.timedelta(minutes=round(serial * 1440))).strftime("%Y-%m-%dT%H:%M")


def _encode(digest: bytes) -> str:
    n = int.from_bytes(digest[:8], "big") >> (64 - 5 * _LENGTH)
    out = []
    for _ in range(_LENGTH):
        n, r = divmod(n, 32)
        out.append(_ALPHABET[r])
    return "B" + "".join(reversed(out))


def buyer_id(buyer: Any, company: Any, salesperson: Any, received_at: Any, occurrence: Any = 1) -> Any:
    """买家ID Buyer ID derived from the data a follow-up row was created with.

    Parameters
    ----------
    buyer, company, salesperson : text or column
        Compared case-insensitively with spaces collapsed.
    received_at : date/time or column
        When the inquiry arrived; only the minute counts.  A value that is not a date is
        used as text, so a typo never stops a row from getting an ID.
    occurrence : int, default 1
        2, 3 … for the second, third row created with identical data.

    Returns
    -------
    ``"B"`` + 10 characters (for example ``B4QZ7M2K9XA``), or ``""`` for a row whose four
    fields are all blank.  The same inputs give the same ID on every machine.

    Examples
    --------
    >>> buyer_id("Bob", "", "Li", "") == buyer_id("BOB", None, " li ", None)
    True
    >>> buyer_id("Bob", "", "Li", "", 2) == buyer_id("Bob", "", "Li", "")
    False
    """
    (b, c, s, r, k), shape = broadcast(buyer, company, salesperson, received_at, occurrence)
    when = to_date(np.asarray(r, dtype=object), "received_at")
    out = np.empty(len(b), dtype=object)
    for i in range(len(b)):
        parts = [normalise_text(b[i]), normalise_text(c[i]), normalise_text(s[i])]
        stamp = _minute(when.values[i])
        if not stamp and (when.errors is not None and when.errors[i] is not None):
            stamp = normalise_text(r[i])
        if not any(parts) and not stamp:
            out[i] = ""
            continue
        occ = k[i]
        try:
            occ = int(occ) if occ is not None and not (isinstance(occ, float) and math.isnan(occ)) else 1
        except (TypeError, ValueError):
            occ = 1
        key = "\x1f".join([*parts, stamp] + ([str(occ)] if occ > 1 else []))
        out[i] = _encode(hashlib.sha256(key.encode("utf-8")).digest())
    return restore(out, shape)
