"""``storeops check WORKBOOK``: list bad input rows with sheet, row and reason."""

from __future__ import annotations

import argparse

NAME = "check"
HELP = "检查输入数据 / list bad input rows (sheet, row, reason); exit code 1 when any"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("workbook", metavar="WORKBOOK")
    p.add_argument("--csv", metavar="PATH", help="同时写出 CSV / also write the list as CSV")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from storeops.check import check_workbook, format_problems
    from storeops.csvout import write_csv

    problems = check_workbook(args.workbook)
    print(format_problems(problems))
    if args.csv:
        write_csv(pd.DataFrame([p.as_row() for p in problems], columns=_CSV_COLUMNS), args.csv)
    return 1 if problems else 0


_CSV_COLUMNS = ["工作表 Sheet", "行 Row", "列 Column", "值 Value", "原因 Reason"]
