"""Excel's 1900 date system: the engine's one place for serial numbers and calendar dates.

A date is a serial number of days; day zero is the core's ``EXCEL_EPOCH`` (1899-12-30 in
the real calendar).  Excel keeps Lotus 1-2-3's mistake: it believes 1900 was a leap
year, so serial 60 is the fictional 1900-02-29, serials 1-59 are one day later in
Excel than the real calendar says, and serial 0 shows as "1900-01-00" (YEAR 1900,
MONTH 1, DAY 0).  From serial 61 (1900-03-01) on both calendars agree.  The last date
is 9999-12-31 (serial 2958465); anything outside 0..2958465 is ``#NUM!`` in the date
functions.

Date texts are read the way Excel reads them in any locale: ``2008-01-15``,
``2008/1/15``, ``2008年1月15日``, ``15-Jan-2008``, ``January 15, 2008``, ``Jan-2008``,
optionally followed by a time (``10:30``, ``10:30:15``, ``10:30 PM``); a time alone is a
fraction of a day.  Forms whose meaning depends on the computer's regional settings
(``1/2/2008`` is January 2 in the US and February 1 elsewhere; ``26/08`` needs the
current year) raise :class:`~storeops.engine._values.Unsupported`: the formula is left
to Excel instead of guessed.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import numpy.typing as npt

from storeops_xl.inputs import EXCEL_EPOCH

#: 9999-12-31, the last date Excel knows
MAX_SERIAL = 2958465
_EPOCH_D = np.datetime64(EXCEL_EPOCH.date(), "D")
_EPOCH_NS = np.datetime64(EXCEL_EPOCH, "ns")
_MARCH_1900 = 61  # first serial on which Excel's calendar and the real one agree


class LocaleDependent(ValueError):
    """A date text whose meaning depends on regional settings (or on today's year)."""


# --------------------------------------------------------------------------- real dates → serials
def serial_from_datetime64(x: np.ndarray) -> np.ndarray:
    """``datetime64`` values → serial days (float, ``NaN`` for ``NaT``)."""
    ns = np.asarray(x).astype("datetime64[ns]")
    out = ((ns - _EPOCH_NS) / np.timedelta64(1, "D")).astype(np.float64)
    out[np.isnat(ns)] = np.nan
    early = out < _MARCH_1900  # before 1900-03-01 Excel counts one day less (no 1900-02-29 in reality)
    if early.any():
        out[early] -= 1.0
    return out


def serial_from_datetime(d: _dt.date | _dt.datetime) -> float:
    """A ``date``/``datetime`` as Excel's serial number (time as the fraction of a day).

    Examples
    --------
    >>> serial_from_datetime(_dt.date(2026, 3, 1)), serial_from_datetime(_dt.date(1900, 1, 1))
    (46082.0, 1.0)
    >>> serial_from_datetime(_dt.datetime(2026, 3, 1, 18))
    46082.75
    """
    if isinstance(d, _dt.datetime):
        s = (d.replace(tzinfo=None) - EXCEL_EPOCH) / _dt.timedelta(days=1)
    else:
        s = float((d - EXCEL_EPOCH.date()).days)
    return s - 1.0 if s < _MARCH_1900 else s


# --------------------------------------------------------------------------- serials → calendar
def date_parts(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) int arrays of whole serials 0..MAX_SERIAL in Excel's calendar."""
    s = np.asarray(serial, dtype=np.int64)
    real = _EPOCH_D + np.where(s < _MARCH_1900, s + 1, s).astype("timedelta64[D]")
    y = real.astype("datetime64[Y]").astype(np.int64) + 1970
    m = real.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (real - real.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    leap = s == 60  # the fictional 1900-02-29
    zero = s == 0  # "1900-01-00"
    if leap.any() or zero.any():
        y, m, d = y.copy(), m.copy(), d.copy()
        y[leap | zero] = 1900
        m[leap], d[leap] = 2, 29
        m[zero], d[zero] = 1, 0
    return y, m, d


def serial_from_parts(y: npt.ArrayLike, m: npt.ArrayLike, d: npt.ArrayLike) -> np.ndarray:
    """Serials (float) of year/month/day integers in Excel's calendar; months and days
    outside their range roll over (month 13 is January of the next year, day 0 the
    last day of the month before), as DATE does.  February 1900 has 29 days."""
    years, mons, days = (np.asarray(v, dtype=np.int64) for v in (y, m, d))
    months = (years - 1970) * 12 + (mons - 1)
    first = (months.astype("datetime64[M]").astype("datetime64[D]") - _EPOCH_D).astype(np.int64)
    first = np.where(first < _MARCH_1900, first - 1, first)  # Jan/Feb 1900 and earlier: one day less
    return (first + days - 1).astype(np.float64)


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Length of each month in Excel's calendar (February 1900 has 29 days)."""
    return (serial_from_parts(y, np.asarray(m) + 1, 1) - serial_from_parts(y, m, 1)).astype(np.int64)


def to_datetime(serial: float) -> _dt.datetime:
    """A serial from 61 (1900-03-01) on as a real ``datetime``, for formatting."""
    return EXCEL_EPOCH + _dt.timedelta(seconds=round(serial * 86400.0, 3))


def weekday_sunday0(serial: np.ndarray) -> np.ndarray:
    """0 = Sunday … 6 = Saturday, as Excel counts (serial 1 is a Sunday in its calendar)."""
    return np.mod(np.floor(np.asarray(serial, dtype=np.float64)) - 1, 7)


# --------------------------------------------------------------------------- date texts
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
#: every month name a date text may hold, lower case
MONTH_NAMES = frozenset(_MONTHS)
_MON = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?P<h>\d{1,2})(?::(?P<mi>\d{1,2})(?::(?P<s>\d{1,2}(?:\.\d+)?))?)?\s*(?P<ampm>[ap]\.?m\.?)?"
_DATE_FORMS = [
    re.compile(r"(?P<y>\d{4})\s*[-/]\s*(?P<m>\d{1,2})\s*[-/]\s*(?P<d>\d{1,2})", re.I),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?", re.I),
    re.compile(r"(?P<d>\d{1,2})[-\s/]+" + _MON + r"[-\s/,]+(?P<y>\d{4}|\d{2})", re.I),
    re.compile(_MON + r"[-\s/]+(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s,]+(?P<y>\d{4}|\d{2})", re.I),
    re.compile(_MON + r"[-\s/]+(?P<y>\d{4})", re.I),
]
#: forms whose day/month order or year comes from regional settings or today's date
_AMBIGUOUS = [
    re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{1,4})?", re.I),
    re.compile(r"\d{1,2}[-\s/]+" + _MON, re.I),
    re.compile(_MON + r"[-\s/]+\d{1,2}", re.I),
    re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日", re.I),
    re.compile(r"\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2}", re.I),
]


def _month_length(y: int, m: int) -> int:
    return int(days_in_month(np.array([y]), np.array([m]))[0])


def _time_fraction(m: re.Match) -> float | None:
    h = int(m.group("h"))
    mi = int(m.group("mi") or 0)
    s = float(m.group("s") or 0)
    ampm = (m.group("ampm") or "").lower().replace(".", "")
    if m.group("mi") is None and not ampm:
        return None  # a bare number is not a time
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm == "pm" else 0)
    if mi >= 60 or s >= 60 or h >= 10000:
        return None
    return (h * 3600 + mi * 60 + s) / 86400.0


def parse_date_text(text: str) -> float | None:
    """The serial Excel gives a date/time text, or ``None`` when the text is no date.

    Raises :class:`LocaleDependent` for forms whose meaning depends on regional settings.

    Examples
    --------
    >>> parse_date_text("2008-01-15"), parse_date_text("15-Jan-2008"), parse_date_text("2008年1月15日")
    (39462.0, 39462.0, 39462.0)
    >>> parse_date_text("10:30 PM")
    0.9375
    >>> parse_date_text("hello") is None
    True
    """
    t = text.strip()
    if not t or not any(ch.isdigit() for ch in t):
        return None
    date_part, serial = t, 0.0
    tm = re.search(r"(?:^|\s|T)" + _TIME + r"$", t, re.I)
    if tm is not None:
        frac = _time_fraction(tm)
        if frac is not None:
            date_part = t[: tm.start()].strip().rstrip("T").strip()
            serial = frac
            if not date_part:
                return serial
    for form in _DATE_FORMS:
        m = form.fullmatch(date_part)
        if m is None:
            continue
        g = m.groupdict()
        y = int(g["y"])
        if len(g["y"]) == 2:
            y += 2000 if y < 30 else 1900
        mon = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
        day = int(g["d"]) if g.get("d") else 1
        if not 1900 <= y <= 9999 or not 1 <= mon <= 12 or not 1 <= day <= _month_length(y, mon):
            return None
        return float(serial_from_parts(y, mon, day)) + serial
    m = _NUMERIC_DMY.fullmatch(date_part)
    if m is not None:  # 7/5/2008: May 7 or July 5 — the same answer either way is certain
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        both = {_valid(y, a, b), _valid(y, b, a)}
        if len(both) == 1:
            certain = both.pop()
            return None if certain is None else certain + serial
    for form in _AMBIGUOUS:
        if form.fullmatch(date_part):
            raise LocaleDependent(text)
    return None


_NUMERIC_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})")


def _valid(y: int, m: int, d: int) -> float | None:
    if not 1900 <= y <= 9999 or not 1 <= m <= 12 or not 1 <= d <= _month_length(y, m):
        return None
    return float(serial_from_parts(y, m, d))
