"""Chart caches: every chart's ``<c:numCache>``/``<c:strCache>`` gets the values ``recalc``
computed, so a chart shows the real numbers in programs that draw charts from the cache
(WPS, LibreOffice's PDF export, previewers, Excel before it recalculates) instead of the
zeros a freshly built file holds.  Called by :mod:`.recalc` after evaluation."""

from __future__ import annotations

import re
from typing import Any

from ..xlsx._cells import escape
from .editions import sheet_range

__all__ = ["chart_ranges", "fill_chart_caches"]

_REF = re.compile(
    rb"<c:(num|str)Ref><c:f>([^<]*)</c:f>(?:<c:(?:num|str)Cache>(.*?)</c:(?:num|str)Cache>|<c:(?:num|str)Cache/>)?</c:(?:num|str)Ref>",
    re.S,
)
_FORMAT = re.compile(rb"<c:formatCode>.*?</c:formatCode>", re.S)


def _values(book, ref: str) -> list[Any] | None:
    where = sheet_range(ref)
    if where is None:
        return None
    sheet, c1, r1, c2, r2 = where
    out: list[Any] = []
    for c in range(c1, c2 + 1):
        col = book.cols.get((sheet, c))
        if col is None:
            return None  # a column the engine did not read: keep the old cache
        out.extend(col.value(r) for r in range(r1, r2 + 1))
    return out


def _num_text(v: Any) -> str | None:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)) and v == v and v not in (float("inf"), float("-inf")):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    return None


def _cache(kind: bytes, old: bytes | None, values: list[Any]) -> bytes:
    pts = []
    for i, v in enumerate(values):
        if kind == b"num":
            text = _num_text(v)
        else:
            text = None if v is None or v == "" else (_num_text(v) or str(v))
        if text is not None:
            pts.append(b'<c:pt idx="%d"><c:v>%s</c:v></c:pt>' % (i, escape(text).encode("utf-8")))
    fmt = b""
    if kind == b"num":
        m = _FORMAT.search(old or b"")
        fmt = m.group(0) if m else b"<c:formatCode>General</c:formatCode>"
    tag = b"c:numCache" if kind == b"num" else b"c:strCache"
    return b'<%s>%s<c:ptCount val="%d"/>%s</%s>' % (tag, fmt, len(values), b"".join(pts), tag)


def _chart_parts(pkg) -> list[str]:
    return [i.filename for i in pkg.infos if i.filename.startswith("xl/charts/chart") and i.filename.endswith(".xml")]


def chart_ranges(pkg) -> list[tuple[str, int, int, int, int]]:
    """(sheet, c1, r1, c2, r2) of every series reference of every chart: the cells
    :func:`fill_chart_caches` reads (``recalc`` makes sure it has them)."""
    out = []
    for name in _chart_parts(pkg):
        for m in _REF.finditer(pkg.read(name)):
            where = sheet_range(m.group(2).decode("utf-8"))
            if where is not None:
                out.append(where)
    return out


def fill_chart_caches(pkg, book, replace: dict[str, Any]) -> int:
    """Rewrite the caches of every chart part; returns the number of series updated."""
    done = 0
    for name in _chart_parts(pkg):
        xml = pkg.read(name)

        def sub(m: re.Match) -> bytes:
            nonlocal done
            values = _values(book, m.group(2).decode("utf-8"))
            if values is None:
                return m.group(0)
            done += 1
            kind = m.group(1)
            return b"<c:%sRef><c:f>%s</c:f>%s</c:%sRef>" % (kind, m.group(2), _cache(kind, m.group(3), values), kind)

        new = _REF.sub(sub, xml)
        if new != xml:
            replace[name] = new
    return done
