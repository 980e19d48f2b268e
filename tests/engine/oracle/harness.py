"""Run a workbook through ``storeops recalc`` and compare every formula with the value the
application that saved it cached.

A case is one formula cell.  Its status is

* ``agree``    — the engine evaluated it and its value is the cached one (numbers to
  1e-9 relative; the engine caches TRUE/FALSE as 1/0 and blank results as "", which
  the file check accepts);
* ``refused``  — the engine left it to Excel (its cell is untouched);
* ``disagree`` — the engine gave another value: a silent disagreement;
* ``volatile`` — the formula calls TODAY, NOW, RAND …, whose cached value is the saving
  day's, so it is not compared.

Besides the values, :func:`run` checks that ``recalc`` changed nothing it did not have to:
every part other than the rewritten sheets, the shared strings (when a blank result
needs "") and ``workbook.xml``'s calcPr is byte-identical, and no input cell changed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import warnings
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
from openpyxl.utils.datetime import to_excel

from storeops.engine import NATIVE_FUNCTIONS, recalc
from storeops.engine._eval import capture_results
from storeops.engine._formula import function_name
from storeops.xlsx import XLErr

TODAY = dt.date(2026, 3, 10)
VOLATILE = {"TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY", "INDIRECT", "OFFSET", "CELL", "INFO"}
_FUNC = re.compile(r"((?:_xlfn\.|_xlws\.|_xludf\.)*[A-Za-z][A-Za-z0-9._]*)\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')


@dataclass
class Case:
    book: str
    client: str  # "excel" or "libreoffice": who computed the cached value
    sheet: str
    cell: str
    formula: str
    functions: tuple[str, ...]
    expected: Any
    got: Any
    status: str

    def __str__(self) -> str:
        return (
            f"{self.book} {self.sheet}!{self.cell} {self.formula}: {self.client} {self.expected!r}, engine {self.got!r}"
        )


def client_of(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        try:
            app = z.read("docProps/app.xml").decode("utf-8", "replace")
        except KeyError:
            return "unknown"
    if "Microsoft" in app and "Excel" in app:
        return "excel"
    if "LibreOffice" in app:
        return "libreoffice"
    return "unknown"


def functions_of(formula: str) -> tuple[str, ...]:
    names = sorted({function_name(m) for m in _FUNC.findall(_STRING.sub('""', formula))})
    return tuple(names) or ("(operators)",)


def _typed(cell) -> Any:
    """A cached value as the engine represents it: floats, str, bool, XLErr, None."""
    v = cell.value
    if cell.data_type == "e":
        return XLErr(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        if isinstance(v, dt.time):
            return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400.0
        return float(to_excel(v))
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v


def same(expected: Any, got: Any, client: str = "excel") -> bool:
    """The cached value and the engine's, compared by type and value (LibreOffice 6 cached
    TRUE/FALSE as the numbers 1/0)."""
    if isinstance(got, np.generic):
        got = got.item()
    if client == "libreoffice" and isinstance(got, bool) and isinstance(expected, float):
        return expected == float(got)
    if expected is None:  # a formula is never blank: Excel caches its "" as an empty text
        expected = ""
    if isinstance(expected, XLErr) or isinstance(got, XLErr):
        return isinstance(expected, XLErr) and isinstance(got, XLErr) and str(expected) == str(got)
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    if isinstance(expected, float):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return False
        return math.isclose(expected, float(got), rel_tol=1e-9, abs_tol=1e-12)
    return isinstance(got, str) and expected == got


def _file_encodes(value: Any, cached: Any) -> bool:
    """The file holds the engine's value as the engine encodes it (TRUE/FALSE as 1/0)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return cached == float(value)
    if isinstance(value, float) and math.isnan(value):
        value = ""
    return same(value, cached)


def _formulas(path: Path) -> dict[tuple[str, str], tuple[str, Any]]:
    """(sheet, cell) → (formula text, cached value) of every formula cell, and the inputs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wf = openpyxl.load_workbook(path)
        wv = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wf.worksheets:
        cached = wv[ws.title]
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and v.startswith("="):
                    out[(ws.title, c.coordinate)] = (v, _typed(cached[c.coordinate]))
                elif type(v).__name__ in ("ArrayFormula", "DataTableFormula"):
                    text = "=" + str(getattr(v, "text", "") or "").lstrip("=")
                    out[(ws.title, c.coordinate)] = (text, _typed(cached[c.coordinate]))
                elif v is not None:
                    out[(ws.title, c.coordinate)] = ("", _typed(c))
    return out


def run(path: Path, workdir: Path) -> tuple[list[Case], list[str]]:
    """Recalculate a copy of ``path``; its cases, and what changed that should not have."""
    client = client_of(path)
    before = _formulas(path)
    copy = workdir / path.name
    shutil.copyfile(path, copy)
    with capture_results() as got:
        recalc(copy, today=TODAY, progress=False)
    engine: dict[tuple[str, str], Any] = {}
    for sheet, col, rows, values in got:
        vals = values if isinstance(values, np.ndarray) else [values] * len(rows)
        for r, v in zip(np.asarray(rows).tolist(), vals):
            engine[(sheet, f"{openpyxl.utils.get_column_letter(col)}{r}")] = v
    after = _formulas(copy)
    cases, problems = [], []
    for key, (text, cached) in before.items():
        now = after.get(key)
        if now is None:
            problems.append(f"{key}: cell disappeared")
            continue
        if not text:
            if not same(cached, now[1]) and not (cached == now[1]):
                problems.append(f"{key}: input changed from {cached!r} to {now[1]!r}")
            continue
        funcs = functions_of(text)
        if key not in engine:
            status, value = "refused", None
            if not (same(cached, now[1]) or cached == now[1]):
                problems.append(f"{key}: left to Excel but its cached value changed to {now[1]!r}")
        else:
            value = engine[key]
            if not _file_encodes(value, now[1]):
                problems.append(f"{key}: evaluated {value!r} but the file caches {now[1]!r}")
            if VOLATILE & set(funcs):
                status = "volatile"
            else:
                status = "agree" if same(cached, value, client) else "disagree"
        cases.append(Case(path.name, client, key[0], key[1], text, funcs, cached, value, status))
    problems.extend(_parts_changed(path, copy, {k[0] for k in engine}))
    return cases, problems


def _parts_changed(orig: Path, new: Path, evaluated_sheets: set[str]) -> list[str]:
    with zipfile.ZipFile(orig) as a, zipfile.ZipFile(new) as b:
        names_a, names_b = set(a.namelist()), set(b.namelist())
        out = [f"part {n} was added" for n in sorted(names_b - names_a) if not n.endswith("sharedStrings.xml")]
        out += [f"part {n} was removed" for n in sorted(names_a - names_b)]
        for n in sorted(names_a & names_b):
            x, y = a.read(n), b.read(n)
            if x == y:
                continue
            if n.startswith("xl/worksheets/sheet") or n.endswith("sharedStrings.xml"):
                continue  # values spliced in (checked cell by cell) / the shared string ""
            if n == "xl/workbook.xml" and re.sub(rb"<calcPr\b[^>]*>", b"", x) == re.sub(rb"<calcPr\b[^>]*>", b"", y):
                continue  # fullCalcOnLoad set or cleared
            out.append(f"part {n} changed")
    return out


def summary(cases: list[Case]) -> dict[str, Counter]:
    """Per function the engine evaluates (and "(operators)" for formulas without any):
    cases, agree, refused, disagree, volatile — split by client.  Cases calling any
    other function are counted once in "(other functions)"."""
    table: dict[str, Counter] = defaultdict(Counter)
    for c in cases:
        mine = [f for f in c.functions if f in NATIVE_FUNCTIONS or f == "(operators)"]
        keys = mine if len(mine) == len(c.functions) else ["(other functions)"]
        for f in keys:
            t = table[f]
            t[f"{c.client}:cases"] += 1
            t[f"{c.client}:{c.status}"] += 1
    return dict(sorted(table.items(), key=lambda kv: (kv[0].startswith("("), kv[0])))


_COLUMNS = ("cases", "agree", "refused", "disagree")


def markdown(cases: list[Case]) -> str:
    """The per-function table of ``docs/engine.md``."""
    lines = [
        "| function | Excel cases | agree | refused | disagree | LibreOffice cases | agree | refused | differ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = dict(summary(cases))
    total: Counter = Counter()
    for c in cases:
        total[f"{c.client}:cases"] += 1
        total[f"{c.client}:{c.status}"] += 1
    rows["**all formula cells**"] = total
    for f, t in rows.items():
        cells = [t[f"{client}:{k}"] for client in ("excel", "libreoffice") for k in _COLUMNS]
        if f.startswith("**"):
            cells = [f"**{x}**" for x in cells]
        lines.append(f"| {f} | " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(lines)
