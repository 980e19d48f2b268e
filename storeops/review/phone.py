"""The week on one phone screen: a PNG 1080 px wide for WeChat / Feishu, beside the A4 PDF.

Top to bottom: the week and its as-of date; four big numbers (new buyers, orders, revenue,
timely-reply rate under the platform rule and the shop's 4 h); one line per salesperson (new
buyers, replies, revenue, pace, PK rank, close band); the alerts — overdue buyers, messages
unanswered past the limit, scam alerts — with the first names and the true count ("共 N 个,
见工作表 周复盘 / N in all, see the Review sheet" when they do not all fit); class moves and
goals.  A quiet week says so in one line.
"""

from __future__ import annotations

import pandas as pd

from .cells import show
from .compute import Review

__all__ = ["PHONE_SIZE", "write_phone_png"]

#: inches × dpi = 1080 × 1920 pixels (a phone screen, portrait)
PHONE_SIZE, PHONE_DPI = (7.2, 12.8), 150
#: names listed per alert before "… N in all"
LISTED = 6


def _names(df: pd.DataFrame, what: str, extra: str | None = None) -> list[str]:
    lines = []
    for _, r in df.head(LISTED).iterrows():
        unit = {"逾期天数 Days overdue": " 天 days", "已等小时 Hours waiting": " 小时 h"}.get(extra or "", "")
        tail = f" · {show(r[extra], extra)}{unit}" if extra else ""
        lines.append(f"  {str(r['买家 Buyer'])[:24]} ({str(r['业务员 Salesperson']).split(' ')[0]}){tail}")
    if len(df) > LISTED:
        lines.append(f"  … 共 {len(df)} 个, 见工作表「周复盘」/ {len(df)} {what} in all, see the Review sheet")
    return lines


def write_phone_png(review: Review, path: str) -> str:
    """Draw the phone summary of ``review`` into ``path`` (returned)."""
    import io

    import matplotlib

    from .pdf import write_atomic

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .pdf import _font_family

    t = review.totals
    people = review.people
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": _font_family()}):
        fig = plt.figure(figsize=PHONE_SIZE, dpi=PHONE_DPI)
        fig.patch.set_facecolor("white")
        y = 0.965

        def line(text: str, size: float = 11, color: str = "#222222", weight: str = "normal", gap: float = 0.028):
            nonlocal y
            fig.text(0.05, y, text, fontsize=size, color=color, fontweight=weight, va="top")
            y -= gap

        line(f"周复盘 {review.week}", 22, "#1f4e79", "bold", 0.04)
        line(f"{review.start:%m-%d} ~ {review.end:%m-%d} · 统计日期 as of {review.as_of:%Y-%m-%d}", 11, "#555555")
        if review.quiet:
            line("本周没有新买家、订单、类别变化或到期目标", 13, "#a61c00", "bold")
            line("a quiet week: no new buyers, orders, class moves or goals due", 10, "#a61c00")
        y -= 0.01
        boxes = (
            ("新买家\nnew buyers", str(t.get("new_buyers", 0))),
            ("订单\norders", str(t.get("orders", 0))),
            ("销售额\nrevenue", f"${t.get('revenue', 0):,.0f}"),
            ("及时回复\ntimely", f"{show(t.get('timely_rate'), '及时回复率 Timely rate') or '—'}"),
        )
        for k, (label, value) in enumerate(boxes):
            x = 0.05 + k * 0.235
            fig.text(x, y, value, fontsize=20, fontweight="bold", color="#1f4e79", va="top")
            fig.text(x, y - 0.04, label, fontsize=9, color="#555555", va="top")
        y -= 0.085
        shop = show(t.get("target_rate"), "4小时达标率 Within target rate") or "—"
        line(f"平台规则及时率 / ≤{t.get('target_h', 4):g} 小时达标率: {boxes[3][1]} / {shop}", 10, "#555555", gap=0.035)
        line("业务员 Salespeople", 14, "#1f4e79", "bold", 0.032)
        for _, r in people.iterrows():
            name = str(r["业务员 Salesperson"])
            rank = show(r.get("PK排名 PK rank"), "rank")
            line(f"{rank + '. ' if rank else ''}{name}", 12, weight="bold", gap=0.024)
            line(
                f"  新 {r['新买家 New buyers']} · 回复 {r['已回复 Replied']} · 及时 "
                f"{show(r['及时回复率 Timely rate'], '及时回复率 Timely rate') or '—'} · "
                f"${r['本周销售额 Revenue USD']:,.0f} · 进度 {show(r['销售进度 Sales pace'], '销售进度 Sales pace') or '—'}"
                f" {r['进度 Pace']} · 成交 {r['成交能力 Close band'] or '—'}",
                10,
                "#333333",
                gap=0.026,
            )
        y -= 0.006
        line("提醒 Alerts", 14, "#a61c00", "bold", 0.032)
        for title, df, what, extra in (
            ("逾期跟进 Overdue", review.overdue.sort_values("逾期天数 Days overdue", ascending=False, kind="stable"),
             "overdue", "逾期天数 Days overdue"),
            ("超时未回复 Late, unanswered", review.unanswered, "unanswered", "已等小时 Hours waiting"),
            ("诈骗警示 Scam alerts", review.scams, "alerts", None),
        ):  # fmt: skip
            line(f"{title}: {len(df)}", 12, "#a61c00" if len(df) else "#222222", "bold", 0.024)
            for text in _names(df, what, extra):
                line(text, 9.5, "#333333", gap=0.021)
        y -= 0.006
        line(
            f"类别变化 Class moves: 升级 up {t.get('upgrades', 0)} · 降级 down {t.get('downgrades', 0)}",
            12,
            weight="bold",
            gap=0.026,
        )
        line(
            f"目标 Goals: 到期 due {t.get('goals_due', 0)} · 达成 met {t.get('goals_met', 0)}",
            12,
            weight="bold",
            gap=0.026,
        )
        fig.text(0.05, 0.015, "StoreOps XL · storeops review", fontsize=8, color="#999999")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PHONE_DPI, metadata={"Software": None})
        plt.close(fig)
    return write_atomic(path, buf)  # as the PDF: a kill or a full disk leaves the previous PNG or none
