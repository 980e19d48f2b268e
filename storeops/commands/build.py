"""``storeops build [PATH] [--edition xlsm|xlsx]``: write an empty StoreOps workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "build"
HELP = (
    "生成空白 StoreOps 工作簿 (.xlsm: Excel + xlwings; .xlsx: WPS/LibreOffice/无插件 Excel) / "
    "write an empty StoreOps workbook (default workbook/StoreOps.xlsm)"
)
DEFAULT_PATH = Path("workbook") / "StoreOps.xlsm"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=None, help="输出文件 output file, 默认 default: workbook/StoreOps.<edition>"
    )
    parser.add_argument(
        "--edition",
        choices=("xlsm", "xlsx"),
        default=None,
        help="xlsm = Excel + xlwings (Python 函数 UDF); xlsx = WPS / LibreOffice / 无插件 Excel "
        "(原生公式 + storeops recalc 计算的数值 native formulas + values from storeops recalc). "
        "默认按文件名 default: from the file name",
    )


def run(args: argparse.Namespace) -> int:
    from storeops.errors import StoreOpsError
    from storeops.workbook import build_workbook

    edition = args.edition
    path = Path(args.path) if args.path else DEFAULT_PATH.with_suffix("." + (edition or "xlsm"))
    suffix = path.suffix.lower()
    if suffix not in (".xlsm", ".xlsx"):
        raise StoreOpsError(f"文件名应以 .xlsm 或 .xlsx 结尾: {path} / the file name should end in .xlsm or .xlsx")
    edition = edition or suffix[1:]
    if suffix[1:] != edition:
        raise StoreOpsError(
            f"{edition} 版应保存为 .{edition}: {path} / the {edition} edition must be saved as .{edition}"
        )
    try:
        out = build_workbook(path, edition=edition, calculate=True)
    except OSError as exc:
        raise StoreOpsError(f"无法写入 {path}: {exc.strerror or exc} / cannot write {path}") from exc
    print(f"已生成 {out} / written {out}")
    return 0
