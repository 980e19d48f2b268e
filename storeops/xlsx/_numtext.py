"""Numbers as worksheet text, both ways, for whole columns at once (numba kernels).

* :func:`parse_spans` reads the ``<v>`` texts of many cells straight from the XML bytes.
  Texts whose significant digits form an integer up to 2^53, with a small exponent (nearly every number a
  workbook stores) are converted exactly with Clinger's fast path (an integer below 2^53
  times or divided by an exact power of ten is correctly rounded); the rest are marked
  and converted by Python's ``float``.
* :func:`format_floats` writes doubles much as ``repr`` does: 15 or 16 significant digits
  when that provably reads back to the same double, else 17 (which always does), with
  ``repr``'s switch to exponent notation.  (It writes 17 digits where ``repr`` writes 16
  when the 16-digit number is above 2^53 — a few per cent of arbitrary doubles; Excel
  itself writes up to 17.)  Products with powers of ten are computed in
  double-double arithmetic so the digits are correctly rounded; values it cannot prove
  (NaN, infinities, below 1e-8 or from 1e22 up) are left to ``repr``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ._jit import jit

_POW_LO, _POW_HI = -30, 60


def _pow10_table() -> np.ndarray:
    """10^k for k in [_POW_LO, _POW_HI] as exact double-double pairs (hi, lo)."""
    out = np.empty((_POW_HI - _POW_LO + 1, 2))
    for k in range(_POW_LO, _POW_HI + 1):
        exact = Fraction(10) ** k
        hi = float(exact)
        out[k - _POW_LO, 0] = hi
        out[k - _POW_LO, 1] = float(exact - Fraction(hi))
    return out


POW10 = _pow10_table()
EXACT10 = np.array([10.0**k for k in range(23)])  # exactly representable powers
WIDTH = 26  # bytes per formatted number (24 is the longest repr)


# --------------------------------------------------------------------------- parse
@jit
def parse_spans(a, starts, ends, exact10):
    """Doubles written in ``a[starts[i]:ends[i]]``; ``ok[i]`` False where Python must decide."""
    n = starts.shape[0]
    out = np.empty(n, np.float64)
    ok = np.zeros(n, np.bool_)
    for k in range(n):
        s = starts[k]
        e = ends[k]
        while s < e and (a[s] == 32 or a[s] == 9 or a[s] == 10 or a[s] == 13):
            s += 1
        while e > s and (a[e - 1] == 32 or a[e - 1] == 9 or a[e - 1] == 10 or a[e - 1] == 13):
            e -= 1
        if s >= e:
            out[k] = np.nan
            continue
        neg = False
        if a[s] == 45 or a[s] == 43:
            neg = a[s] == 45
            s += 1
        m = 0
        nd = 0
        exp = 0
        digits = 0
        good = True
        seen_dot = False
        while s < e:
            c = int(a[s])  # int(): plain-Python mode must not do uint8 arithmetic
            if 48 <= c <= 57:
                digits += 1
                if m == 0 and c == 48:
                    if seen_dot:
                        exp -= 1
                else:
                    if nd >= 17:
                        good = False
                        break
                    m = m * 10 + (c - 48)
                    nd += 1
                    if seen_dot:
                        exp -= 1
            elif c == 46 and not seen_dot:
                seen_dot = True
            else:
                break
            s += 1
        if not good or digits == 0:
            continue
        if s < e:
            c = a[s]
            if c != 101 and c != 69:
                continue
            s += 1
            eneg = False
            if s < e and (a[s] == 45 or a[s] == 43):
                eneg = a[s] == 45
                s += 1
            ev = 0
            ed = 0
            while s < e and 48 <= a[s] <= 57 and ed < 6:
                ev = ev * 10 + (int(a[s]) - 48)
                ed += 1
                s += 1
            if s != e or ed == 0:
                continue
            exp += -ev if eneg else ev
        if m == 0:
            out[k] = -0.0 if neg else 0.0
            ok[k] = True
            continue
        if exp < -22 or exp > 22 or m > 9007199254740992:
            continue
        v = m / exact10[-exp] if exp < 0 else m * exact10[exp]
        out[k] = -v if neg else v
        ok[k] = True
    return out, ok


# --------------------------------------------------------------------------- format
@jit
def _split(a):
    c = 134217729.0 * a
    hi = c - (c - a)
    return hi, a - hi


@jit
def _scaled(v, k, pow10):
    """round(v * 10^k) to the nearest integer (ties to even) using double-double arithmetic."""
    ph = pow10[k + 30, 0]
    pl = pow10[k + 30, 1]
    p = v * ph
    ah, al = _split(v)
    bh, bl = _split(ph)
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    err += v * pl
    r = math.floor(p)
    t = (p - r) + err
    q = math.floor(t + 0.5)
    if t + 0.5 == q and (int(r) + int(q)) % 2 == 1:
        q -= 1
    return int(r) + int(q)


@jit
def _digits(v, e10, d, pow10):
    """(n, e10): n has exactly ``d`` digits and n·10^(e10-d+1) is v correctly rounded."""
    lo = 10 ** (d - 1)
    hi = lo * 10
    for _ in range(4):
        n = _scaled(v, d - 1 - e10, pow10)
        if n >= hi:
            e10 += 1
        elif n < lo:
            e10 -= 1
        else:
            return n, e10
    return -1, e10


@jit
def _format_one(x, out, pow10, exact10):
    """Write ``repr(x)`` into ``out``; returns its length, or -1 when Python must do it."""
    if x != x or x == np.inf or x == -np.inf:
        return -1
    pos = 0
    if x == 0.0:
        if math.copysign(1.0, x) < 0:
            out[0] = 45
            pos = 1
        out[pos] = 48
        out[pos + 1] = 46
        out[pos + 2] = 48
        return pos + 3
    neg = x < 0
    v = -x if neg else x
    if v < 1e-8 or v >= 1e22:
        return -1
    e10 = int(math.floor(math.log10(v)))
    if e10 <= 22 and e10 >= -22:  # log10 may round across a power of ten: fix with exact powers
        if e10 >= 0 and v < exact10[e10] or e10 < 0 and v * exact10[-e10] < 1.0:
            e10 -= 1
    n = -1
    ne = e10
    found = False
    for d in range(15, 18):
        n, ne = _digits(v, e10, d, pow10)
        if n < 0:
            return -1
        if d == 17:
            found = True
            break
        k = d - 1 - ne
        if n > 9007199254740992 or k < -22 or k > 22:
            continue
        back = n / exact10[k] if k >= 0 else n * exact10[-k]
        if back == v:
            found = True
            break
    if not found:
        return -1
    while n % 10 == 0 and n >= 10:
        n //= 10
    buf = np.empty(20, np.uint8)
    L = 0
    while n > 0:
        buf[L] = 48 + n % 10
        n //= 10
        L += 1
    # buf holds the digits reversed; digit j (0 = first) is buf[L-1-j]
    if neg:
        out[pos] = 45
        pos += 1
    if -4 <= ne < 16:
        if ne >= 0:
            for j in range(ne + 1):
                out[pos] = buf[L - 1 - j] if j < L else 48
                pos += 1
            out[pos] = 46
            pos += 1
            if L > ne + 1:
                for j in range(ne + 1, L):
                    out[pos] = buf[L - 1 - j]
                    pos += 1
            else:
                out[pos] = 48
                pos += 1
        else:
            out[pos] = 48
            out[pos + 1] = 46
            pos += 2
            for _ in range(-ne - 1):
                out[pos] = 48
                pos += 1
            for j in range(L):
                out[pos] = buf[L - 1 - j]
                pos += 1
    else:
        out[pos] = buf[L - 1]
        pos += 1
        if L > 1:
            out[pos] = 46
            pos += 1
            for j in range(1, L):
                out[pos] = buf[L - 1 - j]
                pos += 1
        out[pos] = 101
        pos += 1
        out[pos] = 45 if ne < 0 else 43
        pos += 1
        ae = -ne if ne < 0 else ne
        if ae >= 100:
            out[pos] = 48 + ae // 100
            pos += 1
        out[pos] = 48 + (ae // 10) % 10
        out[pos + 1] = 48 + ae % 10
        pos += 2
    return pos


@jit
def _format_many(x, pow10, exact10):
    n = x.shape[0]
    mat = np.zeros((n, 26), np.uint8)
    lens = np.empty(n, np.int64)
    for i in range(n):
        lens[i] = _format_one(x[i], mat[i], pow10, exact10)
    return mat, lens


def format_floats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``repr`` of each double as rows of a ``uint8`` matrix plus lengths.

    Examples
    --------
    >>> m, n = format_floats(np.array([0.1, 46050.0, 1/3, 1e-5, -2.5e17]))
    >>> [bytes(r[:k]).decode() for r, k in zip(m, n)]
    ['0.1', '46050.0', '0.3333333333333333', '1e-05', '-2.5e+17']
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    mat, lens = _format_many(x, POW10, EXACT10)
    bad = np.flatnonzero(lens < 0)
    for i in bad.tolist():
        s = repr(float(x[i])).encode()
        mat[i, : len(s)] = np.frombuffer(s, np.uint8)
        lens[i] = len(s)
    return mat, lens


def parse_numbers(xml: bytes | np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Doubles of the texts ``xml[starts[i]:ends[i]]`` (NaN where a text is no number).

    Examples
    --------
    >>> x = b"12|0.016217|-3e2|abc|46048.93402777778"
    >>> parse_numbers(x, np.array([0, 3, 12, 17, 21]), np.array([2, 11, 16, 20, 38])).tolist()
    [12.0, 0.016217, -300.0, nan, 46048.93402777778]
    """
    a = np.frombuffer(xml, np.uint8) if isinstance(xml, (bytes, bytearray, memoryview)) else xml
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    ends = np.ascontiguousarray(ends, dtype=np.int64)
    out, ok = parse_spans(a, starts, ends, EXACT10)
    for i in np.flatnonzero(~ok).tolist():
        try:
            out[i] = float(bytes(a[starts[i] : ends[i]]))
        except ValueError:
            out[i] = np.nan
    return out
