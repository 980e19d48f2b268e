"""Funnel diagnosis 漏斗诊断: the weakest stage against benchmarks, with seed 002's advice.

Stages, in funnel order:

================  ===========================  =======================================================
stage             measure                      advice (seed 002)
================  ===========================  =======================================================
impressions 曝光   impressions                   标题/关键词/直通车 titles, keywords, P4P
CTR 点击率          clicks ÷ impressions          主图/关键词精准度 main image, keyword precision
bounce 跳失率       bounce (optional input)       详情页 detail page
inquiry 询盘率      inquiries ÷ visitors          详情页 detail page (win the buyer's trust)
orders 成交         orders ÷ visitors             客服/价格/回复速度 service, price, reply speed
================  ===========================  =======================================================

**Enough data first.**  CTR is judged only from ``min_impressions`` impressions
(``cfg_min_impressions``, 100); bounce, inquiry rate and conversion only from ``min_visitors``
visitors (``cfg_min_visitors``, 30); conversion only when there were inquiries and orders are
given.  A rate below its benchmark is a weak stage only when its Wilson interval at
``confidence`` (``cfg_confidence``, 90 %) lies wholly below it (for bounce: wholly above) —
otherwise the gap may be chance.  The diagnosis names the first weak stage in funnel order
(the seed's chain 展现 → 点击坎 → 详情坎 → 价格/客服坎: an early leak starves every later stage)
with the interval (and, when later stages lack data, says so too); when no stage is weak
but one could not be judged, it says ``数据太少 too little data`` and what is missing; else
``正常 OK``.  Impressions under half
the benchmark are a weak stage by themselves (few impressions is the problem, not a sample).

**Benchmarks.**  A blank benchmark is the shop's own median over the rows passed that have
enough data (impressions: rows with ``min_impressions``; at least 10 such rows; the workbook computes it once with ``BENCHMARK`` and
passes it), else the built-in fallback :data:`FALLBACK` (200 impressions, CTR 1 %, bounce
60 %, inquiry rate 3 %, conversion 1 %).  Type Data Manager's peer average (同行平均) into
``cfg_bench_*`` to compare with peers instead.

**Native twin.**  :func:`native_columns` writes the same rule as spreadsheet formulas (the
Funnel sheet's diagnosis, so a setting change costs Excel no Python call per row), built from
this module's texts and thresholds.  So that both write the same characters, the numbers in
the texts are written as ``TEXT`` writes them (:func:`storeops_xl.xltext.xl_text`: counts as
whole numbers, rates as ``0.00%``, bounce as ``0%``, rounded half away from zero), a "sure"
gap is the Wilson test without the interval (:func:`._stats.beyond`) and the rates are the
plain ratios (not rounded counts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, restore
from ._spec import excel
from ._stats import (
    MIN_ROWS,
    beyond,
    beyond_native,
    clip_confidence,
    clip_confidence_native,
    sampled_median,
    wilson_native,
    wilson_p,
    z_native,
    z_score,
)
from .settings import DEFAULTS
from .xltext import xl_text

__all__ = ["FALLBACK", "NATIVE_HELPERS", "benchmark", "funnel_diag", "native_columns"]

#: Benchmarks when neither a setting nor enough rows for a shop median are there.
FALLBACK = {"impressions": 200.0, "ctr": 0.01, "bounce": 0.6, "inquiry_rate": 0.03, "conversion": 0.01}
#: Impressions under this share of the benchmark are "few impressions".
_FEW = 0.5
_OK = "正常 OK: 各环节达到基准 / every stage meets its benchmark"
_ADVICE = (
    "优化标题和关键词, 开直通车 / improve titles and keywords, promote with P4P",
    "优化主图, 提高关键词精准度 / improve the main image and keyword precision",
    "优化详情页 / improve the detail page",
    "优化详情页, 打消买家疑虑 / improve the detail page so buyers trust you",
    "提升客服专业度、价格、回复速度 / improve service, price and reply speed",
)
_STAGE_NAMES = ("曝光 impressions", "点击率 CTR", "跳失率 bounce", "询盘率 inquiry rate", "转化率 conversion")
# stage states (the digits of the native twin's state text, one per stage)
_OK_STATE, _WEAK, _UNSURE, _NO_DATA = 0, 1, 2, 3
#: how each stage's value and benchmark are written (``TEXT`` codes, :mod:`.xltext`)
_CODES = ("0", "0.00%", "0%", "0.00%", "0.00%")


class _F(NamedTuple):
    """A number in a text: the value called ``name``, written with ``TEXT`` code ``code``
    (``code`` "" for a value that is already text)."""

    name: str
    code: str = ""


Parts = tuple["str | _F", ...]


def _ci_parts(code: str) -> Parts:
    """The interval, written after a space (the space is not part of it: LibreOffice drops a
    cached text's leading space, so the twin's helper cell holds the text without it)."""
    return ("(", _F("conf", "0%"), " 区间 CI ", _F("lo", code), "–", _F("hi", code), ")")


def _weak_parts(stage: int) -> Parts:
    v, b, ci = _F("v", _CODES[stage]), _F("b", _CODES[stage]), _F("ci")
    if stage == 0:  # no interval for a count: the field stays empty (same shape as the rates' texts)
        return (
            "曝光太少 few impressions ",
            v,
            ", 不到基准 ",
            b,
            ci,
            " 的一半 / under half the benchmark: " + _ADVICE[0],
        )
    head = (
        "",
        "点击率低 low CTR ",
        "跳失率高 high bounce ",
        "询盘率低 low inquiry rate ",
        "有询盘没成交 inquiries without orders, conversion ",
    )
    return (head[stage], v, " > " if stage == 2 else " < ", b, ci, ": " + _ADVICE[stage])


_HEAD = "数据太少 too little data: "
_LITTLE_IMPRESSIONS: Parts = (
    _HEAD + "曝光 ",
    _F("imp", "0"),
    " < ",
    _F("min_i", "0"),
    " impressions, 先不判断点击率 / wait before judging CTR",
)
_LITTLE_VISITORS: Parts = (
    _HEAD + "访客 ",
    _F("vis", "0"),
    " < ",
    _F("min_v", "0"),
    " visitors, 先不判断跳失率和询盘率 / wait before judging bounce and inquiries",
)


def _unsure_parts(stage: int) -> Parts:
    code = _CODES[stage]
    side = " > " if stage == 2 else " < "
    return (
        _HEAD + _STAGE_NAMES[stage] + " ",
        _F("v", code),
        side,
        _F("b", code),
        " 但可能是偶然 but may be chance",
        _F("ci"),
        "; 等更多数据 / wait for more data",
    )


def _lacking_parts(by_impressions: bool) -> Parts:
    what, unit = ("曝光", "impressions") if by_impressions else ("访客", "visitors")
    return (
        f"; 后面环节数据太少 too little data for the later stages ({what} ",
        _F("have", "0"),
        " < ",
        _F("need", "0"),
        f" {unit})",
    )


def _render(parts: Parts, **values: Any) -> str:
    """The text of ``parts`` with the values filled in (numbers as ``TEXT`` writes them)."""
    return "".join(
        p if isinstance(p, str) else (values[p.name] if not p.code else xl_text(values[p.name], p.code)) for p in parts
    )


def _ci(lo: float, hi: float, conf: float, code: str) -> str:
    if not conf > 0 or not np.isfinite(lo):
        return ""
    return " " + _render(_ci_parts(code), conf=conf, lo=lo, hi=hi)


def _weak_text(stage: int, value: float, bench: float, lo: float, hi: float, conf: float) -> str:
    ci = _ci(lo, hi, conf, _CODES[stage]) if stage else ""
    return _render(_weak_parts(stage), v=value, b=bench, ci=ci)


def _little_text(
    stage: int,
    value: float,
    bench: float,
    lo: float,
    hi: float,
    conf: float,
    why: int,
    impressions: float,
    visitors: float,
    min_i: float,
    min_v: float,
) -> str:
    if why == 1:
        return _render(_LITTLE_IMPRESSIONS, imp=impressions, min_i=min_i)
    if why == 2:
        return _render(_LITTLE_VISITORS, vis=visitors, min_v=min_v)
    return _render(_unsure_parts(stage), v=value, b=bench, ci=_ci(lo, hi, conf, _CODES[stage]))


def _lacking_text(by_impressions: bool, have: float, need: float) -> str:
    return _render(_lacking_parts(by_impressions), have=have, need=need)


def _benches(bench_cols: list[Any], measures: np.ndarray, samples: np.ndarray, mins: np.ndarray) -> np.ndarray:
    """Benchmark per stage and row: given values, else the shop median of the rows, else FALLBACK."""
    out = np.vstack([b.values for b in bench_cols])
    for s, key in enumerate(FALLBACK):
        blank = np.isnan(out[s])
        if blank.any():
            med = sampled_median(measures[s], samples[s], float(np.nanmin(mins[s])))
            out[s] = np.where(blank, FALLBACK[key] if np.isnan(med) else med, out[s])
    return out


@excel(
    "FUNNEL_DIAG",
    "漏斗诊断 Funnel diagnosis: the first weak stage against benchmarks with the seed's advice, or too little data.",
    "text",
    help={
        "impressions": "曝光次数 impressions",
        "clicks": "点击次数 clicks",
        "visitors": "访客 visitors",
        "inquiries": "询盘 inquiries",
        "orders": "成交 orders / paying buyers (optional)",
        "bounce": "跳失率 bounce rate (optional)",
        "bench_impressions": "基准曝光 (blank = shop median)",
        "bench_ctr": "基准点击率 (blank = shop median)",
        "bench_bounce": "基准跳失率 (blank = shop median)",
        "bench_inquiry_rate": "基准询盘率 (blank = shop median)",
        "bench_conversion": "基准转化率 (blank = shop median)",
        "min_impressions": "最少曝光",
        "min_visitors": "最少访客",
        "confidence": "置信度",
    },
    settings={
        "min_impressions": "cfg_min_impressions",
        "min_visitors": "cfg_min_visitors",
        "confidence": "cfg_confidence",
    },
    guard='{impressions}=""',
    source="seed 002 展现→点击→详情→询盘→客服; Wilson interval; minimum sample (issue 13)",
    example="`=FUNNEL_DIAG(4378, 20, 130, 2, 1) → 点击率低 low CTR 0.46% < 1.00% (90% 区间 CI 0.32%–0.66%): 优化主图 …`; `=FUNNEL_DIAG(300, 4, 2, 0, 0, 1) → 数据太少 too little data: …`",
)
def funnel_diag(
    impressions: Any,
    clicks: Any,
    visitors: Any,
    inquiries: Any,
    orders: Any = None,
    bounce: Any = None,
    bench_impressions: Any = None,
    bench_ctr: Any = None,
    bench_bounce: Any = None,
    bench_inquiry_rate: Any = None,
    bench_conversion: Any = None,
    min_impressions: Any = None,
    min_visitors: Any = None,
    confidence: Any = None,
) -> Any:
    """Funnel diagnosis 漏斗诊断: the first weak stage and what to do, or 数据太少 too little data.

    Parameters
    ----------
    impressions, clicks, visitors, inquiries : number or column
        Counts for the period 曝光 / 点击 / 访客 / 询盘.  Blank impressions give a blank.
    orders : number or column, optional
        Paying buyers / orders 成交.
    bounce : ratio or column, optional
        Bounce rate 跳失率 (0–1 or "55%").
    bench_impressions, bench_ctr, bench_bounce, bench_inquiry_rate, bench_conversion : optional
        Benchmarks; blank = the shop's median over the rows passed with enough data (the
        workbook passes ``BENCHMARK`` cells), else 200, 1 %, 60 %, 3 %, 1 %.
    min_impressions, min_visitors : number, optional
        ``cfg_min_impressions`` (100) and ``cfg_min_visitors`` (30): less is too little data.
    confidence : number, optional
        ``cfg_confidence`` (0.9); 0 judges the point estimate alone.

    Examples
    --------
    >>> funnel_diag(4378, 20, 130, 2, 1)
    '点击率低 low CTR 0.46% < 1.00% (90% 区间 CI 0.32%–0.66%): 优化主图, 提高关键词精准度 / improve the main image and keyword precision'
    >>> funnel_diag(40, 1, 1, 0).split("; ")[0]
    '曝光太少 few impressions 40, 不到基准 200 的一半 / under half the benchmark: 优化标题和关键词, 开直通车 / improve titles and keywords, promote with P4P'
    >>> funnel_diag(300, 4, 2, 0, 0, 1.0).split(":")[0]
    '数据太少 too little data'
    >>> funnel_diag(4378, 71, 130, 8, 2).split(":")[0]
    '正常 OK'
    """
    args = (impressions, clicks, visitors, inquiries, orders, bounce)
    benches_in = (bench_impressions, bench_ctr, bench_bounce, bench_inquiry_rate, bench_conversion)
    (i, c, v, q, o, b, bi, bc, bb, bq, bo, mi, mv, cf), shape = broadcast(
        *args, *benches_in, min_impressions, min_visitors, confidence
    )
    icol, ccol, vcol, qcol, ocol = (
        C.num(x, n) for x, n in ((i, "impressions"), (c, "clicks"), (v, "visitors"), (q, "inquiries"), (o, "orders"))
    )
    bcol = C.num(b, "bounce")
    bench_cols = [
        C.num(x, n)
        for x, n in (
            (bi, "bench_impressions"),
            (bc, "bench_ctr"),
            (bb, "bench_bounce"),
            (bq, "bench_inquiry_rate"),
            (bo, "bench_conversion"),
        )
    ]
    micol = C.setting(mi, "min_impressions", "cfg_min_impressions")
    mvcol = C.setting(mv, "min_visitors", "cfg_min_visitors")
    cfcol = C.setting(cf, "confidence", "cfg_confidence")
    imp, vis = icol.values, vcol.values
    clk, inq, bnc = np.nan_to_num(ccol.values), np.nan_to_num(qcol.values), bcol.values
    n = len(imp)
    min_i, min_v = micol.values, mvcol.values
    z = z_score(cfcol.values)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ctr = np.where(imp > 0, clk / imp, np.nan)
        inq_rate = np.where(vis > 0, inq / vis, np.nan)
        conv = np.where((vis > 0) & (inq > 0), ocol.values / vis, np.nan)
    measures = np.vstack([imp, ctr, bnc, inq_rate, conv])
    samples = np.vstack([imp, imp, vis, vis, vis])
    mins = np.vstack([min_i, min_i, min_v, min_v, min_v])
    bench = _benches(bench_cols, measures, samples, mins)
    # the rates judged (clipped to 0–1) and what they are measured over; Wilson intervals
    with np.errstate(invalid="ignore"):
        rates = np.clip(measures, 0.0, 1.0)
    over = np.vstack([np.full(n, np.nan), imp, vis, vis, vis])
    lo, hi = wilson_p(rates, over, np.broadcast_to(z, (5, n)))
    with np.errstate(invalid="ignore"):
        state = np.full((5, n), _OK_STATE)
        state[0] = np.where(imp < bench[0] * _FEW, _WEAK, _OK_STATE)
    enough = samples >= mins
    enough[0] = True
    for s in (1, 2, 3, 4):
        has = np.isfinite(measures[s])
        below = measures[s] > bench[s] if s == 2 else measures[s] < bench[s]
        sure = beyond(rates[s], over[s], z, bench[s], above=s == 2)
        st = np.where(below & sure, _WEAK, np.where(below, _UNSURE, _OK_STATE))
        if s == 4:  # conversion: only judged with inquiries and given orders
            state[s] = np.where(has & enough[s], st, _OK_STATE)
        else:
            state[s] = np.where(~has, _OK_STATE if s == 2 else _NO_DATA, np.where(enough[s], st, _NO_DATA))
    # a visitor stage without enough visitors only matters when visitors exist to judge
    state[2] = np.where(np.isnan(bnc), _OK_STATE, state[2])
    weak = state == _WEAK
    any_weak = weak.any(axis=0)
    first_weak = np.argmax(weak, axis=0)
    unsure = state == _UNSURE
    no_data = state == _NO_DATA
    out = np.empty(n, dtype=object)
    out[:] = _OK
    conf = clip_confidence(cfcol.values)

    def at(rows: np.ndarray, st: np.ndarray) -> tuple[np.ndarray, ...]:
        """The text arguments of stage ``st`` for ``rows``: stage, value, benchmark, interval, confidence."""
        return st, measures[st, rows], bench[st, rows], lo[st, rows], hi[st, rows], conf[rows]

    rows = np.flatnonzero(any_weak)
    if len(rows):
        st = first_weak[rows]
        out[rows] = C.map_distinct(_weak_text, *at(rows, st))
        # the later stages could not be judged: say so (a weak early stage does not make 2 visits enough)
        later = np.arange(5)[:, None] > st[None, :]
        lacking = (no_data[:, rows] & later).any(axis=0)
        if lacking.any():
            which = rows[lacking]
            by_imp = no_data[1, which]
            suffix = C.map_distinct(
                _lacking_text,
                by_imp,
                np.where(by_imp, imp[which], np.nan_to_num(vis[which])),
                np.where(by_imp, min_i[which], min_v[which]),
            )
            out[which] = [text + s for text, s in zip(out[which], suffix)]
    little = ~any_weak & (unsure.any(axis=0) | no_data.any(axis=0))
    rows = np.flatnonzero(little)
    if len(rows):
        why = np.where(no_data[1, rows], 1, np.where(unsure[:, rows].any(axis=0), 3, 2))
        st = np.argmax(unsure[:, rows], axis=0)
        out[rows] = C.map_distinct(
            _little_text, *at(rows, st), why, imp[rows], np.nan_to_num(vis[rows]), min_i[rows], min_v[rows]
        )
    out[np.isnan(imp)] = None
    return restore(finish(out, icol, ccol, vcol, qcol, ocol, bcol, *bench_cols, micol, mvcol, cfcol), shape)


@excel(
    "BENCHMARK",
    "基准 Benchmark: the fixed value when given, else the shop's median over rows with enough sample.",
    "number",
    help={
        "values": "每行的指标 the measure per row (CTR, inquiry rate …)",
        "sample": "每行的样本量 sample per row (impressions, visitors)",
        "min_sample": "最少样本 cfg_min_impressions / cfg_min_visitors",
        "fixed": "固定基准 cfg_bench_* (blank = shop median)",
    },
    ranges=("values", "sample"),
    aggregate=True,
    stamp=True,
    source="issue 13 (benchmarks = the shop's own median, or the Data Manager peer average typed in `cfg_bench_*`)",
    example="`=BENCHMARK(tblFunnel[点击率 CTR], tblFunnel[曝光 Impressions], cfg_min_impressions, cfg_bench_ctr) → 0.0166`",
)
def benchmark(values: Any, sample: Any = None, min_sample: Any = None, fixed: Any = None) -> Any:
    """Benchmark 基准: the fixed value when given (e.g. Data Manager's peer average), else the shop's median.

    The median is taken over the rows whose ``sample`` (impressions for CTR, visitors for
    rates per visitor) is at least ``min_sample``; with fewer than 10 such rows the result is
    blank and the functions that use it fall back to their built-in benchmark.

    Parameters
    ----------
    values : range
        The measure per row (CTR, inquiry rate …).
    sample : range, optional
        The sample size per row (blank = every row counts).
    min_sample : number, optional
        Rows with less sample are left out (blank = 1).
    fixed : number, optional
        A ``cfg_bench_*`` setting: when not blank it is the benchmark.

    Examples
    --------
    >>> benchmark([0.01, 0.02, 0.03] * 4, [150] * 12, 100)
    0.02
    >>> benchmark([0.01, 0.02], [150, 150], 100) is None
    True
    >>> benchmark([0.01] * 12, [150] * 12, 100, 0.015)
    0.015
    """
    first = [(C.range_values(x) or [None])[0] for x in (fixed, min_sample)]
    fcol = C.num(np.asarray(first[:1], dtype=object), "fixed")
    mcol = C.num(np.asarray(first[1:], dtype=object), "min_sample")
    for col in (fcol, mcol):
        if col.errors is not None and col.errors[0]:
            return col.errors[0]
    if not np.isnan(fcol.values[0]):
        return float(fcol.values[0])
    vals = C.num(np.asarray(C.range_values(values), dtype=object), "values").values
    raw = C.range_values(sample) if sample is not None else []
    samp = C.num(np.asarray(raw, dtype=object), "sample").values if raw else np.full(len(vals), np.inf)
    if len(samp) < len(vals):
        samp = np.concatenate([samp, np.full(len(vals) - len(samp), np.nan)])
    low = 1.0 if np.isnan(mcol.values[0]) else float(mcol.values[0])
    med = sampled_median(vals, samp[: len(vals)], low, MIN_ROWS)
    return None if np.isnan(med) else med


# --------------------------------------------------------------------------- native twin
#: the helper columns of the native twin (``native_columns``), in table order
NATIVE_HELPERS = ("z", "state", "stage", "ci")
_SETTING_OF = {
    "min_impressions": "cfg_min_impressions",
    "min_visitors": "cfg_min_visitors",
    "confidence": "cfg_confidence",
}


def _lit(x: float) -> str:
    return f"{x:.15g}"


def _concat(parts: Parts, code_of: Mapping[str, str] | None = None, **exprs: str) -> str:
    """``parts`` as a native text formula: literals quoted, numbers through ``TEXT``."""
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append('"' + p.replace('"', '""') + '"')
        elif not p.code:
            out.append(exprs[p.name])
        else:
            code = (code_of or {}).get(p.code, f'"{p.code}"')
            out.append(f"TEXT({exprs[p.name]},{code})")
    return "&".join(out)


def _concat_pick(k: str, texts: Sequence[Parts], exprs: Sequence[Mapping[str, str]], first: int = 0) -> str:
    """One of ``texts`` (the one numbered ``k``, from ``first``) as a native formula: texts of
    the same shape are picked part by part, so each number goes through ``TEXT`` once."""
    out = []
    for j, part in enumerate(texts[0]):
        here = [t[j] for t in texts]
        if isinstance(part, str):
            quoted = ['"' + str(h).replace('"', '""') + '"' for h in here]
            out.append(quoted[0] if len(set(quoted)) == 1 else _pick(k, quoted, first))
            continue
        values = [e[h.name] for e, h in zip(exprs, here) if isinstance(h, _F)]
        value = values[0] if len(set(values)) == 1 else _pick(k, values, first)
        codes = [f'"{h.code}"' for h in here if isinstance(h, _F)]
        if not part.code:
            out.append(value)
        else:
            out.append(f"TEXT({value},{codes[0] if len(set(codes)) == 1 else _pick(k, codes, first)})")
    return "&".join(out)


def _pick(k: str, options: list[str], first: int = 0) -> str:
    """``IF(k=first,options[0],IF(k=first+1,…,options[-1]))``."""
    text = options[-1]
    for i in range(len(options) - 2, -1, -1):
        text = f"IF({k}={first + i},{options[i]},{text})"
    return text


def native_columns(args: Mapping[str, str], refs: Mapping[str, str]) -> dict[str, str]:
    """The native twin of ``FUNNEL_DIAG``: one formula per helper column and the diagnosis.

    ``args`` maps parameter names to the argument texts of one row (cell references, defined
    names; a missing or ``""`` argument is blank); ``refs`` maps :data:`NATIVE_HELPERS` to the
    cells holding them in the same row.  Every text, threshold and benchmark comes from this
    module's constants, so a change reaches ``FUNNEL_DIAG`` and its twin at once.  Helpers:

    * ``z`` — the normal quantile of the confidence (``NORM.S.INV``);
    * ``state`` — one digit per stage (:data:`_STAGE_NAMES`): 0 ok, 1 weak, 2 below but may
      be chance, 3 too little data (``"01300"``);
    * ``stage`` — the stage the text is about (the first 1, else the first 2) — 0 to 4;
    * ``ci`` — that stage's interval text (blank for impressions or confidence 0), without
      the space before it: a client keeps a cached text's leading space only sometimes.

    Excel 2010+, WPS and LibreOffice compute them: no ``LET``, no dynamic arrays.

    >>> cols = native_columns({"impressions": "A2", "clicks": "B2", "visitors": "C2", "inquiries": "D2"},
    ...                       {"z": "P2", "state": "Q2", "stage": "R2", "ci": "S2"})
    >>> cols["stage"]
    'IF(A2="","",IFERROR(FIND("1",Q2),IFERROR(FIND("2",Q2),1))-1)'
    >>> sorted(cols), max(len(f) for f in cols.values()) < 8192
    (['ci', 'diagnosis', 'stage', 'state', 'z'], True)
    """

    def arg(p: str) -> str:
        return args.get(p, "").strip() or '""'

    def given(p: str) -> bool:
        return arg(p) != '""'

    def num0(p: str) -> str:  # blank → 0 (the core's nan_to_num)
        return f'IF({arg(p)}="",0,--{arg(p)})' if given(p) else "0"

    def setting(p: str, default: float) -> str:
        return f'IF({arg(p)}="",{_lit(default)},--{arg(p)})' if given(p) else _lit(default)

    imp, vis, bnc, orders = arg("impressions"), arg("visitors"), arg("bounce"), arg("orders")
    i_, v_, c_, q_ = f"(--{imp})", f"(--{vis})", num0("clicks"), num0("inquiries")
    b = [setting(f"bench_{k}", FALLBACK[k]) for k in FALLBACK]
    min_i, min_v, conf = (setting(p, float(DEFAULTS[c])) for p, c in _SETTING_OF.items())
    z, st, k, ci = (refs[h] for h in NATIVE_HELPERS)
    clip = clip_confidence_native(conf)
    rates = ["", f"{c_}/{i_}", f"(--{bnc})", f"{q_}/{v_}", f"(--{orders})/{v_}"]
    p = [""] + [f"MIN(1,{r})" for r in rates[1:]]  # rates are never negative (a negative count is an error)
    over = ["", i_, v_, v_, v_]

    def judged(s: str | int) -> str:
        s = int(s)
        side = ">" if s == 2 else "<"
        sure = beyond_native(p[s], over[s], z, b[s], above=s == 2)
        return f'IF({rates[s]}{side}{b[s]},IF({sure},"1","2"),"0")'

    digits = [
        f'IF({i_}<{b[0]}*{_lit(_FEW)},"1","0")',
        f'IF({i_}>0,IF({i_}>={min_i},{judged(1)},"3"),"3")',
        f'IF({bnc}="","0",IF({vis}="","3",IF({v_}>={min_v},{judged(2)},"3")))' if given("bounce") else '"0"',
        f'IF({vis}="","3",IF({v_}>0,IF({v_}>={min_v},{judged(3)},"3"),"3"))',
        f'IF(OR({vis}="",{orders}=""),"0",IF(AND({v_}>0,{q_}>0,{v_}>={min_v}),{judged(4)},"0"))'
        if given("orders")
        else '"0"',
    ]
    blank = f'{imp}=""'
    out = {
        "z": f'IF({blank},"",{z_native(clip)})',
        "state": f'IF({blank},"",' + "&".join(digits) + ")",
        "stage": f'IF({blank},"",IFERROR(FIND("1",{st}),IFERROR(FIND("2",{st}),1))-1)',
    }
    rate = "(" + _pick(k, [p[1], p[2] if given("bounce") else "0", p[3], p[4] if given("orders") else "0"], 1) + ")"
    n = f"IF({k}=1,{i_},{v_})"
    lo, hi = (wilson_native(rate, f"({n})", z, high) for high in (False, True))
    interval = _concat(_ci_parts("@"), {"@": f'IF({k}=2,"0%","0.00%")'}, conf=clip, lo=lo, hi=hi)
    out["ci"] = f'IF({blank},"",IF({k}<1,"",IF(OR({clip}<=0,{n}<=0),"",{interval})))'
    value = [i_, *rates[1:]]
    spaced = f'IF({ci}="",""," "&{ci})'
    per_stage = [{"v": value[s], "b": b[s], "ci": spaced} for s in range(5)]
    weak = _concat_pick(k, [_weak_parts(s) for s in range(5)], per_stage)
    unsure = _concat_pick(k, [_unsure_parts(s) for s in range(1, 5)], per_stage[1:], 1)
    by_visitors = f'--(MID({st},2,1)<>"3")'  # 0: impressions, 1: visitors
    lacking = (
        f'IF(ISNUMBER(FIND("3",MID({st},{k}+2,5))),'
        + _concat_pick(
            by_visitors,
            [_lacking_parts(True), _lacking_parts(False)],
            [{"have": i_, "need": min_i}, {"have": num0("visitors"), "need": min_v}],
        )
        + ',"")'
    )
    little_i = _concat(_LITTLE_IMPRESSIONS, imp=i_, min_i=min_i)
    little_v = _concat(_LITTLE_VISITORS, vis=num0("visitors"), min_v=min_v)
    out["diagnosis"] = (
        f'IF({blank},"",IF(ISNUMBER(FIND("1",{st})),{weak}&{lacking},IF(MID({st},2,1)="3",{little_i},'
        f'IF(ISNUMBER(FIND("2",{st})),{unsure},IF(ISNUMBER(FIND("3",{st})),{little_v},"{_OK}")))))'
    )
    return out
