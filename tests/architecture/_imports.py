"""Every import statement of the shipped packages, read from the sources (ast), lazy ones too."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("storeops_xl", "storeops", "udfs")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "storeops.engine.recalc"
    line: int
    target: str  # the imported module or name, absolute, e.g. "storeops.xlsx._scan"

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from a import b` may import the module a.b or the name b of a: record both forms
            found.append(Import(module, node.lineno, source))
            found += [Import(module, node.lineno, f"{source}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(module, node.lineno, node.args[0].value))
    return found


def all_imports(packages: tuple[str, ...] = PACKAGES) -> list[Import]:
    return [imp for pkg in packages for path in sorted((ROOT / pkg).rglob("*.py")) for imp in _imports_of(path)]


def top(name: str) -> str:
    return name.split(".")[0]


#: Modules that are a layer of their own inside their package: the workbook's declaration
#: (``schema.py`` imports nothing of ours; everything reads it) sits below the builder beside it.
OWN_LAYER = ("storeops.workbook.schema",)


def component(name: str) -> str:
    """The unit the layering is about: a top-level package, or one sub-package / root module of ``storeops``."""
    for layer in OWN_LAYER:
        if name == layer or name.startswith(layer + "."):
            return layer
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "storeops" and len(parts) > 1 else parts[0]
