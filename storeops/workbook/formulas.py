"""Turn the schema's formula templates into Excel formulas.

A template (see :mod:`storeops.workbook.schema`) uses three kinds of reference:

* ``{key}`` — the cell of column ``key`` in the same row of the same table;
  ``{a}:{b}`` — the same-row range from column ``a`` to column ``b``;
* ``[tblX.key]`` — the whole column as a structured reference ``tblX[[header]]``
  (always with the inner brackets, which Excel accepts for every header, including the
  bilingual ones with spaces, ``/`` or parentheses);
* defined names (``cfg_*``, summary cells) as they are.

Two renderings exist:

* :func:`row_formula` — what the builder writes into every data cell: plain same-row A1
  references (``CTR(F8,E8)``), the form every spreadsheet program and the headless engine
  read without knowing about tables;
* :func:`column_formula` — the structured form (``CTR([@[点击 Clicks]],…)``) that goes into
  the table's ``calculatedColumnFormula`` so Excel fills the formula into rows people add.

Examples
--------
>>> from storeops.workbook import schema
>>> t = schema.FUNNEL
>>> row_formula(t, "ctr", 7)
'CTR(F8,E8)'
>>> column_formula(t, "ctr")
'CTR([@[点击 Clicks]],[@[曝光 Impressions]])'
>>> structured_ref("tblFollow", "order_usd")
'tblFollow[[订单额 Order USD (12m)]]'
>>> sorted(functions_in('IFERROR(SUMIFS(tblA[[USD (12m)]],tblA[[y]],"A(1)")/CTR(B2,C2),"")'))
['CTR', 'IFERROR', 'SUMIFS']
"""

from __future__ import annotations

import re
from functools import cache

from storeops.xlsx._cells import col_letters

from . import schema
from .editions import edition_template

__all__ = [
    "cell_formula",
    "column_formula",
    "functions_in",
    "row_formula",
    "row_template",
    "shareable",
    "structured_ref",
]

_RANGE = re.compile(r"\{(\w+)\}:\{(\w+)\}")
_KEY = re.compile(r"\{(\w+)\}")
_TABLE_COL = re.compile(r"\[(tbl\w+)\.(\w+)\]")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_FUNC = re.compile(r"\b([A-Z][A-Z0-9_.]*)\s*\(")


def _escape_header(header: str) -> str:
    """Escape the characters a structured-reference column name must quote with ``'``."""
    return re.sub(r"(['#\[\]])", r"'\1", header)


def structured_ref(table: str, key: str) -> str:
    """``tblX[[header]]`` for column ``key`` of table ``table``."""
    return f"{table}[[{_escape_header(schema.TABLES[table].header(key))}]]"


def _tables(template: str) -> str:
    return _TABLE_COL.sub(lambda m: structured_ref(m.group(1), m.group(2)), template)


def col_letter(table: schema.Table, key: str) -> str:
    """Column letter of ``key`` in ``table`` (``tblFunnel.ctr`` → ``M``)."""
    return col_letters(table.anchor_col + table.keys.index(key) + 1)  # anchor_col is 0-based


def _template(table: schema.Table, key: str, edition: str | None) -> str:
    template = table.col(key).formula
    if template is None:
        raise ValueError(f"{table.name}.{key} is an input column")
    return template if edition is None else edition_template(template, edition)


@cache
def row_template(table_name: str, key: str, edition: str | None = None) -> str:
    """The A1 formula of a column with ``{r}`` where the 1-based row number goes.

    Used by the builder to write 100,000 rows quickly: ``row_template(...).format(r=8)``.
    ``edition`` (``"xlsm"``/``"xlsx"``) rewrites StoreOps calls for that edition
    (:mod:`storeops.workbook.editions`); ``None`` keeps the schema's formula.
    """
    table = schema.TABLES[table_name]
    text = _tables(_template(table, key, edition)).replace("{", "{{").replace("}", "}}")
    # the doubled braces now read {{key}}; turn each into a column letter + {r}
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: col_letter(table, m.group(1)) + "{r}", text)
    return text


def row_formula(table: schema.Table, key: str, row: int, edition: str | None = None) -> str:
    """The formula of column ``key`` for the 0-based sheet ``row`` (A1, same-row references)."""
    return row_template(table.name, key, edition).format(r=row + 1)


def column_formula(table: schema.Table, key: str, edition: str | None = None) -> str:
    """The structured calculated-column formula of ``key`` (``[@[header]]`` references)."""
    text = _tables(_template(table, key, edition))
    text = _RANGE.sub(
        lambda m: f"[@[{_escape_header(table.header(m.group(1)))}]:[{_escape_header(table.header(m.group(2)))}]]",
        text,
    )
    return _KEY.sub(lambda m: f"[@[{_escape_header(table.header(m.group(1)))}]]", text)


def cell_formula(template: str, edition: str | None = None) -> str:
    """A summary cell's formula: ``[tblX.key]`` → structured reference, names unchanged."""
    if _KEY.search(_STRING.sub("", template)):
        raise ValueError(f"summary formula cannot use {{key}}: {template}")
    return _tables(template if edition is None else edition_template(template, edition))


def functions_in(formula: str) -> set[str]:
    """Names of the functions a formula calls (string literals ignored)."""
    text = _STRING.sub('""', formula)
    while True:  # drop structured-reference brackets (headers may hold "USD (12m)")
        stripped = _BRACKETS.sub("", text)
        if stripped == text:
            break
        text = stripped
    return set(_FUNC.findall(text))


#: what keeps a column's formula out of a shared formula (``<f t="shared">``): structured
#: references, other sheets and future functions (``_xlfn.``) — whether Excel takes those
#: shared cannot be checked without Excel, and the binary formats forbid other-sheet
#: references in shared formulas — and StoreOps functions (the editions translate their
#: cells one by one)
_UNSHARED = ("[", "!", "_xl")


@cache
def shareable(template: str) -> bool:
    """True when a column's :func:`row_template` may be written as one shared formula:
    its cells then hold ``<f t="shared" si="N"/>`` instead of the whole text (the form
    Excel itself saves a filled-down formula in; WPS, LibreOffice and openpyxl read it).

    Only plain same-sheet formulas whose every row number is a relative reference (none
    inside a string literal) qualify.

    >>> shareable('IF(E{r}="","",IF(V{r}<1,"",cfg_x))')
    True
    >>> shareable("CTR(F{r},E{r})"), shareable("COUNTIFS(tblA[[ID]],A{r})"), shareable('"row {r}"&A{r}')
    (False, False, False)
    """
    from storeops_xl import FUNCTIONS

    if "{r}" not in template or any(s in template for s in _UNSHARED):
        return False
    if _STRING.sub('""', template).count("{r}") != template.count("{r}"):
        return False
    return not (functions_in(template.replace("{r}", "1")) & set(FUNCTIONS))
