"""After a write: the big sheets this recalculation rewrote are recorded as StoreOps' own
bytes (:mod:`storeops.xlsx._trust`), so the next command reading them does not check their
well-formedness again (issue 14: ~1 s on the reference's follow-up sheet).

A sheet is recorded only when its new bytes are the bytes read, checked, with cached
values spliced in (no rows added, no formulas put in for an edition, no typed range
written): then its cells are the ones the check counted, and the only shared string a
rewritten cell can point to is the blank result's (:mod:`._encode`).
"""

from __future__ import annotations

from ..xlsx import _trust
from ..xlsx._zipwrite import Deflated
from ._extracts import stored_key
from ._run import Run


def remember_written(run: Run) -> int:
    """Record the sheets of ``run.edit.replace`` that qualify; returns how many."""
    if run.spills is not None and run.spills.by_group:  # typed ranges write cells of their own
        return 0
    empty = run.empty
    blank = int(empty.ref) if empty is not None and empty.used and empty.ref else -1
    parts = {}
    for s in run.pkg.sheets:
        data = run.edit.replace.get(s.path)
        partial = run.partial.get(s.name)
        if not isinstance(data, Deflated) or data.size < _trust.MIN_BYTES:
            continue
        if partial is not None:  # read where needed (_partial): the extent its record gave
            ext = list(partial.extent) if partial.extent else None
        elif s.name in run.as_read:
            ext = run.pkg.checked_extent(s.path)  # of the bytes as read: the splice changes values only
        else:
            continue
        if ext is None:
            continue
        ext[3] = max(ext[3], blank)
        parts[stored_key(data)] = ext
    _trust.remember(parts)
    return len(parts)
