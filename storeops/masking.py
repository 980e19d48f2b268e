"""Personal data in what StoreOps writes for other eyes: reviews, exports, split files.

The rules are the core's (:mod:`storeops_xl.privacy`); this module knows where buyers'
contact details sit in a workbook:

* :data:`CONTACT_COLUMNS` — 跟进 Follow-up's 邮箱 / 电话 / WhatsApp input columns, masked
  whole (``a***@x.com``, ``+86 138****1234``);
* every other text of a Follow-up row (buyer, company, messages, next action …) has the
  addresses and numbers inside it masked (:func:`storeops_xl.privacy.mask_contacts`).

:func:`mask_follow` masks a tblFollow key frame (``split`` uses it for the rows of other
salespeople: ``keep=`` names the salesperson whose rows stay as they are);
:func:`mask_texts` masks every text of any frame (the review's tables);
:func:`mask_workbook` masks a written copy in place (``export``), at XML level so nothing
else of the file changes.  Every command that masks has ``--unmasked`` to turn it off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from storeops_xl.privacy import mask_contacts, mask_value

__all__ = ["CONTACT_COLUMNS", "mask_follow", "mask_texts", "mask_workbook"]

#: tblFollow columns that hold nothing but a contact detail
CONTACT_COLUMNS = ("email", "phone", "whatsapp")
_FOLLOW = "tblFollow"
_REVIEW_SHEET = "周复盘 Review"


def mask_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with the e-mail addresses and phone numbers in its texts masked.

    >>> mask_texts(pd.DataFrame({"b": ["bob@x.com", 3]}))["b"].tolist()
    ['b***@x.com', 3]
    """
    out = frame.copy()
    for c in out.columns:
        if _texts(out[c]):
            out[c] = [mask_contacts(v) if isinstance(v, str) else v for v in out[c].tolist()]
    return out


def _texts(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def mask_follow(frame: pd.DataFrame, *, keep: Iterable[str] = ()) -> pd.DataFrame:
    """A copy of a tblFollow key frame with buyers' contact details masked, except on the
    rows of the salespeople named in ``keep`` (their own buyers)."""
    keep_set = {" ".join(str(k).split()).casefold() for k in keep}
    own = [
        isinstance(s, str) and " ".join(s.split()).casefold() in keep_set
        for s in (frame["salesperson"].tolist() if "salesperson" in frame.columns else [None] * len(frame))
    ]
    out = frame.copy()
    for c in out.columns:
        values = out[c].tolist()
        if c in CONTACT_COLUMNS:
            out[c] = [v if mine else mask_value(v) for v, mine in zip(values, own)]
        elif _texts(out[c]):
            out[c] = [v if mine or not isinstance(v, str) else mask_contacts(v) for v, mine in zip(values, own)]
    return out


# --------------------------------------------------------------------------- workbook copies
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"((?:\s+[\w:]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S)
_T = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_V = re.compile(rb"<v>(.*?)</v>", re.S)


def _inline(ref: bytes, attrs: bytes, text: str) -> bytes:
    from storeops.xlsx._cells import escape

    attrs = re.sub(rb'\s+t="[^"]*"', b"", attrs)
    return b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
        ref,
        attrs,
        escape(text).encode("utf-8"),
    )


def _cell_text(body: bytes, attrs: bytes, sst: list[str]) -> str | None:
    from storeops.xlsx._cells import unescape

    t = re.search(rb'\st="([^"]*)"', attrs)
    kind = t.group(1) if t else b""
    if kind == b"inlineStr":
        return "".join(unescape(m) for m in _T.findall(body))
    v = _V.search(body or b"")
    if v is None:
        return None
    if kind == b"s":
        i = int(v.group(1))
        return sst[i] if 0 <= i < len(sst) else None
    if kind == b"str":
        return unescape(v.group(1))
    return None


def _mask_cells(
    xml: bytes, sst: list[str], pick: Any, sst_masks: dict[int, Any], value_cols: set[int] | None = None
) -> tuple[bytes, int]:
    """Mask the cells for which ``pick(col, row)`` gives a mask function.  A shared string is
    not changed here: its index and mask go to ``sst_masks`` (the shared-string table is
    masked once, so the original text is left nowhere in the file).  With ``value_cols``
    (the only columns where ``pick`` may give :func:`mask_value`, which masks numbers too)
    only text cells and the cells of those columns are looked at: the others keep their
    bytes whatever ``pick`` says."""
    from storeops.xlsx import col_index
    from storeops.xlsx._cells import escape, replace_spans

    changed = 0
    memo: dict[tuple[Any, str], Any] = {}  # (mask, text) → masked text: most texts repeat (classes, stages)

    def masked(fn: Any, text: str) -> Any:
        key = (fn, text)
        if key not in memo:
            memo[key] = fn(text)
        return memo[key]

    def sub(m: re.Match[bytes]) -> bytes:
        nonlocal changed
        fn = pick(col_index(m.group(1).decode()), int(m.group(2)))
        if fn is None:
            return m.group(0)
        attrs, body = m.group(3), m.group(4) or b""
        ref = m.group(1) + m.group(2)
        t = re.search(rb'\st="([^"]*)"', attrs)
        v = _V.search(body)
        if t and t.group(1) == b"s" and v is not None:
            i = int(v.group(1))
            if 0 <= i < len(sst) and masked(fn, sst[i]) != sst[i]:
                sst_masks.setdefault(i, fn)
                changed += 1
            return m.group(0)
        if b"<f" in body:  # a formula's cached text: mask the value, keep the formula
            text = _cell_text(body, attrs, sst)
            if text is None or v is None or masked(fn, text) == text:
                return m.group(0)
            changed += 1
            new_text = escape(masked(fn, text)).encode()
            return m.group(0).replace(b"<v>" + v.group(1) + b"</v>", b"<v>" + new_text + b"</v>")
        text = _cell_text(body, attrs, sst)
        if text is None:
            if fn is not mask_value or v is None:
                return m.group(0)
            raw = v.group(1).decode()  # a phone number typed as a number
            text, new = raw, (mask_value(float(raw)) if re.fullmatch(r"[\d.E+]+", raw) else mask_value(raw))
        else:
            new = masked(fn, text)
        if new == text:
            return m.group(0)
        changed += 1
        return _inline(ref, attrs, str(new))

    def span(m: re.Match[bytes]) -> tuple[int, int, bytes | None]:
        new = sub(m)
        return m.start(), m.end(), None if new == m.group(0) else new

    cells = _CELL.finditer(xml) if value_cols is None else _candidate_cells(xml, value_cols)
    return replace_spans(xml, map(span, cells)), changed


#: the start of a text cell (its ``t=`` among the attributes :data:`_CELL` reads)
_TEXT_CELL = re.compile(rb'<c r="[A-Z]{1,3}\d+"(?:\s+[\w:]+="[^"]*")*?\s+t="(?:s|str|inlineStr)"')


def _candidate_cells(xml: bytes, value_cols: set[int]) -> Iterator[re.Match[bytes]]:
    """The :data:`_CELL` matches of the text cells and of the cells of ``value_cols``, in
    document order: the cells masking may change (a number outside ``value_cols`` is never
    masked), found at the regular-expression engine's speed."""
    from storeops.xlsx._cells import column_pattern

    starts = {m.start() for m in _TEXT_CELL.finditer(xml)}
    if value_cols:
        starts.update(m.start() for m in column_pattern(_CELL, value_cols).finditer(xml))
    end = 0
    for start in sorted(starts):
        if start < end:  # inside the last cell (text of a CDATA section): not a cell
            continue
        m = _CELL.match(xml, start)
        if m is not None:
            end = m.end()
            yield m


_SI = re.compile(rb"<si>.*?</si>|<si/>", re.S)
_SHARED_REF = re.compile(rb'<c\b[^>]*\st="s"[^>]*>\s*<v>(\d+)</v>')


def _mask_sst(data: bytes, sst: list[str], masks: dict[int, Any]) -> bytes:
    from storeops.xlsx._cells import escape

    out, pos = [], 0
    for i, m in enumerate(_SI.finditer(data)):
        if i in masks:
            out.append(data[pos : m.start()])
            out.append(b'<si><t xml:space="preserve">%s</t></si>' % escape(masks[i](sst[i])).encode("utf-8"))
            pos = m.end()
    out.append(data[pos:])
    return b"".join(out)


def mask_workbook(path: str | os.PathLike[str]) -> int:
    """Mask buyers' contact details in a StoreOps workbook file, in place (atomically):
    tblFollow's contact columns and the texts of its rows, the texts of the Review sheet, and
    shared strings no cell uses any more.  Returns the number of cells changed; the file is not rewritten when that is 0."""
    from storeops.xlsx import atomic_replace, open_package, parse_range, write_zip

    path = os.fspath(path)
    with open_package(path) as pkg:
        sst = pkg.shared_strings
        replace: dict[str, bytes] = {}
        sst_masks: dict[int, Any] = {}
        total = 0
        t = pkg.tables.get(_FOLLOW)
        if t is not None:
            from storeops.workbook.schema import TABLES

            by_header = TABLES[_FOLLOW].key_by_header()
            c1, r1, _c2, r2 = parse_range(t.ref)
            fn_of = {}
            for j, tc in enumerate(t.columns):
                key = by_header.get(" ".join(tc.name.split()))
                fn_of[c1 + j] = mask_value if key in CONTACT_COLUMNS else mask_contacts
            first = r1 + t.header_rows

            def pick(c: int, r: int) -> Any:
                return fn_of.get(c) if first <= r <= r2 else None

            sp = pkg.sheet(t.sheet).path
            values = {c for c, fn in fn_of.items() if fn is mask_value}
            xml, n = _mask_cells(pkg.read(sp), sst, pick, sst_masks, values)
            if n:
                replace[sp], total = xml, total + n
        for s in pkg.sheets:
            if s.name == _REVIEW_SHEET:
                xml, n = _mask_cells(
                    replace.get(s.path) or pkg.read(s.path), sst, lambda c, r: mask_contacts, sst_masks
                )
                if n:
                    replace[s.path], total = xml, total + n
        if pkg.sst_path:
            # shared strings no cell uses any more (a table rewritten with inline strings by
            # an import) still carry their text in the file: mask those too
            used: set[int] = set()
            for sh in pkg.sheets:
                body = replace.get(sh.path) or pkg.read(sh.path)
                used.update(int(i) for i in _SHARED_REF.findall(body))
            for i, text in enumerate(sst):
                if i not in used and mask_contacts(text) != text:
                    sst_masks.setdefault(i, mask_contacts)
                    total += 1
            if sst_masks:
                replace[pkg.sst_path] = _mask_sst(pkg.read(pkg.sst_path), sst, sst_masks)
        if not replace:
            return 0
        infos = pkg.infos

        def write(fh: Any) -> None:
            write_zip(fh, path, infos, replace)

        atomic_replace(path, write)
    return total
