"""The criteria kinds of a column, kept between recalculations (issue 14).

An edit of one order re-evaluates the follow-up rows whose buyer can match it: the
per-row ``SUMIFS``/``COUNTIFS`` criteria of the follow-up sheet (100,000 buyer IDs on the
reference) are classified once per run (:func:`._pruning._criteria_kinds`: plain
equality or not, number or text, case-folded) — about a third of a second, the same work
every time the IDs did not change.  So the classification is kept, named after a digest
of exactly what it is computed from (the column's values as the criteria functions read
them, and the engine's own key): in this process (``storeops watch``) and in the user's
cache folder (sub-folder ``criteria``, the newest :data:`MAX_FILES`).  A column with other
values has another digest; a file that cannot be read, or does not add up, is computed
again.  Nothing in the workbook changes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

#: columns whose kinds are kept on disk, and in a process
MAX_FILES = 16
_MEMORY: OrderedDict[str, tuple] = OrderedDict()
_MEMORY_ITEMS = 4
#: columns shorter than this are classified every time (it takes no time)
MIN_ROWS = 5000
_ARRAYS = ("codes", "plain", "is_num", "numv", "is_text")


def cache_dir() -> str:
    from ..xlsx._trust import cache_dir as storeops_cache

    return os.path.join(storeops_cache(), "criteria")


def digest(obj: np.ndarray) -> str:
    """What the kinds of an object column are computed from, as a name: its values (their
    types and contents) and the engine's key."""
    from ._extracts import _engine_key

    h = hashlib.sha256(_engine_key().encode())
    h.update(pickle.dumps(obj, protocol=5))  # only hashed, never loaded
    return h.hexdigest()[:40]


def kinds(obj: np.ndarray, compute: Callable[[], tuple]) -> tuple:
    """The kinds of the criteria column ``obj`` (``compute()`` when not kept)."""
    if len(obj) < MIN_ROWS:
        return compute()
    try:
        key = digest(obj)
    except Exception:  # a value that cannot be pickled (none a cell holds): not kept
        return compute()
    found = _MEMORY.get(key)
    if found is None:
        found = _load(key)
        if found is None:
            found = compute()
            _store(key, found)
        _MEMORY[key] = found
        while len(_MEMORY) > _MEMORY_ITEMS:
            _MEMORY.popitem(last=False)
    _MEMORY.move_to_end(key)
    return found


def _path(key: str) -> str:
    return os.path.join(cache_dir(), key + ".npz")


def _load(key: str) -> tuple | None:
    path = _path(key)
    if not os.path.exists(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = [np.array(z[name]) for name in _ARRAYS]
            empty = bool(z["empty"])
            text = bytes(z["folded"]).decode("utf-8")
        os.utime(path)  # the newest are kept
    except Exception:  # only a cache: whatever is wrong with the file (a damaged zip, say), classify again
        return None
    if empty:
        return ()
    codes, plain, is_num, numv, is_text = arrays
    folded = np.array(text.split("\0"), dtype=object) if len(plain) else np.zeros(0, object)
    k = len(plain)
    if (
        len(folded) != k
        or any(len(a) != k for a in (is_num, numv, is_text))
        or codes.dtype != np.int64
        or (len(codes) and (codes.min() < 0 or codes.max() >= k))
    ):
        return None
    return codes, plain.astype(bool), is_num.astype(bool), numv.astype(float), is_text.astype(bool), folded


def _store(key: str, value: tuple) -> None:
    """Keep ``value`` in the cache folder (a folder that cannot be written: not kept)."""
    folder = cache_dir()
    tmp = os.path.join(folder, f".{os.getpid()}-{key}.tmp.npz")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not value:
            none = np.zeros(0)
            np.savez(tmp, empty=True, folded=none, codes=none, plain=none, is_num=none, numv=none, is_text=none)
        else:
            codes, plain, is_num, numv, is_text, folded = value
            texts = [str(t) for t in folded.tolist()]
            if any("\0" in t for t in texts):  # not a text a cell holds: not kept
                return
            blob = np.frombuffer("\0".join(texts).encode("utf-8"), np.uint8)
            np.savez(tmp, empty=False, folded=blob, codes=codes, plain=plain, is_num=is_num, numv=numv, is_text=is_text)
        os.replace(tmp, _path(key))
        from ._extracts import prune_folder

        prune_folder(folder, ".npz", MAX_FILES)
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass


def clear_memory() -> Any:
    """Forget the kinds kept in this process (tests)."""
    _MEMORY.clear()
