"""``storeops export --portable WORKBOOK --out PATH``: a copy for WPS/LibreOffice users."""

from __future__ import annotations

import argparse

from storeops.errors import StoreOpsError

NAME = "export"
HELP = "导出给 WPS/LibreOffice 用户的副本（原生公式或数值，无宏）/ export a portable copy (native formulas or values, no VBA)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", metavar="WORKBOOK", help="StoreOps 工作簿 / the StoreOps workbook")
    parser.add_argument(
        "--portable",
        action="store_true",
        required=True,
        help="原生公式/数值，无 VBA (.xlsx) / native formulas or values, no VBA (.xlsx)",
    )
    parser.add_argument("--out", required=True, metavar="PATH", help="输出文件 .xlsx / output file")
    parser.add_argument(
        "--unmasked",
        action="store_true",
        help="不打码买家邮箱/电话(默认打码) / keep buyers' e-mails and phone numbers unmasked (masked by default)",
    )


def run(args: argparse.Namespace) -> int:
    import os

    from storeops.engine import export_portable

    if not args.out.lower().endswith(".xlsx"):
        raise StoreOpsError("输出文件必须是 .xlsx / the output must be an .xlsx file")
    if os.path.exists(args.out) and os.path.realpath(args.out) == os.path.realpath(args.workbook):
        raise StoreOpsError("输出文件不能是工作簿本身 / the output cannot be the workbook itself")
    rep = export_portable(args.workbook, args.out)
    print(rep.summary())
    if not args.unmasked:
        from storeops.masking import mask_workbook

        n = mask_workbook(args.out)
        print(f"已为 {n} 个单元格打码(买家邮箱/电话) / masked {n} cells (buyers' e-mails and phone numbers)")
    return 0
