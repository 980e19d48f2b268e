"""``storeops review WORKBOOK [--week 2026-W47] [--out DIR]``: the Saturday review."""

from __future__ import annotations

import argparse

from ._args import iso_date

NAME = "review"
HELP = "每周六复盘:写入复盘表并生成 PDF / the Saturday review: a Review sheet in the workbook and a PDF"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--week", help="ISO 周,如 2026-W47 / ISO week such as 2026-W47 (default: this week)")
    p.add_argument("--out", metavar="DIR", help="PDF 输出文件夹 / folder for the PDF (default: next to the workbook)")
    p.add_argument("--no-sheet", action="store_true", help="不写入工作簿 / do not write the Review sheet")
    p.add_argument(
        "--unmasked",
        action="store_true",
        help="不打码买家邮箱/电话(默认打码) / show buyers' e-mails and phone numbers unmasked (masked by default)",
    )
    p.add_argument(
        "--today", type=iso_date, help="今天 / the date taken as today (YYYY-MM-DD; default cfg_as_of or today)"
    )


def run(args: argparse.Namespace) -> int:
    from storeops.review import run_review

    res = run_review(
        args.workbook,
        week=args.week,
        out_dir=args.out,
        sheet=not args.no_sheet,
        today=args.today,
        unmasked=args.unmasked,
    )
    print(res.text)
    return 0
