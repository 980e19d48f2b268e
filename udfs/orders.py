"""Order UDFs 订单: an order's USD amount and what it counts as."""

from __future__ import annotations

from typing import Any

import storeops_xl as core

from ._excel import arg, excel_call, func


@func
@arg("amount", "金额 amount")
@arg("currency", "币种 USD / CNY")
@arg("fx_usd_cny", "汇率 cfg_fx_usd_cny (7.2)")
def ORDER_USD(amount: Any, currency: Any = None, fx_usd_cny: Any = None) -> Any:
    """订单美元金额 Order amount in USD (CNY ÷ cfg_fx_usd_cny)."""
    return excel_call(core.order_usd, amount, currency, fx_usd_cny)


@func
@arg("kind", "类型 付款 Paid / 样品 Sample")
@arg("status", "状态 status (待付款/已取消/已退款 do not count)")
def ORDER_KIND(kind: Any, status: Any = None) -> Any:
    """计入 What an order counts as: 付款 Paid, 样品 Sample or blank."""
    return excel_call(core.order_kind, kind, status)
