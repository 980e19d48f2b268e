"""A Chinese-capable font for matplotlib charts (dashboard PNG, review PDF).

Order of preference:

1. a CJK font already on the system (``fc-list :lang=zh`` or matplotlib's font list):
   WenQuanYi Micro/Zen Hei, Noto Sans CJK, Source Han Sans, Microsoft YaHei, SimHei, PingFang;
2. Noto Sans CJK from the PyPI package ``manimgx_fonts_cjk`` (a StoreOps dependency), so a
   fresh machine needs nothing by hand;
3. otherwise a bilingual warning, and matplotlib's default font (Chinese shows as boxes).

Examples
--------
>>> family = cjk_font_family()
>>> isinstance(family, str) and len(family) > 0
True
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from functools import lru_cache
from pathlib import Path

__all__ = ["PREFERRED", "cjk_font_family", "use_cjk_font"]

PREFERRED = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
)
PACKAGE_FAMILY = "Noto Sans CJK SC"


def _system_font_files() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def _package_font() -> Path | None:
    try:
        import manimgx_fonts_cjk
    except ImportError:
        return None
    folder = Path(manimgx_fonts_cjk.__file__).parent
    files = sorted(folder.glob("*.tt[cf]")) + sorted(folder.glob("*.otf"))
    return files[0] if files else None


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The family name to give matplotlib for Chinese text (registers the font if needed)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in PREFERRED:
        if family in known:
            return family
    for path in _system_font_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in PREFERRED:
        if family in known:
            return family
    packaged = _package_font()
    if packaged is not None:
        try:
            font_manager.fontManager.addfont(str(packaged))
            names = {f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == packaged}
            return PACKAGE_FAMILY if PACKAGE_FAMILY in names or not names else sorted(names)[0]
        except (OSError, RuntimeError, ValueError):
            pass
    warnings.warn(
        "未找到中文字体, 图中的中文可能显示为方框; 请安装 fonts-wqy-microhei 或 pip install manimgx-fonts-cjk / "
        "no CJK font found: Chinese text in charts may show as boxes; install fonts-wqy-microhei or manimgx-fonts-cjk",
        stacklevel=2,
    )
    print("警告 warning: 未找到中文字体 no CJK font found", file=sys.stderr)
    return "DejaVu Sans"


def use_cjk_font() -> str:
    """Make the CJK font matplotlib's default sans-serif font; return its family name."""
    import matplotlib

    family = cjk_font_family()
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
