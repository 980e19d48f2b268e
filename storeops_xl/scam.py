"""Scam risk 防骗: the buyer-message patterns of seed 002 (防骗技巧), Chinese and English.

Seed 002 lists the tricks and the answer to each:

* "cannot place the order" 下不了单 → teach them, else a contract and a bank transfer;
* "cannot pay" 付不了款 → teach them, else a contract and a bank transfer;
* "close the order so I can change the address" 关闭订单改地址 → let the buyer close it;
* "pay more and refund the difference" 多打款退差价 → refuse;
* moving the chat to QQ to "unfreeze" an account 账户解冻 (a reader lost 35,000 CNY).

Result format: ``"<level>: <pattern>[; <pattern>…]"`` with level ``高`` (high) or ``中``
(medium), and plain ``"低"`` when nothing matched.  High: refund-the-difference,
account unfreezing, or two different medium patterns together.  Medium: cannot order,
cannot pay, close/cancel the order (to change the address), move the chat to QQ.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from . import _columns as C
from ._coerce import broadcast, finish, restore

__all__ = ["PATTERNS", "scam_risk"]

_F = re.IGNORECASE
#: (level, name, regex) — level "高" or "中".
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "高",
        "多付退差价 overpay and refund the difference",
        re.compile(
            r"多打|多付|多转|虚开|退.{0,6}差价|返.{0,4}差价|差价.{0,6}退|"
            r"refund (?:me |us )?the (?:extra|difference|balance)|pay (?:you )?(?:more|extra)\b.{0,40}\brefund|"
            r"over ?pa(?:y|id|yment)|send (?:back|me back) the (?:extra|difference)",
            _F,
        ),
    ),
    (
        "高",
        "账户解冻 account unfreeze / verification",
        re.compile(
            r"解冻|冻结|激活账户|账户.{0,4}(?:异常|锁定|验证)|保证金|"
            r"unfreez|un-freez|\bfrozen\b|account (?:is |was |has been )?(?:locked|suspended|blocked|frozen)|"
            r"unlock (?:the |your |my )?account|verification fee|activation fee",
            _F,
        ),
    ),
    (
        "中",
        "下不了单 says cannot place the order",
        re.compile(
            r"下不了单|无法下单|不能下单|下单失败|拍不了|不会下单|"
            r"(?:can ?not|can't|cant|unable to|couldn't|could not) (?:place|make|create|submit) (?:the |an |my |this )?order",
            _F,
        ),
    ),
    (
        "中",
        "付不了款 says cannot pay",
        re.compile(
            r"付不了款?|无法付款|不能付款|付款失败|支付不了|支付失败|"
            r"(?:can ?not|can't|cant|unable to|couldn't|could not) (?:make (?:the |a )?)?pay|payment (?:failed|fails|not going through)",
            _F,
        ),
    ),
    (
        "中",
        "关闭订单改地址 asks you to close the order (to change the address)",
        re.compile(
            r"(?:关闭|关掉|取消|帮我关).{0,4}订单|"
            r"(?:close|cancel) (?:the |my |this )?order",
            _F,
        ),
    ),
    ("中", "转QQ聊 moves the chat to QQ", re.compile(r"\bQQ\b|扣扣", _F)),
)


def _risk(message: str) -> Any:
    if not message.strip():
        return None
    text = " ".join(unicodedata.normalize("NFKC", message).split())
    hits = [(level, name) for level, name, rx in PATTERNS if rx.search(text)]
    if not hits:
        return "低"
    level = "高" if any(lv == "高" for lv, _ in hits) or len(hits) >= 2 else "中"
    return f"{level}: " + "; ".join(name for _, name in hits)


def scam_risk(message: Any) -> Any:
    """Scam risk 骗子风险 of a buyer message: ``"高: …"``, ``"中: …"`` or ``"低"`` (seed 002 防骗技巧).

    Blank message gives a blank.  See the module docstring for the exact levels.

    Examples
    --------
    >>> scam_risk("I can't place the order, please help")
    '中: 下不了单 says cannot place the order'
    >>> scam_risk("我多打了5000块, 请把差价退到我账户")
    '高: 多付退差价 overpay and refund the difference'
    >>> scam_risk("Please add my QQ to unfreeze your account")
    '高: 账户解冻 account unfreeze / verification; 转QQ聊 moves the chat to QQ'
    >>> scam_risk("Please quote 500 pcs of dog harness, FOB Ningbo")
    '低'
    """
    (m,), shape = broadcast(message)
    col = C.text(m, "message")
    out = C.map_distinct(_risk, col.values)
    return restore(finish(out, col), shape)
