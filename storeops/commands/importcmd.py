"""``storeops import PATH... --into WORKBOOK``: platform exports into the workbook (kind told by the header)."""

from __future__ import annotations

import argparse
import sys

from ._args import iso_date

NAME = "import"
HELP = (
    "导入平台导出(数据管家产品/关键词/员工分析/直通车, 询盘, 客户通, 1688生意参谋) / import platform exports "
    "(Data Manager products, keywords, staff, P4P; inquiries; customers; 1688) into a workbook"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="导出文件 .xls/.xlsx/.csv, 按表头识别类型 / export files (.xls, .xlsx, .csv); the kind is told by the header",
    )
    p.add_argument(
        "--into", required=True, metavar="WORKBOOK", help="StoreOps 工作簿 / the StoreOps workbook (.xlsm/.xlsx)"
    )
    p.add_argument("--no-recalc", action="store_true", help="导入后不重新计算 / do not recalculate after importing")
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help="文件中未标时区的时间所在时区, 如 America/Los_Angeles (默认: 询盘/客户通为北京时间) / time zone of times "
        "written without one (default: each export's own; China time for inquiries and customers)",
    )
    p.add_argument("--today", type=iso_date, help="计算用的今天 / date used as today by the recalculation (YYYY-MM-DD)")


def _zone(name: str | None) -> str | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from storeops.errors import StoreOpsError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise StoreOpsError(
            f"未知时区 {name!r} / unknown time zone {name!r} (e.g. Asia/Shanghai, America/Los_Angeles)"
        ) from None
    return name


def run(args: argparse.Namespace) -> int:
    from storeops.importers.into_workbook import format_report, import_into

    report = import_into(
        args.paths,
        args.into,
        recalc=not args.no_recalc,
        progress=sys.stderr.isatty(),
        today=args.today,
        zone=_zone(args.tz),
    )
    print(format_report(report))
    return 1 if report.failed else 0
