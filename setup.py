"""Packaging glue pyproject.toml cannot say: the wheel ships the built workbook.

``workbook/StoreOps.xlsm`` (committed, equal to a fresh ``storeops build``) is copied into
the wheel as ``storeops/data/StoreOps.xlsm``, where ``storeops install`` finds it through
``importlib.resources``.  Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

WORKBOOK = Path(__file__).resolve().parent / "workbook" / "StoreOps.xlsm"


class BuildPyWithWorkbook(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads workbook/ of the checkout
            return
        if not WORKBOOK.is_file():
            raise SystemExit(f"{WORKBOOK} is missing: run `make build` first")
        target = Path(self.build_lib) / "storeops" / "data" / WORKBOOK.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(WORKBOOK, target)


setup(cmdclass={"build_py": BuildPyWithWorkbook})
