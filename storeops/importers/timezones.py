"""Times from exports, stored in one zone: **China time** (北京时间, UTC+8, ``Asia/Shanghai``).

Why China time: the salespeople who type 收到时间 / 首次回复 into Follow-up work in China, and
the inquiry back office (询盘明细) and 客户通 export China time.  Data Manager (数据管家) reports
are US Pacific *days*; their periods are kept as the platform labels them (``2026-09-13~
2026-09-19``, Pacific dates) and never shifted — a period is a label, not an instant.

A time with a zone marker is converted to China time; a time without one is taken in the
file's own zone (China for the back office; ``--tz`` overrides it) unless its column header
names a zone (``创建时间(北京时间)``, ``Created Time (PST)``).  Markers understood:
``北京时间`` / ``中国时间`` / ``GMT+8`` / ``UTC+08:00`` / ``+0800`` (China), ``PST`` (UTC−8),
``PDT`` (UTC−7), ``太平洋时间`` / ``美西时间`` / ``Pacific`` / ``PT`` (US Pacific with its daylight
saving), and any ``GMT±h`` / ``UTC±hh:mm`` / ``±hhmm`` offset.  Workbook times are naive (Excel
has no zones) and whole seconds.

Examples
--------
>>> parse_time("2026-10-31 20:00 PDT", CHINA)
datetime.datetime(2026, 11, 1, 11, 0)
>>> parse_time("11/18/2026 9:05 PM", PACIFIC)   # US Pacific, standard time (UTC-8)
datetime.datetime(2026, 11, 19, 13, 5)
>>> parse_time("2026年11月18日 09:23", CHINA)
datetime.datetime(2026, 11, 18, 9, 23)
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from storeops_xl.inputs import EXCEL_EPOCH

__all__ = ["CHINA", "PACIFIC", "STORE_ZONE", "parse_time", "to_store_time", "zone_from_text", "zone_of_header"]

CHINA = "Asia/Shanghai"
PACIFIC = "America/Los_Angeles"
#: the one zone every time in a StoreOps workbook is in
STORE_ZONE = CHINA

_NAMED: dict[str, str | _dt.timezone] = {
    "北京时间": CHINA,
    "中国时间": CHINA,
    "china time": CHINA,
    "beijing time": CHINA,
    "太平洋时间": PACIFIC,
    "美西时间": PACIFIC,
    "美国太平洋时间": PACIFIC,
    "pacific": PACIFIC,
    "pacific time": PACIFIC,
    "us pacific": PACIFIC,
    "pt": PACIFIC,
    "pst": _dt.timezone(_dt.timedelta(hours=-8), "PST"),
    "pdt": _dt.timezone(_dt.timedelta(hours=-7), "PDT"),
    "utc": _dt.UTC,
    "gmt": _dt.UTC,
    "z": _dt.UTC,
}
_OFFSET = re.compile(r"(?:(?:gmt|utc)\s*)?([+-])\s*(\d{1,2})(?::?(\d{2}))?$")
_TAIL = re.compile(
    r"\s*[(（]?\s*(北京时间|中国时间|美国太平洋时间|太平洋时间|美西时间|china time|beijing time|us pacific|pacific time|pacific"
    r"|pst|pdt|pt|utc|gmt|z|(?:gmt|utc)?\s*[+-]\s*\d{1,2}(?::?\d{2})?)\s*[)）]?\s*$",
    re.I,
)
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d",
    "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y %H:%M",
    "%m-%d-%Y %I:%M:%S %p",
    "%m-%d-%Y %I:%M %p",
    "%m-%d-%Y",
    "%b %d %Y %H:%M:%S",
    "%b %d %Y %H:%M",
    "%b %d %Y %I:%M:%S %p",
    "%b %d %Y %I:%M %p",
    "%b %d %Y",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %b %Y",
)


def _zone(spec: str | _dt.tzinfo | None) -> _dt.tzinfo | None:
    if spec is None or isinstance(spec, _dt.tzinfo):
        return spec
    return ZoneInfo(spec)


def zone_from_text(text: str) -> _dt.tzinfo | None:
    """The zone a marker names (``PST``, ``北京时间``, ``GMT+8`` …), else ``None``.

    >>> zone_from_text("GMT+8").utcoffset(None)
    datetime.timedelta(seconds=28800)
    >>> zone_from_text("太平洋时间").key
    'America/Los_Angeles'
    """
    t = unicodedata.normalize("NFKC", str(text)).strip().strip("()（）[] ").lower()
    if t in _NAMED:
        return _zone(_NAMED[t])
    m = _OFFSET.match(t)
    if m and (t[0] in "+-" or t.startswith(("gmt", "utc"))):
        sign = -1 if m.group(1) == "-" else 1
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        return _dt.timezone(sign * _dt.timedelta(hours=hours, minutes=minutes))
    return None


def zone_of_header(header: str) -> tuple[str, _dt.tzinfo | None]:
    """A column header without its zone hint, and the zone: ``"创建时间(北京时间)"`` →
    ``("创建时间", China)``.

    >>> zone_of_header("Created Time (PST)")[0]
    'Created Time'
    """
    text = unicodedata.normalize("NFKC", str(header)).strip()
    m = re.search(r"[(\[]([^()\[\]]+)[)\]]\s*$", text)
    if m:
        z = zone_from_text(m.group(1))
        if z is not None:
            return text[: m.start()].strip(), z
    return text, None


def _split_zone(text: str) -> tuple[str, _dt.tzinfo | None]:
    m = _TAIL.search(text)
    if m and m.start() > 0:
        body = text[: m.start()].strip()
        bare = re.fullmatch(r"[+-]\s*\d{1,2}(?::?\d{2})?", m.group(1).strip())
        if bare and not re.search(r"\d:\d{2}(?::\d{2})?$", body):  # "2019-04-12" has no zone "-12"
            return text, None
        z = zone_from_text(m.group(1))
        if z is not None:
            return body, z
    return text, None


def _parse_naive(text: str) -> _dt.datetime | None:
    t = text.replace("T", " ").strip()
    t = re.sub(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", r"\1-\2-\3", t)
    t = re.sub(r"[：]", ":", t)
    t = re.sub(r"(\d{1,2}:\d{2}(?::\d{2})?)\.\d+", r"\1", t)  # fractions of a second
    t = t.replace("/", "-").replace(".", "-") if re.match(r"^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}", t) else t
    t = t.replace(",", " ")
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"(上午|下午)\s*(\d{1,2}:\d{2}(?::\d{2})?)", r"\2 \1", t)
    t = re.sub(
        r"(?i)\s*(上午|下午|am|pm)\s*$",
        lambda m: " " + {"上午": "AM", "下午": "PM"}.get(m.group(1), m.group(1).upper()),
        t,
    )
    for fmt in _FORMATS:
        try:
            return _dt.datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def to_store_time(naive: _dt.datetime, zone: str | _dt.tzinfo | None) -> _dt.datetime:
    """A wall-clock time in ``zone`` as a naive China time, whole seconds.

    >>> to_store_time(_dt.datetime(2026, 7, 1, 9, 0), PACIFIC)   # PDT, UTC-7
    datetime.datetime(2026, 7, 2, 0, 0)
    """
    z = _zone(zone)
    if naive.tzinfo is None:
        if z is None:
            out = naive
        else:
            out = naive.replace(tzinfo=z).astimezone(ZoneInfo(STORE_ZONE)).replace(tzinfo=None)
    else:
        out = naive.astimezone(ZoneInfo(STORE_ZONE)).replace(tzinfo=None)
    if out.microsecond:
        out = out.replace(microsecond=0) + _dt.timedelta(seconds=1 if out.microsecond >= 500_000 else 0)
    return out


def parse_time(value: Any, zone: str | _dt.tzinfo | None = CHINA) -> _dt.datetime | None:
    """A cell from an export → naive China time; ``None`` for blanks and ``"-"``.

    ``zone`` is the zone of a time written without a marker.  Raises ``ValueError`` for a
    text that is not a time.
    """
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return to_store_time(value, zone)
    if isinstance(value, _dt.date):
        return to_store_time(_dt.datetime(value.year, value.month, value.day), zone)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        f = float(value)
        if math.isnan(f):
            return None
        if not 1 <= f < 2_958_466:
            raise ValueError(f"{value!r} is not a time")
        return to_store_time(EXCEL_EPOCH + _dt.timedelta(days=f), zone)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in ("", "-", "--", "—", "N/A", "n/a"):
        return None
    iso = re.match(r"^(.*\d)([+-]\d{2}:?\d{2}|Z)$", text)
    if iso and re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", text):
        body, zone_text = iso.group(1), iso.group(2)
        z: _dt.tzinfo | None = zone_from_text(zone_text)
    else:
        body, z = _split_zone(text)
    naive = _parse_naive(body)
    if naive is None:
        raise ValueError(f"{value!r} is not a time")
    return to_store_time(naive, z if z is not None else zone)
