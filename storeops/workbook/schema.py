"""The StoreOps workbook, declared once: sheets, tables, columns, formulas, named cells.

Everything that reads or writes the workbook goes through this contract: the builder
(``storeops build``), the headless engine's tests, the importers, ``merge``, ``check``,
``review`` and the demo.  A column is addressed by its ``key`` in code and shown with its
bilingual ``header`` (Chinese first) in Excel; the header text is the Excel Table column
name.

Formula templates
-----------------
Column formulas are written once per data row with same-row A1 references:

* ``{key}``          → the cell of column ``key`` in the same row of the same table;
* ``[tblX.key]``     → the whole column as a structured reference ``tblX[header]``;
* ``cfg_*`` and other defined names are used as they are;
* every function is a StoreOps UDF (``storeops_xl.FUNCTIONS``) or a native function the
  headless engine evaluates (``storeops.engine.NATIVE_FUNCTIONS``).

Summary cells (``Cell``) sit above or beside the tables, carry a defined name and may
use the same template syntax except ``{key}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from storeops_xl import followup
from storeops_xl.followup import REPLY_RULES
from storeops_xl.funnel_diag import NATIVE_HELPERS, native_columns
from storeops_xl.goals import GOAL_STATES
from storeops_xl.orders import CURRENCIES, KINDS, PAID, SAMPLE, STATUSES

from . import dated as D

#: Version of the workbook layout this code writes and reads, stamped in every workbook it
#: builds as the custom document property ``StoreOpsSchemaVersion``.  Whoever changes the tables
#: so that an older file can no longer be merged with a new one bumps it by one (and adds the
#: layout and a migration step: :mod:`storeops.workbook.migrate`).  3: tblFollow gained
#: clash / prev_salesperson / buyer_id / sync_mark at its right end, tblBuyerSummary the
#: submitted-since-last-workday columns, Settings ``cfg_last_workday`` (issue 10).  4: the dated
#: order log (订单 Orders, ``tblOrders``, finding the buyer by tblFollow's ``buyer_id``);
#: Follow-up's sample/paid orders and order USD are computed from it (typed totals of older files
#: become dated opening entries, :mod:`storeops.workbook.opening`), goal dates and reply columns
#: added (issue 11).  5: tblFunnel's diagnosis is FUNNEL_DIAG's native twin, with four hidden
#: helper columns at the table's right end (issue 9; input columns unchanged, older files are
#: rebuilt by ``storeops migrate`` so their diagnosis is native too).
SCHEMA_VERSION = 5

Fmt = Literal["text", "int", "number", "money", "cny", "percent", "date", "datetime", "hours", "bool", "score"]
Kind = Literal["input", "formula"]


@dataclass(frozen=True)
class Col:
    """One Excel Table column."""

    key: str
    header: str
    kind: Kind = "input"
    fmt: Fmt = "text"
    formula: str | None = None
    choices: str | None = None  # name of a LISTS entry or "=range" for data validation
    width: float = 12
    required: bool = False  # `storeops check` flags a blank on a row that has other data
    help: str = ""
    hidden: bool = False  # a column StoreOps keeps for itself (hidden in Excel)


@dataclass(frozen=True)
class Table:
    """One Excel Table (ListObject) on a sheet."""

    name: str
    sheet: str
    title: str
    columns: tuple[Col, ...]
    anchor_row: int = 1  # 0-based row of the header in the sheet (cells above are titles/summary)
    anchor_col: int = 0

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def col(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name} has no column {key!r}")

    def header(self, key: str) -> str:
        return self.col(key).header

    @property
    def inputs(self) -> list[Col]:
        return [c for c in self.columns if c.kind == "input"]

    @property
    def formulas(self) -> list[Col]:
        return [c for c in self.columns if c.kind == "formula"]

    def key_by_header(self) -> dict[str, str]:
        return {c.header: c.key for c in self.columns}


@dataclass(frozen=True)
class Cell:
    """A named single cell outside tables: a setting (input) or a summary (formula)."""

    name: str
    label: str
    value: object = None  # default input value, or None
    formula: str | None = None
    fmt: Fmt = "number"
    help: str = ""
    choices: str | None = None  # a LISTS entry: a drop-down on an input cell


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str
    purpose: str
    tables: tuple[str, ...] = ()
    cells: tuple[Cell, ...] = field(default=())


# --------------------------------------------------------------------------- lists
LISTS: dict[str, tuple[str, ...]] = {
    "source": (
        "询盘 Inquiry",
        "TM",
        "RFQ",
        "访客营销 Visitor marketing",
        "客户通 Customer hub",
        "EDM",
        "展会 Trade show",
        "老客户 Old buyer",
    ),
    "channel": followup.CHANNELS,
    "stage": followup.STAGES,
    "yesno": ("是 Yes", "否 No"),
    "platform": ("alibaba", "1688"),
    "kw_type": ("热词 Hot", "潜力词 Potential", "核心词 Core"),
    "hot_type": ("热销 Hot seller", "趋势 Trend", "蓝海 Blue ocean", "周边 Related"),
    "pipeline": (
        "1 市场调研 Research",
        "2 找品 Find product",
        "3 找词 Find keywords",
        "4 上品 List",
        "5 推广 Promote",
        "6 数据分析 Analyse",
        "7 二次优化 Re-optimise",
    ),
    "funnel_kind": ("产品 Product", "关键词 Keyword", "全店 Shop"),
    "order_kind": KINDS,
    "order_status": STATUSES,
    "currency": CURRENCIES,
    "reply_rule": REPLY_RULES,
    "pk_period": ("本周 Week", "本月 Month", "本年 Year"),
    "goal_status": GOAL_STATES,
    "cost_type": ("平台费 Platform fee", "直通车 P4P", "展会 Trade show", "人工 Staff", "其他 Other"),
    "banned_group": (
        "绝对化用语 Absolute",
        "虚假宣传 Misleading",
        "仿冒 Replica",
        "品牌 Brand",
        "医疗 Medical",
        "自定义 Custom",
    ),
}
#: stages after which a buyer is no longer open (no next action needed): the core's rule
CLOSED_STAGES = followup.CLOSED_STAGES

S_GUIDE, S_TARGET, S_FUNNEL, S_FOLLOW = "说明 Guide", "目标 Target", "漏斗 Funnel", "跟进 Follow-up"
S_BUYERS, S_PK, S_PRODUCTS, S_KEYWORDS, S_SETTINGS = (
    "买家汇总 Buyers",
    "PK",
    "产品 Products",
    "关键词 Keywords",
    "设置 Settings",
)
S_REVIEW, S_CONF = "周复盘 Review", "xlwings.conf"
S_ORDERS = "订单 Orders"
S_CONFLICTS = "合并冲突 Conflicts"  # written by storeops merge (storeops.conflicts)
#: the named cell holding the as-of date: a value StoreOps stamps (``cfg_as_of`` or today) on
#: every build, recalc and new week, so no formula depends on the volatile TODAY()
AS_OF_CELL = "cfg_today"
#: the as-of *time* (running reply hours of unanswered messages): stamped with the as-of date's
#: end (``cfg_as_of`` + 1 day) or the moment of the recalculation
NOW_CELL = "cfg_now"
S_STAFF = "员工分析 Staff analysis"

# --------------------------------------------------------------------------- settings
# Named input cells on the Settings sheet.  Threshold defaults come from
# storeops_xl.settings.DEFAULTS (the builder writes every cfg_* listed there); these are
# the workbook-level ones plus the computed period cells every summary uses.
SETTINGS_CELLS: tuple[Cell, ...] = (
    Cell("cfg_as_of", "统计日期 As-of date (空=今天 blank = today)", None, fmt="date"),
    Cell(
        "cfg_today",
        "今天 Today (StoreOps 写入 stamped)",
        None,
        fmt="date",
        help="统计日期或今天, 每次重算/保存/新一周时写入; 不用 TODAY(), 公式不易失 / the as-of date "
        "or today, written on every recalc, save and new week (not TODAY(): no volatile formulas)",
    ),
    Cell("cfg_week_start", "本周开始 Week start (周一 Monday)", formula="cfg_today-WEEKDAY(cfg_today,2)+1", fmt="date"),
    Cell(
        "cfg_last_workday",
        "上个工作日 Last working day (周一至周五 Mon-Fri)",
        formula="cfg_today-IF(WEEKDAY(cfg_today,2)=1,3,IF(WEEKDAY(cfg_today,2)=7,2,1))",
        fmt="date",
        help="“已提交”从这天起算 / “submitted” counts updates since this day",
    ),
    Cell("cfg_month_start", "本月开始 Month start", formula="DATE(YEAR(cfg_today),MONTH(cfg_today),1)", fmt="date"),
    Cell("cfg_month", "本月 Month (1-12)", formula="MONTH(cfg_today)", fmt="int"),
    Cell("cfg_year_start", "年度开始 Year start", formula="DATE(YEAR(cfg_today),1,1)", fmt="date"),
    Cell("cfg_year_end", "年度结束 Year end", formula="DATE(YEAR(cfg_today),12,31)", fmt="date"),
    Cell(
        "cfg_now",
        "统计时刻 As-of time (StoreOps 写入 stamped)",
        None,
        fmt="datetime",
        help="未回复消息的等待小时数算到这一刻: 统计日期当天结束, 或重算的时刻 / unanswered messages wait until "
        "this moment: the end of the as-of date, or the time of the recalculation (China time)",
    ),
    Cell(
        "cfg_window_start",
        "12个月窗口开始 12-month window start",
        formula="EDATE(cfg_today,-12)+1",
        fmt="date",
        help="买家订单额/单数与类别只算这一天起的订单 / buyer order USD, order counts and class count orders from this day",
    ),
    Cell("cfg_prev_week_end", "上周结束 Last week's end (周日 Sunday)", formula="cfg_week_start-1", fmt="date"),
    Cell(
        "cfg_prev_window_start",
        "上周末的12个月窗口开始 12-month window start at last week's end",
        formula="EDATE(cfg_week_start-1,-12)+1",
        fmt="date",
    ),
    Cell(
        "cfg_reply_window_start",
        "及时率窗口开始 Reply-rate window start (中国时间 China time)",
        formula="cfg_today-cfg_reply_window_d+1+cfg_clock_offset_h/24",
        fmt="datetime",
        help="平台按美国太平洋时间的日历统计最近 30 天 / the platform counts the last 30 US Pacific days",
    ),
    Cell(
        "cfg_share_week",
        "本周季节目标占比 Week's seasonal share",
        formula="SEASON_SHARE(cfg_week_start,cfg_week_start+6,[tblSeason.weight],[tblSeason.month])",
        fmt="percent",
    ),
    Cell(
        "cfg_share_wtd",
        "本周至今占比 Week-to-date share",
        formula="SEASON_SHARE(cfg_week_start,cfg_today,[tblSeason.weight],[tblSeason.month])",
        fmt="percent",
    ),
    Cell(
        "cfg_share_mtd",
        "本月至今占比 Month-to-date share",
        formula="SEASON_SHARE(cfg_month_start,cfg_today,[tblSeason.weight],[tblSeason.month])",
        fmt="percent",
    ),
    Cell(
        "cfg_share_ytd",
        "年初至今占比 Year-to-date share",
        formula="SEASON_SHARE(cfg_year_start,cfg_today,[tblSeason.weight],[tblSeason.month])",
        fmt="percent",
    ),
    Cell(
        "cfg_pk_period",
        "PK 周期 PK period",
        "本月 Month",
        fmt="text",
        choices="pk_period",
        help="PK 表按这个周期比较 / the PK sheet compares this period",
    ),
    Cell(
        "cfg_pk_start",
        "PK 开始 PK period start",
        formula='IF(cfg_pk_period="本周 Week",cfg_week_start,IF(cfg_pk_period="本年 Year",cfg_year_start,cfg_month_start))',
        fmt="date",
    ),
    Cell(
        "cfg_pk_share",
        "PK 周期至今目标占比 PK period's share to date",
        formula="SEASON_SHARE(cfg_pk_start,cfg_today,[tblSeason.weight],[tblSeason.month])",
        fmt="percent",
    ),
    Cell("cfg_platform_fee_cny", "平台年费 Platform fee (CNY)", 29800, fmt="cny"),
    Cell("cfg_p4p_budget_cny", "直通车年预算 P4P budget (CNY)", 20000, fmt="cny"),
)
#: PK metric weights (a horizontal named range cfg_pk_weights, in this order)
PK_METRICS: tuple[tuple[str, str, float], ...] = (
    ("inquiries", "询盘数 Inquiries", 0.25),
    ("new_buyers", "新买家 New buyers", 0.30),
    ("order_usd", "订单额 Order USD", 0.30),
    ("timely", "及时回复率 Timely rate", 0.15),
)

# --------------------------------------------------------------------------- tables
T = Table

SALESPEOPLE = T(
    "tblSalespeople",
    S_SETTINGS,
    "业务员与团队 Salespeople and teams",
    (
        Col("salesperson", "业务员 Salesperson", required=True, width=14),
        Col("team", "团队 Team", required=True, width=12),
        Col("active", "在职 Active", choices="yesno", width=9),
    ),
    anchor_row=2,
    anchor_col=5,  # column E holds the last PK weight (builder's settings_sheet)
)

BANNED_WORDS = T(
    "tblBannedWords",
    S_SETTINGS,
    "自定义违禁词 Extra banned words",
    (
        Col("word", "词 Word", required=True, width=16),
        Col("group", "类别 Group", choices="banned_group", width=14),
        Col("note", "备注 Note", width=24),
    ),
    anchor_row=2,
    anchor_col=9,
)

#: the six metrics of the seed's targets (key, Chinese, English, number format)
TARGET_METRICS: tuple[tuple[str, str, str, Fmt], ...] = (
    ("sales", "销售额", "Sales USD", "money"),
    ("new_buyers", "新买家", "New buyers", "int"),
    ("repeat_buyers", "复购买家", "Repeat buyers", "int"),
    ("inquiries", "询盘", "Inquiries", "int"),
    ("rfq", "RFQ报价", "RFQ quotes", "int"),
    ("orders", "订单", "Orders", "int"),
)
#: period key of a Target actual column → (Chinese, English, start cell, PERIOD_STARTS key)
TARGET_PERIODS = (
    ("week", "本周", "this week", "cfg_week_start", "week"),
    ("month", "本月", "this month", "cfg_month_start", "month"),
    ("actual", "年初至今", "year to date", "cfg_year_start", "year"),
)


def _metric_actual(metric: str, start: str, period: str) -> str:
    if metric == "sales":
        return D.orders_sum(start)
    if metric == "orders":
        return D.orders_count(start)
    if metric == "inquiries":
        return D.follow_count(start, '[tblFollow.source],"<>RFQ"')
    if metric == "rfq":
        return D.follow_count(start, '[tblFollow.source],"RFQ"')
    if metric == "new_buyers":
        return D.new_buyers(period)
    return D.repeat_buyers(period)


def _target_columns() -> tuple[Col, ...]:
    cols = []
    for key, zh, en, fmt in TARGET_METRICS:
        for pkey, pzh, pen, start, period in TARGET_PERIODS:
            cols.append(
                Col(
                    f"{key}_{pkey}",
                    f"{pzh}{zh} {en} {pen}",
                    "formula",
                    fmt,
                    _metric_actual(key, start, period),
                    width=11,
                )
            )
        cols.append(
            Col(
                f"{key}_to_date",
                f"至今{zh}目标 {en} target to date",
                "formula",
                "money" if fmt == "money" else "number",
                f'IF({{{key}_target}}="","",{{{key}_target}}*cfg_share_ytd)',
                width=11,
                help="年目标 × 季节权重下年初至今的占比 / annual target × the seasonal share of the year so far",
            )
        )
        cols.append(
            Col(
                f"{key}_pace",
                f"{zh}进度 {en} pace",
                "formula",
                "percent",
                f'IF(N({{{key}_to_date}})>0,{{{key}_actual}}/{{{key}_to_date}},"")',
                width=9,
            )
        )
    return tuple(cols)


TARGET = T(
    "tblTarget",
    S_TARGET,
    "年度目标与实际 Annual targets and dated actuals per salesperson (本周/本月/年初至今 week / month / year to date)",
    (
        Col("salesperson", "业务员 Salesperson", choices="=salespeople", required=True, width=14),
        Col("sales_target", "年销售额目标 Sales target USD", fmt="money", width=14),
        Col("new_buyers_target", "年新买家目标 New buyers target", fmt="int", width=12),
        Col("repeat_buyers_target", "年复购买家目标 Repeat buyers target", fmt="int", width=12),
        Col("inquiries_target", "年询盘目标 Inquiries target", fmt="int", width=12),
        Col("rfq_target", "年RFQ报价目标 RFQ quotes target", fmt="int", width=12),
        Col("orders_target", "年订单目标 Orders target", fmt="int", width=12),
        Col(
            "week_sales_target",
            "本周销售目标 Week sales target",
            "formula",
            "money",
            "{sales_target}*cfg_share_week",
            width=12,
        ),
        Col(
            "month_sales_target",
            "本月销售目标 Month sales target",
            "formula",
            "money",
            "TARGET_SPLIT({sales_target},cfg_month,[tblSeason.weight])",
            width=12,
        ),
        Col(
            "month_inquiries_target",
            "本月询盘目标 Month inquiries target",
            "formula",
            "number",
            "TARGET_SPLIT({inquiries_target},cfg_month,[tblSeason.weight])",
            width=12,
        ),
        *_target_columns(),
        Col(
            "sales_pace_label",
            "进度 Pace",
            "formula",
            "text",
            "PACE_LABEL({sales_pace},cfg_pace_ahead,cfg_pace_behind)",
            width=9,
        ),
    ),
    anchor_row=6,
)
#: first column of the tables right of tblTarget on the Target sheet
_TARGET_RIGHT = len(TARGET.columns) + 1

SEASON = T(
    "tblSeason",
    S_TARGET,
    "季节权重 Month weights (seasonality)",
    (
        Col("month", "月份 Month", fmt="int", required=True, width=8),
        Col("weight", "权重 Weight", fmt="number", required=True, width=9),
        Col(
            "shop_month_target",
            "全店月销售目标 Shop month target USD",
            "formula",
            "money",
            "TARGET_SPLIT(SUM([tblTarget.sales_target]),{month},[tblSeason.weight])",
            width=16,
        ),
    ),
    anchor_col=_TARGET_RIGHT,
    anchor_row=6,
)

COST = T(
    "tblCost",
    S_TARGET,
    "成本 Costs",
    (
        Col("item", "项目 Item", required=True, width=18),
        Col("type", "类型 Type", choices="cost_type", width=14),
        Col("amount_cny", "金额 Amount CNY", fmt="cny", width=12),
        Col(
            "amount_usd",
            "金额 Amount USD",
            "formula",
            "money",
            'IF({amount_cny}="","",{amount_cny}/cfg_fx_usd_cny)',
            width=12,
        ),
    ),
    anchor_col=_TARGET_RIGHT + 4,
    anchor_row=6,
)

PEERS = T(
    "tblPeers",
    S_TARGET,
    "优秀同行 Excellent peers to learn from",
    (
        Col("store", "店铺 Store", required=True, width=18),
        Col("stars", "星级 Star level", fmt="int", width=8),
        Col("main_products", "主营产品 Main products", width=22),
        Col("top_keywords", "核心关键词 Top keywords", width=22),
        Col("imitate", "值得模仿 What to imitate", width=28),
    ),
    anchor_col=_TARGET_RIGHT + 9,
    anchor_row=6,
)

HOT_PRODUCTS = T(
    "tblHotProducts",
    S_TARGET,
    "行业热品 Industry hot / trend / blue-ocean products",
    (
        Col("product", "产品 Product", required=True, width=18),
        Col("type", "类型 Type", choices="hot_type", width=14),
        Col("evidence", "依据 Evidence", width=24),
        Col("step", "爆款步骤 Pipeline step", choices="pipeline", width=18),
        Col("note", "备注 Note", width=20),
    ),
    anchor_col=_TARGET_RIGHT + 15,
    anchor_row=6,
)

#: FUNNEL_DIAG over a funnel row, as a native formula (so a settings change costs Excel no
#: Python call per row): the diagnosis and its hidden helpers, built by the core from the
#: same texts and thresholds as FUNNEL_DIAG (storeops_xl.funnel_diag.native_columns)
_FUNNEL_TWIN = native_columns(
    {
        "impressions": "{impressions}",
        "clicks": "{clicks}",
        "visitors": "{visitors}",
        "inquiries": "{inquiries}",
        "orders": "{orders}",
        "bounce": "{bounce_rate}",
        **{f"bench_{k}": f"funnel_bench_{k}" for k in ("impressions", "ctr", "bounce", "inquiry_rate", "conversion")},
        "min_impressions": "cfg_min_impressions",
        "min_visitors": "cfg_min_visitors",
        "confidence": "cfg_confidence",
    },
    {h: f"{{diag_{h}}}" for h in NATIVE_HELPERS},
)
_FUNNEL_TWIN_FORMATS: tuple[Fmt, ...] = ("number", "text", "int", "text")
_FUNNEL_TWIN_HEADERS = (
    "诊断z Diagnosis z",
    "诊断状态 Diagnosis state",
    "诊断环节 Diagnosis stage",
    "诊断区间 Diagnosis CI",
)

FUNNEL = T(
    "tblFunnel",
    S_FUNNEL,
    "漏斗 Funnel by period",
    (
        Col("period", "周期 Period", required=True, width=22),
        Col("period_start", "周期开始 Period start", fmt="date", width=11),
        Col("kind", "类型 Kind", choices="funnel_kind", width=11),
        Col("item", "产品/关键词 Product or keyword", required=True, width=18),
        Col("impressions", "曝光 Impressions", fmt="int", width=10),
        Col("clicks", "点击 Clicks", fmt="int", width=9),
        Col("visitors", "访客 Visitors", fmt="int", width=9),
        Col("bounced", "跳失 Bounced visits", fmt="int", width=9),
        Col("inquiries", "询盘 Inquiries", fmt="int", width=9),
        Col("tm", "TM咨询 TM", fmt="int", width=8),
        Col("orders", "成交 Orders", fmt="int", width=8),
        Col("p4p_cost", "直通车花费 P4P cost", fmt="money", width=10),
        Col("ctr", "点击率 CTR", "formula", "percent", "CTR({clicks},{impressions})", width=9),
        Col("bounce_rate", "跳失率 Bounce", "formula", "percent", "BOUNCE({bounced},{visitors})", width=9),
        Col(
            "inquiry_rate", "询盘率 Inquiry rate", "formula", "percent", "INQUIRY_RATE({inquiries},{visitors})", width=9
        ),
        Col("conversion", "转化率 Conversion", "formula", "percent", "CONVERSION({orders},{visitors})", width=9),
        Col("cpc", "点击单价 CPC", "formula", "money", "CPC({p4p_cost},{clicks})", width=9),
        Col(
            "cost_per_inquiry",
            "询盘成本 Cost/inquiry",
            "formula",
            "money",
            "COST_PER({p4p_cost},{inquiries})",
            width=10,
        ),
        Col(
            "diagnosis",
            "诊断 Diagnosis",
            "formula",
            "text",
            _FUNNEL_TWIN["diagnosis"],
            width=40,
            help="数据太少时写 数据太少 too little data (cfg_min_impressions, cfg_min_visitors); 基准 = 本店中位数 "
            "或 cfg_bench_* / says too little data below the minimum sample; benchmarks = the shop's median or cfg_bench_*",
        ),
        # --- FUNNEL_DIAG's native twin (issue 9): its helper columns, hidden, at the right end
        *(
            Col(f"diag_{h}", header, "formula", fmt, _FUNNEL_TWIN[h], width=6, hidden=True)
            for h, header, fmt in zip(NATIVE_HELPERS, _FUNNEL_TWIN_HEADERS, _FUNNEL_TWIN_FORMATS)
        ),
    ),
    anchor_row=6,
)

FOLLOW = T(
    "tblFollow",
    S_FOLLOW,
    "买家跟进 Buyer follow-up (每天下班前更新 update before leaving)",
    (
        Col("buyer", "买家 Buyer", required=True, width=16),
        Col("company", "公司 Company", width=18),
        Col("country", "国家 Country", width=10),
        Col("source", "来源 Source", choices="source", required=True, width=12),
        Col("channel", "渠道 Channel", choices="channel", required=True, width=9),
        Col("salesperson", "业务员 Salesperson", choices="=salespeople", required=True, width=12),
        Col("received_at", "收到时间 Received at", fmt="datetime", required=True, width=16),
        Col("replied_at", "首次回复 First reply at", fmt="datetime", width=16),
        Col("stage", "阶段 Stage", choices="stage", width=12),
        Col("last_contact", "最近联系 Last contact", fmt="date", width=11),
        Col("next_action", "下一步 Next action", width=22),
        Col("goal", "阶段目标 Next-stage goal", width=22),
        Col("goal_set", "目标设定日 Goal set on", fmt="date", width=11, help="定目标的日期 / the day the goal was set"),
        Col("goal_due", "目标期限 Goal due", fmt="date", width=11, help="抓过程: 到期看是否达成 / checked when due"),
        Col("goal_met", "目标达成 Goal met", choices="yesno", width=9),
        Col(
            "sample_orders",
            "样品单 Sample orders (12m)",
            "formula",
            "int",
            D.buyer_orders("count", SAMPLE, "cfg_window_start"),
            width=8,
            help="订单表中这位买家最近 12 个月的样品单 / this buyer's sample orders of the last 12 months (Orders)",
        ),
        Col(
            "paid_orders",
            "付款订单 Paid orders (12m)",
            "formula",
            "int",
            D.buyer_orders("count", PAID, "cfg_window_start"),
            width=8,
            help="订单表中最近 12 个月的付款订单 / paid orders of the last 12 months (Orders)",
        ),
        Col(
            "order_usd",
            "订单额 Order USD (12m)",
            "formula",
            "money",
            D.buyer_orders("sum", PAID, "cfg_window_start"),
            width=12,
            help="订单表中最近 12 个月付款订单的美元金额 / USD of the paid orders of the last 12 months (Orders)",
        ),
        Col(
            "class_last_week",
            "上周类别 Class last week",
            "formula",
            "text",
            "BUYER_CLASS({prev_usd},{prev_paid},{prev_samples},cfg_class_a_usd,cfg_class_a_repeat)",
            width=9,
            help="上周日结束时的类别, 按订单日期计算 / the class at the end of last Sunday, from the dated orders",
        ),
        Col("last_message", "最近消息 Last message", width=30),
        Col("updated_at", "更新时间 Updated at", fmt="datetime", width=16, help="merge: newest edit wins"),
        # --- filled by `storeops import` of the back-office exports (询盘明细, 客户通); docs/data.md
        Col(
            "inquiry_id",
            "询盘ID Inquiry ID",
            width=16,
            help="平台询盘ID, 多个用 ; 分隔 / platform inquiry IDs, ;-separated",
        ),
        Col(
            "email",
            "邮箱 Email",
            width=20,
            help="个人信息: 复盘/导出中打码 / personal data: masked in reviews and exports",
        ),
        Col(
            "phone",
            "电话 Phone",
            width=16,
            help="个人信息: 复盘/导出中打码 / personal data: masked in reviews and exports",
        ),
        Col(
            "whatsapp",
            "WhatsApp",
            width=16,
            help="个人信息: 复盘/导出中打码 / personal data: masked in reviews and exports",
        ),
        Col("junk", "垃圾询盘 Junk", choices="yesno", width=8, help="是 = 不计入比率 / Yes = left out of the rates"),
        Col("buyer_level", "买家等级 Buyer level (平台 platform)", width=9),
        Col("crm_grade", "客户等级 Customer grade (客户通)", width=9),
        Col("platform_orders", "平台订单数 Platform orders (all suppliers)", fmt="int", width=9),
        Col("platform_order_usd", "平台订单额 Platform order USD (all suppliers)", fmt="money", width=12),
        Col(
            "reply_hours",
            "回复小时 Reply hours",
            "formula",
            "hours",
            "REPLY_HOURS({received_at},{replied_at},cfg_now)",
            width=9,
            help="未回复时为已等待的小时数 / for an unanswered message: the hours it has waited",
        ),
        Col(
            "timely",
            "及时 Timely (平台规则 platform rule)",
            "formula",
            "bool",
            'REPLY_OK({reply_hours},{channel},cfg_reply_inquiry_h,cfg_reply_tm_h,cfg_reply_rule,{replied_at}<>"",cfg_reply_1688_min)',
            width=8,
        ),
        Col(
            "on_target",
            "达标 Within shop target (4h)",
            "formula",
            "bool",
            'REPLY_OK({reply_hours},{channel},cfg_reply_target_h,cfg_reply_target_h,"alibaba",{replied_at}<>"")',
            width=8,
            help="本店自定目标 cfg_reply_target_h (种子: 4 小时) / the shop's own target (seed 000: 4 h)",
        ),
        Col(
            "reply_status",
            "回复状态 Reply status",
            "formula",
            "text",
            'IF(OR({received_at}="",{replied_at}<>""),"",IF({timely}=FALSE,"'
            + D.LATE_UNANSWERED
            + '","未回复 Unanswered"))',
            width=12,
        ),
        Col(
            "buyer_class",
            "类别 Class",
            "formula",
            "text",
            "BUYER_CLASS({order_usd},{paid_orders},{sample_orders},cfg_class_a_usd,cfg_class_a_repeat)",
            width=7,
        ),
        Col(
            "class_move",
            "类别变化 Class move",
            "formula",
            "text",
            "CLASS_MOVE({class_last_week},{buyer_class})",
            width=11,
        ),
        Col(
            "next_followup",
            "下次跟进 Next follow-up",
            "formula",
            "date",
            "NEXT_FOLLOWUP({last_contact},{buyer_class},{stage},cfg_cadence_a,cfg_cadence_b,cfg_cadence_c,cfg_cadence_d)",
            width=11,
        ),
        Col("overdue", "逾期 Overdue", "formula", "bool", "OVERDUE({next_followup},cfg_today)", width=8),
        Col(
            "goal_status",
            "目标状态 Goal status",
            "formula",
            "text",
            "GOAL_STATUS({goal},{goal_due},{goal_met},cfg_today)",
            width=11,
        ),
        Col("scam_risk", "诈骗风险 Scam risk", "formula", "text", "SCAM_RISK({last_message})", width=22),
        # --- team loop (issue 10): kept at the right end so an older workbook is migrated by
        # widening its table (storeops.maintain), never by moving a column
        Col(
            "clash",
            "撞单 Clash",
            "formula",
            "text",
            'IF({company}="","",IF(COUNTIFS([tblFollow.company],{company})>COUNTIFS([tblFollow.company],{company},'
            '[tblFollow.salesperson],{salesperson}),"撞单 Clash",""))',
            width=9,
            help="同一公司也在别的业务员名下 / the same company is also with another salesperson",
        ),
        Col(
            "prev_salesperson",
            "原业务员 Previous salesperson",
            width=14,
            help="storeops reassign 转交时写入 / written when a buyer is handed over",
        ),
        Col(
            "buyer_id",
            "买家ID Buyer ID",
            width=13,
            help="StoreOps 自动填写, 订单表用它找到买家, 请勿修改 / filled by StoreOps, the Orders sheet finds the buyer by it, do not edit (docs/data.md)",
        ),
        Col(
            "sync_mark",
            "同步标记 Sync mark",
            width=12,
            hidden=True,
            help="storeops merge/split 使用, 请勿修改 / used by merge and split, do not edit",
        ),
        # --- per-buyer order counts the dated summaries read (hidden; docs/workbook.md)
        *(
            Col(key, header, "formula", "int", formula, width=6, hidden=True)
            for key, header, formula in (
                ("paid_ever", "累计付款订单 Paid orders ever", D.buyer_orders("count", PAID, None)),
                *(
                    (
                        f"paid_before_{period}",
                        f"{zh}前付款订单 Paid orders before this {period}",
                        D.buyer_orders("count", PAID, None, start),
                    )
                    for period, zh, start in (
                        ("week", "本周", "cfg_week_start"),
                        ("month", "本月", "cfg_month_start"),
                        ("year", "本年", "cfg_year_start"),
                    )
                ),
                *(
                    (
                        f"paid_in_{period}",
                        f"{zh}付款订单 Paid orders this {period}",
                        f"{{paid_ever}}-{{paid_before_{period}}}",
                    )
                    for period, zh in (("week", "本周"), ("month", "本月"), ("year", "本年"))
                ),
                (
                    "prev_paid",
                    "上周末付款订单 Paid orders (12m) at last week's end",
                    D.buyer_orders("count", PAID, "cfg_prev_window_start", "cfg_week_start"),
                ),
                (
                    "prev_samples",
                    "上周末样品单 Sample orders (12m) at last week's end",
                    D.buyer_orders("count", SAMPLE, "cfg_prev_window_start", "cfg_week_start"),
                ),
            )
        ),
        Col(
            "prev_usd",
            "上周末订单额 Order USD (12m) at last week's end",
            "formula",
            "money",
            D.buyer_orders("sum", PAID, "cfg_prev_window_start", "cfg_week_start"),
            width=6,
            hidden=True,
        ),
    ),
    anchor_row=3,
)
#: tblFollow columns StoreOps itself fills (never counted as a salesperson's edit)
FOLLOW_SYSTEM = ("buyer_id", "sync_mark")

_SP = "[tblFollow.salesperson],{salesperson}"


def _count(*criteria: str) -> str:
    return "COUNTIFS(" + ",".join((_SP, D.NOT_JUNK) + criteria) + ")"


BUYER_SUMMARY = T(
    "tblBuyerSummary",
    S_BUYERS,
    "买家汇总 Buyer summary (本周/本月 this week / month; 回复: 平台规则最近30天 replies: platform rule, last 30 days)",
    (
        Col("salesperson", "业务员 Salesperson", required=True, width=14),
        Col(
            "new_week",
            "本周新买家 New this week",
            "formula",
            "int",
            D.follow_count("cfg_week_start"),
            width=11,
        ),
        Col(
            "old_week",
            "本周老买家 Old contacted this week",
            "formula",
            "int",
            _count('[tblFollow.received_at],"<"&cfg_week_start', '[tblFollow.last_contact],">="&cfg_week_start'),
            width=11,
        ),
        Col(
            "new_month",
            "本月新买家 New this month",
            "formula",
            "int",
            D.follow_count("cfg_month_start"),
            width=11,
        ),
        Col(
            "old_month",
            "本月老买家 Old contacted this month",
            "formula",
            "int",
            _count('[tblFollow.received_at],"<"&cfg_month_start', '[tblFollow.last_contact],">="&cfg_month_start'),
            width=11,
        ),
        Col("src_inquiry", "询盘 Inquiry", "formula", "int", _count('[tblFollow.source],"询盘 Inquiry"'), width=8),
        Col("src_tm", "TM", "formula", "int", _count('[tblFollow.source],"TM"'), width=7),
        Col("src_rfq", "RFQ", "formula", "int", _count('[tblFollow.source],"RFQ"'), width=7),
        Col(
            "src_other",
            "其他来源 Other sources",
            "formula",
            "int",
            _count() + "-{src_inquiry}-{src_tm}-{src_rfq}",
            width=9,
        ),
        *(
            Col(f"class_{c.lower()}", label, "formula", "int", _count(f'[tblFollow.buyer_class],"{c}"'), width=9)
            for c, label in (
                ("A", "A 大B买家 Big buyers"),
                ("B", "B 小单买家 Small orders"),
                ("C", "C 样品买家 Samples"),
                ("D", "D 询盘买家 Prospects"),
            )
        ),
        Col(
            "upgrades",
            "本周升级 Upgrades this week",
            "formula",
            "int",
            _count('[tblFollow.class_move],"*升级*"'),
            width=9,
        ),
        Col(
            "downgrades",
            "本周降级 Downgrades this week",
            "formula",
            "int",
            _count('[tblFollow.class_move],"*降级*"'),
            width=9,
        ),
        Col("overdue", "逾期跟进 Overdue", "formula", "int", _count("[tblFollow.overdue],TRUE"), width=9),
        Col(
            "late_unanswered",
            "超时未回复 Late, unanswered",
            "formula",
            "int",
            D.late_unanswered(),
            width=9,
        ),
        Col(
            "timely_rate",
            "及时回复率 Timely rate (平台规则 platform rule)",
            "formula",
            "percent",
            D.rate("timely", "cfg_reply_window_start"),
            width=10,
            help="最近 30 天收到的买家: 按时 ÷ (按时 + 超时, 含超时未回复) / buyers received in the last 30 days: "
            "on time ÷ (on time + late, unanswered past the limit included)",
        ),
        Col(
            "target_rate",
            "4小时达标率 Within shop target rate",
            "formula",
            "percent",
            D.rate("on_target", "cfg_reply_window_start"),
            width=10,
        ),
        Col(
            "avg_reply_h",
            "平均回复小时 Avg reply hours",
            "formula",
            "hours",
            "IFERROR(AVERAGEIFS([tblFollow.reply_hours],"
            + _SP
            + ","
            + D.NOT_JUNK
            + ',[tblFollow.replied_at],"<>",[tblFollow.received_at],">="&cfg_reply_window_start),"")',
            width=9,
        ),
        Col("goals_set", "本周定目标 Goals set this week", "formula", "int", D.goal_counts("set"), width=9),
        Col("goals_due", "本周到期目标 Goals due this week", "formula", "int", D.goal_counts("due"), width=9),
        Col("goals_met", "本周达成 Goals met", "formula", "int", D.goal_counts("met"), width=9),
        Col("goals_missed", "本周未达成 Goals missed", "formula", "int", D.goal_counts("missed"), width=9),
        Col(
            "goals_rate",
            "目标达成率 Goal met rate",
            "formula",
            "percent",
            'IF({goals_met}+{goals_missed}>0,{goals_met}/({goals_met}+{goals_missed}),"")',
            width=9,
        ),
        Col(
            "close_rate",
            "成交率 Close rate",
            "formula",
            "percent",
            "CLOSE_RATE(COUNTIFS(" + _SP + ',[tblFollow.paid_orders],">0"),' + _count() + ")",
            width=10,
        ),
        Col(
            "close_label",
            "成交能力 Close band",
            "formula",
            "text",
            "CLOSE_LABEL({close_rate},cfg_close_strong,cfg_close_weak)",
            width=8,
            help="种子 002: ≥70% 强, ≤10% 弱 / seed 002: ≥ 70 % strong, ≤ 10 % weak",
        ),
        Col(
            "updated_rows",
            "上个工作日起更新 Updated since last workday",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.updated_at],">="&cfg_last_workday)',
            width=11,
        ),
        Col(
            "submitted",
            "已提交 Submitted",
            "formula",
            "text",
            'IF({updated_rows}>0,"已提交 Yes","未提交 No")',
            width=10,
        ),
    ),
    anchor_row=3,
)

_PERIOD_NEW = (
    'IF(cfg_pk_period="本周 Week",'
    + D.new_buyers("week")
    + ',IF(cfg_pk_period="本年 Year",'
    + D.new_buyers("year")
    + ","
    + D.new_buyers("month")
    + "))"
)


def _pk_target(key: str) -> str:
    return f"IFERROR(INDEX([tblTarget.{key}],MATCH({{salesperson}},[tblTarget.salesperson],0))*cfg_pk_share,0)"


PK = T(
    "tblPK",
    S_PK,
    "PK (周期: 设置 cfg_pk_period, 目标按季节权重至今 period: Settings cfg_pk_period, targets to date by season)",
    (
        Col("salesperson", "业务员 Salesperson", required=True, width=14),
        Col(
            "team",
            "团队 Team",
            "formula",
            "text",
            'IFERROR(INDEX([tblSalespeople.team],MATCH({salesperson},[tblSalespeople.salesperson],0)),"")',
            width=10,
        ),
        Col("inquiries", "询盘数 Inquiries", "formula", "int", D.follow_count("cfg_pk_start"), width=10),
        Col("new_buyers", "新买家 New buyers", "formula", "int", _PERIOD_NEW, width=10),
        Col("order_usd", "订单额 Order USD", "formula", "money", D.orders_sum("cfg_pk_start"), width=12),
        Col(
            "timely",
            "及时回复率 Timely rate",
            "formula",
            "percent",
            D.rate("timely", "cfg_pk_start", blank="0"),
            width=10,
        ),
        Col("t_inquiries", "询盘目标 Inquiry target", "formula", "number", _pk_target("inquiries_target"), width=10),
        Col(
            "t_new_buyers",
            "新买家目标 New-buyer target",
            "formula",
            "number",
            _pk_target("new_buyers_target"),
            width=10,
        ),
        Col("t_order_usd", "订单额目标 Order target", "formula", "money", _pk_target("sales_target"), width=12),
        Col("t_timely", "及时率目标 Timely target", "input", "percent", width=10),
        Col(
            "score",
            "得分 Score",
            "formula",
            "score",
            "PK_SCORE({inquiries}:{timely},{t_inquiries}:{t_timely},cfg_pk_weights,cfg_pk_cap)",
            width=8,
        ),
        Col("rank", "排名 Rank", "formula", "int", 'IF(ISNUMBER({score}),RANK({score},[tblPK.score]),"")', width=7),
        Col(
            "gap",
            "距上一名 Gap to next",
            "formula",
            "score",
            'IF(ISNUMBER({rank}),IF({rank}=1,0,LARGE([tblPK.score],{rank}-1)-{score}),"")',
            width=10,
        ),
        Col(
            "close_label",
            "成交能力 Close band",
            "formula",
            "text",
            'IFERROR(INDEX([tblBuyerSummary.close_label],MATCH({salesperson},[tblBuyerSummary.salesperson],0)),"")',
            width=8,
        ),
    ),
    anchor_row=3,
)

TEAMS = T(
    "tblTeams",
    S_PK,
    "团队 PK Teams",
    (
        Col("team", "团队 Team", required=True, width=12),
        Col("members", "人数 Members", "formula", "int", "COUNTIFS([tblPK.team],{team})", width=8),
        Col(
            "score",
            "团队得分 Team score",
            "formula",
            "score",
            "IFERROR(AVERAGEIFS([tblPK.score],[tblPK.team],{team}),0)",
            width=10,
        ),
        Col("rank", "排名 Rank", "formula", "int", "RANK({score},[tblTeams.score])", width=7),
    ),
    anchor_row=3,
    anchor_col=15,
)

PRODUCTS = T(
    "tblProducts",
    S_PRODUCTS,
    "产品 Products (标题 titles, 爆款流程 hot-product pipeline)",
    (
        Col("product_id", "产品ID Product ID", required=True, width=16),
        Col("title", "标题 Title", required=True, width=48),
        Col("keywords", "关键词 Keywords (核心词在前 core word first)", width=28),
        Col("main_images", "主图数 Main images", fmt="int", width=8),
        Col("detail_images", "详情图数 Detail images", fmt="int", width=8),
        Col("description_chars", "描述字数 Description chars", fmt="int", width=9),
        Col(
            "quality_score",
            "质量分 Quality score (国际站 0–5)",
            fmt="number",
            width=9,
            help="国际站信息质量分, 有则按它评星 / Alibaba.com information quality score: when given, the stars follow it",
        ),
        Col("rounds", "优化轮次 Optimisation rounds", fmt="int", width=9),
        Col("before_metric", "优化前 Before (inquiries)", fmt="number", width=9),
        Col("after_metric", "优化后 After (inquiries)", fmt="number", width=9),
        Col("step", "爆款步骤 Pipeline step", choices="pipeline", width=16),
        Col("period", "周期 Period", width=22),
        Col("impressions", "曝光 Impressions", fmt="int", width=10),
        Col("clicks", "点击 Clicks", fmt="int", width=8),
        Col("visitors", "访客 Visitors", fmt="int", width=8),
        Col("inquiries", "询盘 Inquiries", fmt="int", width=8),
        Col("showcase", "橱窗 Showcase", choices="yesno", width=8, help="数据管家导出 / from the Data Manager export"),
        Col(
            "top_display",
            "顶展 Top display",
            choices="yesno",
            width=8,
            help="数据管家导出 / from the Data Manager export",
        ),
        Col("p4p", "直通车 P4P", choices="yesno", width=8, help="数据管家导出 / from the Data Manager export"),
        Col("owner", "负责人 Owner", width=12, help="数据管家导出 / from the Data Manager export"),
        Col("ctr", "点击率 CTR", "formula", "percent", "CTR({clicks},{impressions})", width=8),
        Col(
            "inquiry_rate", "询盘率 Inquiry rate", "formula", "percent", "INQUIRY_RATE({inquiries},{visitors})", width=8
        ),
        Col(
            "judged_keywords",
            "评分关键词 Keywords judged",
            "formula",
            "text",
            "TITLE_KEYWORDS({title},{keywords},[tblKeywords.keyword],[tblKeywords.impressions],cfg_platform,[tblBannedWords.word])",
            width=28,
            help="填了关键词就用它们, 否则从关键词导出猜 / the typed keywords, else guessed from the keyword export",
        ),
        Col(
            "title_score",
            "标题分 Title score",
            "formula",
            "score",
            "TITLE_SCORE({title},{judged_keywords},cfg_platform,[tblBannedWords.word],cfg_title_max,cfg_title_min,cfg_title_max_1688,cfg_title_min_1688,cfg_allowed_words)",
            width=8,
        ),
        Col(
            "title_issues",
            "标题问题 Title issues",
            "formula",
            "text",
            "TITLE_ISSUES({title},{judged_keywords},cfg_platform,[tblBannedWords.word],cfg_title_max,cfg_title_min,cfg_title_max_1688,cfg_title_min_1688,cfg_allowed_words)",
            width=40,
        ),
        Col(
            "banned",
            "违禁词 Banned words",
            "formula",
            "text",
            "BANNED({title},[tblBannedWords.word],cfg_allowed_words)",
            width=16,
        ),
        Col(
            "stars",
            "星级 Listing stars",
            "formula",
            "int",
            "LISTING_STARS({main_images},{detail_images},{description_chars},{title_score},cfg_title_good,cfg_platform,{quality_score},cfg_quality_target)",
            width=7,
        ),
        Col(
            "diagnosis",
            "诊断 Diagnosis",
            "formula",
            "text",
            'FUNNEL_DIAG({impressions},{clicks},{visitors},{inquiries},"","",shop_impr_median,shop_ctr_median,"",shop_inq_median,"",cfg_min_impressions,cfg_min_visitors,cfg_confidence)',
            width=32,
        ),
        Col(
            "hot",
            "爆款候选 Hot candidate",
            "formula",
            "bool",
            "HOT_CANDIDATE({impressions},{clicks},{inquiries},shop_impr_median,shop_ctr_median,shop_inq_median,cfg_min_impressions,{visitors})",
            width=9,
        ),
        Col(
            "replace_link",
            "换链接建议 Replace link",
            "formula",
            "text",
            "REPLACE_LINK({rounds},{before_metric},{after_metric},cfg_replace_rounds)",
            width=24,
        ),
    ),
    anchor_row=6,
)

KEYWORDS = T(
    "tblKeywords",
    S_KEYWORDS,
    "关键词 Keywords (选词参谋 + 直通车 P4P)",
    (
        Col("keyword", "关键词 Keyword", required=True, width=22),
        Col("type", "类型 Type", choices="kw_type", width=11),
        Col("period", "周期 Period", width=22),
        Col("impressions", "曝光 Impressions", fmt="int", width=10),
        Col("clicks", "点击 Clicks", fmt="int", width=8),
        Col("keyword_index", "关键词指数 Keyword index", fmt="number", width=10),
        Col("seller_index", "卖家规模指数 Seller index", fmt="number", width=10),
        Col("top10_impressions", "Top10平均曝光 Top10 avg impressions", fmt="number", width=11),
        Col("top10_clicks", "Top10平均点击 Top10 avg clicks", fmt="number", width=11),
        Col("p4p_bid", "直通车出价 P4P bid", fmt="money", width=9),
        Col("p4p_cost", "直通车花费 P4P cost", fmt="money", width=9),
        Col("p4p_clicks", "直通车点击 P4P clicks", fmt="int", width=9),
        Col("p4p_inquiries", "直通车询盘 P4P inquiries", fmt="int", width=9),
        Col("p4p_orders", "直通车订单 P4P orders", fmt="int", width=9),
        Col("ctr", "点击率 CTR", "formula", "percent", "CTR({clicks},{impressions})", width=8),
        Col(
            "top10_ctr",
            "Top10点击率 Top10 CTR",
            "formula",
            "percent",
            "CTR({top10_clicks},{top10_impressions})",
            width=9,
        ),
        Col("ctr_vs_top10", "对比Top10 CTR vs Top10", "formula", "percent", 'IFERROR({ctr}/{top10_ctr},"")', width=9),
        Col(
            "banned",
            "违禁词 Banned words",
            "formula",
            "text",
            "BANNED({keyword},[tblBannedWords.word],cfg_allowed_words)",
            width=16,
            help="品牌词/违禁词不能用作关键词 / brand and banned words must not be used as keywords",
        ),
        Col(
            "opportunity",
            "机会词 Opportunity word",
            "formula",
            "bool",
            "OPPORTUNITY_WORD({keyword_index},{seller_index},cfg_kw_index_min,cfg_seller_index_max,{banned})",
            width=9,
        ),
        Col(
            "p4p_action",
            "直通车建议 P4P action",
            "formula",
            "text",
            "P4P_ACTION({p4p_cost},{p4p_clicks},{p4p_inquiries},{p4p_orders},cfg_target_cpi,{keyword},[tblBannedWords.word],cfg_allowed_words,cfg_min_visitors)",
            width=30,
        ),
        Col(
            "period_start",
            "周期开始 Period start",
            "formula",
            "date",
            'IFERROR(DATE(VALUE(LEFT({period},4)),VALUE(MID({period},6,2)),VALUE(MID({period},9,2))),"")',
            width=11,
            help="周期的第一天(2026-11-09~… → 2026-11-09), 按日期统计直通车花费 / the period's first day: "
            "P4P spend counts by date",
        ),
    ),
    anchor_row=6,
)

_IN_PERIOD = (
    "[tblFollow.salesperson],{salesperson}," + D.NOT_JUNK + ","
    '[tblFollow.received_at],">="&{period_start},[tblFollow.received_at],"<"&({period_end}+1)'
)
STAFF = T(
    "tblStaff",
    S_STAFF,
    "平台员工分析 Platform staff analysis (数据管家 员工分析, 美国太平洋时间 US Pacific days)",
    (
        Col("salesperson", "业务员 Salesperson", required=True, width=14),
        Col("period", "周期 Period", required=True, width=22),
        Col("period_start", "周期开始 Period start", fmt="date", width=11),
        Col("period_end", "周期结束 Period end", fmt="date", width=11),
        Col("products", "产品数 Products", fmt="int", width=8),
        Col("new_products", "新发产品 New products", fmt="int", width=8),
        Col("edited_products", "编辑产品 Edited products", fmt="int", width=8),
        Col("rfq_quotes", "RFQ报价 RFQ quotes", fmt="int", width=8),
        Col("impressions", "曝光 Impressions", fmt="int", width=10),
        Col("clicks", "点击 Clicks", fmt="int", width=8),
        Col("inquiries", "询盘数 Inquiries", fmt="int", width=8),
        Col("tm_buyers", "TM咨询客户 TM buyers", fmt="int", width=8),
        Col("reply_5min_rate", "5分钟回复率 5-min reply rate", fmt="percent", width=9),
        Col("timely_rate", "平台及时回复率 Platform timely rate", fmt="percent", width=9),
        Col("avg_reply_hours", "平台平均回复小时 Platform avg reply h", fmt="hours", width=9),
        Col("ta_orders", "信保订单 TA orders", fmt="int", width=8),
        Col("ta_order_usd", "信保订单额 TA order USD", fmt="money", width=11),
        Col("order_conversion", "订单转化率 Order conversion", fmt="percent", width=9),
        Col("login_days", "登录天数 Login days", fmt="int", width=8),
        Col("online_hours", "在线时长 Online hours", fmt="hours", width=9),
        Col("rfq_reply_rate", "RFQ回复率 RFQ reply rate", fmt="percent", width=9),
        Col(
            "our_inquiries",
            "本表询盘 Our inquiries",
            "formula",
            "int",
            "COUNTIFS(" + _IN_PERIOD + ")",
            width=9,
            help="跟进表中该周期收到的买家(不含垃圾询盘) / follow-up buyers received in the period, junk left out",
        ),
        Col(
            "our_timely_rate",
            "本表及时回复率 Our timely rate",
            "formula",
            "percent",
            followup.timely_rate_native("[tblFollow.timely]", _IN_PERIOD),
            width=10,
            help="按时 ÷ (按时 + 超时, 含超时未回复) / on time ÷ (on time + late, unanswered past the limit included)",
        ),
        Col(
            "our_avg_reply_hours",
            "本表平均回复小时 Our avg reply h",
            "formula",
            "hours",
            "IFERROR(AVERAGEIFS([tblFollow.reply_hours]," + _IN_PERIOD + ',[tblFollow.replied_at],"<>"),"")',
            width=10,
        ),
    ),
    anchor_row=3,
)

ORDERS = T(
    "tblOrders",
    S_ORDERS,
    "订单 Orders (每笔订单一行, 按日期计入 one row per order, counted by its date)",
    (
        Col("order_date", "日期 Date", fmt="date", required=True, width=11),
        Col(
            "buyer_id",
            "买家ID Buyer ID",
            choices="=buyer_ids",
            required=True,
            width=13,
            help="跟进表的买家ID / the buyer's ID on Follow-up",
        ),
        Col(
            "buyer",
            "买家 Buyer",
            "formula",
            "text",
            'IFERROR(INDEX([tblFollow.buyer],MATCH({buyer_id},[tblFollow.buyer_id],0)),"")',
            width=16,
        ),
        Col("salesperson", "业务员 Salesperson", choices="=salespeople", required=True, width=12),
        Col("kind", "类型 Kind", choices="order_kind", required=True, width=10),
        Col("amount", "金额 Amount", fmt="number", required=True, width=11),
        Col("currency", "币种 Currency", choices="currency", width=8, help="空 = USD / blank = USD"),
        Col("status", "状态 Status", choices="order_status", width=12, help="待付款/已取消/已退款不计入 / not counted"),
        Col("product", "产品 Product", width=18),
        Col("note", "备注 Note", width=28),
        Col("usd", "美元 USD", "formula", "money", "ORDER_USD({amount},{currency},cfg_fx_usd_cny)", width=11),
        Col("counted", "计入 Counted as", "formula", "text", "ORDER_KIND({kind},{status})", width=11),
    ),
    anchor_row=3,
)
#: tables whose rows follow the roster (tblSalespeople): table → the key column naming the row.
#: ``storeops recalc`` and the builder derive their rows (one per active salesperson, one per
#: team of an active salesperson, in roster order); inputs typed on a row stay with its person.
ROSTER_TABLES: dict[str, str] = {
    "tblTarget": "salesperson",
    "tblBuyerSummary": "salesperson",
    "tblPK": "salesperson",
    "tblTeams": "team",
}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        TARGET,
        SEASON,
        COST,
        PEERS,
        HOT_PRODUCTS,
        FUNNEL,
        FOLLOW,
        ORDERS,
        BUYER_SUMMARY,
        PK,
        TEAMS,
        STAFF,
        PRODUCTS,
        KEYWORDS,
        SALESPEOPLE,
        BANNED_WORDS,
    )
}

# --------------------------------------------------------------------------- summary cells
_DAYS_IN_YEAR = "(cfg_year_end-cfg_year_start+1)"
_FIXED_USD = "(cfg_platform_fee_cny/cfg_fx_usd_cny+cost_other_usd)"


def _p4p(start: str) -> str:
    """P4P spend of the periods starting in [start, as-of day]: the Funnel's, else the Keywords'."""
    funnel = f'SUMIFS([tblFunnel.p4p_cost],[tblFunnel.period_start],">="&{start},[tblFunnel.period_start],"<"&{D.END})'
    kw = (
        f'SUMIFS([tblKeywords.p4p_cost],[tblKeywords.period_start],">="&{start},[tblKeywords.period_start],"<"&{D.END})'
    )
    return f"IF({funnel}>0,{funnel},{kw})"


def _cost(start: str, p4p: str) -> str:
    """Cost of a period: platform fee and other annual costs by the days elapsed, plus P4P spend."""
    return f"{_FIXED_USD}*(cfg_today-MAX({start},cfg_year_start)+1)/{_DAYS_IN_YEAR}+{p4p}"


def _inquiries(start: str) -> str:
    return D.follow_count(start, '[tblFollow.source],"<>RFQ"', by=None)


_PERIOD_CELLS = (  # (suffix, Chinese, English, start, PERIOD_STARTS key)
    ("_week", "本周", "this week", "cfg_week_start", "week"),
    ("_month", "本月", "this month", "cfg_month_start", "month"),
    ("", "年初至今", "year to date", "cfg_year_start", "year"),
)
TARGET_CELLS = (
    *(
        Cell(
            f"revenue{sfx or '_usd'}",
            f"{zh}销售额 Revenue USD {en}",
            formula=D.orders_sum(start, by=None),
            fmt="money",
        )
        for sfx, zh, en, start, _ in _PERIOD_CELLS
    ),
    *(
        Cell(f"p4p_spend{sfx or '_ytd'}", f"{zh}直通车花费 P4P spend {en}", formula=_p4p(start), fmt="money")
        for sfx, zh, en, start, _ in _PERIOD_CELLS
    ),
    *(
        Cell(
            "cost_total_usd" if not sfx else f"cost{sfx}",
            f"{zh}成本 Cost USD {en}",
            formula=_cost(start, f"p4p_spend{sfx or '_ytd'}"),
            fmt="money",
            help="平台年费与其他年度成本按天分摊 + 直通车花费 / platform fee and other annual costs by days, plus P4P spend",
        )
        for sfx, zh, en, start, _ in _PERIOD_CELLS
    ),
    *(
        Cell(
            f"cost_per_inquiry{sfx}",
            f"{zh}询盘成本 Cost per inquiry {en}",
            formula=f"COST_PER({'cost_total_usd' if not sfx else 'cost' + sfx},{_inquiries(start)})",
            fmt="money",
        )
        for sfx, zh, en, start, _ in _PERIOD_CELLS
    ),
    *(
        Cell(
            f"cost_per_new_buyer{sfx}",
            f"{zh}新买家成本 Cost per new buyer {en}",
            formula=f"COST_PER({'cost_total_usd' if not sfx else 'cost' + sfx},{D.new_buyers(period, by=None)})",
            fmt="money",
        )
        for sfx, zh, en, start, period in _PERIOD_CELLS
    ),
    Cell("roi", "投资回报 ROI (年初至今 YTD)", formula='IFERROR(revenue_usd/cost_total_usd,"")', fmt="number"),
    Cell(
        "p4p_budget_to_date",
        "直通车预算至今 P4P budget to date",
        formula="cfg_p4p_budget_cny/cfg_fx_usd_cny*(cfg_today-cfg_year_start+1)/" + _DAYS_IN_YEAR,
        fmt="money",
    ),
    Cell(
        "p4p_budget_used",
        "直通车预算已用 P4P budget used",
        formula='IFERROR(p4p_spend_ytd/(cfg_p4p_budget_cny/cfg_fx_usd_cny),"")',
        fmt="percent",
    ),
    Cell(
        "cost_other_usd",
        "其他年度成本 Other annual costs USD",
        formula='SUMIFS([tblCost.amount_usd],[tblCost.type],"<>平台费 Platform fee",[tblCost.type],"<>直通车 P4P")',
        fmt="money",
        help="成本表中除平台费、直通车外的项目 / the Costs table without platform fee and P4P rows (those come from "
        "Settings and the imported spend)",
    ),
    Cell("target_markets", "目标市场 Target markets", "北美 North America; 欧洲 Europe", fmt="text"),
    Cell(
        "target_customers",
        "客户类型 Customer types",
        "批发商 Wholesalers; 品牌商 Brands; 电商卖家 E-commerce sellers",
        fmt="text",
    ),
)
FUNNEL_CELLS = (
    Cell("funnel_impressions", "曝光 Impressions", formula="SUM([tblFunnel.impressions])", fmt="int"),
    Cell("funnel_clicks", "点击 Clicks", formula="SUM([tblFunnel.clicks])", fmt="int"),
    Cell("funnel_visitors", "访客 Visitors", formula="SUM([tblFunnel.visitors])", fmt="int"),
    Cell("funnel_inquiries", "询盘 Inquiries", formula="SUM([tblFunnel.inquiries])", fmt="int"),
    Cell("funnel_orders", "成交 Orders", formula="SUM([tblFunnel.orders])", fmt="int"),
    Cell(
        "funnel_bench_impressions",
        "基准曝光 Benchmark impressions",
        formula="BENCHMARK([tblFunnel.impressions],[tblFunnel.impressions],cfg_min_impressions,cfg_bench_impressions)",
        fmt="int",
        help="本店中位数(样本足够的行)或 cfg_bench_impressions / the shop's median over rows with enough data",
    ),
    Cell(
        "funnel_bench_ctr",
        "基准点击率 Benchmark CTR",
        formula="BENCHMARK([tblFunnel.ctr],[tblFunnel.impressions],cfg_min_impressions,cfg_bench_ctr)",
        fmt="percent",
    ),
    Cell(
        "funnel_bench_bounce",
        "基准跳失率 Benchmark bounce",
        formula="BENCHMARK([tblFunnel.bounce_rate],[tblFunnel.visitors],cfg_min_visitors,cfg_bench_bounce)",
        fmt="percent",
    ),
    Cell(
        "funnel_bench_inquiry_rate",
        "基准询盘率 Benchmark inquiry rate",
        formula="BENCHMARK([tblFunnel.inquiry_rate],[tblFunnel.visitors],cfg_min_visitors,cfg_bench_inquiry_rate)",
        fmt="percent",
    ),
    Cell(
        "funnel_bench_conversion",
        "基准转化率 Benchmark conversion",
        formula="BENCHMARK([tblFunnel.conversion],[tblFunnel.visitors],cfg_min_visitors,cfg_bench_conversion)",
        fmt="percent",
    ),
    Cell(
        "funnel_diag_shop",
        "全店诊断 Shop diagnosis",
        formula='FUNNEL_DIAG(funnel_impressions,funnel_clicks,funnel_visitors,funnel_inquiries,funnel_orders,"","",funnel_bench_ctr,funnel_bench_bounce,funnel_bench_inquiry_rate,funnel_bench_conversion,cfg_min_impressions,cfg_min_visitors,cfg_confidence)',
        fmt="text",
    ),
)
PRODUCT_CELLS = (
    Cell(
        "shop_impr_median",
        "曝光中位数 Impressions median",
        formula="BENCHMARK([tblProducts.impressions],[tblProducts.impressions],cfg_min_impressions,cfg_bench_impressions)",
        fmt="number",
        help="样本足够(≥ cfg_min_impressions)的产品的中位数, 或 cfg_bench_* / median over products with enough data",
    ),
    Cell(
        "shop_ctr_median",
        "点击率中位数 CTR median",
        formula="BENCHMARK([tblProducts.ctr],[tblProducts.impressions],cfg_min_impressions,cfg_bench_ctr)",
        fmt="percent",
    ),
    Cell(
        "shop_inq_median",
        "询盘率中位数 Inquiry-rate median",
        formula="BENCHMARK([tblProducts.inquiry_rate],[tblProducts.visitors],cfg_min_visitors,cfg_bench_inquiry_rate)",
        fmt="percent",
    ),
    Cell("product_count", "产品数 Products", formula="COUNTA([tblProducts.product_id])", fmt="int"),
    Cell(
        "zero_effect_count",
        "零效果产品 Zero-effect products",
        formula="COUNTIFS([tblProducts.impressions],0,[tblProducts.clicks],0,[tblProducts.inquiries],0)",
        fmt="int",
    ),
    Cell(
        "shop_health_text",
        "店铺健康 Shop health",
        formula="SHOP_HEALTH(product_count,zero_effect_count,cfg_shop_min_products,cfg_shop_new_products,cfg_shop_max_products,cfg_zero_effect_max)",
        fmt="text",
    ),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(S_GUIDE, "guide", "如何使用 How to use, 函数列表 function list"),
    Sheet(
        S_TARGET,
        "target",
        "老板: 年度/月度目标、季节权重、成本与ROI Boss: targets, seasonality, costs, ROI",
        ("tblTarget", "tblSeason", "tblCost", "tblPeers", "tblHotProducts"),
        TARGET_CELLS,
    ),
    Sheet(S_FUNNEL, "funnel", "运营: 曝光→点击→访客→询盘→成交 Operator: the funnel", ("tblFunnel",), FUNNEL_CELLS),
    Sheet(S_FOLLOW, "follow", "业务员: 每天下班前更新 Sales: update before leaving every day", ("tblFollow",)),
    Sheet(
        S_ORDERS,
        "orders",
        "订单与样品, 每笔一行, 按日期计入 Orders and samples, one row each, counted by date",
        ("tblOrders",),
    ),
    Sheet(S_BUYERS, "buyers", "老板: 每周/每月新老买家汇总 Boss: weekly/monthly buyer summary", ("tblBuyerSummary",)),
    Sheet(S_PK, "pk", "团队PK Team PK", ("tblPK", "tblTeams")),
    Sheet(
        S_STAFF,
        "staff",
        "平台员工分析(导入) 与本表比率对比 Platform staff analysis (imported) beside our own rates",
        ("tblStaff",),
    ),
    Sheet(
        S_PRODUCTS,
        "products",
        "运营: 标题、违禁词、星级、爆款候选 Operator: titles, banned words, stars, hot candidates",
        ("tblProducts",),
        PRODUCT_CELLS,
    ),
    Sheet(S_KEYWORDS, "keywords", "运营: 关键词与直通车 Operator: keywords and P4P", ("tblKeywords",)),
    Sheet(
        S_SETTINGS,
        "settings",
        "阈值、业务员、违禁词 Thresholds, salespeople, banned words",
        ("tblSalespeople", "tblBannedWords"),
        SETTINGS_CELLS,
    ),
)


def table_for(name: str) -> Table:
    """The table called ``name`` (``tblFollow`` …)."""
    return TABLES[name]
