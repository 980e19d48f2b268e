"""Funnel UDFs 漏斗: CTR, bounce, inquiry rate, conversion, CPC, cost per result."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func


@func
@arg("clicks", "点击次数 clicks")
@arg("impressions", "曝光次数 impressions")
def CTR(clicks: Any, impressions: Any) -> Any:
    """点击率 Click-through rate = clicks ÷ impressions; blank when there are no impressions."""
    return excel_call(core.ctr, clicks, impressions)


@func
@arg("bounced_visits", "跳失访问 single-page visits")
@arg("visits", "访问 visits")
def BOUNCE(bounced_visits: Any, visits: Any) -> Any:
    """跳失率 Bounce rate = single-page visits ÷ visits."""
    return excel_call(core.bounce, bounced_visits, visits)


@func
@arg("inquiries", "询盘人数 inquiring buyers")
@arg("visitors", "访客 visitors")
def INQUIRY_RATE(inquiries: Any, visitors: Any) -> Any:
    """询盘率 Inquiry rate = inquiring buyers ÷ visitors, as the Data Manager computes it."""
    return excel_call(core.inquiry_rate, inquiries, visitors)


@func
@arg("buyers", "成交买家 paying buyers")
@arg("visitors", "访客 visitors")
def CONVERSION(buyers: Any, visitors: Any) -> Any:
    """成交转化率 Conversion = paying buyers ÷ visitors."""
    return excel_call(core.conversion, buyers, visitors)


@func
@arg("cost", "直通车花费 P4P cost")
@arg("clicks", "点击次数 clicks")
def CPC(cost: Any, clicks: Any) -> Any:
    """点击单价 Cost per click = P4P cost ÷ clicks."""
    return excel_call(core.cpc, cost, clicks)


@func
@arg("cost", "花费 cost")
@arg("count", "数量 count: inquiries, buyers or orders")
def COST_PER(cost: Any, count: Any) -> Any:
    """单个成本 Cost per result = cost ÷ count (per inquiry, per new buyer, per order)."""
    return excel_call(core.cost_per, cost, count)


@func
@arg("impressions", "曝光次数 impressions")
@arg("clicks", "点击次数 clicks")
@arg("visitors", "访客 visitors")
@arg("inquiries", "询盘 inquiries")
@arg("orders", "成交 orders / paying buyers (optional)")
@arg("bounce", "跳失率 bounce rate (optional)")
@arg("bench_impressions", "基准曝光 (blank = shop median)")
@arg("bench_ctr", "基准点击率 (blank = shop median)")
@arg("bench_bounce", "基准跳失率 (blank = shop median)")
@arg("bench_inquiry_rate", "基准询盘率 (blank = shop median)")
@arg("bench_conversion", "基准转化率 (blank = shop median)")
@arg("min_impressions", "最少曝光 cfg_min_impressions (100)")
@arg("min_visitors", "最少访客 cfg_min_visitors (30)")
@arg("confidence", "置信度 cfg_confidence (0.9)")
def FUNNEL_DIAG(
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
    """漏斗诊断 Funnel diagnosis: the first weak stage against benchmarks with the seed's advice, or too little data."""
    return excel_call(
        core.funnel_diag,
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
        min_impressions,
        min_visitors,
        confidence,
    )


@func
@arg("values", "每行的指标 the measure per row (CTR, inquiry rate …)")
@arg("sample", "每行的样本量 sample per row (impressions, visitors)")
@arg("min_sample", "最少样本 cfg_min_impressions / cfg_min_visitors")
@arg("fixed", "固定基准 cfg_bench_* (blank = shop median)")
def BENCHMARK(values: Any, sample: Any = None, min_sample: Any = None, fixed: Any = None) -> Any:
    """基准 Benchmark: the fixed value when given, else the shop's median over rows with enough sample."""
    return excel_call(core.benchmark, values, sample, min_sample, fixed)
