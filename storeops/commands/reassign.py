"""``storeops reassign --from NAME --to NAME MASTER``: move a departing salesperson's open buyers."""

from __future__ import annotations

import argparse
import sys

NAME = "reassign"
HELP = "转交离职业务员的未结束买家 / hand a departing salesperson's open buyers to another, keeping their history"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("master", metavar="MASTER", help="老板的主文件 / the master workbook (changed in place)")
    p.add_argument("--from", dest="old", required=True, metavar="NAME", help="离职的业务员 / who leaves")
    p.add_argument("--to", dest="new", required=True, metavar="NAME", help="接手的业务员 / who takes the buyers over")


def run(args: argparse.Namespace) -> int:
    from storeops.reassign import reassign_master

    n = reassign_master(args.master, args.old, args.new, progress=sys.stderr.isatty())
    if n:
        print(
            f"已转交 {n} 个未结束买家: {args.old} → {args.new} (原业务员记在「原业务员」列; 已结束的买家留在 {args.old} 名下) / "
            f"moved {n} open buyers from {args.old} to {args.new} (previous salesperson recorded; closed buyers stay)"
        )
        print(f"提示 tip: 在设置中把 {args.old} 的「在职」设为 否 / mark {args.old} 在职 Active = 否 No in Settings")
    else:
        print(f"{args.old} 没有未结束的买家, 文件未改动 / {args.old} has no open buyers; the file was not changed")
    return 0
