"""LibreOffice opens the assembled .xlsm and imports its VBA modules into Basic.

LibreOffice's "Load Basic code" option for Microsoft Office files is on by default; the
conversion to .ods then stores every imported module as ``Basic/VBAProject/<name>.xml``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from storeops import vba

from .conftest import crlf

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STOREOPS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("soffice not found but STOREOPS_REQUIRE_LIBREOFFICE=1")
        pytest.skip("LibreOffice (soffice) is not installed; set STOREOPS_REQUIRE_LIBREOFFICE=1 to make this a failure")
    return exe


def test_libreoffice_imports_every_module_and_renders_sheets(soffice: str, built_xlsm: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            str(built_xlsm),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    ods = out / (built_xlsm.stem + ".ods")
    assert ods.exists(), proc.stdout + proc.stderr
    with zipfile.ZipFile(ods) as zf:
        basic = {
            n.split("/")[-1][:-4]: zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml")
        }
        content = zf.read("content.xml").decode("utf-8")
    expected = vba.vba_modules()
    assert set(expected) | {"Sheet1", "Sheet2", "Sheet3"} <= set(basic)
    for name, text in expected.items():
        body = html.unescape(re.search(r"<script:module[^>]*>(.*)</script:module>", basic[name], flags=re.S).group(1))
        body_lines = [
            line
            for line in body.splitlines()
            if not line.startswith(("Rem Attribute VBA_ModuleType", "Option VBASupport", "Option ClassModule"))
        ]
        code = [line for line in crlf(text).splitlines() if not line.startswith("Attribute ")]
        assert "\n".join(line.rstrip() for line in body_lines).strip("\n") == "\n".join(
            line.rstrip() for line in code
        ).strip("\n"), name
    # the sheets still render: their names and cell text are in the converted document
    assert "说明 Guide" in content and "StoreOps 说明 Guide" in content and "xlwings.conf" in content
