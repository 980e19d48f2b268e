"""The reference section of ``docs/workbook.md`` (sheets, named cells, tables, columns), written
from the schema so the docs never drift from it.

``python -m storeops.workbook.reference`` rewrites the section in place (everything from the
heading ``## Reference: sheets, named cells, tables and columns`` to the end of the file);
``tests/workbook/test_structure.py`` checks the file lists every column and formula.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import schema

__all__ = ["HEADING", "reference_markdown", "write_reference"]

HEADING = "## Reference: sheets, named cells, tables and columns"
_STAMPED = {
    schema.AS_OF_CELL: "a value — `cfg_as_of`, or the day of the last build/recalc/save/New week",
    schema.NOW_CELL: "a value — the end of the as-of date (or `cfg_as_of`'s own time), or the moment of the "
    "last recalc/save",
}


def _cell_line(cell: schema.Cell) -> str:
    if cell.name in _STAMPED:
        return f"- `{cell.name}` — {cell.label}: {_STAMPED[cell.name]}"
    if cell.formula:
        return f"- `{cell.name}` — {cell.label}: `={cell.formula}`"
    default = f", default {cell.value!r}" if cell.value is not None else ""
    return f"- `{cell.name}` — {cell.label} (input{default})"


def _table(t: schema.Table) -> list[str]:
    lines = [
        f"**`{t.name}`** — {t.title} (header row {t.anchor_row + 1}, first column {t.anchor_col + 1})",
        "",
        "| key | header | kind | format | formula / list |",
        "|---|---|---|---|---|",
    ]
    for c in t.columns:
        what = f"`={c.formula}`".replace("|", "\\|") if c.formula else (c.choices or "")
        kind = c.kind + (" (hidden)" if c.hidden else "")
        lines.append(f"| `{c.key}` | {c.header} | {kind} | {c.fmt} | {what} |")
    return [*lines, ""]


def reference_markdown() -> str:
    """The whole reference section, from its heading on."""
    out = [HEADING, ""]
    for sheet in schema.SHEETS:
        out += [f"### {sheet.name}", "", sheet.purpose, ""]
        if sheet.cells:
            out += [_cell_line(c) for c in sheet.cells] + [""]
        for name in sheet.tables:
            out += _table(schema.TABLES[name])
    return "\n".join(out).rstrip() + "\n"


def write_reference(path: str | Path) -> bool:
    """Replace the reference section of ``path``; True when the file changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head = text.split(HEADING)[0]
    new = head + reference_markdown()
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    target = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2] / "docs" / "workbook.md")
    print("updated" if write_reference(target) else "unchanged", target)
