"""``storeops recalc PATH``: recompute every formula headlessly and save cached values in place."""

from __future__ import annotations

import argparse

from ._args import iso_date

NAME = "recalc"
HELP = "重算工作簿中的全部公式并保存结果 / recompute every formula headlessly and save cached values in place"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="工作簿 .xlsm/.xlsx / the workbook")
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        help="TODAY() 使用的日期 (YYYY-MM-DD) / the date TODAY() returns",
    )
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    parser.add_argument("--timings", action="store_true", help="显示各阶段耗时 / print the seconds of each stage")
    parser.add_argument(
        "--full",
        action="store_true",
        help="重算全部公式，不只是变化的部分 / evaluate every formula, not only what changed since the last recalc",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from storeops.engine import recalc
    from storeops.xlsx import retry_on_change

    report = retry_on_change(
        lambda: recalc(args.path, today=args.today, progress=not args.no_progress, full=args.full),
        log=lambda msg: print(msg, file=sys.stderr),
    )
    print(report.summary())
    for ex in report.left_examples[:3]:
        print(f"  留给 Excel / left to Excel: {ex}")
    if args.timings:
        for stage, sec in report.stages.items():
            cpu = report.cpu.get(stage)
            print(f"  {sec:7.3f} s  {stage}" + (f"  (cpu {cpu:.3f} s)" if cpu is not None else ""))
    return 0
