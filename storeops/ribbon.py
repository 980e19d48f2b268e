"""The Python side of the StoreOps ribbon buttons (xlwings ``RunPython``).

The VBA ribbon module calls, for example, ``RunPython "import storeops.ribbon as r; r.refresh()"``.
Each entry point is a thin function that mirrors one CLI command and returns that command's
result object:

============== ================================================ =====================================
button          function                                         same result as
============== ================================================ =====================================
Refresh         :func:`refresh`                                  ``storeops recalc``
Import export   :func:`import_export` (file dialog in Excel)     ``storeops import PATH --into BOOK``
New week        :func:`new_week`                                 ``storeops new-week BOOK``
Weekly review   :func:`weekly_review`                            ``storeops review BOOK``
Check data      :func:`check_data`                               ``storeops check BOOK``
============== ================================================ =====================================

Two ways to run
---------------
* **On a file** (``book_path=...``): what tests, ``storeops watch`` users and scripts do; the
  workbook must not be open elsewhere.  Fully tested here.
* **Inside live Excel** (no ``book_path``): the workbook is the one that pressed the button,
  ``xlwings.Book.caller()``.  Excel holds that file open, so nothing may rewrite the file:
  tables are read and written through xlwings ranges instead (``Book.sheets[...].tables[...]``),
  Refresh asks Excel itself to recalculate (the UDFs call the same core functions), text is
  written with the text number format so it never becomes a formula, the review sheet is a
  normal sheet added through xlwings, and results are shown in a message box.  **This path is
  unverified here**: there is no Excel on Linux; it is guarded so it never runs on Linux, and
  it is written against the documented classic xlwings API (BSD, no ``xlwings.pro``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["check_data", "import_export", "new_week", "refresh", "weekly_review"]


# --------------------------------------------------------------------------- file path
def _caller_book() -> Any:
    """The workbook that pressed the button (live Excel only; never on Linux)."""
    if sys.platform not in ("win32", "darwin"):
        from storeops.errors import StoreOpsError

        raise StoreOpsError(
            "需要在 Excel 中运行,或给出 book_path / run inside Excel, or pass book_path "
            "(Excel is not available on this system)"
        )
    import xlwings as xw  # pragma: no cover - Excel only

    return xw.Book.caller()  # pragma: no cover


def _stamp_as_of(book: Any) -> None:  # pragma: no cover - Excel only, unverified
    """Write the as-of date into ``cfg_today`` (``cfg_as_of`` or today) and the as-of time into
    ``cfg_now``, as ``storeops recalc`` does: the workbook has no volatile TODAY(), so Excel recomputes the date's dependents
    only here (on save, Refresh and New week)."""
    import datetime as _dt

    from storeops.engine.editions import as_of_instant

    as_of = book.names["cfg_as_of"].refers_to_range.value
    book.names["cfg_today"].refers_to_range.value = as_of or _dt.date.today()
    try:
        book.names["cfg_now"].refers_to_range.value = as_of_instant(as_of, _dt.date.today(), _dt.datetime.now())
    except Exception:  # noqa: BLE001 - an older workbook without cfg_now
        pass


def _stamp_benchmarks(book: Any) -> None:  # pragma: no cover - Excel only, unverified
    """Recompute the stamped cells (``BENCHMARK`` shop medians, ``FunctionSpec.stamp``), as
    ``storeops recalc`` does: Excel evaluates each cell's schema formula once and the value
    is written only when it changed, so the per-row diagnoses that read it are recomputed
    only then (not on every edit of a funnel or product row)."""
    from storeops.workbook import schema
    from storeops.workbook.editions import stamped
    from storeops.workbook.formulas import cell_formula

    for sh in schema.SHEETS:
        for cell in sh.cells:
            if cell.formula is None or not stamped(cell.formula):
                continue
            rng = book.names[cell.name].refers_to_range
            value = rng.sheet.api.Evaluate(cell_formula(cell.formula, "xlsm"))
            if value == "" or (isinstance(value, int) and value <= -2146826200):  # blank, or a COM error code
                value = None
            if rng.value != value:
                rng.value = value


def refresh(book_path: str | None = None, *, today: Any = None) -> Any:
    """Refresh 刷新: recalculate every StoreOps formula (``storeops recalc``).

    Returns the engine's ``RecalcReport`` for a file (``recalc`` also fills buyer IDs and
    keeps the roster tables in step).  In Excel: follow-up rows without a buyer ID get one
    (:func:`storeops.buyer_ids.assign_ids`, the rule ``recalc`` uses, written as values),
    then ``book.app.calculate()`` (Excel evaluates the UDFs with the same core functions).
    This also runs on every save (``Workbook_BeforeSave``).
    """
    if book_path is None:
        book = _caller_book()  # pragma: no cover
        _xl_fill_ids(book)  # pragma: no cover
        _stamp_as_of(book)  # pragma: no cover
        book.app.calculate()  # pragma: no cover
        _stamp_benchmarks(book)  # pragma: no cover
        book.app.calculate()  # pragma: no cover
        return None  # pragma: no cover
    from storeops.engine import recalc

    return recalc(book_path, today=today, progress=False)


def import_export(paths: Sequence[str] | str | None = None, book_path: str | None = None, *, today: Any = None) -> Any:
    """Import platform exports 导入平台导出 (``storeops import PATH... --into BOOK``): Data Manager
    products/keywords/staff/P4P, inquiries, 客户通 customers, 1688 — told apart by their header.

    In Excel ``paths`` come from a file dialog; returns the ``ImportReport``.
    """
    from storeops.importers.into_workbook import format_report, import_frames, import_into

    if isinstance(paths, str):
        paths = [paths]
    if book_path is not None:
        if not paths:
            from storeops.errors import StoreOpsError

            raise StoreOpsError("请给出导出文件 / give the export file(s) to import")
        return import_into(list(paths), book_path, recalc=True, progress=False, today=today)
    book = _caller_book()  # pragma: no cover - Excel only, unverified
    if not paths:  # pragma: no cover
        picked = (
            book.app.api.GetOpenFilename(
                "Exports (*.xls;*.xlsx;*.csv;*.txt),*.xls;*.xlsx;*.csv;*.txt", MultiSelect=True
            )
            if sys.platform == "win32"
            else None
        )
        if not picked:
            return None
        paths = list(picked) if isinstance(picked, (list, tuple)) else [picked]
    names = ("tblProducts", "tblFunnel", "tblKeywords", "tblFollow", "tblStaff")  # pragma: no cover
    from storeops.importers.into_workbook import Context, ImportReport  # pragma: no cover
    from storeops.importers.roster import roster_matcher  # pragma: no cover
    from storeops.tables import drop_blank_rows, to_keys  # pragma: no cover

    # key frames, as import_frames and _xl_write expect (the header frames _xl_read gives are renamed)
    tables = {
        n: drop_blank_rows(n, to_keys(n, _xl_read(book, n))).reset_index(drop=True) for n in names
    }  # pragma: no cover
    before = {n: id(f) for n, f in tables.items()}  # pragma: no cover
    people = to_keys("tblSalespeople", _xl_read(book, "tblSalespeople"))["salesperson"]  # pragma: no cover
    roster = [s for s in people if isinstance(s, str) and s.strip()]  # pragma: no cover
    ctx = Context(match_salesperson=roster_matcher(roster), roster=frozenset(roster))  # pragma: no cover
    report = ImportReport(import_frames(tables, list(paths), ctx))  # pragma: no cover
    for n, f in tables.items():  # pragma: no cover
        if id(f) != before[n]:
            _xl_write(book, n, f)
            report.written = True
    _xl_fill_ids(book)  # pragma: no cover
    book.app.calculate()  # pragma: no cover
    _stamp_benchmarks(book)  # pragma: no cover
    _xl_message(book, format_report(report))  # pragma: no cover
    return report  # pragma: no cover


def new_week(book_path: str | None = None, *, today: Any = None) -> int:
    """New week 新一周 (``storeops new-week BOOK``): stamp the as-of date and recalculate.

    上周类别 (class_last_week) is computed from the dated orders as of last Sunday, so the
    class moves of every week are true without a snapshot; New week only moves the as-of
    date (``cfg_today``/``cfg_now``) to today (or ``cfg_as_of``) and recalculates, as
    ``recalc`` and ``watch`` do.  Nothing the team typed is changed.

    Returns the number of follow-up rows.
    """
    if book_path is None:  # pragma: no cover - Excel only, unverified
        book = _caller_book()
        _stamp_as_of(book)
        book.app.calculate()
        return len(_xl_read(book, "tblFollow"))
    from storeops.tables import drop_blank_rows, to_keys
    from storeops.xlsx import check_not_locked, read_tables

    check_not_locked(book_path)
    refresh(book_path, today=today)
    return len(drop_blank_rows("tblFollow", to_keys("tblFollow", read_tables(book_path)["tblFollow"])))


def weekly_review(
    book_path: str | None = None, *, week: str | None = None, out_dir: str | None = None, today: Any = None
) -> Any:
    """Weekly review 周复盘 (``storeops review BOOK``): the Review sheet and the PDF.

    Returns the ``ReviewResult``.  In Excel the sheet is written through xlwings and the PDF
    next to the workbook.
    """
    from storeops.review import run_review

    if book_path is not None:
        return run_review(book_path, week=week, out_dir=out_dir, today=today)
    book = _caller_book()  # pragma: no cover - Excel only, unverified
    from storeops.review.compute import compute_review  # pragma: no cover
    from storeops.review.pdf import write_pdf  # pragma: no cover
    from storeops.review.sheet import review_rows  # pragma: no cover
    from storeops.workbook.schema import S_REVIEW  # pragma: no cover

    frames = {n: _xl_read(book, n) for n in ("tblFollow", "tblSalespeople", "tblTarget", "tblPK")}  # pragma: no cover
    review = compute_review(frames, week)  # pragma: no cover
    names = [s.name for s in book.sheets]  # pragma: no cover
    sh = (
        book.sheets[S_REVIEW] if S_REVIEW in names else book.sheets.add(S_REVIEW, after=book.sheets[-1])
    )  # pragma: no cover
    sh.clear()  # pragma: no cover
    rows = review_rows(review)  # pragma: no cover
    width = max(len(r) for r in rows)  # pragma: no cover
    sh.range("A1").resize(len(rows), width).number_format = "@"  # pragma: no cover
    sh.range("A1").value = [r + [None] * (width - len(r)) for r in rows]  # pragma: no cover
    folder = out_dir or os.path.dirname(book.fullname)  # pragma: no cover
    path = write_pdf(
        review, os.path.join(folder, f"{os.path.splitext(book.name)[0]}-review-{review.week}.pdf")
    )  # pragma: no cover
    _xl_message(book, f"{review.title}\nPDF: {path}")  # pragma: no cover
    return review  # pragma: no cover


def check_data(book_path: str | None = None) -> list:
    """Check data 检查数据 (``storeops check BOOK``): the list of bad input rows."""
    from storeops.check import check_frames, check_workbook, format_problems

    if book_path is not None:
        return check_workbook(book_path)
    book = _caller_book()  # pragma: no cover - Excel only, unverified
    from storeops.workbook.schema import TABLES  # pragma: no cover

    problems = check_frames({n: _xl_read(book, n) for n in TABLES})  # pragma: no cover
    _xl_message(book, format_problems(problems[:30]))  # pragma: no cover
    return problems  # pragma: no cover


# --------------------------------------------------------------------------- live Excel (unverified)
def _xl_table(book: Any, name: str) -> Any:  # pragma: no cover - Excel only
    from storeops.workbook.schema import TABLES

    return book.sheets[TABLES[name].sheet].tables[name]


def _xl_read(book: Any, name: str) -> pd.DataFrame:  # pragma: no cover - Excel only
    """A table's values as a header frame, read through xlwings."""
    t = _xl_table(book, name)
    header = t.header_row_range.value
    body = t.data_body_range
    values = body.value if body is not None else []
    if values and not isinstance(values[0], list):
        values = [values]
    return pd.DataFrame(values or [], columns=header)


def _xl_write(book: Any, name: str, frame: pd.DataFrame) -> None:  # pragma: no cover - Excel only
    """Write the input columns of key frame ``frame`` into the table, resizing it; text cells
    get the text format first so '=…' stays text."""
    from storeops.tables import table

    spec = table(name)
    t = _xl_table(book, name)
    t.resize(t.range[0, 0].resize(len(frame) + 1, len(spec.columns)))
    body = t.data_body_range
    for j, c in enumerate(spec.columns):
        if c.kind != "input" or c.key not in frame.columns:
            continue
        cells = body[:, j]
        vals = [[None if (isinstance(v, float) and v != v) else v] for v in frame[c.key].tolist()]
        if c.fmt == "text":
            cells.number_format = "@"
        cells.value = vals


def _xl_fill_ids(book: Any) -> int:  # pragma: no cover - Excel only
    """Write the buyer ID of each follow-up row that lacks one (or shares one), as text
    values; returns how many were written.  A workbook from before buyer IDs has no such
    column: ``storeops recalc`` on the file adds it once."""
    from storeops.buyer_ids import assign_ids, clean_id
    from storeops.tables import table, to_keys

    header = table("tblFollow").header("buyer_id")
    t = _xl_table(book, "tblFollow")
    names = [str(h).strip() for h in (t.header_row_range.value or [])]
    if header not in names or t.data_body_range is None:
        return 0
    frame = to_keys("tblFollow", _xl_read(book, "tblFollow"))
    ids = assign_ids(frame)
    old = [clean_id(v) for v in frame["buyer_id"].tolist()]
    if ids == old:
        return 0
    cells = t.data_body_range.columns[names.index(header)]
    cells.number_format = "@"
    cells.value = [[v or None] for v in ids]
    return sum(1 for a, b in zip(ids, old) if a != b)


def _xl_message(book: Any, text: str) -> None:  # pragma: no cover - Excel only
    try:
        book.app.alert(text[:1000], title="StoreOps")
    except Exception:  # noqa: BLE001 - older xlwings without alert
        print(text)
