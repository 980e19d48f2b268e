"""The version lives in one place (storeops_xl.__version__); everything else reads it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import storeops
import storeops_xl

ROOT = Path(__file__).resolve().parents[2]


def test_one_version_literal():
    literals = [
        f"{p.relative_to(ROOT)}:{n}"
        for pkg in ("storeops_xl", "storeops", "udfs")
        for p in (ROOT / pkg).rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*__version__\s*=", line)
    ]
    assert [where.split(":")[0] for where in literals] == ["storeops_xl/__init__.py"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", storeops_xl.__version__)
    assert storeops.__version__ == storeops_xl.__version__


def test_pyproject_reads_the_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "storeops_xl.__version__"}


def test_cli_version():
    out = subprocess.run([sys.executable, "-m", "storeops.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"storeops {storeops_xl.__version__}"


def test_workbook_stamp(built_workbook):
    for path in (built_workbook, ROOT / "workbook" / "StoreOps.xlsm"):
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8")
        assert f"Built by storeops {storeops_xl.__version__} " in core, path
