"""The runtime dependencies in pyproject.toml are exactly the distributions runtime code imports."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib

from ._imports import PACKAGES, ROOT, all_imports, top


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _declared(group: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_name(r) for r in reqs}


def _imported_distributions() -> dict[str, set[str]]:
    """Distribution → the runtime modules importing it (standard library and our packages left out)."""
    dists = importlib.metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for imp in all_imports():
        name = top(imp.target)
        if not name or name in sys.stdlib_module_names or name in PACKAGES or name == "winreg":
            continue
        assert name in dists, f"{imp}: {name} is not installed from any distribution"
        for dist in dists[name]:
            found.setdefault(dist.lower().replace("_", "-"), set()).add(imp.module)
    return found


def test_every_runtime_import_is_a_declared_dependency():
    missing = {d: sorted(m) for d, m in _imported_distributions().items() if d not in _declared()}
    assert not missing, f"imported at runtime but not in [project].dependencies: {missing}"


def test_every_declared_dependency_is_imported_at_runtime():
    unused = _declared() - set(_imported_distributions())
    assert not unused, f"in [project].dependencies but no runtime module imports it (move to [test]): {unused}"


def test_no_test_folder_shadows_an_installed_module():
    """pytest puts ``tests/`` on sys.path, so ``tests/<name>/__init__.py`` is imported as ``<name>``:
    a folder named like an installed module (``tests/packaging``) hides it from every test."""
    installed = set(importlib.metadata.packages_distributions()) | set(sys.stdlib_module_names)
    folders = {p.parent.name for p in (ROOT / "tests").glob("*/__init__.py")}
    assert not folders & installed
