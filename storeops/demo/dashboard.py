"""The demo dashboard picture: funnel, target progress, PK scores and buyer classes.

Drawn with matplotlib (Agg, no display needed) in a CJK font from :mod:`storeops.fonts`,
from the cached values of a recalculated workbook (:class:`~storeops.demo.summary.Results`).
"""

from __future__ import annotations

from pathlib import Path

from .summary import Results, _num, _text

__all__ = ["write_dashboard"]

BLUE, LIGHT, GREEN, GOLD, GREY, RED = "#2E75B6", "#BDD7EE", "#70AD47", "#FFC000", "#A5A5A5", "#C00000"


def write_dashboard(res: Results, path: str | Path, *, dpi: int = 110) -> Path:
    """Write the 2 × 2 dashboard PNG to ``path`` and return it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from storeops.fonts import use_cjk_font

    use_cjk_font()
    n = res.names
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    fig.suptitle(f"StoreOps XL 演示店铺 Demo store · 统计日期 as of {_text(n.get('cfg_today'))[:10]}", fontsize=14)

    # funnel
    ax = axes[0][0]
    labels = ["曝光\nImpressions", "点击\nClicks", "访客\nVisitors", "询盘\nInquiries", "成交\nOrders"]
    values = [
        _num(n.get(k)) or 0
        for k in ("funnel_impressions", "funnel_clicks", "funnel_visitors", "funnel_inquiries", "funnel_orders")
    ]
    bars = ax.barh(labels[::-1], values[::-1], color=BLUE)
    ax.set_xscale("symlog", linthresh=10)
    for bar, v in zip(bars, values[::-1]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:,.0f}", va="center", fontsize=9)
    ax.set_title("漏斗 Funnel (季度 quarter, 对数轴 log scale)")
    diag = _text(n.get("funnel_diag_shop")).split(":")[0].strip()
    ax.set_xlabel("全店诊断 shop diagnosis: " + diag, fontsize=9, color=RED)

    # target progress
    ax = axes[0][1]
    target = res.tables.get("tblTarget")
    if target is not None and len(target):
        people = [_text(s).split(" ")[0] for s in target["salesperson"]]
        x = range(len(people))
        t_vals = [_num(v) or 0 for v in target["sales_target"]]
        a_vals = [_num(v) or 0 for v in target["sales_actual"]]
        ax.bar([i - 0.2 for i in x], t_vals, 0.4, color=LIGHT, label="年目标 annual target")
        ax.bar([i + 0.2 for i in x], a_vals, 0.4, color=BLUE, label="实际 actual")
        for i, label in enumerate(target["sales_pace_label"]):
            pace = _num(target["sales_pace"].iloc[i])
            colour = RED if "落后" in _text(label) else GREEN
            ax.text(
                i + 0.2,
                a_vals[i],
                f"{pace:.0%}\n{_text(label)}" if pace is not None else "",
                ha="center",
                va="bottom",
                fontsize=9,
                color=colour,
            )
        ax.set_xticks(list(x), people)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"${v / 1000:,.0f}k"))
        ax.legend(fontsize=8, loc="upper left")
        ax.margins(y=0.2)
    ax.set_title("目标进度 Target progress (USD)")

    # PK
    ax = axes[1][0]
    pk = res.tables.get("tblPK")
    if pk is not None and len(pk):
        order = sorted(range(len(pk)), key=lambda i: _num(pk["score"].iloc[i]) or 0)
        names = [
            f"{_text(pk['salesperson'].iloc[i]).split(' ')[0]} ({_text(pk['team'].iloc[i]).split(' ')[0]})"
            for i in order
        ]
        scores = [_num(pk["score"].iloc[i]) or 0 for i in order]
        colours = [GREEN if (_num(pk["rank"].iloc[i]) or 99) <= 1 else BLUE for i in order]
        bars = ax.barh(names, scores, color=colours)
        for bar, v in zip(bars, scores):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:.1f}", va="center", fontsize=9)
        ax.set_xlim(0, max(max(scores) * 1.15, 1))
    ax.set_title("PK 得分 score (本月 this month)")

    # buyer classes per salesperson
    ax = axes[1][1]
    follow = res.tables.get("tblFollow")
    if follow is not None and len(follow):
        people = list(dict.fromkeys(_text(s) for s in follow["salesperson"]))
        bottom = [0] * len(people)
        for cls, colour, label in (
            ("A", GOLD, "A 大B"),
            ("B", BLUE, "B 小单"),
            ("C", GREEN, "C 样品"),
            ("D", GREY, "D 询盘"),
        ):
            counts = [int(((follow["salesperson"] == p) & (follow["buyer_class"] == cls)).sum()) for p in people]
            ax.bar([p.split(" ")[0] for p in people], counts, bottom=bottom, color=colour, label=label)
            bottom = [b + c for b, c in zip(bottom, counts)]
        ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    ax.set_title("买家类别 Buyer classes")

    for row in axes:
        for ax in row:
            ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, metadata={"Software": "StoreOps XL"})
    plt.close(fig)
    return path
