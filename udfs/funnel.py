"""Funnel UDFs 漏斗: CTR, bounce, inquiry rate, conversion, CPC, cost per result."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf


@udf
def CTR(clicks: Any, impressions: Any) -> Any:
    return excel_call(core.ctr, clicks, impressions)


@udf
def BOUNCE(bounced_visits: Any, visits: Any) -> Any:
    return excel_call(core.bounce, bounced_visits, visits)


@udf
def INQUIRY_RATE(inquiries: Any, visitors: Any) -> Any:
    return excel_call(core.inquiry_rate, inquiries, visitors)


@udf
def CONVERSION(buyers: Any, visitors: Any) -> Any:
    return excel_call(core.conversion, buyers, visitors)


@udf
def CPC(cost: Any, clicks: Any) -> Any:
    return excel_call(core.cpc, cost, clicks)


@udf
def COST_PER(cost: Any, count: Any) -> Any:
    return excel_call(core.cost_per, cost, count)


@udf
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


@udf
def BENCHMARK(values: Any, sample: Any = None, min_sample: Any = None, fixed: Any = None) -> Any:
    return excel_call(core.benchmark, values, sample, min_sample, fixed)
