"""What an export kind looks like, how its header row is found, and how its rows are parsed.

Every reader (:mod:`.datamanager`, :mod:`.backoffice`, :mod:`.reports`, :mod:`.ali1688`)
declares its kinds as :class:`KindSpec` — canonical snake_case column → accepted header
names (Chinese and English), which columns identify the kind, and how each column is typed.
:func:`read_kinds` then reads any file (:mod:`.grid`), finds the header row **by its
content** among the first 60 rows (title rows, blank rows and notes above it are skipped),
picks the kind whose columns it matches best, and parses the rows:

* ids (product ID, 询盘ID) stay text with every digit (``1.6E+12`` and ``…604.0`` repaired);
* numbers accept ``"1,234"``, ``"1.62%"`` (→ 0.0162), full-width digits, ``"-"`` (no data),
  and currency marks (``¥``, ``$``, ``US$``, ``元``); the currency a money column is in is
  taken from its header (``花费(元)``, ``Cost (USD)``) or its cells and reported;
* times become naive China time (:mod:`.timezones`); dates become ``datetime.date``;
* flags (Y/N, 是/否, 有/无) become ``bool``;
* a row without its key is rejected with a reason; a cell that is not a number, time or
  date rejects its row (the reason names the column and the text); a last CSV row cut off
  mid-way (a truncated file) is rejected as such, and so is a row whose stray quote swallowed
  the lines after it (those lines are read one by one, see :mod:`.grid`).

The period of period-based reports comes from the title rows above the header
(``时间周期 2026-09-13~2026-09-19``, ``统计时间：2026-11-09 至 2026-11-15``) or the file name.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from storeops.errors import StoreOpsError
from storeops_xl.inputs import to_number

from .grid import Grid, read_grid
from .timezones import parse_time, zone_of_header

__all__ = ["Export", "KindSpec", "find_header", "norm_header", "parse_rows", "read_kinds"]

_TOTALS = {"合计", "总计", "汇总", "小计", "total", "totals", "sum", "grandtotal"}
_YES = {"y", "yes", "是", "true", "1", "有", "已关注", "关注"}
_NO = {"n", "no", "否", "false", "0", "无", "未关注"}
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_PERIOD = re.compile(_DATE + r"\s*(?:~|～|至|到|—|–|\s-\s|-)\s*" + _DATE)
_CURRENCY_HINT = (
    ("CNY", ("元", "¥", "￥", "rmb", "cny", "人民币")),
    ("USD", ("usd", "us$", "$", "美元")),
)
_MONEY_MARKS = re.compile(r"(?i)(us\$|\$|¥|￥|rmb|cny|usd|元|人民币|美元)")


def norm_header(h: Any) -> str:
    """A header cell compared loosely: NFKC, no spaces or underscores, lower case.

    >>> norm_header(" 分享人数 "), norm_header("Avg_CPC")
    ('分享人数', 'avgcpc')
    """
    return "".join(unicodedata.normalize("NFKC", str(h)).split()).lower().replace("_", "")


@dataclass(frozen=True)
class KindSpec:
    """One export kind."""

    kind: str
    label: str  # bilingual, for reports: "询盘 inquiries"
    headers: dict[str, tuple[str, ...]]
    key: tuple[str, ...]  # canonical columns that must all be present (and filled on a row)
    signature: tuple[str, ...] = ()  # at least one must be present (tells look-alike kinds apart)
    ids: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    times: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    money: frozenset[str] = frozenset()
    rates: frozenset[str] = frozenset()  # "95.5%" or 95.5 (a column of percents without the sign) → 0.955
    hours: frozenset[str] = frozenset()  # durations: 1.5, "3小时20分", "3h 20m", "45分钟" → hours
    default_zone: str | None = None  # zone of times written without a marker
    default_currency: str | None = None  # currency of money columns without a hint
    min_columns: int = 3
    skip_totals: bool = False  # a 合计 / Total row under the data is left out (noted)
    missing_key: str = "缺少关键列 / missing key"

    def lookup(self) -> dict[str, str]:
        return {norm_header(a): canon for canon, aliases in self.headers.items() for a in (*aliases, canon)}


@dataclass
class Export:
    """One parsed export (any kind)."""

    kind: str
    period_start: _dt.date | None
    period_end: _dt.date | None
    frame: pd.DataFrame
    source_path: Path
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (1-based row in the file, reason)
    notes: list[str] = field(default_factory=list)
    currency: dict[str, str] = field(default_factory=dict)  # money column → "CNY" / "USD"
    unused: list[str] = field(default_factory=list)  # header texts not mapped to a column
    rows: list[int] = field(default_factory=list)  # 1-based file row of each frame row
    exported_at: _dt.datetime | None = None  # "导出时间 …" in the title rows (China time), if any


def _header_hint(h: Any) -> tuple[str, str | None]:
    """("花费", "CNY") from "花费(元)"; the header unchanged when it carries no currency."""
    text = unicodedata.normalize("NFKC", str(h)).strip()
    m = re.search(r"[(\[]([^()\[\]]+)[)\]]\s*$", text)
    if m:
        inner = m.group(1).strip().lower()
        for cur, marks in _CURRENCY_HINT:
            if inner in marks:
                return text[: m.start()].strip(), cur
    return text, None


def _match_row(row: Sequence[Any], spec: KindSpec, lookup: dict[str, str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for c, h in enumerate(row):
        if h == "" or h is None or not isinstance(h, str):
            continue
        canon = lookup.get(norm_header(h))
        if canon is None:
            base, _ = _header_hint(h)
            canon = lookup.get(norm_header(base))
        if canon is None:
            base, _z = zone_of_header(h)
            canon = lookup.get(norm_header(base))
        if canon and canon not in mapping.values():
            mapping[c] = canon
    return mapping


def _fits(spec: KindSpec, mapping: dict[int, str]) -> bool:
    got = set(mapping.values())
    if not set(spec.key) <= got or len(mapping) < spec.min_columns:
        return False
    return not spec.signature or bool(got & set(spec.signature))


def find_header(grid: list[list[Any]], specs: Sequence[KindSpec]) -> tuple[int, KindSpec, dict[int, str]] | None:
    """(row, kind, column → canonical) of the first row among the first 60 that is the
    header of one of ``specs`` (the kind matching most columns wins; ties go to the
    earlier spec), or ``None``."""
    lookups = [(s, s.lookup()) for s in specs]
    for r, row in enumerate(grid[:60]):
        best: tuple[int, KindSpec, dict[int, str]] | None = None
        for spec, lookup in lookups:
            mapping = _match_row(row, spec, lookup)
            if _fits(spec, mapping) and (best is None or len(mapping) > len(best[2])):
                best = (r, spec, mapping)
        if best is not None:
            return best
    return None


def _to_date(y: str, m: str, d: str) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_period(grid: list[list[Any]], header_row: int, path: Path) -> tuple[_dt.date | None, _dt.date | None]:
    """The report period from the title rows above the header, else from the file name."""
    texts = [str(c) for row in grid[:header_row] for c in row if c != ""] + [path.stem]
    for t in texts:
        m = _PERIOD.search(unicodedata.normalize("NFKC", t))
        if m:
            g = m.groups()
            return _to_date(*g[:3]), _to_date(*g[3:])
    return None, None


_STAMP = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*[(（]?\s*(?:北京时间|中国时间|PST|PDT|GMT[+-]\d{1,2}|UTC[+-]\d{1,2})\s*[)）]?)?",
    re.I,
)


def find_export_time(grid: list[list[Any]], header_row: int, zone: str | None) -> _dt.datetime | None:
    """The export time written in the title rows (``导出时间:2026-11-20 10:05``), China time."""
    for row in grid[:header_row]:
        for c in row:
            m = _STAMP.search(unicodedata.normalize("NFKC", str(c)))
            if m:
                try:
                    return parse_time(m.group(0), zone)
                except ValueError:
                    continue
    return None


def id_text(v: Any) -> str:
    """An ID cell as text with every digit: ``1601825074604.0`` → ``'1601825074604'``.

    >>> id_text(1601825074604.0), id_text("1.601825074604E+12"), id_text(" A-77 ")
    ('1601825074604', '1601825074604', 'A-77')
    """
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    text = unicodedata.normalize("NFKC", str(v)).strip()
    if re.fullmatch(r"\d+(?:\.0+)?|\d(?:\.\d+)?[eE]\+?\d+", text):  # "1601825074604.0", "1.6E+12"
        try:
            return str(int(float(text))) if "e" in text.lower() else text.split(".")[0]
        except ValueError:
            return text
    return text


def flag(v: Any) -> Any:
    """Y/N, 是/否, 有/无, TRUE/FALSE → bool; anything else → ``None``."""
    if isinstance(v, bool):
        return v
    k = norm_header(v)
    if k in _YES:
        return True
    if k in _NO:
        return False
    return None


_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*(?:天|d|days?)\s*)?(?:(\d+(?:\.\d+)?)\s*(?:小时|时|h|hrs?|hours?)\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:分钟|分|m|mins?|minutes?)\s*)?(?:(\d+(?:\.\d+)?)\s*(?:秒|s|secs?|seconds?)\s*)?$",
    re.I,
)


def duration_hours(v: Any) -> Any:
    """A duration text in hours; other values unchanged.

    >>> duration_hours("3小时30分"), duration_hours("45 min"), duration_hours("1d 2h"), duration_hours("2.5")
    (3.5, 0.75, 26.0, '2.5')
    """
    if not isinstance(v, str) or not v.strip() or not re.search(r"[^\d.\s]", v):
        return v
    m = _DURATION.match(unicodedata.normalize("NFKC", v))
    if not m or not any(m.groups()):
        return v
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return round(d * 24 + h + mi / 60 + s / 3600, 6)


def _rates(values: list[Any], parsed: np.ndarray) -> np.ndarray:
    """Percent columns written without the sign (95.5 for 95.5 %) → fractions."""
    plain = np.array([not (isinstance(v, str) and "%" in v) for v in values], dtype=bool)
    if len(parsed) and np.nanmax(np.where(plain, parsed, np.nan), initial=-np.inf) > 1.0:
        return np.where(plain, parsed / 100.0, parsed)
    return parsed


def _money_text(values: list[Any]) -> tuple[list[Any], str | None]:
    cur = None
    out = []
    for v in values:
        if isinstance(v, str) and _MONEY_MARKS.search(v):
            low = v.lower()
            for c, marks in _CURRENCY_HINT:
                if any(m in low for m in marks if m not in ("$",)) or (c == "USD" and "$" in low):
                    cur = cur or c
                    break
            v = _MONEY_MARKS.sub("", v).strip()
        out.append(v)
    return out, cur


def parse_rows(
    grid: Grid | list[list[Any]],
    header_row: int,
    spec: KindSpec,
    mapping: dict[int, str],
    path: Path,
    *,
    zone: str | None = None,
) -> Export:
    """Parse the rows under ``header_row`` into an :class:`Export` (see the module docstring).

    ``zone`` overrides ``spec.default_zone`` for times written without a zone marker.
    """
    g = grid if isinstance(grid, Grid) else Grid(grid)
    rows_in = g.rows
    start, end = find_period(rows_in, header_row, path)
    header = rows_in[header_row]
    width = len(header)
    order = list(spec.headers)
    unknown = {c: str(h).strip() for c, h in enumerate(header) if c not in mapping and str(h).strip() != ""}
    key_cols = [next(c for c, k in mapping.items() if k == key) for key in spec.key]
    col_zone: dict[int, _dt.tzinfo | None] = {}
    col_currency: dict[str, str] = {}
    for c, canon in mapping.items():
        if canon in spec.times:
            _, z = zone_of_header(header[c])
            col_zone[c] = z
        if canon in spec.money:
            _, cur = _header_hint(header[c])
            if cur:
                col_currency[canon] = cur

    rows: list[list[Any]] = []
    numbers: list[int] = []
    rejected: list[tuple[int, str]] = list(g.rejected)  # rows the reader could not read
    notes: list[str] = list(g.notes)
    for r in range(header_row + 1, len(rows_in)):
        row = list(rows_in[r]) + [""] * (width - len(rows_in[r]))
        if all(v == "" for v in row):
            continue
        if g.truncated_row == r + 1:
            rejected.append((r + 1, "行不完整, 文件可能被截断 / incomplete row: the file looks cut off"))
            continue
        if any(row[c] == "" for c in key_cols):
            rejected.append((r + 1, spec.missing_key))
            continue
        if spec.skip_totals and norm_header(row[key_cols[0]]) in _TOTALS:
            notes.append(
                f"第 {r + 1} 行是合计行, 未导入 / row {r + 1} is a totals row ({row[key_cols[0]]}): not imported"
            )
            continue
        rows.append(row[:width])
        numbers.append(r + 1)

    data: dict[str, Any] = {}
    bad_rows: dict[int, str] = {}

    def bad(i: int, reason: str) -> None:
        bad_rows.setdefault(i, reason)

    for c, canon in sorted(mapping.items(), key=lambda kv: order.index(kv[1])):
        values = [row[c] for row in rows]
        if canon in spec.ids:
            data[canon] = [id_text(v) if v != "" else None for v in values]
        elif canon in spec.texts:
            data[canon] = [None if v == "" else (v if isinstance(v, str) else id_text(v)) for v in values]
        elif canon in spec.flags:
            data[canon] = [flag(v) for v in values]
        elif canon in spec.times:
            tz = col_zone.get(c) or zone or spec.default_zone
            times: list[_dt.datetime | None] = []
            for i, v in enumerate(values):
                try:
                    times.append(parse_time(v, tz))
                except ValueError:
                    bad(i, f"{header[c]}: 不是时间 not a time: {v!r}")
                    times.append(None)
            data[canon] = times
        elif canon in spec.dates:
            days: list[_dt.date | None] = []
            for i, v in enumerate(values):
                try:
                    t = parse_time(v, None)
                    days.append(t.date() if t else None)
                except ValueError:
                    bad(i, f"{header[c]}: 不是日期 not a date: {v!r}")
                    days.append(None)
            data[canon] = days
        else:
            if canon in spec.money:
                values, cur = _money_text(values)
                if cur and canon not in col_currency:
                    col_currency[canon] = cur
            if canon in spec.hours:
                values = [duration_hours(v) for v in values]
            col = to_number(np.array([None if v == "" else v for v in values], dtype=object), canon, negative=True)
            if col.errors is not None:
                for i, e in enumerate(col.errors):
                    if e is not None:
                        bad(i, f"{header[c]}: 不是数字 not a number: {e}")
            data[canon] = _rates(values, col.values) if canon in spec.rates else col.values
    for canon in spec.money:
        if canon in data and canon not in col_currency and spec.default_currency:
            col_currency[canon] = spec.default_currency
    for c, name in unknown.items():  # kept under their own header text, as read
        if name in data:
            name = f"{name} ({c + 1})"
        data[name] = [row[c] if row[c] != "" else None for row in rows]
    frame = pd.DataFrame(data)
    if bad_rows:
        keep = [i for i in range(len(rows)) if i not in bad_rows]
        rejected.extend((numbers[i], reason) for i, reason in sorted(bad_rows.items()))
        frame = frame.iloc[keep].reset_index(drop=True)
        numbers = [numbers[i] for i in keep]
    rejected.sort()
    return Export(
        kind=spec.kind,
        period_start=start,
        period_end=end,
        frame=frame,
        source_path=path,
        rejected=rejected,
        currency=col_currency,
        unused=list(unknown.values()),
        rows=numbers,
        notes=notes,
        exported_at=find_export_time(rows_in, header_row, zone or spec.default_zone),
    )


def cleaned_column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A parsed export column as clean values (``None`` for blanks, whole floats as ints);
    all ``None`` when the export has no such column."""
    from storeops.tables import clean_value

    return [clean_value(v) for v in frame[name].tolist()] if name in frame.columns else [None] * len(frame)


def read_kinds(
    path: str | Path, specs: Iterable[KindSpec], *, zone: str | None = None, not_found: str | None = None
) -> Export:
    """Read ``path`` as whichever of ``specs`` its header row matches.

    Raises :class:`~storeops.errors.StoreOpsError` when no header row is found: the file's
    name and ``not_found``, or one bilingual line naming the kinds it looked for.
    """
    path = Path(path)
    specs = list(specs)
    grid = read_grid(path)
    found = find_header(grid.rows, specs)
    if found is None:
        zh = "、".join(s.label.split(" ", 1)[0] for s in specs)
        en = ", ".join(s.label.split(" ", 1)[-1] for s in specs)
        raise StoreOpsError(
            f"{path.name}: {not_found}"
            if not_found
            else f"无法识别 {path.name}: 不是已知的导出({zh}), 找不到表头 / unrecognised file {path.name}: "
            f"not a known export ({en}); no header row found"
        )
    header_row, spec, mapping = found
    return parse_rows(grid, header_row, spec, mapping, path, zone=zone)
