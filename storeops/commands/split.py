"""``storeops split MASTER --out DIR``: one workbook per salesperson, holding only their buyers."""

from __future__ import annotations

import argparse
import sys

NAME = "split"
HELP = "按业务员拆分主文件 / one workbook per salesperson with only their buyers (no costs), to merge back later"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("master", metavar="MASTER", help="老板的主文件 / the master workbook (not changed)")
    p.add_argument("--out", required=True, metavar="DIR", help="输出文件夹 / folder for the pieces")
    p.add_argument(
        "--force",
        action="store_true",
        help="覆盖还有未合并修改的旧文件 / replace pieces in DIR even when they hold edits not merged yet",
    )


def run(args: argparse.Namespace) -> int:
    from storeops.split import split_master

    rep = split_master(args.master, args.out, force=args.force, progress=sys.stderr.isatty())
    for person, (path, n) in rep.pieces.items():
        print(f"{person}: {n} 个买家 buyers → {path}")
    for person, n in rep.not_split.items():
        print(
            f"未拆分 not split: {person} 的 {n} 个买家(不在在职名册中; 可用 storeops reassign 转交) / "
            f"{n} buyers of {person} (not an active salesperson; hand them over with storeops reassign)"
        )
    print(
        "合并回主文件 / merge back: storeops merge "
        + " ".join(f'"{p}"' for p, _ in rep.pieces.values())
        + " --into MASTER"
    )
    return 0
