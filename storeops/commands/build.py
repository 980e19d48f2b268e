"""``storeops build [PATH]``: write an empty StoreOps workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "build"
HELP = "生成空白 StoreOps 工作簿 / write an empty StoreOps workbook (default workbook/StoreOps.xlsm)"
DEFAULT_PATH = Path("workbook") / "StoreOps.xlsm"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=str(DEFAULT_PATH), help="输出文件 output file (.xlsm), 默认 default: %(default)s"
    )


def run(args: argparse.Namespace) -> int:
    from storeops.errors import StoreOpsError
    from storeops.workbook import build_workbook

    path = Path(args.path)
    if path.suffix.lower() not in (".xlsm", ".xlsx"):
        raise StoreOpsError(f"文件名应以 .xlsm 结尾: {path} / the file name should end in .xlsm")
    try:
        out = build_workbook(path)
    except OSError as exc:
        raise StoreOpsError(f"无法写入 {path}: {exc.strerror or exc} / cannot write {path}") from exc
    print(f"已生成 {out} / written {out}")
    return 0
