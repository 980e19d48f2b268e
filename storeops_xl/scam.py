"""Scam risk 防骗: the buyer-message patterns of seed 002 (防骗技巧), Chinese and English, with the seed's advice.

Seed 002 lists the tricks and the answer to each; a reader who followed a "buyer" to QQ to
"unfreeze" an account lost 35,000 CNY.  Each pattern below is recognised in paraphrase
(``I paid too much by mistake, please refund the excess``, ``我不小心多转了``) and carries
the seed's advice:

====================================  =====  ====================================================
pattern                               level  advice
====================================  =====  ====================================================
多付退差价 overpay, refund the          高     严词拒绝, 绝不退差价 refuse firmly: never refund a
difference                                   difference
虚开金额 inflate the invoice            高     严词拒绝, 只按真实金额开票 refuse: invoice the real amount
转第三方 pay or refund to a third       高     只与合同上的买家公司收付款 money only to and from the
party                                        buyer company in the contract
账户解冻/验证 account unfreeze or        高     绝不去 QQ/微信 配合"解冻", 不点链接不交保证金 never
verification                                 move to QQ/WeChat to "unfreeze", no links, no deposits
私下交易 deal off the platform          中     订单和付款留在平台(信保) keep the order and payment on
                                             the platform (Trade Assurance)
下不了单 cannot place the order         中     耐心教他下单, 不行就签合同走银行打款 teach how to
                                             order, else a contract and a bank transfer
付不了款 cannot pay                     中     耐心教他付款, 不行就签合同走银行打款 teach how to pay,
                                             else a contract and a bank transfer
关闭订单改地址 close the order           中     说明没有权限替客户关闭订单, 让他自己关闭改地址再拍
(to change the address)                      you cannot close orders: the buyer closes it himself
第三方付款 payment from a third party   中     只收合同买家公司的款, 多付不退 accept payment only from
                                             the contract's buyer, refund no overpayment
转 QQ 聊 moves the chat to QQ           中     (the seed's case) keep the talk on the platform
站外联系 contact off the platform       注意   可以加联系方式, 订单和付款留在平台 fine to talk there,
(WhatsApp, WeChat, e-mail, phone)     note   keep the order and payment on the platform
====================================  =====  ====================================================

Levels add up: a 高 pattern, or patterns worth 4 or more (中 = 2, note = 1: two 中
patterns), give ``高``; 2–3 give ``中``; a note alone gives ``低`` with the note.  Result:
``"<level>: <pattern> → <advice>; …"``, plain ``"低"`` when nothing matched.
:func:`scam_advice` gives the advice alone.  "Please send your price list for 500
harnesses, FOB Ningbo" is ``低``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

from . import _columns as C
from ._coerce import broadcast, finish, restore
from ._spec import excel

__all__ = ["PATTERNS", "ScamPattern", "scam_advice", "scam_risk"]


class ScamPattern(NamedTuple):
    key: str
    points: int  # 3 = 高 on its own, 2 = 中, 1 = a note
    name: str
    advice: str
    regex: re.Pattern[str]  # a phrasing of the pattern
    #: or ideas that together make it, each a regex, all found in one sentence ("scope"
    #: "message": anywhere in the message) — how paraphrases are recognised
    together: tuple[tuple[re.Pattern[str], ...], ...] = ()
    scope: str = "sentence"


_CANT = (
    r"(?:can ?not|can't|cant|unable to|couldn't|could not|can't seem to|don't know how to|do not know how to|"
    r"not able to|fail(?:ed|s)? to|having (?:some )?(?:trouble|problems?|issues?|difficult(?:y|ies))|trouble|"
    r"problems?|difficult(?:y|ies)) (?:with |in |to )?"
)
_MONEY_VERB = r"(?:send|sent|transfer|transferred|pay|paid|refund|return|wire|remit|deposit|give|put)"
_THIRD = (
    r"(?:friend|agent|partner|cousin|brother|sister|colleague|relative|shipping agent|forwarder|boss|third[ -]party|"
    r"other|another|personal|private|different|son|daughter|wife|husband)"
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# ideas that make a pattern when they meet in one sentence
_EXCESS = _rx(
    r"\b(?:more than (?:the |our |your |what )?(?:invoice|order|amount|price|value|total|needed|required|"
    r"necessary|agreed|was due|i owe)|too much|excess|surplus|remaining (?:part|amount|money|sum)|the remainder|"
    r"over ?pa(?:y|id|yment)|double|twice|larger than|bigger than|what'?s left|left ?over|difference|"
    r"extra (?:money|amount|funds|payment|cash|\$))|多打|多付|多转|多汇|多给|多出|多的|多余|差价|差额"
)
_GIVE_BACK = _rx(
    r"\b(?:refund|reimburse|(?:send|transfer|pay|wire|give) (?:\w+ ){0,3}back|return (?:the|it|that|what|them))\b|"
    r"退|返还|返给|转回|打回"
)
_INVOICE_WORD = r"(?:commercial |proforma )?(?:invoice|pi|contract)s?"
_INFLATED = _rx(
    rf"\b(?:higher|inflated|bigger|larger|increased?) (?:\w+ ){{0,3}}(?:on|in|for) (?:the |our |your |a )?"
    rf"{_INVOICE_WORD}\b|\b{_INVOICE_WORD}\b(?: \w+){{0,4}} (?:with|at|for|showing|of) (?:a |the )?"
    rf"(?:higher|inflated|bigger)|\btwo {_INVOICE_WORD}\b|"
    r"(?:合同|发票|单价|金额|价格)(?:上的?)?[^，。,.]{0,6}(?:写高|开高|高一些|高一点|高些|多写|抬高|提高|改高|加高|写成|改成)|"
    rf"\b(?:raise|increase|inflate|bump up) (?:the )?(?:\w+ ){{0,2}}(?:on|in) (?:the )?{_INVOICE_WORD}\b"
)
_ACCOUNT = _rx(r"\b(?:account|store|shop|membership|seller id)\b|账户|帐户|账号|帐号|店铺|店")
_THREAT = _rx(
    r"\b(?:frozen|freeze|locked|suspended|closed|blocked|restricted|banned|violation|violat\w+|deactivat\w+|"
    r"abnormal|penalt\w+)\b|冻结|违规|封|关闭|异常|处罚"
)
_ACT = _rx(
    r"\b(?:link|qq|wechat|whats ?app|telegram|verify|verification|confirm (?:your|the) (?:details|identity|"
    r"information|account)|code|deposit|fee)\b|加|扫|链接|验证"
)
_VERIFY = _rx(r"\b(?:verif\w+|activat\w+|unlock\w*|unfreez\w*|reactivat\w+)\b|验证|激活|解冻|解封")
_PAY_FEE = _rx(r"\b(?:fee|deposit|pay|payment|charge)\b|费|保证金|押金|付")
_ORDER = _rx(r"\b(?:order|orders|check ?out|order button|cart|buy now|purchase)\b|下单|拍|单子|订单|这单|此单|购买")
_PAYING = _rx(
    r"\b(?:pay|paying|payment|card|credit card|paypal|transfer)\b|付款|支付|付不|打款|转账|信用卡|银行卡|付钱|打钱"
)
_FAILS = _rx(
    r"\b(?:can ?not|can't|cant|unable|not able|doesn'?t work|does not work|won'?t|fail\w*|error\w*|"
    r"problem\w*|trouble|rejected|declined|not going through|stuck|nothing happens|no response|not responding)\b|"
    r"不了|失败|报错|不行|没法|无法|不能|不出去|不进去|没反应|无反应|卡住|转圈|被拒|不成功"
)
_CLOSE = _rx(r"\b(?:cancel|close|void|delete|withdraw|revoke)\b|取消|关闭|关掉|撤销|撤了|撤掉|删掉|作废|退掉")
_ADDRESS = _rx(r"\b(?:address|zip|postcode|postal code|consignee|recipient)\b|地址|收货|收件")
_THIRD_PERSON = (
    r"(?:friend|cousin|brother|sister|agent|partner|relative|colleague|uncle|aunt|son|daughter|wife|husband|"
    r"forwarder|third[ -]party|logistics partner)"
)
_TO_THIRD = _rx(
    rf"\bto (?:my|our|his|her|a|the) (?:\w+ )?{_THIRD_PERSON}\w*(?:'s)?\b|(?:给|到)(?:我的?)?(?:朋友|代理|表哥|亲戚|家人|同事)"
)
_MONEY_OUT = _rx(
    r"\b(?:refund|reimburse|pay|wire|(?:send|transfer) (?:the |this |that )?(?:money|refund|payment|funds|"
    r"difference|extra|balance|amount|deposit|rest|\$))|退|转|打|汇"
)
_THIRD_PAYS = _rx(
    rf"\b(?:my|our) (?:\w+ )?{_THIRD_PERSON}\w*(?: \w+){{0,3}} (?:will|would|is going to|can|to) "
    r"(?:pay|send|transfer|wire|settle)\b|\bpay(?:ment)? (?:will )?(?:come|comes|be made) from"
)
_SKIP_PLATFORM = _rx(
    r"\b(?:skip|avoid|bypass|without|instead of) (?:the )?(?:trade assurance|alibaba|platform|1688)\b|"
    r"\bdirect(?:ly)? (?:bank )?(?:transfer|payment|pay)\b.{0,40}\b(?:save|fee|fees|commission)"
)


#: The patterns, in the order a result lists them.
PATTERNS: tuple[ScamPattern, ...] = (
    ScamPattern(
        "overpay",
        3,
        "多付退差价 overpay and refund the difference",
        "严词拒绝, 绝不退差价 / refuse firmly: never refund a difference",
        _rx(
            r"多打|多付|多转|多给|多汇|付多了|打多了|转多了|汇多了|多出的(?:钱|款|部分)|退.{0,6}差价|返.{0,4}差价|"
            r"差价.{0,6}(?:退|返|转)|退回多(?:余|出|付)|"
            r"\bover ?pa(?:y|id|yment|ying)\b|"
            r"\b(?:paid|pay|sent|send|transferred|transfer|wired?) (?:you |u )?(?:too much|more than|extra|double|twice|"
            r"in excess)|"
            r"\b(?:refund|reimburse|return|send back|give back|pay back|transfer back|wire back|send (?:me|us) back|"
            r"give (?:me|us) back)\b.{0,40}\b(?:difference|excess|extra|surplus|overpaid|over ?payment)|"
            r"\b(?:wire|send|transfer|pay|give) back the (?:balance|rest)\b|"
            r"\b(?:difference|excess|extra (?:money|amount|funds|payment)|surplus)\b.{0,40}"
            r"\b(?:refund|reimburse|return|back to)|"
            r"\bpay (?:you )?(?:more|extra)\b.{0,40}\brefund"
        ),
        together=((_EXCESS, _GIVE_BACK),),
    ),
    ScamPattern(
        "invoice",
        3,
        "虚开金额 inflate the invoice",
        "严词拒绝, 发票和合同只按真实金额 / refuse firmly: invoices and contracts show the real amount",
        _rx(
            r"虚开|开高|多开(?:发票|金额|点)|金额写高|写高一?点|抬高(?:金额|价格|发票)|发票.{0,6}(?:高一?点|多写|写多)|"
            r"合同金额.{0,4}(?:高|多)|"
            r"\b(?:inflate|inflated|overstate|increase|raise|pad)\b.{0,20}\b(?:invoice|pi|proforma|contract)\b|"
            r"\b(?:invoice|pi|proforma|contract)\b.{0,30}\b(?:higher|inflated|bigger|more than the real|above the real)\b"
        ),
        together=((_INFLATED,),),
    ),
    ScamPattern(
        "third_party",
        3,
        "转第三方 pay or refund to a third party",
        "只与合同上的买家公司收付款, 绝不转给第三方 / money only to and from the buyer company in the contract, "
        "never to a third party",
        _rx(
            r"(?:转|打|付|汇|退|返)(?:钱|款)?(?:给|到|至)(?:我的?)?(?:朋友|代理|同事|亲戚|家人|表哥|老板|另一个|第三方|私人)|"
            r"第三方(?:账户|收款)|朋友的?(?:账户|卡|账号)|私人账户|"
            rf"\b{_MONEY_VERB}\b[^.?!。]{{0,40}}\bto (?:my|our|his|her|a|the|an?other) {_THIRD}\w*(?:'s)?"
            r"(?: \w+)? (?:bank )?(?:account|card|wallet|paypal)|"
            r"\b(?:pay|(?:send|transfer|wire|refund|return) (?:the |this |that )?(?:money|payment|funds|deposit|balance|"
            r"difference|extra))\b[^.?!。]{0,25}\bto (?:my|our) (?:friend|agent|partner|cousin|relative)\b"
        ),
        together=((_MONEY_OUT, _TO_THIRD),),
    ),
    ScamPattern(
        "unfreeze",
        3,
        "账户解冻/验证 account unfreeze or verification",
        "绝不去 QQ/微信配合'解冻'或'验证', 不点链接不交保证金, 账户问题只在平台后台处理 (有人因此被骗 3.5 万) / "
        "never move to QQ/WeChat to 'unfreeze' or 'verify' an account, click no link, pay no deposit "
        "(a seller lost 35,000 CNY this way)",
        _rx(
            r"解冻|冻结|解封|激活账户|(?:账户|账号|帐户|帐号).{0,4}(?:异常|锁定|验证|被封|封了|受限|激活)|保证金|验证码|认证费|激活费|"
            r"unfreez|un-freez|unfrozen|"
            r"\b(?:account|payment|funds?|money|card|wallet)\w* (?:is |are |was |were |has been |have been |got |will be )?"
            r"(?:frozen|locked|suspended|blocked|restricted|on hold|deactivated|abnormal)\b|"
            r"\b(?:verify|verification|unlock|activate|activation|reactivate|unblock) (?:of )?(?:the |your |my |our )?"
            r"(?:account|payment|card|funds)|"
            r"\bverification (?:fee|code|link)|\bsecurity deposit|\bactivation fee|\bunlock fee|"
            r"\bclick (?:on )?(?:this|the|my) link|\bscan (?:this|the|my) qr ?code|扫(?:这个|一下)?二维码"
        ),
        together=((_ACCOUNT, _THREAT, _ACT), (_VERIFY, _PAY_FEE)),
    ),
    ScamPattern(
        "private_deal",
        2,
        "私下交易 deal off the platform",
        "订单和付款留在平台上(信用保障), 不私下交易 / keep the order and payment on the platform (Trade Assurance)",
        _rx(
            r"私下(?:交易|付款|转账|成交)?|私单|不走平台|绕过平台|绕开平台|平台外(?:交易|付款)|不通过(?:阿里|平台|1688)|脱离平台|"
            r"\bprivate (?:deal|transaction|order|trade|payment)|\bdeal (?:privately|in private)|"
            r"\boutside (?:of )?(?:alibaba|the platform|trade assurance|1688)|"
            r"\b(?:bypass|avoid|skip|without using) (?:the )?(?:alibaba|platform|trade assurance|1688)|"
            r"\bnot (?:on|through|via|using|use) (?:alibaba|the platform|trade assurance)|\boff (?:the )?platform|"
            r"\b(?:pay|send (?:you )?(?:the )?money|transfer|payment)\b.{0,20}\b(?:another|other|a different) "
            r"(?:way|method|channel)"
        ),
        together=((_SKIP_PLATFORM,),),
    ),
    ScamPattern(
        "cannot_order",
        2,
        "下不了单 says cannot place the order",
        "耐心教他怎么下单, 实在不会就签合同走银行打款 / patiently show how to order, if that fails a contract and "
        "a bank transfer",
        _rx(
            r"下不了单|无法下单|不能下单|下单失败|拍不了|拍不下|不会下单|没法下单|下单不成功|提交不了订单|订单提交失败|下单有问题|"
            r"下不了订单|不能拍|拍不成|"
            rf"\b{_CANT}(?:plac|mak|creat|submit|complet|finish|confirm|put)(?:e|es|ed|ing)? "
            r"(?:the |an |my |this |our |a )?order|"
            r"\border (?:page |button |system )?(?:won't|will not|doesn't|does not|didn't|did not|can't|cannot) "
            r"(?:go through|work|submit|open|load)|"
            r"\b(?:system|website|site|platform|app) (?:won't|will not|doesn't|does not|didn't|did not) "
            r"(?:let|allow) (?:me|us) (?:to )?(?:order|place|buy|check ?out)|"
            r"\berror when (?:i |we )?(?:try(?:ing)? to )?(?:order|place|check ?out)"
        ),
        together=((_ORDER, _FAILS),),
    ),
    ScamPattern(
        "cannot_pay",
        2,
        "付不了款 says cannot pay",
        "耐心教他怎么付款, 实在不行就签合同走银行打款 / patiently show how to pay, if that fails a contract and "
        "a bank transfer",
        _rx(
            r"付不了款?|无法付款|不能付款|付款失败|支付不了|支付失败|付不出去|付不进去|没法付款|付款不成功|付款有问题|打不了款|"
            r"转不了账|付款被拒|卡被拒|"
            rf"\b{_CANT}(?:make (?:the |a )?|complete (?:the )?)?pa(?:y|ying|yment)\b|"
            r"\bpayment (?:has |have )?(?:failed|fails|failure|declined|was declined|rejected|was rejected|"
            r"(?:is |was )?not going through|didn't go through|did not go through|won't go through|"
            r"doesn't go through|does not go through|error)|"
            r"\bcard (?:was |is |got |has been )?(?:declined|rejected|not accepted|doesn't work|does not work)|"
            r"\b(?:can ?not|can't|unable to) (?:use|pay with|pay by|pay through) (?:my )?(?:card|credit card|"
            r"trade assurance|alibaba)"
        ),
        together=((_PAYING, _FAILS),),
    ),
    ScamPattern(
        "close_order",
        2,
        "关闭订单改地址 asks you to close the order (to change the address)",
        "告诉他你没有权限替客户关闭订单, 让他自己关闭、改好地址再下单 / say you have no permission to close orders: "
        "the buyer closes it, fixes the address and orders again",
        _rx(
            r"(?:关闭|关掉|取消|帮我关|关一下|撤销|删除|撤掉)(?:一下)?(?:这个|这笔|该|我的)?订单|关单|取消交易|"
            r"订单(?:给我|帮我)?(?:关掉|关闭|取消|撤销|删掉|关了)|"
            r"\b(?:close|cancel|delete|void|remove|withdraw) (?:the |my |this |that |our |your )?(?:current |existing )?"
            r"order\b"
        ),
        together=((_CLOSE, _ORDER, _ADDRESS), (_CLOSE, _ORDER)),
        scope="message",
    ),
    ScamPattern(
        "third_party_payer",
        2,
        "第三方付款 payment from a third party",
        "只收合同上买家公司的付款, 多付一律不退 / accept payment only from the buyer company in the contract, "
        "refund no overpayment",
        _rx(
            r"(?:朋友|代理|亲戚|家人|同事|表哥)[^，。,.]{0,4}(?:转|付|打|汇)(?:给你|款|钱)|"
            r"\b(?:my|our) (?:friend|agent|partner|cousin|relative|brother|sister|colleague|client)\w*(?: \w+)? "
            r"(?:will|would|is going to|can) (?:pay|send|transfer|wire)\b|"
            r"\bpayment (?:will )?(?:come|comes|be made|be sent) (?:from|by) (?:my|our|a) (?:friend|agent|partner|"
            r"cousin|relative|third)"
        ),
        together=((_THIRD_PAYS,),),
    ),
    ScamPattern(
        "qq",
        2,
        "转 QQ 聊 moves the chat to QQ",
        "留在平台沟通, 不去 QQ (种子 002 的受骗案例) / keep the talk on the platform: the seed's reader lost "
        "35,000 CNY on QQ",
        _rx(r"(?<![a-z0-9])qq(?![a-z])|扣扣"),
    ),
    ScamPattern(
        "off_platform",
        1,
        "站外联系 contact off the platform",
        "可以加联系方式, 但订单和付款留在平台 / fine to talk there, but keep the order and payment on the platform",
        _rx(
            r"微信|加微|vx|v信|wechat|we chat|weixin|whats ?app|telegram|skype|viber|line id|"
            r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|\+ ?\d[\d ()-]{7,}\d|"
            r"\b(?:add|contact|reach|call|text|message) (?:me|us) (?:on|via|at|by|in)\b"
        ),
    ),
)
_LEVEL = {3: "高", 2: "中", 1: "低"}


_SENTENCE = re.compile(r"(?<!\d)[.!?。！？;；\n]+(?!\d)")


def _found(p: ScamPattern, text: str, sentences: list[str]) -> bool:
    if p.regex.search(text):
        return True
    parts = [text] if p.scope == "message" else sentences
    return any(all(rx.search(s) for rx in group) for group in p.together for s in parts)


def _matches(message: str) -> list[ScamPattern]:
    norm = unicodedata.normalize("NFKC", message).replace("’", "'")
    sentences = [" ".join(s.split()) for s in _SENTENCE.split(norm) if s.strip()]
    text = " ".join(norm.split())
    return [p for p in PATTERNS if _found(p, text, sentences)]


def _level(hits: list[ScamPattern]) -> str:
    total = sum(p.points for p in hits)
    return "高" if any(p.points >= 3 for p in hits) or total >= 4 else "中" if total >= 2 else "低"


def _risk(message: str) -> Any:
    if not message.strip():
        return None
    hits = _matches(message)
    if not hits:
        return "低"
    return f"{_level(hits)}: " + "; ".join(f"{p.name} → {p.advice}" for p in hits)


def _advice(message: str) -> Any:
    if not message.strip():
        return None
    return "; ".join(p.advice for p in _matches(message))


@excel(
    "SCAM_RISK",
    "骗子风险 Scam risk 高/中/低 with the matched pattern and the seed's advice (seed 002 防骗技巧).",
    "text",
    help={
        "message": "买家消息 buyer message",
    },
    source="seed 002 防骗技巧",
    example='`=SCAM_RISK("I paid too much by mistake, please refund the excess") → 高: 多付退差价 overpay and refund the difference → 严词拒绝, 绝不退差价 …`',
)
def scam_risk(message: Any) -> Any:
    """Scam risk 骗子风险 of a buyer message: ``"高: pattern → advice"``, ``"中: …"`` or ``"低"`` (seed 002 防骗技巧).

    Recognises the seed's patterns in paraphrase, Chinese and English: overpay and refund
    the difference, inflate the invoice, pay to a third party, "unfreeze"/verify an account,
    deal off the platform, cannot place the order, cannot pay, close the order to change
    the address, payment from a third party, moving to QQ; contact details off the platform
    are a note.  Each matched pattern comes with the seed's advice.  Blank gives a blank.

    Examples
    --------
    >>> scam_risk("I can't place the order, please help").split(" → ")[0]
    '中: 下不了单 says cannot place the order'
    >>> scam_risk("I paid too much by mistake, please refund the excess")
    '高: 多付退差价 overpay and refund the difference → 严词拒绝, 绝不退差价 / refuse firmly: never refund a difference'
    >>> scam_risk("Please add my QQ to unfreeze your account")[:2]
    '高:'
    >>> scam_risk("Please send your price list for 500 harnesses, FOB Ningbo")
    '低'
    """
    (m,), shape = broadcast(message)
    col = C.text(m, "message")
    out = C.map_distinct(_risk, col.values)
    return restore(finish(out, col), shape)


@excel(
    "SCAM_ADVICE",
    "防骗建议 Scam advice: what seed 002 says to do about the patterns in a buyer message.",
    "text",
    help={
        "message": "买家消息 buyer message",
    },
    source="seed 002 防骗技巧",
    example='`=SCAM_ADVICE("我下不了单") → 耐心教他怎么下单, 实在不会就签合同走银行打款 / …`',
)
def scam_advice(message: Any) -> Any:
    """Scam advice 防骗建议: what seed 002 says to do about the patterns in a buyer message; ``""`` when none.

    Examples
    --------
    >>> scam_advice("我下不了单, 你先关闭订单我改一下地址").split("; ")[1].split(",")[0]
    '告诉他你没有权限替客户关闭订单'
    >>> scam_advice("What is your MOQ for the LED collar?")
    ''
    """
    (m,), shape = broadcast(message)
    col = C.text(m, "message")
    out = C.map_distinct(_advice, col.values)
    return restore(finish(out, col), shape)
