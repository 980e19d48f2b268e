"""Excel number-format codes for TEXT(value, format).

Supported (as Microsoft's "Number format codes" page describes them): up to four
sections ``positive;negative;zero;text``; digit placeholders ``0`` ``#`` ``?``; the
decimal point; ``,`` as thousands separator between placeholders and as ÷1000 after
them; ``%``; scientific ``0.00E+00``; literal text in quotes, after ``\\``, and the
characters ``$ - + ( ) : / space``; ``_x`` as a space; ``@`` for the text; colours
(``[Red]``), which do not change the text; ``General`` for whole numbers; date and time
codes ``yy yyyy m mm mmm mmmm d dd ddd dddd h hh m mm s ss AM/PM A/P`` (English names).
Anything else — conditions ``[>100]``, locales ``[$-804]``, elapsed times ``[h]``,
fractions, fill characters ``*`` — raises
:class:`~storeops.engine._values.Unsupported`: the formula is left to Excel.
"""

from __future__ import annotations

import functools
import math
import re

from storeops_xl.xltext import fixed_digits

from .._serial import MAX_SERIAL, to_datetime
from .._values import VALUE, Unsupported, XLErr

_TOKEN = re.compile(
    r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|am/pm|a/p|e[+-]|yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|'
    r"general|[0#?.,%@]|.",
    re.I,
)
_DATE_CODES = re.compile(r"^(y+|m+|d+|h+|s+|am/pm|a/p)$", re.I)
_LITERAL_CHARS = set("$-+():/ !&'~{}<>=^")


def _sections(fmt: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for tok in _TOKEN.findall(fmt):
        if tok == ";":
            out.append([])
        else:
            out[-1].append(tok)
    if len(out) > 4:
        raise Unsupported("format with more than four sections")
    return out


def _clean(tokens: list[str]) -> list[str]:
    out = []
    for t in tokens:
        if t.startswith("["):
            inner = t[1:-1].lower()
            if inner in ("black", "blue", "cyan", "green", "magenta", "red", "white", "yellow") or re.fullmatch(
                r"color\d+", inner
            ):
                continue
            raise Unsupported(f"format code {t}")
        out.append(t)
    return out


def _literal(t: str) -> str | None:
    if t.startswith('"'):
        return t[1:-1]
    if t.startswith("\\"):
        return t[1]
    if t.startswith("_"):
        return " "
    if t in _LITERAL_CHARS:
        return t
    return None


@functools.lru_cache(maxsize=256)
def _parsed(fmt: str) -> tuple[tuple[str, ...], ...]:
    """The sections of a format, cleaned (read once per format: a column is formatted
    with the same few formats row after row)."""
    return tuple(tuple(_clean(s)) for s in _sections(fmt))


def format_value(v, fmt: str):
    """TEXT(v, fmt) for a number, text, or TRUE/FALSE ``v``."""
    if isinstance(v, XLErr):
        return v
    secs = _parsed(fmt)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        sec = secs[3] if len(secs) > 3 else secs[0] if any(t == "@" for t in secs[0]) else None
        if sec is None:
            return v
        return "".join(v if t == "@" else (_literal(t) or _unknown(t)) for t in sec)
    x = float(v)
    if len(secs) == 1 or (x > 0) or (x == 0 and len(secs) < 3):
        sec, sign = secs[0], x < 0
    elif x < 0:
        sec, sign, x = secs[1], False, -x
    else:
        sec, sign = secs[2], False
    if not sec:
        return ""
    kind = _section_kind(sec)
    if kind == "@":
        raise Unsupported("text placeholder in a number section")
    if kind == "general":
        return _general(sec, x, sign)
    if kind == "date":
        if sign:
            return VALUE
        return _date(sec, x)
    return _number(sec, x, sign)


@functools.lru_cache(maxsize=256)
def _section_kind(sec: tuple[str, ...]) -> str:
    """What a number section shows (read once per section): ``@`` (refused), ``general``,
    ``date`` (date or time codes and no digit placeholder) or ``number``."""
    if any(t == "@" for t in sec):
        return "@"
    if any(t.lower() == "general" for t in sec):
        return "general"
    if any(_DATE_CODES.match(t) for t in sec) and not any(t in "0#?" for t in sec):
        return "date"
    return "number"


def _unknown(t: str) -> str:
    raise Unsupported(f"format code {t!r}")


def _general(sec: tuple[str, ...], x: float, sign: bool) -> str:
    a = abs(x)
    if a == int(a) and a < 1e11:
        body = str(int(a))
    elif 1e-4 <= a < 1e11 and len(repr(a).replace(".", "").lstrip("0")) <= 10:
        body = repr(a)
    else:
        raise Unsupported("General format of this number")
    out = []
    for t in sec:
        out.append(body if t.lower() == "general" else (_literal(t) or _unknown(t)))
    return ("-" if sign else "") + "".join(out)


# --------------------------------------------------------------------------- numbers
def _digits(x: float, nfrac: int) -> tuple[str, str]:
    """Integer and fraction digits of |x| rounded half away from zero to ``nfrac``
    places, from Excel's 15 significant digits (the core's rule: the texts FUNNEL_DIAG
    writes in Python are the ones its native twin writes with TEXT)."""
    return fixed_digits(x, nfrac)


@functools.lru_cache(maxsize=256)
def _layout(toks: tuple[str, ...]) -> tuple:
    """Where a number section's digits go (read once per section): the scientific
    exponent's place, the number of ``%``, the integer and fraction placeholders,
    thousands grouping, the ÷1000 scale and the commas dropped."""
    places = [i for i, t in enumerate(toks) if t in ("0", "#", "?")]
    if "/" in toks and any(i > toks.index("/") for i in places):
        raise Unsupported("fraction formats")
    exp_at = next((i for i, t in enumerate(toks) if t.lower() in ("e+", "e-")), None)
    if exp_at is not None:
        return exp_at, 0, (), (), False, 0, frozenset()
    dot = next((i for i, t in enumerate(toks) if t == "."), None)
    pct = sum(1 for t in toks if t == "%")
    last_place = places[-1] if places else -1
    int_places = [i for i in places if dot is None or i < dot]
    frac_places = [i for i in places if dot is not None and i > dot]
    # commas: between integer placeholders → grouping; right after the last integer one → ÷1000
    group = False
    scale = 0
    drop = set()
    for i, t in enumerate(toks):
        if t != ",":
            continue
        drop.add(i)
        before = [p for p in int_places if p < i]
        after = [p for p in int_places if p > i]
        if before and after:
            group = True
        elif before and not after and (dot is None or i < dot):
            scale += 1
        elif i > last_place:
            drop.discard(i)  # a literal comma after the number
    return None, pct, tuple(int_places), tuple(frac_places), group, scale, frozenset(drop)


def _number(sec: tuple[str, ...], x: float, sign: bool) -> str:
    toks = sec
    exp_at, pct, int_places, frac_places, group, scale, drop = _layout(sec)
    if exp_at is not None:
        return _scientific(list(toks), exp_at, x, sign)
    x = x * (100.0**pct) / (1000.0**scale)
    if not math.isfinite(x):
        raise Unsupported("number too large for this format")
    ints, fracs = _digits(x, len(frac_places))
    if sign and int(ints) == 0 and not fracs.strip("0"):
        sign = False  # rounds to zero: no minus sign
    if ints == "0" and not any(toks[i] == "0" for i in int_places):
        ints = ""
    out: list[str | None] = [None] * len(toks)
    # integer placeholders, filled from the right
    if int_places:
        if group:
            between = [i for i in range(int_places[0], int_places[-1] + 1) if i not in int_places and i not in drop]
            if between:
                raise Unsupported("thousands separator with text between digits")
            need = sum(1 for i in int_places if toks[i] == "0")
            body = ints.rjust(need, "0")
            groups = [body[max(j - 3, 0) : j] for j in range(len(body), 0, -3)]
            out[int_places[-1]] = ",".join(reversed(groups))
            for i in int_places[:-1]:
                out[i] = ""
        else:
            digits = list(ints)
            for k, i in enumerate(reversed(int_places)):
                if k == len(int_places) - 1:
                    out[i] = "".join(digits)
                    digits = []
                elif digits:
                    out[i] = digits.pop()
                else:
                    out[i] = {"0": "0", "#": "", "?": " "}[toks[i]]
            if out[int_places[0]] == "" and toks[int_places[0]] != "#":
                out[int_places[0]] = {"0": "0", "?": " "}[toks[int_places[0]]]
    elif ints:
        raise Unsupported("format without digits for the whole part")
    # fraction placeholders, filled from the left; trailing zeros of # are dropped, of ? spaced
    if frac_places:
        fd = list(fracs)
        keep = len(fd)
        for k in range(len(frac_places) - 1, -1, -1):
            if fd[k] == "0" and toks[frac_places[k]] in "#?":
                keep = k
            else:
                break
        for k, i in enumerate(frac_places):
            if k < keep:
                out[i] = fd[k]
            else:
                out[i] = "" if toks[i] == "#" else " " if toks[i] == "?" else "0"
    text: list[str] = []
    for i, t in enumerate(toks):
        if (filled := out[i]) is not None:
            text.append(filled)
        elif i in drop:
            continue
        elif t == "." or t == "%" or t == ",":
            text.append(t)
        else:
            lit = _literal(t)
            if lit is None:
                raise Unsupported(f"format code {t!r}")
            text.append(lit)
    return ("-" if sign else "") + "".join(text)


def _scientific(toks: list[str], exp_at: int, x: float, sign: bool) -> str:
    mant = toks[:exp_at]
    exp_toks = toks[exp_at + 1 :]
    if any(t not in ("0", "#", ".") for t in mant) or mant.count(".") > 1 or any(t not in ("0",) for t in exp_toks):
        raise Unsupported("scientific format of this shape")
    int_n = sum(1 for t in mant[: mant.index(".")] if t in "0#") if "." in mant else sum(1 for t in mant if t in "0#")
    if int_n != 1 or mant[0] != "0":
        raise Unsupported("scientific format with several whole digits")
    frac_n = len(mant) - mant.index(".") - 1 if "." in mant else 0
    if any(t != "0" for t in mant[mant.index(".") + 1 :] if "." in mant):
        raise Unsupported("scientific format with optional digits")
    s = f"{abs(x):.{frac_n}E}"
    m, e = s.split("E")
    ev = int(e)
    esign = "-" if ev < 0 else ("+" if toks[exp_at][1] == "+" else "")
    edig = str(abs(ev)).rjust(len(exp_toks), "0")
    return ("-" if sign else "") + m + toks[exp_at][0] + esign + edig


# --------------------------------------------------------------------------- dates
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _date(sec: tuple[str, ...], x: float) -> str:
    low = [t.lower() for t in sec]
    shows_date = any(
        t[0] in "yd" or (t[0] == "m" and not _is_minute(low, i)) for i, t in enumerate(low) if _DATE_CODES.match(t)
    )
    if x < 0 or x > MAX_SERIAL + 1:
        return VALUE
    if shows_date and x < 61:
        raise Unsupported("dates before 1900-03-01 in Excel's calendar")
    if any(t.startswith("s") for t in low) or any(t.startswith("h") for t in low) or not shows_date:
        x = round(x * 86400.0) / 86400.0
    when = to_datetime(x)
    twelve = any(t in ("am/pm", "a/p") for t in low)
    out = []
    for i, t in enumerate(sec):
        lt = low[i]
        if lt in ("yyyy", "yyy"):
            out.append(f"{when.year:04d}")
        elif lt in ("yy", "y"):
            out.append(f"{when.year % 100:02d}")
        elif lt[0] == "m" and _DATE_CODES.match(lt):
            if len(lt) <= 2 and _is_minute(low, i):
                out.append(f"{when.minute:02d}" if len(lt) == 2 else str(when.minute))
            elif lt == "m":
                out.append(str(when.month))
            elif lt == "mm":
                out.append(f"{when.month:02d}")
            elif lt == "mmm":
                out.append(_MONTHS[when.month - 1][:3])
            elif lt == "mmmm":
                out.append(_MONTHS[when.month - 1])
            else:
                out.append(_MONTHS[when.month - 1][0])
        elif lt[0] == "d" and _DATE_CODES.match(lt):
            if lt == "d":
                out.append(str(when.day))
            elif lt == "dd":
                out.append(f"{when.day:02d}")
            elif lt == "ddd":
                out.append(_DAYS[when.weekday()][:3])
            else:
                out.append(_DAYS[when.weekday()])
        elif lt[0] == "h" and _DATE_CODES.match(lt):
            h = when.hour % 12 or 12 if twelve else when.hour
            out.append(f"{h:02d}" if len(lt) >= 2 else str(h))
        elif lt[0] == "s" and _DATE_CODES.match(lt):
            out.append(f"{when.second:02d}" if len(lt) >= 2 else str(when.second))
        elif lt in ("am/pm", "a/p"):
            mark = ("AM" if when.hour < 12 else "PM")[: 2 if lt == "am/pm" else 1]
            out.append(mark if t[0].isupper() else mark.lower())
        elif t == ".":
            raise Unsupported("fractions of a second")
        else:
            lit = _literal(t) if t != "," else ","
            if lit is None:
                raise Unsupported(f"format code {t!r}")
            out.append(lit)
    return "".join(out)


def _is_minute(low: list[str], i: int) -> bool:
    """An ``m``/``mm`` right after an hour or right before a second is minutes."""
    codes = [(j, t) for j, t in enumerate(low) if _DATE_CODES.match(t)]
    pos = next(k for k, (j, _) in enumerate(codes) if j == i)
    prev = codes[pos - 1][1] if pos > 0 else ""
    nxt = codes[pos + 1][1] if pos + 1 < len(codes) else ""
    return prev.startswith("h") or nxt.startswith("s")
