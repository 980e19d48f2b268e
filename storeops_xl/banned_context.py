"""When a banned term is not a violation: the context rules behind :mod:`.banned`.

A term from the built-in lists is judged in its sentence, the way the regulator and the
platforms read it:

* **广告法 absolute terms** (《广告法》第九条第三项) follow the regulator's 2023 guide
  (《广告绝对化用语执法指南》, 市场监管总局): 最近 "recently", 最后, 最初, 最终, 最早, 最晚, ordinals
  (第一次, 第一步, 第一时间, 第一代 …) and product words (万能轮, 唯一码, 百分百纯棉 …) are no claim at
  all; self-comparison (本店最轻的一款, "our best version yet"), usage tips (最佳使用时间, 最好在
  开封后 3 个月内使用, "best before", "for best results"), specifications (最大承重 50kg, 最低起订量,
  最小号), mottos and goals (顾客第一, 追求最好) and official titles (国家级非物质文化遗产) are
  **warnings**: allowed by the guide, but a platform filter may still flag them.  Every other
  "最X", 第一, 唯一, 顶级 … is a claim about the product: banned.
* **Replica terms** before a material or product word are materials, not counterfeits:
  "fake fur", "faux leather", "fake grass", "imitation pearl", "copy paper", "1:1 scale",
  "mixing ratio 1:1".
* **Brands** that are also ordinary words: "LV" before cable/switchgear (low voltage),
  "Kong" in "Hong Kong", "Vans" after cargo/camper/delivery.
* **Medical claims**: "treat"/"prevent" count only before a disease ("dog treats" are snacks);
  "self-healing" materials and curing resins ("UV cure", "fast cure epoxy") are not claims.
* **Contact details** are found by patterns: e-mail addresses, web links (not alibaba.com /
  1688.com), phone numbers with a country code, Chinese mobile and landline numbers.

:func:`judge` answers for one match: ``None`` (no finding), ``("warn", reason)`` or
``("block", "")``.  Texts arrive normalised (NFKC, lower case, single spaces, "-" as a space).
"""

from __future__ import annotations

import re

__all__ = ["PATTERNS", "REASONS", "judge"]

#: Bilingual reasons of the warnings (and the one word shown in a cell).
REASONS = {
    "self": "自我比较 self-comparison",
    "usage": "使用提示 usage tip",
    "spec": "参数描述 specification",
    "motto": "经营理念 motto or goal",
    "title": "官方称号 official title, keep the proof",
}

_CJK = "\u3400-\u9fff\uf900-\ufaff"
# ---------------------------------------------------------------- 广告法 absolute terms
_NOT_A_CLAIM_ZUI = frozenset("近后初终早晚迟")  # 最近 recently, 最后 last, 最初, 最终, 最早, 最晚, 最迟
_SPEC_ZUI = frozenset("大小高低少多长短宽窄重轻")
_SPEC_NOUN = re.compile(
    r"\s*(?:可|能|可以)?(?:承重|载重|负重|承载|载荷|负载|尺寸|容量|功率|温度|耐温|速度|转速|压力|耐压|拉力|扭矩|流量|扬程|"
    r"长度|宽度|高度|厚度|深度|直径|口径|面积|体积|重量|体重|胸围|颈围|年龄|起订|订[购货]?量|批量|数量|件数|电流|电压|"
    r"输出|续航|距离|支持|适用|可调|调节|可达|伸缩|延伸|拉伸|号|码|尺码|档|\d)"
)
_USAGE_ZUI = re.compile(
    r"(?:使用|食用|饮用|服用|赏味|保存|储存|存放|种植|播种|观赏|佩戴|穿着|饮|食)?(?:时间|时期|时段|季节|温度|期限?|方法|方式)"
)
_SELF = re.compile(r"本店|本品牌|我们|我司|本公司|自家|本系列|本厂|我店|店内|本款|旗下|我家|本司|我厂")
_SELF_AFTER = re.compile(r"上一代|上代|前代|旧款|老款|以往|之前的")
_GOAL = re.compile(r"追求|力求|争做|致力|努力|做到|只为|力争|立志")
_MOTTO_FIRST = re.compile(r"(?:顾客|客户|用户|服务|质量|品质|安全|信誉|诚信|客人)$")
_ORDINAL_FIRST = re.compile(r"次|步|天|日|批|代|期|季|件|层|手|届|站|时间|章|节|条|排|轮|阶段|部分|名?单")
_NO_CLAIM_AFTER = {
    "唯一": re.compile(r"(?:识别)?(?:码|编码|标识|序列号|id)"),
    "绝对": re.compile(r"值"),
    "万能": re.compile(r"轮|表|胶|扳手|钥匙|充|角码|夹|接头|插座|转换"),
    "百分百": re.compile(r"\s*(?:纯|全棉|棉|真皮|羊毛|蚕丝|涤纶|聚酯|纤维|天然)"),
}
_TITLE_AFTER = {"国家级": re.compile(r"非物质文化遗产|非遗|高新技术|专精特新|重点实验室|检测中心|工程技术")}

# ---------------------------------------------------------------- misleading English claims
_BEST_NO_CLAIM = re.compile(r"best (?:before|by (?=\d|date|end))")
_BEST_USAGE = re.compile(
    r"(?:\bfor best (?:results?|performance|effect)|\b(?:works?|used?|served?|stored?|kept?|keeps?|fits?) best\b|"
    r"\bbest (?:used|served|stored|kept|enjoyed|consumed|worn|when|within)\b)"
)
_BEST_SELF = re.compile(
    r"\bour (?:\w+ ){0,3}best\b|\bbest (?:\w+ ){0,4}(?:yet|ever made|we (?:have|'ve) (?:ever )?made|so far)\b"
)
_SIZE_BEFORE = re.compile(r"(?:size|model|item|style|art|part|hook|type|grade|no\.?) ?$")

# ---------------------------------------------------------------- replicas as materials
_COLOUR = (
    r"(?:black|white|red|green|blue|pink|grey|gray|brown|yellow|purple|orange|gold|golden|silver|beige|"
    r"natural|soft|long|short|thick|real looking|realistic) "
)
_MATERIAL = re.compile(
    r" (?:" + _COLOUR + r")?(?:fur|furs|leather|suede|grass|turf|lawn|plant|plants|flower|flowers|tree|trees|"
    r"nail|nails|eyelash|eyelashes|lash|lashes|moss|snow|ivy|vine|vines|succulent|succulents|fruit|fruits|food|"
    r"cake|cakes|tattoo|tattoos|blood|hair|wig|pearl|pearls|jewelry|jewellery|gold|silver|stone|marble|wood|"
    r"crystal|rattan|bamboo|wool|silk|down|feather|feathers|paper|machine|machines|stand|holder|book|books|"
    r"printer|printers|scale|mink)\b"
)
_MATERIAL_TERMS = frozenset({"fake", "imitation", "copy", "1:1"})
_RATIO_AFTER = re.compile(r" (?:ratio|mix|mixing|scale)\b")
_RATIO_BEFORE = re.compile(r"(?:ratio|mix|mixing|mixed|scale|at|by) $")
# ---------------------------------------------------------------- brands that are words
_NOT_BRAND_AFTER = {
    "lv": re.compile(
        r" (?:cable|cables|switchgear|transformer|transformers|voltage|panel|panels|breaker|breakers|motor|"
        r"motors|power|distribution|side|line|lines|network|substation)\b"
    ),
}
_NOT_BRAND_BEFORE = {
    "kong": re.compile(r"hong $"),
    "vans": re.compile(r"(?:cargo|camper|delivery|passenger|mini|electric|panel|food) $"),
}
# ---------------------------------------------------------------- medical
_CURE_MATERIAL = re.compile(r"(?:uv|fast|quick|rapid|slow|room temperature|heat|moisture|light) $")
_CURE_AFTER = re.compile(r" (?:time|temperature|resin|adhesive|glue|lamp|light|agent|system)\b")

#: Patterns that find a term no list can hold: (group, regex).  Phone numbers, e-mail
#: addresses, web links; disease claims.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # (a "-" in the address arrives as a space: sales@pet-co.com is matched as "sales@pet co.com")
    ("contact", re.compile(r"[a-z0-9._%+]+@[a-z0-9]+(?:[. ][a-z0-9]+)*\.[a-z]{2,}")),
    ("contact", re.compile(r"(?:https?://|www\.)(?!(?:[a-z0-9]+\.)*(?:alibaba|1688)\.com)[^\s,;，；]+|wa\.me/\S+")),
    ("contact", re.compile(r"(?<![\w+])\+ ?\d{1,3}[ .]?\(?\d{1,4}\)?(?:[ .]?\d{2,4}){2,4}(?!\d)")),
    ("contact", re.compile(r"(?<!\d)1[3-9]\d(?: ?\d{4}){2}(?!\d)")),
    ("contact", re.compile(r"(?<![\d+])0\d{2,3} ?\d{7,8}(?!\d)")),
    (
        "medical",
        re.compile(
            r"\b(?:treat|treats|treating|prevent|prevents|preventing)(?: \w+)? (?:arthritis|cancer|cancers|diabetes|"
            r"disease|diseases|infection|infections|inflammation|eczema|psoriasis|acne|insomnia|depression|anxiety|"
            r"hypertension|covid|virus|viruses|flu|tumou?rs?)\b"
        ),
    ),
)


def _absolute(term: str, text: str, s: int, e: int) -> tuple[str, str] | None:
    before, after = text[max(0, s - 10) : s], text[e : e + 12]
    if term.startswith("最") and len(term) == 2:
        second = term[1]
        if second in _NOT_A_CLAIM_ZUI:
            return None
        if second in _SPEC_ZUI and _SPEC_NOUN.match(after):
            return ("warn", "spec")
        if second == "佳" and _USAGE_ZUI.match(after):
            return ("warn", "usage")
        if second == "好" and re.match(r"(?:在|于|是在)", after):
            return ("warn", "usage")
    if term in ("最", "第一") or term.startswith("最"):
        if _GOAL.search(before[-4:]):
            return ("warn", "motto")
        if _SELF.search(before) or _SELF_AFTER.search(after):
            return ("warn", "self")
    if term == "第一":
        if _ORDINAL_FIRST.match(after):
            return None
        if _MOTTO_FIRST.search(before):
            return ("warn", "motto")
    rule = _NO_CLAIM_AFTER.get(term)
    if rule is not None and rule.match(after):
        return None
    rule = _TITLE_AFTER.get(term)
    if rule is not None and rule.match(after):
        return ("warn", "title")
    return ("block", "")


def _misleading(term: str, text: str, s: int, e: int) -> tuple[str, str] | None:
    if term.startswith("best"):
        window = text[max(0, s - 30) : e + 40]
        if _BEST_NO_CLAIM.match(text, s):
            return None
        if term == "best" and _BEST_USAGE.search(window):
            return ("warn", "usage")
        if _BEST_SELF.search(window):
            return ("warn", "self")
    if term in ("#1", "no.1", "no. 1", "no 1") and _SIZE_BEFORE.search(text[max(0, s - 8) : s]):
        return None
    return ("block", "")


def judge(group: str, term: str, text: str, s: int, e: int) -> tuple[str, str] | None:
    """The verdict on ``term`` (group ``group``) found at ``text[s:e]``.

    Returns ``None`` (not a violation here), ``("warn", reason key)`` or ``("block", "")``.

    Examples
    --------
    >>> judge("absolute_zh", "最近", "最近上新", 0, 2) is None
    True
    >>> judge("absolute_zh", "最大", "最大承重 50kg", 0, 2)
    ('warn', 'spec')
    >>> judge("counterfeit", "fake", "fake fur collar", 0, 4) is None
    True
    >>> judge("brands", "lv", "lv cable 3 core", 0, 2) is None
    True
    """
    if group == "absolute_zh":
        return _absolute(term, text, s, e)
    if group == "misleading_en":
        return _misleading(term, text, s, e)
    if group == "counterfeit" and term in _MATERIAL_TERMS and _MATERIAL.match(text, e):
        return None
    if term == "1:1" and (_RATIO_AFTER.match(text, e) or _RATIO_BEFORE.search(text[max(0, s - 12) : s])):
        return None
    if group == "brands":
        rule = _NOT_BRAND_AFTER.get(term)
        if rule is not None and rule.match(text, e):
            return None
        rule = _NOT_BRAND_BEFORE.get(term)
        if rule is not None and rule.search(text[max(0, s - 12) : s]):
            return None
    if group == "medical":
        if term in ("healing", "heal", "heals") and text[max(0, s - 5) : s] == "self ":
            return None
        if term in ("cure", "cures", "cured") and (
            _CURE_MATERIAL.search(text[max(0, s - 18) : s]) or _CURE_AFTER.match(text, e)
        ):
            return None
    return ("block", "")
