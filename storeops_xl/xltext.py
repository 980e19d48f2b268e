"""Numbers as text exactly as Excel's, LibreOffice's and WPS's ``TEXT`` write them.

A text a core function builds and its native twin builds with ``TEXT(x, code)`` must be the
same characters.  Python's own formatting rounds the binary value half to even
(``f"{0.125:.0%}"`` is ``'12%'``); the spreadsheets round the number's 15 significant
digits half away from zero (``TEXT(0.125,"0%")`` is ``13%``).  :func:`xl_text` is the
latter for the codes the judgements use: ``"0"`` (a count), ``"0%"`` and ``"0.00%"``.

Examples
--------
>>> xl_text(0.125, "0%"), xl_text(0.00125, "0.00%"), xl_text(40.5, "0"), xl_text(0.9, "0%")
('13%', '0.13%', '41', '90%')
>>> xl_text(12345678901234567890.0, "0")
'12345678901234600000'
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

_WIDE = Context(prec=400)  # every digit of the largest double

__all__ = ["CODES", "fixed_digits", "xl_text"]

#: the number formats :func:`xl_text` writes (and the twins pass to ``TEXT``)
CODES = ("0", "0%", "0.00%")


def fixed_digits(x: float, places: int) -> tuple[str, str]:
    """Whole and fraction digits of ``|x|`` rounded half away from zero to ``places``
    decimals, from its 15 significant digits (the precision the spreadsheets keep).

    >>> fixed_digits(2.675, 2), fixed_digits(0.5, 0)
    (('2', '68'), ('1', ''))
    """
    d = Decimal("%.14e" % abs(x)) if x else Decimal(0)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    whole, _, frac = format(q, "f").partition(".")
    return whole, frac.ljust(places, "0")


def xl_text(x: float, code: str) -> str:
    """``TEXT(x, code)`` for a finite number and one of :data:`CODES`."""
    if code not in CODES:
        raise ValueError(f"format code {code!r} is not one of {CODES}")
    pct = code.endswith("%")
    places = len(code.rstrip("%").partition(".")[2])
    v = float(x) * 100.0 if pct else float(x)
    if not math.isfinite(v):  # out of the spreadsheets' range (they show #NUM!): Python's text
        return f"{v}{'%' if pct else ''}"
    whole, frac = fixed_digits(v, places)
    sign = "-" if v < 0 and (whole.strip("0") or frac.strip("0")) else ""
    return sign + whole + ("." + frac if places else "") + ("%" if pct else "")
