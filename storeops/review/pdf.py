"""The weekly review as a printable PDF (A4 landscape) with charts, via matplotlib.

Page 1: the week in one line, the table per salesperson and per team, a stacked bar chart of
new buyers by source and a bar chart of PK scores.  Then the details, two tables a page, as many
pages as they need — every class move, every overdue buyer, every message unanswered past the
limit, the goals due, the week's orders and the scam alerts are listed, none cut off.
Chinese text needs a CJK font: ``storeops.fonts`` provides it (WenQuanYi / Noto CJK).
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from .cells import show
from .compute import Review

__all__ = ["write_pdf"]

_A4_LANDSCAPE = (11.69, 8.27)
_PERCENT = {"及时回复率 Timely rate", "销售进度 Sales pace", "平台及时回复率 Platform timely rate"}


def _font_family() -> list[str]:
    """Font families with CJK glyphs, best first."""
    try:
        from storeops import fonts  # H4's module: registers a CJK font with matplotlib

        for attr in ("setup_matplotlib", "use_cjk_font", "cjk_font", "setup"):
            fn = getattr(fonts, attr, None)
            if callable(fn):
                got = fn()
                if isinstance(got, str):
                    return [got, "DejaVu Sans"]
                if isinstance(got, (list, tuple)):
                    return [*got, "DejaVu Sans"]
                break
    except Exception:  # noqa: BLE001 - fall back to what the system has
        pass
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    for fam in (
        "WenQuanYi Micro Hei",
        "WenQuanYi Zen Hei",
        "Noto Sans CJK SC",
        "Noto Sans SC",
        "Source Han Sans SC",
        "Microsoft YaHei",
        "SimHei",
        "PingFang SC",
        "Heiti SC",
    ):
        if fam in have:
            return [fam, "DejaVu Sans"]
    return ["DejaVu Sans"]


def _fmt(v: Any, col: str) -> str:
    return show(v, col)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


_PEOPLE_COLS = [
    ("业务员 Salesperson", "业务员\nSales"),
    ("团队 Team", "团队\nTeam"),
    ("新买家 New buyers", "新买家\nNew"),
    ("已回复 Replied", "已回复\nReplied"),
    ("及时回复率 Timely rate", "及时率\nTimely"),
    ("4小时达标率 Within target rate", "4小时\n≤4 h"),
    ("平台及时回复率 Platform timely rate", "平台及时率\nPlatform"),
    ("升级 Upgrades", "升级\nUp"),
    ("降级 Downgrades", "降级\nDown"),
    ("到期目标 Goals due", "目标到期\nDue"),
    ("达成 Met", "达成\nMet"),
    ("逾期跟进 Overdue", "逾期\nOverdue"),
    ("超时未回复 Late unanswered", "超时未回\nLate"),
    ("本周订单 Orders", "订单\nOrders"),
    ("本周销售额 Revenue USD", "销售额\nRevenue $"),
    ("销售进度 Sales pace", "进度\nPace"),
    ("成交能力 Close band", "成交\nClose"),
    ("诈骗警示 Scam alerts", "诈骗\nScam"),
    ("PK得分 PK score", "PK得分\nScore"),
    ("PK排名 PK rank", "排名\nRank"),
]


def _people_table(review: Review) -> tuple[list[str], list[list[str]]]:
    df = review.people.copy()
    main = {"询盘 Inquiry", "TM", "RFQ"}
    src_cols = [
        c
        for c in df.columns
        if c in {f"{s.split(' ')[0]} {s.split(' ', 1)[-1]}" if " " in s else s for s in review.sources}
        and c not in main
    ]
    df["_other"] = df[src_cols + ["其他来源 Other"]].sum(axis=1) if len(df) else []
    cols = [(k, h) for k, h in _PEOPLE_COLS if k in df.columns]
    rows = [[_fmt(r[k], k) for k, _ in cols] for _, r in df.iterrows()]
    return [h for _, h in cols], rows


def _teams_table(review: Review) -> tuple[list[str], list[list[str]]]:
    df = review.teams
    cols = [
        c
        for c in [
            "团队 Team",
            "人数 Members",
            "新买家 New buyers",
            "已回复 Replied",
            "及时回复率 Timely rate",
            "升级 Upgrades",
            "逾期跟进 Overdue",
            "本周销售额 Revenue USD",
            "销售进度 Sales pace",
            "PK得分 PK score",
            "PK排名 PK rank",
        ]
        if c in df.columns
    ]
    rows = [[_fmt(r[c], c) for c in cols] for _, r in df.iterrows()]
    return [c.replace(" ", "\n", 1) for c in cols], rows


def _draw_table(ax: Any, header: list[str], rows: list[list[str]], title: str, fontsize: float = 7.5) -> None:
    ax.axis("off")
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    if not rows:
        ax.text(0, 0.5, "本周无数据 / no data this week", fontsize=9)
        return
    tab = ax.table(cellText=rows, colLabels=header, loc="upper left", cellLoc="center")
    tab.auto_set_font_size(False)
    tab.set_fontsize(fontsize)
    tab.scale(1, 1.5)
    tab.auto_set_column_width(list(range(len(header))))
    for (r, _c), cell in tab.get_celld().items():
        if r == 0:
            cell.set_facecolor("#1f4e79")
            cell.set_text_props(color="white", fontweight="bold")
            cell.set_height(cell.get_height() * 1.6)
        elif r % 2 == 0:
            cell.set_facecolor("#eef3f8")


def write_pdf(review: Review, path: str) -> str:
    """Write the review PDF to ``path`` (returned), atomically: a kill or a full disk
    leaves the previous PDF or none, never a half-written one."""
    import io

    buf = io.BytesIO()
    _render_pdf(review, buf)
    return write_atomic(path, buf)


def write_atomic(path: str, buf: Any) -> str:
    """Write the bytes of ``buf`` to ``path`` (returned) atomically, creating its folder: a kill
    or a full disk leaves the previous file or none (the PDF and the phone PNG)."""
    from storeops.errors import io_error
    from storeops.xlsx import atomic_write

    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise io_error(exc, folder, writing=True) from None
    atomic_write(path, lambda fh: fh.write(buf.getbuffer()))
    return path


def _render_pdf(review: Review, out: Any) -> None:
    """Draw the review's A4 pages into ``out`` (a file object): the summary, then the details."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import logging

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # no bold CJK face: regular is fine
    families = _font_family()
    with matplotlib.rc_context(
        {"font.family": "sans-serif", "font.sans-serif": families, "axes.unicode_minus": False, "pdf.fonttype": 42}
    ):
        with PdfPages(
            out, metadata={"Title": review.title, "Creator": "StoreOps XL", "CreationDate": None, "ModDate": None}
        ) as pdf:
            fig = plt.figure(figsize=_A4_LANDSCAPE)
            fig.suptitle(review.title, fontsize=14, fontweight="bold", x=0.03, ha="left")
            fig.text(
                0.03,
                0.915,
                f"统计日期 As of {review.as_of:%Y-%m-%d} · 每周六复盘 Saturday review",
                fontsize=9,
                color="#555555",
            )
            fig.text(0.03, 0.893, _wrap(review.headline, 190), fontsize=8, color="#1f4e79", va="top")
            gs = fig.add_gridspec(
                3,
                2,
                height_ratios=[1.25, 0.8, 1.35],
                left=0.03,
                right=0.97,
                top=0.82,
                bottom=0.06,
                hspace=0.45,
                wspace=0.18,
            )
            h, rows = _people_table(review)
            _draw_table(fig.add_subplot(gs[0, :]), h, rows, "业务员 Per salesperson", 7)
            h, rows = _teams_table(review)
            _draw_table(fig.add_subplot(gs[1, :]), h, rows, "团队 Per team")
            _chart_sources(fig.add_subplot(gs[2, 0]), review)
            _chart_pk(fig.add_subplot(gs[2, 1]), review)
            pdf.savefig(fig)
            plt.close(fig)

            for page in _detail_pages(review):
                fig = plt.figure(figsize=_A4_LANDSCAPE)
                fig.suptitle(f"{review.title} — 明细 Details", fontsize=12, fontweight="bold", x=0.03, ha="left")
                gs = fig.add_gridspec(1, 2, left=0.03, right=0.97, top=0.9, bottom=0.05, wspace=0.08)
                for k, (title, part) in enumerate(page):
                    _draw_table(
                        fig.add_subplot(gs[0, k]),
                        [c.replace(" ", "\n", 1) for c in part.columns],
                        [[_fmt(v, str(c)) for c, v in r.items()] for _, r in part.iterrows()],
                        title,
                        7,
                    )
                pdf.savefig(fig)
                plt.close(fig)


#: rows of one detail table on a page (half an A4 landscape page)
DETAIL_ROWS = 25


def _detail_pages(review: Review) -> list[list[tuple[str, pd.DataFrame]]]:
    """The detail tables cut into pieces of :data:`DETAIL_ROWS` rows, two pieces a page: every
    row of every table is on some page."""
    od = review.overdue.sort_values("逾期天数 Days overdue", ascending=False, kind="stable")
    parts: list[tuple[str, pd.DataFrame]] = []
    for title, df in (
        (f"类别变化 Class moves ({len(review.moves)})", review.moves),
        (f"逾期跟进 Overdue follow-ups ({len(review.overdue)})", od),
        (f"超时未回复 Late, unanswered ({len(review.unanswered)})", review.unanswered),
        (f"本周到期目标 Goals due ({len(review.goals)})", review.goals),
        (f"本周订单 Orders this week ({len(review.orders)})", review.orders),
        (f"诈骗警示 Scam alerts ({len(review.scams)})", review.scams),
    ):
        if df.empty:
            parts.append((title, df))
            continue
        for k in range(0, len(df), DETAIL_ROWS):
            more = f" {k + 1}–{min(k + DETAIL_ROWS, len(df))}" if len(df) > DETAIL_ROWS else ""
            parts.append((title + more, df.iloc[k : k + DETAIL_ROWS]))
    return [parts[i : i + 2] for i in range(0, len(parts), 2)]


def _chart_sources(ax: Any, review: Review) -> None:
    df = review.people
    ax.set_title("本周新买家(按来源) New buyers by source", fontsize=10, loc="left")
    if df.empty:
        ax.axis("off")
        return
    names = df["业务员 Salesperson"].tolist()
    bottom = [0.0] * len(df)
    cols = [
        c
        for c in df.columns
        if c not in ("新买家 New buyers",)
        and (
            c in {"询盘 Inquiry", "TM", "RFQ", "其他来源 Other"}
            or any(c.startswith(s.split(" ")[0] + " ") for s in review.sources)
        )
    ]
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    for i, c in enumerate(cols):
        vals = df[c].astype(float).tolist()
        if not any(vals):
            continue
        ax.bar(names, vals, bottom=bottom, label=c, color=colors[i % len(colors)])
        bottom = [b + v for b, v in zip(bottom, vals)]
    if any(bottom):
        ax.legend(fontsize=7, loc="upper right")
    else:
        ax.text(0.5, 0.5, "本周无新买家 / no new buyers this week", ha="center", va="center", transform=ax.transAxes)
    ax.tick_params(labelsize=8)
    ax.set_ylabel("买家 Buyers", fontsize=8)


def _chart_pk(ax: Any, review: Review) -> None:
    df = review.people
    ax.set_title("PK 本周得分 PK score this week", fontsize=10, loc="left")
    if df.empty or "PK得分 PK score" not in df:
        ax.axis("off")
        return
    d = df.sort_values("PK得分 PK score", ascending=False)
    scores = d["PK得分 PK score"].astype(float).fillna(0).tolist()
    bars = ax.bar(d["业务员 Salesperson"].tolist(), scores, color="#1f4e79")
    for b, s in zip(bars, scores):
        ax.text(b.get_x() + b.get_width() / 2, b.get_height(), f"{s:.0f}", ha="center", va="bottom", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.set_ylabel("得分 Score", fontsize=8)
