"""``storeops migrate WORKBOOK``: upgrade a workbook made by an older StoreOps."""

from __future__ import annotations

import argparse

NAME = "migrate"
HELP = "升级旧版 StoreOps 工作簿（检查表格并写入版本号）/ upgrade a workbook made by an older StoreOps (checks its tables, stamps its schema version)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", metavar="WORKBOOK", help="StoreOps 工作簿 / the workbook (changed in place)")


def run(args: argparse.Namespace) -> int:
    from storeops.workbook.migrate import migrate

    print(migrate(args.workbook).summary())
    return 0
