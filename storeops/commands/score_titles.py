"""``storeops score-titles FILE``: score every product title of a Data Manager products export."""

from __future__ import annotations

import argparse
import math
import sys
import unicodedata

import numpy as np

NAME = "score-titles"
HELP = "给产品导出文件的标题打分 / score the titles of a Data Manager products export"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="产品导出 Products-*.csv/.xls/.xlsx / a products export")
    parser.add_argument(
        "--platform", choices=["alibaba", "1688"], default="alibaba", help="平台 platform (默认 default: alibaba)"
    )
    parser.add_argument(
        "--keywords",
        metavar="FILE",
        default=None,
        help="关键词导出 getKeywords-*.csv: 按店铺关键词评分 / judge the titles against the shop's keyword export",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="只显示前 N 个产品 / show only the first N products (the summary covers all)",
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    out, w = "", 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > width - 1:
            return out + "…" + " " * (width - w - 1)
        out, w = out + ch, w + cw
    return out + " " * (width - w)


def run(args: argparse.Namespace) -> int:
    from storeops.errors import StoreOpsError
    from storeops.importers.datamanager import read_export
    from storeops_xl import banned, title_issues, title_keywords, title_score

    export = read_export(args.file)
    if export.kind != "products":
        raise StoreOpsError(f"{args.file} 是关键词导出, 不是产品导出 / is a keywords export, not a products export")
    if args.limit is not None and args.limit < 0:
        raise StoreOpsError("--limit 不能为负数 / --limit cannot be negative")
    frame = export.frame
    titles = frame["title"].fillna("").astype(str).to_numpy(dtype=object) if "title" in frame else np.array([], object)
    ids = frame["product_id"].astype(str).tolist()
    judged = None
    if args.keywords:
        kw_export = read_export(args.keywords)
        if kw_export.kind != "keywords":
            raise StoreOpsError(f"{args.keywords} 不是关键词导出 / is not a keywords export")
        kw = kw_export.frame
        judged = title_keywords(titles, None, kw["keyword"].tolist(), kw["impressions"].tolist(), args.platform)
    scores = np.asarray(title_score(titles, judged, args.platform), dtype=object)
    issues = np.asarray(title_issues(titles, judged, args.platform), dtype=object)
    bad = np.asarray(banned(titles), dtype=object)
    limit_key = "cfg_title_max_1688" if args.platform == "1688" else "cfg_title_max"

    shown = len(ids) if args.limit is None else min(args.limit, len(ids))
    out = sys.stdout
    out.write(f"{'产品ID product ID':<18}  {'分数 score':>10}  {_cut('标题 title', 50)}  问题 issues\n")
    for i in range(shown):
        s = scores[i]
        s_text = (
            ""
            if s is None or (isinstance(s, float) and math.isnan(s))
            else f"{float(s):.1f}"
            if not isinstance(s, str)
            else s
        )
        out.write(f"{ids[i]:<18}  {s_text:>10}  {_cut(str(titles[i]), 50)}  {issues[i] or ''}\n")
    if shown < len(ids):
        out.write(f"… 另有 {len(ids) - shown} 个产品未显示 / {len(ids) - shown} more not shown\n")

    numeric = np.array([float(s) for s in scores if isinstance(s, (int, float)) and not math.isnan(float(s))])
    mean = float(numeric.mean()) if len(numeric) else float("nan")
    n_banned = sum(1 for b in bad if b)
    n_long = sum(1 for t in issues if isinstance(t, str) and "超长" in t)
    from storeops_xl.settings import DEFAULTS

    out.write(
        f"\n共 {len(ids)} 个产品, 平均分 {mean:.1f}, 含禁用词 {n_banned} 个, 超长 {n_long} 个 / "
        f"{len(ids)} products, mean score {mean:.1f}, {n_banned} with banned words, "
        f"{n_long} over the {DEFAULTS[limit_key]}-character limit\n"
    )
    if export.rejected:
        out.write(
            f"跳过 {len(export.rejected)} 行 / skipped {len(export.rejected)} rows: "
            + "; ".join(f"row {r}: {why}" for r, why in export.rejected[:5])
            + "\n"
        )
    return 0
