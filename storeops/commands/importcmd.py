"""``storeops import PATH... --into WORKBOOK``: Data Manager exports into the workbook."""

from __future__ import annotations

import argparse
import sys

from ._args import iso_date

NAME = "import"
HELP = "导入数据管家导出(产品/关键词) / import Data Manager exports (products, keywords) into a workbook"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="Products-*.xls / getKeywords-*.xls / .xlsx / .csv")
    p.add_argument(
        "--into", required=True, metavar="WORKBOOK", help="StoreOps 工作簿 / the StoreOps workbook (.xlsm/.xlsx)"
    )
    p.add_argument("--no-recalc", action="store_true", help="导入后不重新计算 / do not recalculate after importing")
    p.add_argument("--today", type=iso_date, help="计算用的今天 / date used as today by the recalculation (YYYY-MM-DD)")


def run(args: argparse.Namespace) -> int:
    from storeops.importers.into_workbook import format_report, import_into

    report = import_into(
        args.paths,
        args.into,
        recalc=not args.no_recalc,
        progress=sys.stderr.isatty(),
        today=args.today,
    )
    print(format_report(report))
    return 1 if report.failed else 0
