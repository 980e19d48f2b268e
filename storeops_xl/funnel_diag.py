"""Funnel diagnosis 漏斗诊断: the weakest stage against benchmarks, with seed 002's advice.

Stages, each compared with its benchmark (a ratio actual ÷ benchmark; for bounce,
benchmark ÷ actual, since lower is better):

================  ===========================  =======================================================
stage             measure                      advice (seed 002)
================  ===========================  =======================================================
impressions 曝光   impressions                   标题/关键词/直通车 titles, keywords, P4P
CTR 点击率          clicks ÷ impressions          主图/关键词精准度 main image, keyword precision
bounce 跳失率       bounce (optional input)       详情页 detail page
inquiry 询盘率      inquiries ÷ visitors          详情页 detail page (win the buyer's trust)
orders 成交         orders ÷ visitors             客服/价格/回复速度 service, price, reply speed
================  ===========================  =======================================================

The weak stage named is the first one, in funnel order, whose ratio is below 1 — the
seed's chain of hurdles (展现 → 点击坎 → 详情坎 → 价格/客服坎): a leak early in the funnel
starves every later stage, so it is fixed first.  A stage is judged only when its base
is above 0 (no CTR without impressions); orders only when given and there were inquiries.  Benchmarks default to the Settings (``cfg_bench_*``); pass the
shop's medians instead to compare a product with its own shop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import broadcast, finish, restore

__all__ = ["funnel_diag"]

_OK = "正常 OK: 各环节达到基准 / every stage meets its benchmark"


def _text(stage: int, value: float, bench: float) -> str:
    if stage == 0:
        return (
            f"曝光太少 few impressions {value:g} < {bench:g}: 优化标题和关键词, 开直通车 / "
            "improve titles and keywords, promote with P4P"
        )
    if stage == 1:
        return (
            f"点击率低 low CTR {value:.2%} < {bench:.2%}: 优化主图, 提高关键词精准度 / "
            "improve the main image and keyword precision"
        )
    if stage == 2:
        return f"跳失率高 high bounce {value:.0%} > {bench:.0%}: 优化详情页 / improve the detail page"
    if stage == 3:
        return (
            f"询盘率低 low inquiry rate {value:.2%} < {bench:.2%}: 优化详情页, 打消买家疑虑 / "
            "improve the detail page so buyers trust you"
        )
    return (
        f"有询盘没成交 inquiries without orders, conversion {value:.2%} < {bench:.2%}: "
        "提升客服专业度、价格、回复速度 / improve service, price and reply speed"
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
) -> Any:
    """Funnel diagnosis 漏斗诊断: the first weak stage and what to do, bilingual text.

    Parameters
    ----------
    impressions, clicks, visitors, inquiries : number or column
        Counts for the period 曝光 / 点击 / 访客 / 询盘.  Blank impressions give a blank.
    orders : number or column, optional
        Paying buyers / orders 成交.
    bounce : ratio or column, optional
        Bounce rate 跳失率 (0–1 or "55%").
    bench_impressions, bench_ctr, bench_bounce, bench_inquiry_rate, bench_conversion : optional
        ``cfg_bench_impressions`` (100), ``cfg_bench_ctr`` (1 %), ``cfg_bench_bounce`` (60 %),
        ``cfg_bench_inquiry_rate`` (3 %), ``cfg_bench_conversion`` (1 %).

    Examples
    --------
    >>> funnel_diag(4378, 20, 130, 2, 1)
    '点击率低 low CTR 0.46% < 1.00%: 优化主图, 提高关键词精准度 / improve the main image and keyword precision'
    >>> funnel_diag(40, 1, 1, 0)
    '曝光太少 few impressions 40 < 100: 优化标题和关键词, 开直通车 / improve titles and keywords, promote with P4P'
    >>> funnel_diag(4378, 71, 130, 8, 2).split(":")[0]
    '正常 OK'
    """
    args = (
        impressions,
        clicks,
        visitors,
        inquiries,
        orders,
        bounce,
        bench_impressions,
        bench_ctr,
        bench_bounce,
        bench_inquiry_rate,
        bench_conversion,
    )
    (i, c, v, q, o, b, bi, bc, bb, bq, bo), shape = broadcast(*args)
    icol, ccol, vcol, qcol, ocol = (
        C.num(x, n) for x, n in ((i, "impressions"), (c, "clicks"), (v, "visitors"), (q, "inquiries"), (o, "orders"))
    )
    bcol = C.num(b, "bounce")
    benches = [
        C.setting(x, n, "cfg_" + n)
        for x, n in (
            (bi, "bench_impressions"),
            (bc, "bench_ctr"),
            (bb, "bench_bounce"),
            (bq, "bench_inquiry_rate"),
            (bo, "bench_conversion"),
        )
    ]
    imp, vis = icol.values, vcol.values
    clk, inq = np.nan_to_num(ccol.values), np.nan_to_num(qcol.values)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ctr = np.where(imp > 0, clk / imp, np.nan)
        inq_rate = np.where(vis > 0, inq / vis, np.nan)
        conv = np.where((vis > 0) & (inq > 0), ocol.values / vis, np.nan)
        measures = np.vstack([imp, ctr, bcol.values, inq_rate, conv])
        bench = np.vstack([b.values for b in benches])
        ratio = np.where(np.arange(5)[:, None] == 2, bench / measures, measures / bench)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    weak = ratio < 1
    stage = np.where(weak.any(axis=0), np.argmax(weak, axis=0), 0)
    cols = np.arange(len(imp))
    worst = ratio[stage, cols]
    value = measures[stage, cols]
    limit = bench[stage, cols]

    blank = np.isnan(imp)
    weak_row = (worst < 1) & ~blank
    out = np.empty(len(imp), dtype=object)
    out[:] = _OK
    out[blank] = None
    if weak_row.any():  # the advice text, once per distinct (stage, value, benchmark)
        out[weak_row] = C.map_distinct(
            lambda st, val, lim: _text(int(st), float(val), float(lim)),
            stage[weak_row],
            value[weak_row],
            limit[weak_row],
        )
    return restore(finish(out, icol, ccol, vcol, qcol, ocol, bcol, *benches), shape)
