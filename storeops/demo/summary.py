"""Read a recalculated StoreOps workbook and say what matters, bilingually.

:func:`read_results` returns the tables (columns = keys, formula columns holding the cached
values) and the defined names; :func:`summary_lines` turns them into the terminal summary
of ``storeops demo``: funnel diagnosis, target pace, PK top 3, buyer classes, overdue
follow-ups, flagged titles and scam-risk messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from storeops.tables import to_keys
from storeops.xlsx import read_names, read_tables
from storeops_xl.privacy import mask_contacts

__all__ = ["Results", "read_results", "summary_lines"]


@dataclass
class Results:
    tables: dict[str, pd.DataFrame]
    names: dict[str, Any]

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def read_results(path: str | Path) -> Results:
    """Tables (key columns, cached formula values) and defined names of a workbook."""
    raw = read_tables(path)
    tables = {name: to_keys(name, frame) for name, frame in raw.items() if name.startswith("tbl")}
    return Results(tables, read_names(path))


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _fmt_int(v: Any) -> str:
    f = _num(v)
    return "–" if f is None else f"{f:,.0f}"


def _fmt_score(v: Any) -> str:
    f = _num(v)
    return "–" if f is None else f"{f:.1f}"


def _fmt_pct(v: Any) -> str:
    f = _num(v)
    return "–" if f is None else f"{f:.1%}"


def _fmt_date(v: Any) -> str:
    if isinstance(v, (datetime, date)):
        return f"{v:%Y-%m-%d}"
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _stage_counts(out: list[str], diagnosis: pd.Series, when: str) -> None:
    """How many products each diagnosis names (the stage, without its numbers)."""
    stage = diagnosis.map(_text).str.extract(r"^([^\d:]+?)\s*(?:[\d:]|$)", expand=False).fillna("").str.strip()
    stage = stage[(stage != "") & ~stage.str.startswith("#")]
    if len(stage):
        out.append(f"  {when}, 产品诊断 diagnosis per product:")
        for label, count in stage.value_counts().head(5).items():
            out.append(f"    {count:>4} × {label}")


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _is_true(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().upper() == "TRUE"
    return bool(v is True or (type(v).__name__ == "bool_" and v))


def _team_lines(res: Results, follow: pd.DataFrame) -> list[str]:
    """The team's daily loop: buyers by ID, 撞单, who submitted since the last working day."""
    out = []
    names = follow["buyer"].map(_text)
    shared = names[names != ""].value_counts()
    ids = follow["buyer_id"].map(_text) if "buyer_id" in follow else pd.Series([], dtype=object)
    out.append(
        f"【团队 Team loop】 买家ID buyer IDs: {ids[ids != ''].nunique()} 位买家 buyers; "
        f"{int((shared > 1).sum())} 个名字有同名买家, 按ID分开 / names shared by 2+ buyers, kept apart by ID"
    )
    if "clash" in follow:
        clash = follow[follow["clash"].map(_text) != ""]
        if len(clash):
            who = "; ".join(f"{_text(r['company'])} ({_text(r['salesperson'])})" for _, r in clash.head(4).iterrows())
            out.append(f"  撞单 same buyer, two salespeople: {len(clash)} 行 rows — {who}")
    summary = res.tables.get("tblBuyerSummary")
    if summary is not None and "submitted" in summary:
        done = [_text(r["salesperson"]) for _, r in summary.iterrows() if _text(r["submitted"]).startswith("已提交")]
        late = [_text(r["salesperson"]) for _, r in summary.iterrows() if _text(r["submitted"]).startswith("未提交")]
        since = _fmt_date(res.names.get("cfg_last_workday"))
        out.append(
            f"  {since} 起已提交 submitted since: {', '.join(done) or '–'}; 未提交 not yet: {', '.join(late) or '–'}"
        )
    out.append("  每天: storeops split 主文件 --out 文件夹 → 业务员更新 → storeops merge 文件夹/*.xlsm --into 主文件")
    return out


def summary_lines(res: Results, *, limit: int = 5) -> list[str]:
    """The bilingual terminal summary of a recalculated StoreOps workbook."""
    n = res.names
    out: list[str] = []
    as_of = _fmt_date(n.get("cfg_today"))
    out.append(
        f"StoreOps XL 演示店铺: 宠物用品 (项圈 / 胸背带 / 牵引绳) · demo store: pet supplies · 统计日期 as of {as_of}"
    )
    out.append("")

    # funnel
    out.append("【漏斗诊断 Funnel diagnosis】")
    stages = [
        ("曝光 impressions", "funnel_impressions"),
        ("点击 clicks", "funnel_clicks"),
        ("访客 visitors", "funnel_visitors"),
        ("询盘 inquiries", "funnel_inquiries"),
        ("成交 orders", "funnel_orders"),
    ]
    out.append("  " + " → ".join(f"{label} {_fmt_int(n.get(key))}" for label, key in stages))
    out.append(f"  全店 shop: {_text(n.get('funnel_diag_shop')) or '–'}")
    funnel = res.tables.get("tblFunnel")
    if funnel is not None and len(funnel):
        latest = funnel[funnel["period"] == funnel["period"].iloc[-1]] if "period" in funnel else funnel
        _stage_counts(out, latest["diagnosis"], f"最近一周 latest week ({_text(latest['period'].iloc[0])})")
    products = res.tables.get("tblProducts")
    if products is not None and len(products) and "diagnosis" in products:
        _stage_counts(out, products["diagnosis"], f"本季度 this quarter ({_text(products['period'].iloc[0])})")
    out.append(f"  店铺健康 shop health: {_text(n.get('shop_health_text')) or '–'}")
    out.append("")

    # targets
    target = res.tables.get("tblTarget")
    if target is not None and len(target):
        out.append("【目标进度 Target pace (年度 year to date)】")
        for _, r in target.iterrows():
            out.append(
                f"  {_text(r['salesperson']):<16} 销售 sales ${_fmt_int(r['sales_actual'])} / ${_fmt_int(r['sales_target'])}"
                f"  进度 pace {_fmt_pct(r['sales_pace'])} {_text(r['sales_pace_label'])}"
            )
        out.append("")

    # PK
    pk = res.tables.get("tblPK")
    if pk is not None and len(pk):
        out.append("【PK 本月前三 top 3 this month】")
        ranked = pk.assign(_s=pk["score"].map(_num)).sort_values("_s", ascending=False, na_position="last")
        for i, (_, r) in enumerate(ranked.head(3).iterrows(), 1):
            out.append(
                f"  {i}. {_text(r['salesperson']):<16} {_text(r['team']):<12} 得分 score {_fmt_score(r['score'])}"
                f"  询盘 inquiries {_fmt_int(r['inquiries'])}  新买家 new buyers {_fmt_int(r['new_buyers'])}"
                f"  订单额 ${_fmt_int(r['order_usd'])}"
            )
        teams = res.tables.get("tblTeams")
        if teams is not None and len(teams):
            out.append(
                "  团队 teams: "
                + "; ".join(f"{_text(r['team'])} {_fmt_score(r['score'])}" for _, r in teams.iterrows())
            )
        out.append("")

    # follow-ups
    follow = res.tables.get("tblFollow")
    if follow is not None and len(follow):
        classes = follow["buyer_class"].map(_text).value_counts()
        out.append(
            "【买家 Buyers】 "
            + "  ".join(f"{c}: {int(classes.get(c, 0))}" for c in "ABCD")
            + f"  (共 total {len(follow)})"
        )
        out.extend(_team_lines(res, follow))
        overdue = follow[follow["overdue"].map(_is_true)]
        out.append(f"【逾期跟进 Overdue follow-ups】 {len(overdue)} 位买家 buyers")
        overdue = overdue.sort_values("next_followup", kind="stable")
        for _, r in overdue.head(limit).iterrows():
            out.append(
                f"  {mask_contacts(_text(r['buyer'])):<18} {_text(r['salesperson']):<16} 类别 class {_text(r['buyer_class'])}"
                f"  应跟进 due {_fmt_date(r['next_followup'])}  下一步 {_text(r['next_action'])}"
            )
        out.append("")
        risky = follow[follow["scam_risk"].map(_text).str.startswith(("高", "中"))]
        out.append(f"【诈骗风险 Scam-risk messages】 {len(risky)} 条 messages")
        for _, r in risky.head(limit).iterrows():
            msg = mask_contacts(_text(r["last_message"]))  # a buyer's number in a message is masked
            msg = msg if len(msg) <= 60 else msg[:57] + "…"
            risk = _text(r["scam_risk"]).split(";")[0]
            out.append(f"  {mask_contacts(_text(r['buyer'])):<16} {_text(r['salesperson']):<16} {risk}")
            out.append(f"      “{msg}”")
        out.append("")

    products = res.tables.get("tblProducts")
    if products is not None and len(products):
        scores = products["title_score"].map(_num)
        issues = products["title_issues"].map(_text)
        banned = products["banned"].map(_text)
        flagged = products.assign(_s=scores.fillna(-1))[(issues != "") | (banned != "")].sort_values(
            "_s", kind="stable"
        )
        out.append(
            f"【问题标题 Flagged titles】 {len(flagged)} / {len(products)} 个产品有标题问题 products with title issues; "
            f"{int((banned != '').sum())} 个含违禁词 with banned words (最低分在前 lowest score first)"
        )
        for _, r in flagged.head(limit + 3).iterrows():
            title = _text(r["title"])
            title = title if len(title) <= 70 else title[:67] + "…"
            out.append(f"  [{r['_s']:>5.1f}] {title}")
            out.append(f"          → {_text(r['title_issues'])}")
        hot = products[products["hot"].map(_is_true)]
        if len(hot):
            out.append(f"  爆款候选 hot candidates: {len(hot)} 个 — " + ", ".join(hot["product_id"].map(_text).head(5)))
    keywords = res.tables.get("tblKeywords")
    if keywords is not None and len(keywords) and "banned" in keywords:
        bad = keywords[keywords["banned"].map(_text).str.len() > 0]
        opp = int(keywords["opportunity"].map(_is_true).sum())
        line = f"  关键词 keywords: {opp} 个机会词 opportunity words"
        if len(bad):
            line += f"; {len(bad)} 个品牌/违禁词 brand or banned (直通车暂停 pause P4P): " + ", ".join(
                bad["keyword"].map(_text).head(5)
            )
        out.append(line)
    return out
