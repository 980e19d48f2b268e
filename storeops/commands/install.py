r"""``storeops install``: set up Excel on Windows/macOS (xlwings add-in, workbook, interpreter).

Steps, each printed as it happens (bilingual):

1. Python ≥ 3.11 and xlwings importable (this interpreter is the one Excel will use).
2. Microsoft Excel present (Windows: ``excel.exe`` registered in App Paths or in the usual
   Office folders; macOS: ``/Applications/Microsoft Excel.app``).
3. The xlwings add-in in Excel's start-up folder; when missing, ``python -m xlwings addin
   install`` is run (Excel must be closed).
4. ``StoreOps.xlsm`` copied to the user's Documents folder (``--dest`` to choose another);
   an existing copy is kept unless ``--force``.
5. This interpreter's path written into the copy's ``xlwings.conf`` sheet
   (``Interpreter_Win`` / ``Interpreter_Mac``), so RunPython and the UDFs use it.

On Windows it also checks who answers to Excel's COM name: with WPS Office installed,
``Excel.Application`` may be registered to WPS's spreadsheet (``et.exe`` / ``ksolaunch``),
so xlwings starts WPS and fails with "Member not found" (xlwings issue #2575).  The
registry chain ``HKCR\Excel.Application\CLSID`` → ``HKCR\CLSID\{…}\LocalServer32`` is read and,
when it points at WPS, the command says how to give the name back to Excel.

``--check`` only reports (changes nothing) and exits 1 when something is missing.  On Linux
(and any other system without desktop Excel) it explains that Excel is not available and
points to ``storeops recalc`` / ``storeops watch``; the exit code is 0 because nothing is
wrong with the installation — the headless commands are the supported path there.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.resources
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..errors import StoreOpsError

NAME = "install"
HELP = "在 Windows/macOS 上安装 Excel 加载项和工作簿 / set up the xlwings add-in and the workbook for Excel"

WORKBOOK_NAME = "StoreOps.xlsm"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="只检查，不做改动 / only report, change nothing (exit 1 if something is missing)",
    )
    parser.add_argument("--force", action="store_true", help="覆盖已有的工作簿 / overwrite an existing workbook copy")
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help="工作簿放到这个文件夹（默认“文档”）/ folder for the workbook (default: Documents)",
    )


# -- environment probes (tests replace these) ---------------------------------------------


def current_platform() -> str:
    return sys.platform


def documents_dir() -> Path:
    if current_platform().startswith("win"):
        return Path(os.environ.get("USERPROFILE", str(Path.home()))) / "Documents"
    return Path.home() / "Documents"


def _winreg() -> Any:
    """The Windows registry module (ImportError elsewhere); typed Any: its stubs exist only for win32."""
    return importlib.import_module("winreg")


def excel_found(platform: str) -> Path | None:
    if platform.startswith("win"):
        try:
            winreg = _winreg()
            key = winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
            )
            return Path(winreg.QueryValue(key, None))
        except OSError:
            pass
        for base in (
            os.environ.get("ProgramFiles", r"C:\Program Files"),
            os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"),
        ):
            for sub in (r"Microsoft Office\root\Office16", r"Microsoft Office\Office16"):
                exe = Path(base) / sub / "EXCEL.EXE"
                if exe.exists():
                    return exe
        return None
    app = Path("/Applications/Microsoft Excel.app")
    return app if app.exists() else None


def addin_candidates(platform: str) -> list[Path]:
    """Where ``xlwings addin install`` puts ``xlwings.xlam`` (Excel's user start-up folder)."""
    if platform.startswith("win"):
        appdata = Path(os.environ.get("APPDATA", str(Path.home() / "AppData" / "Roaming")))
        return [appdata / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"]
    group = Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content"
    return [
        group / "Startup" / "Excel" / "xlwings.xlam",
        Path(str(group) + ".localized") / "Startup.localized" / "Excel" / "xlwings.xlam",
    ]


def registry_default(path: str) -> str | None:
    """Default value of ``HKEY_CLASSES_ROOT\\path`` (``None`` when absent or not on Windows)."""
    try:
        winreg = _winreg()
    except ImportError:
        return None
    try:
        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, path) as key:
            value = winreg.QueryValue(key, None)
    except OSError:
        return None
    return str(value) if value else None


#: parts of a COM server path that mean WPS Office (Kingsoft) answers to Excel.Application
WPS_MARKERS = ("\\et.exe", "ksolaunch", "kingsoft", "wps office", "wpsoffice")


def excel_com_server(lookup=registry_default) -> str | None:
    """The program registered for ``Excel.Application`` (its LocalServer32 command line)."""
    clsid = lookup(r"Excel.Application\CLSID")
    if not clsid:
        return None
    return lookup(rf"CLSID\{clsid}\LocalServer32")


def is_wps(server: str | None) -> bool:
    """True when a COM server command line belongs to WPS Office.

    >>> is_wps(r'"C:\\Users\\a\\AppData\\Local\\Kingsoft\\WPS Office\\ksolaunch.exe" /et /automation')
    True
    >>> is_wps(r'C:\\Program Files\\Microsoft Office\\Root\\Office16\\EXCEL.EXE /automation')
    False
    """
    text = (server or "").lower()
    return any(m in text for m in WPS_MARKERS)


WPS_ADVICE = (
    "Excel.Application 被 WPS 接管（xlwings 会启动 WPS 并报 “Member not found”）。解决：WPS → 配置工具 → 高级 → "
    "兼容设置，取消勾选“WPS Office 兼容第三方系统和软件”；或在 控制面板 → 程序 → Microsoft Office → 更改 → 快速修复，"
    "让 Excel 重新注册。之后再运行 storeops install --check。",
    'Excel.Application is registered to WPS (xlwings would start WPS and fail with "Member not found", '
    "xlwings issue #2575). Fix: WPS → Configuration tool (配置工具) → Advanced → Compatibility: untick "
    '"WPS Office compatible with third-party systems and software"; or Control Panel → Programs → Microsoft '
    "Office → Change → Quick Repair to register Excel again. Then run storeops install --check.",
)


def run_command(cmd: list[str]) -> int:
    return subprocess.call(cmd)


def workbook_source() -> Path:
    """The built workbook: ``workbook/StoreOps.xlsm`` of the repository (editable install),
    else the one the wheel ships as package data (``storeops/data``, see setup.py)."""
    import storeops

    checkout = Path(storeops.__file__).resolve().parents[1] / "workbook" / WORKBOOK_NAME
    shipped = Path(str(importlib.resources.files(storeops).joinpath("data", WORKBOOK_NAME)))
    for candidate in (checkout, shipped):
        if candidate.is_file():
            return candidate
    raise StoreOpsError(
        f"找不到 {WORKBOOK_NAME}，请先运行 storeops build / {WORKBOOK_NAME} not found: run `storeops build` first"
    )


# -- the command ---------------------------------------------------------------------------

LINUX_MESSAGE = (
    "此系统没有桌面版 Excel（xlwings 需要 Windows 或 macOS 上的 Excel），无需安装。\n"
    "No desktop Excel on this system (xlwings needs Excel on Windows or macOS): nothing to install.\n"
    "请改用 / use instead:\n"
    "  storeops recalc 工作簿.xlsm   重算并保存缓存值 / recalculate and save cached values\n"
    "  storeops watch 文件夹         保存后自动重算 / recalculate each workbook when it is saved\n"
    "LibreOffice / WPS 可直接打开重算后的文件 / open the recalculated file in LibreOffice or WPS."
)


def run(args: argparse.Namespace) -> int:
    platform = current_platform()
    if not (platform.startswith("win") or platform == "darwin"):
        print(LINUX_MESSAGE)
        return 0

    missing = 0

    def say(ok: bool, zh: str, en: str) -> None:
        print(f"[{'OK' if ok else '!!'}] {zh} / {en}")

    ok_py = sys.version_info >= (3, 11)
    say(
        ok_py,
        f"Python {sys.version.split()[0]}（{sys.executable}）",
        f"Python {sys.version.split()[0]} ({sys.executable})",
    )
    missing += not ok_py
    try:
        xw_version = importlib.metadata.version("xlwings")
        say(True, f"xlwings {xw_version}", f"xlwings {xw_version}")
    except importlib.metadata.PackageNotFoundError:
        say(False, "未安装 xlwings：pip install xlwings", "xlwings is not installed: pip install xlwings")
        return 1
    excel = excel_found(platform)
    say(excel is not None, f"Excel：{excel or '未找到'}", f"Excel: {excel or 'not found'}")
    missing += excel is None
    if platform.startswith("win"):
        server = excel_com_server()
        if is_wps(server):
            say(False, f"COM 名称 Excel.Application → {server}", f"COM name Excel.Application → {server}")
            print(f"     {WPS_ADVICE[0]}\n     {WPS_ADVICE[1]}")
            missing += 1
        elif server:
            say(True, f"COM 名称 Excel.Application → {server}", f"COM name Excel.Application → {server}")

    addin = next((p for p in addin_candidates(platform) if p.exists()), None)
    if addin is not None:
        say(True, f"xlwings 加载项已安装：{addin}", f"xlwings add-in installed: {addin}")
    elif args.check:
        say(False, "xlwings 加载项未安装（运行 storeops install）", "xlwings add-in missing (run storeops install)")
        missing += 1
    else:
        print("正在安装 xlwings 加载项（请先关闭 Excel）/ installing the xlwings add-in (close Excel first) ...")
        code = run_command([sys.executable, "-m", "xlwings", "addin", "install"])
        say(
            code == 0,
            "xlwings addin install " + ("完成" if code == 0 else f"失败（退出码 {code}）"),
            "xlwings addin install " + ("done" if code == 0 else f"failed (exit code {code})"),
        )
        missing += code != 0

    dest_dir = args.dest or documents_dir()
    dest = dest_dir / WORKBOOK_NAME
    if args.check:
        say(
            dest.exists(),
            f"工作簿：{dest}" + ("" if dest.exists() else "（不存在）"),
            f"workbook: {dest}" + ("" if dest.exists() else " (missing)"),
        )
        missing += not dest.exists()
        return 1 if missing else 0

    source = workbook_source()
    if dest.exists() and not args.force:
        say(
            True, f"保留已有的工作簿 {dest}（--force 覆盖）", f"kept the existing workbook {dest} (--force replaces it)"
        )
    else:
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        say(True, f"已复制工作簿到 {dest}", f"copied the workbook to {dest}")
        from ..vba._conf import write_conf

        key = "Interpreter_Win" if platform.startswith("win") else "Interpreter_Mac"
        try:
            write_conf(dest, {key: sys.executable})
            say(
                True,
                f"已在 xlwings.conf 表写入 {key} = {sys.executable}",
                f"wrote {key} = {sys.executable} into the xlwings.conf sheet",
            )
        except (KeyError, OSError, ValueError) as exc:
            say(False, f"未能写入解释器路径：{exc}", f"could not write the interpreter path: {exc}")
            missing += 1
    print(
        "下一步：打开工作簿，启用宏，查看 StoreOps 选项卡（见 docs/install.md）/ "
        "next: open the workbook, enable macros, use the StoreOps tab (see docs/install.md)"
    )
    return 1 if missing else 0
