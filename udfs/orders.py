"""Order UDFs 订单: an order's USD amount and what it counts as."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import excel_call, udf


@udf
def ORDER_USD(amount: Any, currency_code: Any = None, fx_usd_cny: Any = None) -> Any:
    return excel_call(core.order_usd, amount, currency_code, fx_usd_cny)


@udf
def ORDER_KIND(kind: Any, status: Any = None) -> Any:
    return excel_call(core.order_kind, kind, status)
