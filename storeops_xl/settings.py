"""Settings 设置: every threshold of the method as a named workbook cell ``cfg_*``.

The workbook's 设置 Settings sheet holds one named cell per entry of :data:`SETTINGS`;
formulas pass those cells explicitly (``=BUYER_CLASS([@OrderUSD],[@PaidOrders],
[@SampleOrders],cfg_class_a_usd,cfg_class_a_repeat)``) so Excel recomputes when a
setting changes.  Every core function takes the same thresholds as trailing optional
parameters; a blank (``None``) parameter means "use the default below".

Examples
--------
>>> DEFAULTS["cfg_class_a_usd"]
10000
>>> setting("cfg_cadence_d").description.startswith("D 类")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULTS", "DESCRIPTIONS", "SETTINGS", "Setting", "setting"]


@dataclass(frozen=True)
class Setting:
    """One named cell of the Settings sheet: name, default value, bilingual description, and
    the number format when the default (blank) does not tell it."""

    name: str
    default: Any
    description: str
    fmt: str | None = None


SETTINGS: tuple[Setting, ...] = (
    # buyer classes (seed 000 买家分类)
    Setting(
        "cfg_class_a_usd",
        10000,
        "A 类(大B)买家的 12 个月订单金额门槛 USD / order USD (12 months) that makes a buyer class A",
    ),
    Setting("cfg_class_a_repeat", 3, "A 类买家的付款订单数门槛 / paid orders that make a buyer class A (repeat buyer)"),
    # follow-up cadence (days)
    Setting("cfg_cadence_a", 7, "A 类买家跟进间隔(天) / days between touches for class A buyers"),
    Setting("cfg_cadence_b", 14, "B 类(小单)买家跟进间隔(天) / days between touches for class B buyers"),
    Setting("cfg_cadence_c", 5, "C 类(样品)买家跟进间隔(天) / days between touches for class C (sample) buyers"),
    Setting("cfg_cadence_d", 3, "D 类(询盘/潜在)买家跟进间隔(天) / days between touches for class D (inquiry) buyers"),
    # replies (Alibaba 及时回复率; seed 000: 4 h)
    Setting(
        "cfg_reply_inquiry_h", 24, "询盘及时回复时限(小时) / hours within which an inquiry counts as answered in time"
    ),
    Setting(
        "cfg_reply_tm_h", 1, "TM/旺旺及时回复时限(小时) / hours within which a TM message counts as answered in time"
    ),
    Setting(
        "cfg_reply_target_h",
        4,
        "本店自定回复目标(小时, 种子文章: 4 小时) / the shop's own stricter reply target in hours",
    ),
    Setting(
        "cfg_reply_rule",
        "alibaba",
        "平台回复规则: alibaba = 国际站现行(每位买家当天首条消息 24 小时内回复, 不分询盘/TM, 30 天); "
        "alibaba_2024 = 旧规则(询盘 24 小时, TM 1 小时); 1688 = 旺旺 3 分钟 / the platform's reply rule: "
        "alibaba = Alibaba.com's current rule (each buyer's first message of the day within 24 h, 30 days); "
        "alibaba_2024 = the older rule (inquiry 24 h, TM 1 h); 1688 = 旺旺 within 3 minutes",
    ),
    Setting("cfg_reply_1688_min", 3, "1688 旺旺响应时限(分钟) / 1688: minutes within which a 旺旺 message counts"),
    Setting(
        "cfg_reply_window_d", 30, "及时回复率统计天数(平台: 30 天) / days the timely-reply rate covers (platform: 30)"
    ),
    Setting(
        "cfg_clock_offset_h",
        16,
        "中国时间比平台日历(美国太平洋时间)快几小时: 冬令时 16, 夏令时 15; 用于 30 天窗口的起点 / hours China "
        "time is ahead of the platform's day clock (US Pacific): 16 in winter, 15 in summer; moves the start "
        "of the 30-day window",
    ),
    Setting("cfg_fx_usd_cny", 7.2, "汇率: 1 美元 = ? 人民币 / exchange rate: CNY per USD (orders and costs in CNY)"),
    # titles (SPEC §4)
    Setting("cfg_platform", "alibaba", "平台: alibaba(国际站) 或 1688 / platform: alibaba (Alibaba.com) or 1688"),
    Setting("cfg_title_max", 128, "国际站标题最大字符数 / Alibaba.com title hard limit in characters"),
    Setting(
        "cfg_title_min",
        50,
        "国际站标题建议最少字符数 / Alibaba.com title: shortest length that earns full length points",
    ),
    Setting("cfg_title_max_1688", 60, "1688 标题最大长度(汉字算 2) / 1688 title limit, a Chinese character counts 2"),
    Setting(
        "cfg_title_min_1688",
        40,
        "1688 标题建议最少长度(汉字算 2) / 1688 title: shortest length that earns full length points",
    ),
    Setting("cfg_title_good", 60, "合格标题分(五星产品需要) / title score a five-star listing needs"),
    Setting(
        "cfg_allowed_words",
        None,
        "允许词: 本店注册商标、型号等, 分号分隔, 不算违禁词 / terms the shop may use (its registered trademarks, "
        "model names), ;-separated: never reported as banned",
        "text",
    ),
    Setting(
        "cfg_quality_target",
        4.5,
        "国际站信息质量分目标(0–5), 达到即五星 / Alibaba.com information quality score target (0–5): five stars",
    ),
    # keywords and P4P
    Setting("cfg_kw_index_min", 200, "机会词: 关键词指数下限 / opportunity word: minimum keyword index"),
    Setting("cfg_seller_index_max", 10, "机会词: 卖家规模指数上限 / opportunity word: maximum seller-scale index"),
    Setting("cfg_target_cpi", 30, "直通车目标单询盘成本 USD / P4P target cost per inquiry (USD)"),
    # products
    Setting(
        "cfg_replace_rounds",
        3,
        "优化几轮无效果后换链接(种子 000: 3 次) / optimisation rounds without improvement before a new link",
    ),
    Setting("cfg_shop_min_products", 50, "店铺产品数下限(种子 002: 50) / fewer products than this is too thin"),
    Setting(
        "cfg_shop_new_products", 60, "新手运营合适的产品数上限(50–60) / upper end of the right range for a new operator"
    ),
    Setting("cfg_shop_max_products", 100, "店铺产品数上限(超过难以运营) / more products than this is hard to run"),
    Setting("cfg_zero_effect_max", 0.3, "零效果产品占比警戒线 / share of zero-effect products that needs action"),
    # people
    Setting("cfg_close_strong", 0.7, "成交率强(好客服拿下 70% 询盘客户) / close rate of a strong salesperson"),
    Setting("cfg_close_weak", 0.1, "成交率弱(差客服不到 10%) / close rate of a weak salesperson"),
    Setting("cfg_pace_ahead", 1.05, "进度领先的比率 / pace ratio at or above which the team is ahead (领先)"),
    Setting("cfg_pace_behind", 0.9, "进度落后的比率 / pace ratio below which the team is behind (落后)"),
    Setting("cfg_pk_cap", 1.5, "PK 单项完成率封顶 / cap on one metric's achievement in the PK score"),
    # statistics: how much data a judgement needs
    Setting(
        "cfg_min_impressions",
        100,
        "最少曝光: 少于此数不判断点击率(数据太少) / fewer impressions than this: too little data to judge CTR",
    ),
    Setting(
        "cfg_min_visitors",
        30,
        "最少访客/点击: 少于此数不判断跳失率、询盘率、转化率和直通车单询盘成本 / fewer visitors (P4P clicks) than "
        "this: too little data to judge bounce, inquiry rate, conversion or P4P cost per inquiry",
    ),
    Setting(
        "cfg_confidence",
        0.9,
        "置信度: '点击率低'等结论要求 Wilson 区间整体低于基准; 0 = 只看数值 / confidence: a 'low CTR' verdict needs "
        "the Wilson interval below the benchmark; 0 = point estimate only",
    ),
    # funnel benchmarks: blank = the shop's own median (rows with enough data), or type the
    # Data Manager's peer average (同行平均)
    Setting(
        "cfg_bench_impressions",
        None,
        "漏斗基准: 每期曝光; 空 = 本店中位数, 或填数据管家同行平均 / benchmark impressions per period; blank = the "
        "shop's median, or type the Data Manager's peer average",
        "int",
    ),
    Setting(
        "cfg_bench_ctr",
        None,
        "漏斗基准: 点击率; 空 = 本店中位数 / benchmark click-through rate; blank = the shop's median",
        "percent",
    ),
    Setting(
        "cfg_bench_bounce",
        None,
        "漏斗基准: 跳失率上限; 空 = 本店中位数 / benchmark bounce rate (higher is worse); blank = the shop's median",
        "percent",
    ),
    Setting(
        "cfg_bench_inquiry_rate",
        None,
        "漏斗基准: 询盘率; 空 = 本店中位数 / benchmark inquiry rate (inquiring buyers ÷ visitors); blank = the shop's "
        "median",
        "percent",
    ),
    Setting(
        "cfg_bench_conversion",
        None,
        "漏斗基准: 成交转化率; 空 = 本店中位数 / benchmark conversion (paying buyers ÷ visitors); blank = the shop's "
        "median",
        "percent",
    ),
)

#: ``cfg_*`` name → default value.
DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
#: ``cfg_*`` name → bilingual description (Chinese first).
DESCRIPTIONS: dict[str, str] = {s.name: s.description for s in SETTINGS}


def setting(name: str) -> Setting:
    """The :class:`Setting` called ``name`` (``KeyError`` for an unknown name)."""
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)
