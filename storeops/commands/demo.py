"""``storeops demo [--out DIR]``: the demo pet-supplies store, built, recalculated and summarised."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

NAME = "demo"
HELP = "演示店铺: 生成、重算、总结、仪表盘图 / demo store: build, recalculate, summarise, dashboard picture"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="out", help="输出文件夹 output folder (默认 default: %(default)s)")
    parser.add_argument(
        "--as-of",
        default=None,
        help="统计日期 YYYY-MM-DD 或 today (默认固定 2026-11-21, 结果可复现) / "
        "as-of date, or 'today' (default: the fixed demo date, reproducible)",
    )
    parser.add_argument("--seed", type=int, default=7, help="随机种子 random seed (默认 default: %(default)s)")
    parser.add_argument("--buyers", type=int, default=300, help="跟进行数 follow-up rows (默认 default: %(default)s)")


def _as_of(text: str | None) -> date:
    from storeops.demo import DEMO_AS_OF
    from storeops.errors import StoreOpsError

    if text is None:
        return DEMO_AS_OF
    if text.lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StoreOpsError(f"日期格式应为 YYYY-MM-DD: {text!r} / --as-of must be YYYY-MM-DD or today") from None


def run(args: argparse.Namespace) -> int:
    from storeops.demo import demo_frames, demo_settings
    from storeops.demo.dashboard import write_dashboard
    from storeops.demo.summary import read_results, summary_lines
    from storeops.errors import StoreOpsError
    from storeops.workbook import build_workbook

    if args.buyers < 1:
        raise StoreOpsError("--buyers 至少为 1 / --buyers must be at least 1")
    as_of = _as_of(args.as_of)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreOpsError(f"无法创建文件夹 {out}: {exc.strerror or exc} / cannot create folder {out}") from exc
    path = out / "StoreOps-demo.xlsm"
    portable = out / "StoreOps-demo.xlsx"
    progress = sys.stderr.isatty()
    t0 = time.perf_counter()
    frames = demo_frames(as_of, seed=args.seed, buyers=args.buyers)
    build_workbook(path, data=frames, settings=demo_settings(as_of), progress=progress)
    t1 = time.perf_counter()
    from storeops.engine import recalc

    report = recalc(path, today=as_of, progress=progress)
    t2 = time.perf_counter()
    build_workbook(portable, data=frames, settings=demo_settings(as_of), edition="xlsx", calculate=True, today=as_of)
    results = read_results(path)
    for line in summary_lines(results):
        print(line)
    png = write_dashboard(results, out / "StoreOps-demo-dashboard.png")
    print()
    print(f"工作簿 workbook: {path}  (生成 built {t1 - t0:.1f} s, 重算 recalculated {t2 - t1:.1f} s)")
    print(f"WPS/LibreOffice/无插件 Excel 版 edition for WPS, LibreOffice, Excel without the add-in: {portable}")
    summary = getattr(report, "summary", None)
    print(f"重算 recalc: {summary() if callable(summary) else report}")
    print(f"仪表盘 dashboard: {png}")
    return 0
