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
``write_tables(path, frames, *, mode="replace"|"append") -> dict[str, int]``
    Write the input columns of tables from frames (by header text), resize the table
    and its autoFilter, copy styles and formulas to new rows, texts always as text.
    Atomic.  Returns table → row count.
``atomic_replace(path, write_fn)`` / ``check_not_locked(path)``
    Temp file in the same folder + ``os.replace``; refuse files open elsewhere.
``write_zip(out, src_path, infos, replace)``
    Deterministic zip writing; unchanged members copied raw (byte-identical).
"""

from ._atomic import atomic_replace, check_not_locked, lock_files
from ._cells import XLErr, col_index, col_letters, parse_range
from ._package import Package, TableColumn, TableInfo, open_package
from ._tables import read_names, read_tables, write_tables
from ._zipwrite import write_zip

__all__ = [
    "Package",
    "TableColumn",
    "TableInfo",
    "XLErr",
    "atomic_replace",
    "check_not_locked",
    "col_index",
    "col_letters",
    "lock_files",
    "open_package",
    "parse_range",
    "read_names",
    "read_tables",
    "write_tables",
    "write_zip",
]
