"""The ``storeops`` console process asks numpy for no transparent huge pages (unless the
user set ``NUMPY_MADVISE_HUGEPAGE``), before numpy loads: ``storeops.cli.tune_process``."""

from __future__ import annotations

import os
import subprocess
import sys

_PROBE = (
    "import storeops.cli as c; c.tune_process(); import numpy\n"
    "try:\n    from numpy._core import multiarray as m\nexcept ImportError:\n    from numpy.core import multiarray as m\n"
    "print(m._get_madvise_hugepage())"
)


def _probe(env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_the_console_process_asks_for_no_huge_pages():
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    assert _probe(env) == "False"


def test_a_users_own_setting_wins():
    env = {**os.environ, "NUMPY_MADVISE_HUGEPAGE": "1"}
    assert _probe(env) == "True"
