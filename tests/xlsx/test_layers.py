"""``storeops.xlsx`` (the package layer) never imports ``storeops.engine``: the engine is
built on it, not the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import storeops.xlsx


def test_xlsx_does_not_import_the_engine():
    here = Path(storeops.xlsx.__file__).parent
    found = []
    for path in sorted(here.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                if module.startswith("..engine") or module.startswith("storeops.engine"):
                    found.append(f"{path.name}: from {module} import …")
            elif isinstance(node, ast.Import):
                found += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("storeops.engine")]
    assert not found, found
