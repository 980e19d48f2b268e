"""``storeops new-week PATH``: what the ribbon's New week button does, without Excel."""

from __future__ import annotations

import argparse
import datetime as _dt

NAME = "new-week"
HELP = (
    "新一周: 写入统计日期并重算 (上周类别按订单日期计算, 无需快照) / new week: stamp the as-of date and "
    "recalculate (last week's class comes from the dated orders, no snapshot needed)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="工作簿 .xlsm/.xlsx / the workbook")
    parser.add_argument(
        "--today", type=_dt.date.fromisoformat, default=None, help="统计日期 (YYYY-MM-DD) / the as-of date"
    )


def run(args: argparse.Namespace) -> int:
    from storeops.ribbon import new_week

    n = new_week(args.path, today=args.today)
    print(f"新一周: 已重算 {n} 位买家 / new week: {n} buyer row(s) recalculated")
    return 0
