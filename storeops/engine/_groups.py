"""Group a sheet's formula cells: the cells of one column whose formulas are the same
expression relative to their row (SPEC §8).

Works on the formula records of :func:`storeops.xlsx._scan.scan_sheet`.  The first cell
of a column gives a template (its text with the relative row numbers cut out); the
compiled :func:`~storeops.xlsx._splice.match_template` then checks every other cell of
the column against it, byte for byte, without decoding any of them.  Cells that differ
start the next template.  Shared formulas (``<f t="shared" si=…/>``, as Excel saves
filled-down formulas) are grouped by their master formula.
"""

from __future__ import annotations

import numpy as np

from ..xlsx._cells import unescape
from ..xlsx._scan import F_COL, F_FKIND, F_FTE, F_FTS, F_ROW, F_SI, FK_NORMAL, FK_SHARED, FK_VIRTUAL, MAX_COL
from ..xlsx._splice import match_template, match_templates
from ._eval import Group
from ._formula import FormulaError, row_pieces, row_template, shift_formula


def make_groups(
    sheet: str, xml: bytes, F: np.ndarray, virtual: dict[int, tuple[int, int, str]] | None = None
) -> tuple[list[Group], np.ndarray]:
    """Groups of the formula records ``F`` of one sheet, and the record indexes nobody can
    evaluate here (data tables, shared formulas without their master).  ``virtual`` gives
    the formula (with ``{r}`` for the row) of each column whose cells the scan declared
    formula cells without a formula in the file (``FK_VIRTUAL``)."""
    groups: list[Group] = []
    if not len(F):
        return groups, np.empty(0, np.int64)
    a = np.frombuffer(xml, np.uint8)
    kind, si = F[:, F_FKIND], F[:, F_SI]
    has_text = F[:, F_FTE] > F[:, F_FTS]
    # array formulas (<f t="array" ref=…>, Excel's CSE and spilled formulas) fill a whole
    # block with array semantics: left to Excel, never half-updated
    texty = has_text & ((kind == FK_NORMAL) | (kind == FK_SHARED))
    children = ~has_text & (kind == FK_SHARED) & (si >= 0)
    virt = kind == FK_VIRTUAL
    bad = [np.flatnonzero(~texty & ~children & ~virt)]
    if virt.any():
        bad.append(_group_virtual(sheet, F, np.flatnonzero(virt), virtual or {}, groups))
    columns = _by_column(F, np.flatnonzero(texty))
    firsts = _first_matches(xml, a, F, columns)
    for idx, first in zip(columns, firsts):
        _group_column(sheet, xml, a, F, idx, groups, first)
    if children.any():
        bad.append(_group_shared(sheet, xml, F, texty, np.flatnonzero(children), groups))
    return groups, np.concatenate(bad).astype(np.int64)


def _group_virtual(
    sheet: str, F: np.ndarray, idx: np.ndarray, virtual: dict[int, tuple[int, int, str]], groups: list[Group]
) -> np.ndarray:
    """One group per column of virtual formula cells (all rows hold the same formula: the
    schema's); returns the records of columns without a formula."""
    bad = []
    for part in _by_column(F, idx):
        col = int(F[part[0], F_COL])
        if col not in virtual:
            bad.append(part)
            continue
        rows = F[part, F_ROW].astype(np.int64)
        r0 = int(rows[0])
        groups.append(Group(sheet, col, rows, r0, virtual[col][2].format(r=r0), part))
    return np.concatenate(bad) if bad else np.empty(0, np.int64)


def _by_column(F: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    if not len(idx):
        return []
    cols = F[idx, F_COL]
    order = np.argsort(cols, kind="stable")
    cuts = np.flatnonzero(np.diff(cols[order])) + 1
    return [idx[part] for part in np.split(order, cuts) if len(part)]


def _text(xml: bytes, F: np.ndarray, i: int) -> tuple[bytes, str]:
    raw = xml[int(F[i, F_FTS]) : int(F[i, F_FTE])]
    return raw, unescape(raw)


def raw_pieces(raw0: bytes, pieces: list[str], offs: tuple[int, ...], row0: int) -> list[bytes] | None:
    """The template pieces escaped the way this file's writer escaped the first cell
    (``None`` when re-escaping does not give the cell's bytes back)."""
    esc = {"&": "&amp;", "<": "&lt;"}
    for ch, ent in ((">", "&gt;"), ('"', "&quot;"), ("'", "&apos;")):
        if ent.encode() in raw0:
            esc[ch] = ent
    table = str.maketrans(esc)
    out = [p.translate(table).encode("utf-8") for p in pieces]
    rebuilt = out[0] + b"".join(str(row0 + o).encode() + p for o, p in zip(offs, out[1:]))
    return out if rebuilt == raw0 else None


def _template(xml: bytes, F: np.ndarray, i: int):
    """(text, pieces, offsets, raw pieces or None, reason) of formula record ``i`` as a template."""
    r0 = int(F[i, F_ROW])
    raw0, text0 = _text(xml, F, i)
    try:
        pieces, offs = row_pieces(text0, r0)
        return text0, pieces, offs, raw_pieces(raw0, pieces, offs, r0), ""
    except (FormulaError, ValueError):
        return text0, None, (), [raw0], "unreadable"


def _first_matches(xml: bytes, a: np.ndarray, F: np.ndarray, columns: list[np.ndarray]) -> list:
    """Per column: its first cell's template and which cells match it, checked for all
    columns in one pass over the sheet in document order (one column at a time would
    read the whole sheet once per column)."""
    tpls = [_template(xml, F, int(idx[0])) for idx in columns]
    usable = [k for k, t in enumerate(tpls) if t[3] is not None]
    out: list = [None] * len(columns)
    if not usable:
        return out
    tid_of_col = np.full(MAX_COL + 1, -1, np.int64)
    for j, k in enumerate(usable):
        tid_of_col[int(F[columns[k][0], F_COL])] = j
    cells = np.sort(np.concatenate([columns[k] for k in usable]))  # document order
    tid = tid_of_col[F[cells, F_COL]]
    ok = np.zeros(len(F), np.bool_)
    ok[cells] = match_templates(
        a, F[cells, F_FTS], F[cells, F_FTE], F[cells, F_ROW], tid, [(tpls[k][3], tpls[k][2]) for k in usable]
    )
    for k in usable:
        out[k] = (tpls[k], ok[columns[k]])
    return out


def _group_column(
    sheet: str, xml: bytes, a: np.ndarray, F: np.ndarray, idx: np.ndarray, groups: list[Group], first=None
) -> None:
    col = int(F[idx[0], F_COL])
    rows = F[idx, F_ROW].astype(np.int64)
    ts, te = F[idx, F_FTS], F[idx, F_FTE]
    remaining = np.arange(len(idx))
    while len(remaining):
        k0 = int(remaining[0])
        r0 = int(rows[k0])
        sub = remaining
        if first is not None:  # the first template, already checked with every column's cells
            (text0, pieces, offs, rp, reason), same = first
            first = None
        else:
            text0, pieces, offs, rp, reason = _template(xml, F, int(idx[k0]))
            if rp is not None:
                same = match_template(a, ts[sub], te[sub], rows[sub], rp, offs)
            else:  # unusual escaping: compare decoded texts (slow, rare)
                tpl = "%d".join(p.replace("%", "%%") for p in pieces)
                same = np.array(
                    [
                        _text(xml, F, int(idx[k]))[1] == tpl % tuple(int(rows[k]) + o for o in offs)
                        for k in sub.tolist()
                    ],
                    bool,
                )
        same[0] = True
        sel = sub[same]
        groups.append(Group(sheet, col, rows[sel], r0, text0, idx[sel], reason=reason))
        remaining = sub[~same]


def _shared_masters(xml: bytes, F: np.ndarray, texty: np.ndarray | None = None) -> dict[int, tuple[str, int, int]]:
    """``si`` → (text, row, column) of the first cell of each shared formula (the one that
    holds its text)."""
    if texty is None:
        texty = F[:, F_FTE] > F[:, F_FTS]
    masters: dict[int, tuple[str, int, int]] = {}
    for i in np.flatnonzero(texty & (F[:, F_FKIND] == FK_SHARED) & (F[:, F_SI] >= 0)).tolist():
        masters.setdefault(int(F[i, F_SI]), (_text(xml, F, i)[1], int(F[i, F_ROW]), int(F[i, F_COL])))
    return masters


def _children_formula(master: tuple[str, int, int], col: int) -> str:
    """The formula (at the master's row) of the cells of column ``col`` that share ``master``'s."""
    text, _mrow, mcol = master
    return shift_formula(text, 0, col - mcol) if col != mcol else text


def _same_children(F: np.ndarray, g: Group, masters: dict[int, tuple[str, int, int]]) -> bool:
    """Whether the cells of ``g`` are still what :func:`_group_shared` made it of: cells of
    its column without a text of their own, sharing one formula whose first cell gives
    ``g``'s formula at ``g``'s base row."""
    idx = g.cell_index
    si = int(F[idx[0], F_SI])
    master = masters.get(si)
    if master is None or master[1] != g.base_row:
        return False
    if not (
        (F[idx, F_FKIND] == FK_SHARED).all()
        and (F[idx, F_FTE] <= F[idx, F_FTS]).all()
        and (F[idx, F_SI] == si).all()
        and (F[idx, F_COL] == g.col).all()
    ):
        return False
    try:
        return _children_formula(master, g.col) == g.text
    except (FormulaError, ValueError):
        return False


def _group_shared(
    sheet: str, xml: bytes, F: np.ndarray, texty: np.ndarray, kids: np.ndarray, groups: list[Group]
) -> np.ndarray:
    """Children of shared formulas, grouped by (master, column); returns orphans."""
    masters = _shared_masters(xml, F, texty)
    key = F[kids, F_SI].astype(np.int64) * 20000 + F[kids, F_COL]
    order = np.argsort(key, kind="stable")
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    orphans = []
    for part in np.split(order, cuts):
        sel = kids[part]
        i0 = int(sel[0])
        master = masters.get(int(F[i0, F_SI]))
        if master is None:
            orphans.append(sel)
            continue
        mrow = master[1]
        col = int(F[i0, F_COL])
        try:
            text_c = _children_formula(master, col)
            row_template(text_c, mrow)
        except (FormulaError, ValueError):
            orphans.append(sel)
            continue
        groups.append(Group(sheet, col, F[sel, F_ROW].astype(np.int64), mrow, text_c, sel))
    return np.concatenate(orphans) if orphans else np.empty(0, np.int64)


def same_groups(xml: bytes, F: np.ndarray, groups: list[Group], known: np.ndarray | None = None) -> bool:
    """Whether every cell of these groups still holds its group's formula (each group's
    first cell gives the template, as :func:`make_groups` would find it), checked in one
    compiled pass: then grouping the sheet again would give these groups.  ``known`` marks
    the formula records whose cells are byte for byte as when the groups were made (not
    matched again)."""
    tpls: list[tuple[list[bytes], tuple[int, ...]]] = []  # (raw pieces, row offsets): what match_templates takes
    tid_of = np.full(len(F), -1, np.int32)  # per formula record: the template its cell must match
    claimed = 0
    masters: dict[int, tuple[str, int, int]] | None = None
    for g in groups:
        if not len(g.cell_index):
            continue
        if (F[g.cell_index, F_FKIND] == FK_VIRTUAL).all():  # the schema's formula, not in the file
            continue
        i0 = int(g.cell_index[0])
        if F[i0, F_FKIND] == FK_SHARED and F[i0, F_FTE] <= F[i0, F_FTS]:  # a shared formula's other cells
            if masters is None:
                masters = _shared_masters(xml, F)
            if not _same_children(F, g, masters):
                return False
            continue
        text, _pieces, offs, rp, _reason = _template(xml, F, int(g.cell_index[0]))
        if text != g.text or rp is None or int(F[g.cell_index[0], F_ROW]) != g.base_row:
            return False
        tid_of[g.cell_index] = len(tpls)
        claimed += len(g.cell_index)
        tpls.append((rp, offs))
    if not tpls:
        return True
    idx = np.flatnonzero(tid_of >= 0)  # document order
    if len(idx) != claimed:  # a cell in two groups: not what grouping gives
        return False
    if known is not None:
        idx = idx[~known[idx]]
    ok = match_templates(np.frombuffer(xml, np.uint8), F[idx, F_FTS], F[idx, F_FTE], F[idx, F_ROW], tid_of[idx], tpls)
    return bool(ok.all())


# --------------------------------------------------------------------------- dependencies
def row_span(rows: np.ndarray) -> tuple[int, int, bool]:
    """A group's first and last row, and whether it holds every row between them (in order)."""
    n = len(rows)
    if not n:
        return 0, -1, False
    lo, hi = int(rows[0]), int(rows[-1])
    return lo, hi, hi - lo + 1 == n and bool((np.diff(rows) > 0).all())


def in_rows(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``np.isin(x, rows)`` for a group's rows — two comparisons when they are every row of a span.

    >>> in_rows(np.array([1, 5, 9]), np.arange(4, 10)).tolist(), in_rows(np.array([1, 5]), np.array([5, 7])).tolist()
    ([False, True, True], [False, True])
    """
    lo, hi, dense = row_span(rows)
    return (x >= lo) & (x <= hi) if dense else np.isin(x, rows)


def dependencies(groups: list[Group]) -> list[set[int]]:
    """For each group, the groups whose cells it reads (indexes into ``groups``)."""
    writers: dict[tuple[str, int], list[int]] = {}
    for gi, g in enumerate(groups):
        writers.setdefault((g.sheet, g.col), []).append(gi)
    by_sheet: dict[str, list[int]] = {}
    for s, c in writers:
        by_sheet.setdefault(s, []).append(c)
    # per group: its first and last row, and whether it holds every row between (most do:
    # then it has a row in r1…r2 exactly when the two spans meet, no search needed)
    span = [row_span(g.rows) for g in groups]
    deps: list[set[int]] = [set() for _ in groups]
    for gi, g in enumerate(groups):
        for s, c1, c2, r1, r2 in g.reads:
            for c in by_sheet.get(s, ()):
                if not c1 <= c <= c2:
                    continue
                for wj in writers[(s, c)]:
                    lo, hi, dense = span[wj]
                    if dense:
                        if lo <= r2 and r1 <= hi:
                            deps[gi].add(wj)
                        continue
                    w = groups[wj]
                    if np.searchsorted(w.rows, r2, "right") > np.searchsorted(w.rows, r1, "left"):
                        deps[gi].add(wj)
    return deps


def topological(n: int, deps: list[set[int]]) -> tuple[list[int], list[int]]:
    """An order of ``n`` groups in which every group comes after the ones it reads, and
    the groups on a cycle (left out of the order)."""
    indeg = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in range(n)]
    for gi, d in enumerate(deps):
        for wj in d:
            users[wj].append(gi)
    ready = [gi for gi in range(n) if indeg[gi] == 0]
    out: list[int] = []
    while ready:
        gi = ready.pop()
        out.append(gi)
        for u in users[gi]:
            indeg[u] -= 1
            if indeg[u] == 0:
                ready.append(u)
    done = set(out)
    return out, [i for i in range(n) if i not in done]


def closure(start: set[int], edges: list[set[int]] | list[list[int]]) -> set[int]:
    """``start`` and everything reachable from it along ``edges``."""
    seen = set(start)
    todo = list(start)
    while todo:
        for j in edges[todo.pop()]:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen
