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

#: Version of the workbook layout this code writes and reads, stamped in every workbook it
#: builds as the custom document property ``StoreOpsSchemaVersion``.  Whoever changes the tables
#: so that an older file can no longer be merged with a new one bumps it by one (and adds the
#: layout and a migration step: :mod:`storeops.workbook.migrate`).  3: tblFollow gained
#: clash / prev_salesperson / buyer_id / sync_mark at its right end, tblBuyerSummary the
#: submitted-since-last-workday columns, Settings ``cfg_last_workday`` (issue 10).
SCHEMA_VERSION = 3

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
S_CONFLICTS = "合并冲突 Conflicts"  # written by storeops merge (storeops.conflicts)
#: the named cell holding the as-of date: a value StoreOps stamps (``cfg_as_of`` or today) on
#: every build, recalc and new week, so no formula depends on the volatile TODAY()
AS_OF_CELL = "cfg_today"
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
    Cell("cfg_fx_usd_cny", "汇率 CNY per USD", 7.2, fmt="number"),
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
    anchor_col=4,
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
    anchor_col=8,
)

TARGET = T(
    "tblTarget",
    S_TARGET,
    "年度目标 Annual targets per salesperson",
    (
        Col("salesperson", "业务员 Salesperson", choices="=salespeople", required=True, width=14),
        Col("sales_target", "年销售额目标 Sales target USD", fmt="money", width=14),
        Col("new_buyers_target", "年新买家目标 New buyers target", fmt="int", width=12),
        Col("repeat_buyers_target", "年复购买家目标 Repeat buyers target", fmt="int", width=12),
        Col("inquiries_target", "年询盘目标 Inquiries target", fmt="int", width=12),
        Col("rfq_target", "年RFQ报价目标 RFQ quotes target", fmt="int", width=12),
        Col("orders_target", "年订单目标 Orders target", fmt="int", width=12),
        Col(
            "month_sales_target",
            "本月销售目标 Month sales target",
            "formula",
            "money",
            "TARGET_SPLIT({sales_target},cfg_month,[tblSeason.weight])",
            width=14,
        ),
        Col(
            "week_sales_target",
            "本周销售目标 Week sales target",
            "formula",
            "money",
            'IF({month_sales_target}="","",{month_sales_target}*7/DAY(EOMONTH(cfg_today,0)))',
            width=14,
        ),
        Col(
            "month_inquiries_target",
            "本月询盘目标 Month inquiries target",
            "formula",
            "number",
            "TARGET_SPLIT({inquiries_target},cfg_month,[tblSeason.weight])",
            width=12,
        ),
        Col(
            "sales_actual",
            "销售额实际 Sales actual USD",
            "formula",
            "money",
            "SUMIFS([tblFollow.order_usd],[tblFollow.salesperson],{salesperson})",
            width=14,
        ),
        Col(
            "new_buyers_actual",
            "新买家实际 New buyers actual",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.paid_orders],">0",[tblFollow.received_at],">="&cfg_year_start)',
            width=12,
        ),
        Col(
            "repeat_buyers_actual",
            "复购买家实际 Repeat buyers actual",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.paid_orders],">=2")',
            width=12,
        ),
        Col(
            "inquiries_actual",
            "询盘实际 Inquiries actual",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_year_start)',
            width=12,
        ),
        Col(
            "rfq_actual",
            "RFQ报价实际 RFQ quotes actual",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.source],"RFQ",[tblFollow.received_at],">="&cfg_year_start)',
            width=12,
        ),
        Col(
            "orders_actual",
            "订单实际 Orders actual",
            "formula",
            "int",
            "SUMIFS([tblFollow.paid_orders],[tblFollow.salesperson],{salesperson})",
            width=12,
        ),
        Col(
            "sales_pace",
            "销售进度 Sales pace",
            "formula",
            "percent",
            "TARGET_PACE({sales_actual},{sales_target},cfg_year_start,cfg_year_end,cfg_today)",
            width=11,
        ),
        Col(
            "sales_pace_label",
            "进度 Pace",
            "formula",
            "text",
            "PACE_LABEL({sales_pace},cfg_pace_ahead,cfg_pace_behind)",
            width=9,
        ),
        Col(
            "inquiries_pace",
            "询盘进度 Inquiry pace",
            "formula",
            "percent",
            "TARGET_PACE({inquiries_actual},{inquiries_target},cfg_year_start,cfg_year_end,cfg_today)",
            width=11,
        ),
        Col(
            "new_buyers_pace",
            "新买家进度 New-buyer pace",
            "formula",
            "percent",
            "TARGET_PACE({new_buyers_actual},{new_buyers_target},cfg_year_start,cfg_year_end,cfg_today)",
            width=11,
        ),
    ),
    anchor_row=6,
)

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
    anchor_col=22,
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
    anchor_col=26,
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
    anchor_col=31,
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
    anchor_col=37,
    anchor_row=6,
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
            "FUNNEL_DIAG({impressions},{clicks},{visitors},{inquiries},{orders},{bounce_rate},funnel_bench_impressions,funnel_bench_ctr,funnel_bench_bounce,funnel_bench_inquiry_rate,funnel_bench_conversion,cfg_min_impressions,cfg_min_visitors,cfg_confidence)",
            width=40,
            help="数据太少时写 数据太少 too little data (cfg_min_impressions, cfg_min_visitors); 基准 = 本店中位数 "
            "或 cfg_bench_* / says too little data below the minimum sample; benchmarks = the shop's median or cfg_bench_*",
        ),
    ),
    anchor_row=6,
)

#: COUNTIFS criterion leaving junk inquiries (垃圾询盘 = 是 Yes) out of the rates and counts (issue 12)
NOT_JUNK = '[tblFollow.junk],"<>是 Yes"'

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
        Col("goal_met", "目标达成 Goal met", choices="yesno", width=9),
        Col("sample_orders", "样品单 Sample orders", fmt="int", width=8),
        Col("paid_orders", "付款订单 Paid orders", fmt="int", width=8),
        Col("order_usd", "订单额 Order USD (12m)", fmt="money", width=12),
        Col("class_last_week", "上周类别 Class last week", width=9, help="“新一周”按钮写入 written by New week"),
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
            "REPLY_HOURS({received_at},{replied_at})",
            width=9,
        ),
        Col(
            "timely",
            "及时 Timely",
            "formula",
            "bool",
            "REPLY_OK({reply_hours},{channel},cfg_reply_inquiry_h,cfg_reply_tm_h)",
            width=8,
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
            "next_followup",
            "下次跟进 Next follow-up",
            "formula",
            "date",
            "NEXT_FOLLOWUP({last_contact},{buyer_class},{stage},cfg_cadence_a,cfg_cadence_b,cfg_cadence_c,cfg_cadence_d)",
            width=11,
        ),
        Col("overdue", "逾期 Overdue", "formula", "bool", "OVERDUE({next_followup},cfg_today)", width=8),
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
            help="StoreOps 自动填写, 请勿修改 / filled by StoreOps, do not edit (docs/data.md)",
        ),
        Col(
            "sync_mark",
            "同步标记 Sync mark",
            width=12,
            hidden=True,
            help="storeops merge/split 使用, 请勿修改 / used by merge and split, do not edit",
        ),
    ),
    anchor_row=3,
)
#: tblFollow columns StoreOps itself fills (never counted as a salesperson's edit)
FOLLOW_SYSTEM = ("buyer_id", "sync_mark")

BUYER_SUMMARY = T(
    "tblBuyerSummary",
    S_BUYERS,
    "买家汇总 Buyer summary (本周/本月 this week / month)",
    (
        Col("salesperson", "业务员 Salesperson", required=True, width=14),
        Col(
            "new_week",
            "本周新买家 New this week",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_week_start)',
            width=11,
        ),
        Col(
            "old_week",
            "本周老买家 Old contacted this week",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],"<"&cfg_week_start,[tblFollow.last_contact],">="&cfg_week_start)',
            width=11,
        ),
        Col(
            "new_month",
            "本月新买家 New this month",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_month_start)',
            width=11,
        ),
        Col(
            "old_month",
            "本月老买家 Old contacted this month",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],"<"&cfg_month_start,[tblFollow.last_contact],">="&cfg_month_start)',
            width=11,
        ),
        Col(
            "src_inquiry",
            "询盘 Inquiry",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.source],"询盘 Inquiry")',
            width=8,
        ),
        Col(
            "src_tm",
            "TM",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.source],"TM")',
            width=7,
        ),
        Col(
            "src_rfq",
            "RFQ",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.source],"RFQ")',
            width=7,
        ),
        Col(
            "src_other",
            "其他来源 Other sources",
            "formula",
            "int",
            "COUNTIFS([tblFollow.salesperson],{salesperson})-{src_inquiry}-{src_tm}-{src_rfq}",
            width=9,
        ),
        Col(
            "class_a",
            "A 大B买家 Big buyers",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.buyer_class],"A")',
            width=9,
        ),
        Col(
            "class_b",
            "B 小单买家 Small orders",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.buyer_class],"B")',
            width=9,
        ),
        Col(
            "class_c",
            "C 样品买家 Samples",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.buyer_class],"C")',
            width=9,
        ),
        Col(
            "class_d",
            "D 询盘买家 Prospects",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.buyer_class],"D")',
            width=9,
        ),
        Col(
            "overdue",
            "逾期跟进 Overdue",
            "formula",
            "int",
            "COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.overdue],TRUE)",
            width=9,
        ),
        Col(
            "timely_rate",
            "及时回复率 Timely rate",
            "formula",
            "percent",
            followup.timely_rate_native("[tblFollow.timely]", "[tblFollow.salesperson],{salesperson}," + NOT_JUNK),
            width=10,
        ),
        Col(
            "close_rate",
            "成交率 Close rate",
            "formula",
            "percent",
            'CLOSE_RATE(COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.paid_orders],">0"),COUNTIFS([tblFollow.salesperson],{salesperson}))',
            width=10,
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

PK = T(
    "tblPK",
    S_PK,
    "PK 本月 this month",
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
        Col(
            "inquiries",
            "询盘数 Inquiries",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_month_start)',
            width=10,
        ),
        Col(
            "new_buyers",
            "新买家 New buyers",
            "formula",
            "int",
            'COUNTIFS([tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_month_start,[tblFollow.paid_orders],">0")',
            width=10,
        ),
        Col(
            "order_usd",
            "订单额 Order USD",
            "formula",
            "money",
            'SUMIFS([tblFollow.order_usd],[tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_month_start)',
            width=12,
        ),
        Col(
            "timely",
            "及时回复率 Timely rate",
            "formula",
            "percent",
            followup.timely_rate_native(
                "[tblFollow.timely]",
                '[tblFollow.salesperson],{salesperson},[tblFollow.received_at],">="&cfg_month_start,' + NOT_JUNK,
                "0",
            ),
            width=10,
        ),
        Col(
            "t_inquiries",
            "询盘目标 Inquiry target",
            "formula",
            "int",
            "IFERROR(INDEX([tblTarget.month_inquiries_target],MATCH({salesperson},[tblTarget.salesperson],0)),0)",
            width=10,
        ),
        Col(
            "t_new_buyers",
            "新买家目标 New-buyer target",
            "formula",
            "number",
            "IFERROR(INDEX([tblTarget.new_buyers_target],MATCH({salesperson},[tblTarget.salesperson],0))/12,0)",
            width=10,
        ),
        Col(
            "t_order_usd",
            "订单额目标 Order target",
            "formula",
            "money",
            "IFERROR(INDEX([tblTarget.month_sales_target],MATCH({salesperson},[tblTarget.salesperson],0)),0)",
            width=12,
        ),
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
    ),
    anchor_row=6,
)

_IN_PERIOD = (
    "[tblFollow.salesperson],{salesperson}," + NOT_JUNK + ","
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
        ),
        Col(
            "our_avg_reply_hours",
            "本表平均回复小时 Our avg reply h",
            "formula",
            "hours",
            "IFERROR(AVERAGEIFS([tblFollow.reply_hours]," + _IN_PERIOD + '),"")',
            width=10,
        ),
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
TARGET_CELLS = (
    Cell("target_markets", "目标市场 Target markets", "北美 North America; 欧洲 Europe", fmt="text"),
    Cell(
        "target_customers",
        "客户类型 Customer types",
        "批发商 Wholesalers; 品牌商 Brands; 电商卖家 E-commerce sellers",
        fmt="text",
    ),
    Cell("cost_total_usd", "总成本 Total cost USD", formula="SUM([tblCost.amount_usd])", fmt="money"),
    Cell("revenue_usd", "销售额 Revenue USD", formula="SUM([tblTarget.sales_actual])", fmt="money"),
    Cell("roi", "投资回报 ROI", formula='IFERROR(revenue_usd/cost_total_usd,"")', fmt="number"),
    Cell(
        "cost_per_inquiry",
        "询盘成本 Cost per inquiry",
        formula="COST_PER(cost_total_usd,SUM([tblTarget.inquiries_actual]))",
        fmt="money",
    ),
    Cell(
        "cost_per_new_buyer",
        "新买家成本 Cost per new buyer",
        formula="COST_PER(cost_total_usd,SUM([tblTarget.new_buyers_actual]))",
        fmt="money",
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
