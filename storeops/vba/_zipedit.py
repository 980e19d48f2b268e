"""Rewrite an Office package (``.xlsm``) in place, reproducibly: a few members edited or
appended, every other member kept in its original order.

Every member is written again (deflate level 6, timestamp 1980-01-01, no file
attributes), so the result depends only on the members' contents and order, never on
the tool that wrote the input.  This is what makes a fresh build equal the committed
workbook byte for byte.  (:func:`storeops.xlsx.write_zip` copies unchanged members raw
instead, keeping the input's timestamps and compression: right for the engine, not for
the build.)
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Mapping, Sequence

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def edit_zip(
    path: str | os.PathLike[str],
    edits: Mapping[str, Callable[[bytes], bytes]],
    *,
    append: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Rewrite the zip at ``path`` in place and atomically.

    Parameters
    ----------
    path : path
        The package to rewrite.
    edits : dict of member name → function
        ``edits[name](data)`` gives the member's new bytes; the member keeps its place.
        A name that is not in the package raises :class:`KeyError` before anything is
        written.
    append : sequence of (name, bytes)
        Members written last, in this order; a member of the same name is dropped
        from its original place (so appending again replaces, and the result is the
        same however often it runs).

    Examples
    --------
    >>> import io, tempfile, zipfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.zip"
    >>> with zipfile.ZipFile(p, "w") as zf:
    ...     zf.writestr("a.txt", "a"); zf.writestr("b.txt", "b")
    >>> edit_zip(p, {"a.txt": bytes.upper}, append=[("b.txt", b"B2"), ("c.txt", b"c")])
    >>> with zipfile.ZipFile(p) as zf:
    ...     [(i.filename, zf.read(i), i.date_time[0]) for i in zf.infolist()]
    [('a.txt', b'A', 1980), ('b.txt', b'B2', 1980), ('c.txt', b'c', 1980)]
    """
    appended = {name for name, _ in append}
    with zipfile.ZipFile(path) as src:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist() if i.filename not in appended]
    missing = sorted(set(edits) - {name for name, _ in members})
    if missing:
        raise KeyError(f"{os.fspath(path)}: no member {missing[0]!r}")
    out = [(name, edits[name](data) if name in edits else data) for name, data in members]
    out.extend(append)

    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w") as dst:
            for name, data in out:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0
                info.external_attr = 0
                dst.writestr(info, data, compresslevel=6)

    from ..xlsx._atomic import atomic_replace  # lazy: keeps ``import storeops.vba`` light

    atomic_replace(path, write)
