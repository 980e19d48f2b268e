"""The package boundaries hold: a pure core, adapters that use its public API, no cycles.

The allow-list below records known violations that another change removes; a new violation
fails, and so does an entry that is no longer needed (delete it: the list only shrinks).
"""

from __future__ import annotations

from collections import defaultdict

from ._imports import PACKAGES, Import, all_imports, component, top

IMPORTS = all_imports()

#: The core is pandas/numpy only: no Excel binding, no workbook library, no adapter.
CORE_FORBIDDEN = {"xlwings", "openpyxl", "xlsxwriter", "storeops", "udfs"}

#: Dependencies against the layering (core → xlsx → engine → workbook → commands); each one closes a
#: cycle between packages.  Allowed until the change named beside it lands.
BACK_EDGES_ALLOWED = {
    # build_workbook(calculate=True) runs the engine and reads its NATIVE_FUNCTIONS (lazy imports)
    ("storeops.workbook", "storeops.engine"),
    # recalc runs the team upkeep (buyer IDs, rows typed below, roster rows: issue 10) before evaluating,
    # and the upkeep adopts rows with the engine's table extension (lazy imports)
    ("storeops.engine", "storeops.maintain"),
    # the builder and the migration fill buyer IDs and roster rows with the same upkeep (lazy imports)
    ("storeops.workbook", "storeops.maintain"),
    # the migration's opening order entries take the buyers' IDs by the one ID rule (lazy import)
    ("storeops.workbook", "storeops.buyer_ids"),
    # the migration keeps the last 周复盘 Review sheet (lazy import)
    ("storeops.workbook", "storeops.review"),
    # the schema's dated-order formulas come from storeops/workbook/dated.py, and the builder's inputs
    # and opening entries read table frames with storeops.tables (lazy imports)
    ("storeops.workbook", "storeops.tables"),
    # the schema writes its dated-order formulas with storeops/workbook/dated.py (formula text only)
    ("storeops.workbook.schema", "storeops.workbook"),
}


def test_core_imports_no_adapter_or_excel_library():
    offenders = [str(i) for i in IMPORTS if top(i.module) == "storeops_xl" and top(i.target) in CORE_FORBIDDEN]
    assert offenders == []


def test_udfs_import_only_the_core_public_api():
    offenders = [
        str(i)
        for i in IMPORTS
        if top(i.module) == "udfs"
        and (top(i.target) == "storeops" or (top(i.target) == "storeops_xl" and "._" in i.target))
    ]
    assert offenders == []


def _private_core_imports(imports: list[Import]) -> set[tuple[str, str]]:
    """(module, private core module or name) of every adapter or benchmark import of a
    private part of the core (``storeops_xl._coerce``, ``storeops_xl.x._y``; dunders are public)."""
    found = set()
    for i in imports:
        parts = i.target.split(".")
        if top(i.module) in ("storeops", "bench") and parts[0] == "storeops_xl":
            private = next((k for k, p in enumerate(parts) if k and p.startswith("_") and not p.startswith("__")), None)
            if private is not None:
                found.add((i.module, ".".join(parts[: private + 1])))
    return found


def test_no_private_core_imports():
    found = _private_core_imports(IMPORTS + all_imports(("bench",)))
    assert not found, f"adapters import private core modules (use storeops_xl or storeops_xl.inputs): {sorted(found)}"


def test_the_private_import_check_finds_one():
    planted = [Import("storeops.x", 1, "storeops_xl._coerce"), Import("bench.y", 2, "storeops_xl.inputs._hidden")]
    planted.append(Import("storeops.z", 3, "storeops_xl.__version__"))  # public
    assert _private_core_imports(planted) == {
        ("storeops.x", "storeops_xl._coerce"),
        ("bench.y", "storeops_xl.inputs._hidden"),
    }


def _component_graph() -> dict[str, set[str]]:
    known = {component(i.module) for i in IMPORTS}
    graph: dict[str, set[str]] = defaultdict(set)
    for i in IMPORTS:
        src, dst = component(i.module), component(i.target)
        if top(i.target) in PACKAGES and dst in known and dst != src:
            graph[src].add(dst)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None (depth-first search, colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_between_packages():
    graph = _component_graph()
    for src, dst in BACK_EDGES_ALLOWED:
        graph[src].discard(dst)
    cycle = _cycle(graph)
    assert cycle is None, "import cycle between packages: " + " → ".join(cycle or [])


def test_back_edge_allow_list_only_shrinks():
    graph = _component_graph()
    gone = {(src, dst) for src, dst in BACK_EDGES_ALLOWED if dst not in graph.get(src, ())}
    assert not gone, f"no longer imported: delete from BACK_EDGES_ALLOWED: {sorted(gone)}"


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
