"""Low-level, safe access to .xlsx/.xlsm packages (no DOM over big sheets).

Public helpers (signatures are stable; other layers use them):

``open_package(path) -> Package``
    Validate and open a workbook without modifying it.  Refuses (one bilingual
    :class:`~storeops.errors.StoreOpsError` line) non-zip, truncated, zip-bomb,
    encrypted, DOCTYPE/ENTITY-carrying files and packages missing workbook parts.
    ``Package`` exposes ``sheets``, ``names`` (defined names), ``calc_pr``,
    ``tables`` (name → :class:`TableInfo`: sheet, ref, columns with
    ``calculatedColumnFormula``), ``shared_strings``, ``date_styles`` and ``read(member)``.
``read_tables(path) -> dict[str, pandas.DataFrame]``
    Table name → frame (columns = header texts; cached values for formula columns;
    date-formatted cells as ``datetime``; text as ``str``).
``read_names(path) -> dict[str, object]``
    Defined name → its single value, or a list of the range's values.
``table_parts(pkg, frames, *, mode=...) -> (dict[str, bytes], dict[str, int])``
    What ``write_tables`` would write, without writing: pass the parts as ``overlay`` to
    :func:`storeops.engine.recalc` so a change and its recalculation are one write.
``write_tables(path, frames, *, mode="replace"|"append") -> dict[str, int]``
    Write the input columns of tables from frames (by header text), resize the table
    and its autoFilter, copy styles and formulas to new rows, texts always as text.
    Atomic.  Returns table → row count.
``workbook_session(path)``
    The context every command that changes a workbook runs in: StoreOps' own lock file,
    stale temporary files removed, read-only files refused, and the stamp (size, mtime,
    digest) of the version read.  ``retry_on_change(fn)`` runs a command again when
    someone saved the workbook while it ran.
``atomic_replace(path, write_fn)`` / ``atomic_write(path, write_fn)`` / ``check_not_locked(path)``
    Temp file in the same folder + ``os.replace``; refuse files open elsewhere, read-only
    files and (``atomic_replace``) a version saved by someone else after it was read.
``schema_version(pkg_or_path) -> int | None``
    The ``StoreOpsSchemaVersion`` custom property StoreOps stamps in every workbook it
    builds (``None``: none; see :mod:`storeops.workbook.migrate`).
``write_zip(out, src_path, infos, replace)``
    Deterministic zip writing; unchanged members copied raw (byte-identical).
"""

import importlib

# Attributes load their module on first use (PEP 562), so ``storeops recalc`` can tell
# "nothing changed" without importing pandas.
_WHERE = {
    "atomic_replace": "_atomic",
    "atomic_write": "_atomic",
    "check_not_locked": "_atomic",
    "lock_files": "_atomic",
    "XLErr": "_cells",
    "col_index": "_cells",
    "col_letters": "_cells",
    "parse_range": "_cells",
    "schema_version": "_docprops",
    "Package": "_package",
    "TableColumn": "_package",
    "TableInfo": "_package",
    "open_package": "_package",
    "FileStamp": "_session",
    "current_session": "_session",
    "retry_on_change": "_session",
    "workbook_session": "_session",
    "MAX_CELL_TEXT": "_tables",
    "read_names": "_tables",
    "read_tables": "_tables",
    "table_parts": "_tables",
    "write_package": "_tables",
    "write_tables": "_tables",
    "write_zip": "_zipwrite",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
