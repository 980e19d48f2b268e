"""``storeops watch DIR``: recalculate each StoreOps workbook in DIR when it is saved."""

from __future__ import annotations

import argparse

from ._args import positive_seconds

NAME = "watch"
HELP = "监视文件夹,保存时自动重新计算 / recalculate StoreOps workbooks in a folder whenever they are saved"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR")
    p.add_argument(
        "--merge-into",
        metavar="MASTER",
        help="同时把保存的工作簿合并到主文件 / also merge each saved workbook into MASTER",
    )
    p.add_argument(
        "--interval", type=positive_seconds, default=1.0, metavar="S", help="检查间隔秒数 / seconds between scans (1)"
    )
    p.add_argument(
        "--settle",
        type=positive_seconds,
        default=1.0,
        metavar="S",
        help="文件稳定多少秒后再计算 / seconds a file must stay unchanged before it runs (1)",
    )


def run(args: argparse.Namespace) -> int:
    from storeops.watch import watch

    return watch(args.folder, interval=args.interval, settle=args.settle, merge_into=args.merge_into)
