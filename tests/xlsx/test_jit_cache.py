"""The first-run notice: a kernel without cached machine code is reported as needing compilation."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

from storeops.xlsx._jit import HAVE_NUMBA, needs_compiling


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba is a dependency; this checks its on-disk cache")
def test_needs_compiling_until_the_first_call(tmp_path, monkeypatch):
    (tmp_path / "fresh_kernel_mod.py").write_text(
        "from storeops.xlsx._jit import jit\n\n@jit\ndef twice(a):\n    return a * 2\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("fresh_kernel_mod")
    try:
        assert needs_compiling(mod.twice)
        assert mod.twice(np.arange(3)).tolist() == [0, 2, 4]
        assert not needs_compiling(mod.twice)
    finally:
        sys.modules.pop("fresh_kernel_mod", None)


def test_scanner_is_compiled_after_a_scan():
    from storeops.xlsx._scan import scan_kernel, scan_sheet

    scan_sheet(b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    assert not needs_compiling(scan_kernel)
