"""The engine's docstring examples run (pytest's --doctest-modules covers only the core)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "storeops.engine._formula",
    "storeops.engine._serial",
    "storeops.engine._values",
    "storeops.engine._sst",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
