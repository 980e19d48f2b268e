"""``storeops merge FILES... --into MASTER``: salespeople's follow-up workbooks into the master."""

from __future__ import annotations

import argparse
import sys

NAME = "merge"
HELP = "合并业务员的跟进表到主文件 / merge salespeople's follow-up workbooks into the boss's master"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="业务员的工作簿 / each salesperson's workbook")
    p.add_argument(
        "--into", required=True, metavar="MASTER", help="老板的主文件 / the master workbook (changed in place)"
    )
    p.add_argument("--conflicts", metavar="CSV", help="把冲突写入 CSV / also write the conflict report as CSV")
    p.add_argument("--no-recalc", action="store_true", help="合并后不重新计算 / do not recalculate after merging")


def run(args: argparse.Namespace) -> int:
    from storeops.conflicts import format_conflicts
    from storeops.merge_workbooks import merge_files
    from storeops.workbook.schema import S_CONFLICTS

    rep = merge_files(
        args.into, args.files, conflicts_csv=args.conflicts, recalc=not args.no_recalc, progress=sys.stderr.isatty()
    )
    res = rep.result
    for name, st in res.per_file.items():
        print(
            f"{name}: 读取 read {st['read']}, 有变化 changed {st['changed']}, "
            f"旧副本 older copies {st['older']}, 冲突 conflicts {st['conflicts']}"
        )
    print(f"主文件 master: 新增 added {res.added}, 更新 updated {res.updated}, 未变 unchanged {res.unchanged}")
    print(f"订单 Orders: 新增 added {rep.orders_added}")
    print(format_conflicts(res.conflicts))
    if res.conflicts:
        old = len(res.conflicts) - len(rep.new_conflicts)
        note = f"(其中 {old} 个之前已记录 / {old} recorded before)" if old else ""
        print(f"未采用的版本保存在工作表 / versions not kept are on the sheet: {S_CONFLICTS} {note}".rstrip())
    if args.conflicts:
        print(f"冲突报告 / conflict report: {args.conflicts}")
    if not rep.written:
        print("主文件未改动 / the master was not changed")
    return 0
