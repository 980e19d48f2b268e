"""A built wheel is complete: installed in a fresh virtual environment, outside this checkout,
``storeops build`` writes the workbook and ``storeops demo`` runs.

The fresh environment installs the wheel's dependencies with ``constraints.txt`` (pip's cache
makes this quick after ``make test`` installed them once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import storeops_xl

ROOT = Path(__file__).resolve().parents[2]
#: What a wheel is built from (the sdist's contents): copied so the build leaves nothing in the checkout.
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "storeops_xl", "storeops", "udfs", "workbook"]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (
        f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    )
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)], cwd=dist)
    (found,) = dist.glob("storeops_xl-*.whl")
    return found


def test_wheel_ships_the_vba_and_the_workbook(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
        shipped = zf.read("storeops/data/StoreOps.xlsm")
    assert {"storeops/vba/src/ThisWorkbook.cls", "storeops/vba/src/StoreOpsRibbon.bas"} <= names
    assert shipped == (ROOT / "workbook" / "StoreOps.xlsm").read_bytes()
    assert "storeops_xl/py.typed" in names and any(n.startswith("storeops_xl/data/banned_words/") for n in names)
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    assert meta["Version"] == storeops_xl.__version__
    runtime = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert not any(r.startswith(("openpyxl", "defusedxml", "pytest", "mypy")) for r in runtime), runtime


def test_installed_wheel_builds_the_workbook_and_runs_the_demo(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    _run([str(py), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(wheel)], cwd=tmp_path)
    work = tmp_path / "user"
    work.mkdir()
    where = _run([str(py), "-c", "import storeops, storeops_xl; print(storeops.__file__)"], cwd=work).stdout
    assert str(env_dir) in where and str(ROOT) not in where  # the wheel's copy, not this checkout
    version = _run([str(bindir / "storeops"), "--version"], cwd=work).stdout
    assert version.strip() == f"storeops {storeops_xl.__version__}"
    # `storeops install` (Windows/macOS) copies the workbook the wheel ships
    shipped = _run([str(py), "-c", "from storeops.commands.install import workbook_source as w; print(w())"], cwd=work)
    assert Path(shipped.stdout.strip()).read_bytes() == (ROOT / "workbook" / "StoreOps.xlsm").read_bytes()
    assert str(env_dir) in shipped.stdout
    _run([str(bindir / "storeops"), "build", "StoreOps.xlsm"], cwd=work)
    with zipfile.ZipFile(work / "StoreOps.xlsm") as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
    _run([str(bindir / "storeops"), "demo", "--out", "out"], cwd=work, timeout=900)
    assert any((work / "out").glob("*.xlsm"))
