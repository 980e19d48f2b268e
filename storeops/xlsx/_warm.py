"""Load the compiled kernels before they are needed.

numba loads each kernel's machine code from its on-disk cache the first time the kernel
is called (about 20 ms each; a recalculation calls about ten).  Most of that time is
spent in LLVM, outside the GIL, so :func:`warm_up` — called on a worker thread while the
main thread imports pandas — takes it off the critical path.  It calls every kernel once
on a tiny sheet with the argument types the engine uses (another type would compile a
new version instead of loading the cached one).
"""

from __future__ import annotations

_SHEET = (
    b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1" t="s"><v>0</v></c>'
    b'<c r="C1"><f>A1+1</f><v>2</v></c></row><row r="2"><c r="A2"><v>2.5</v></c>'
    b'<c r="C2" t="str"><f>A2+1</f><v>x</v></c></row></sheetData></worksheet>'
)


def warm_up() -> None:
    """Call each kernel once (errors are left for the real call to report)."""
    try:
        _warm()
    except Exception:  # pragma: no cover - the real call reports it
        pass


def _warm() -> None:
    import numpy as np

    from ._numtext import format_floats, parse_numbers
    from ._scan import F_FTE, F_FTS, F_ROW, MAX_COL, V_VTE, V_VTS, scan_sheet, split_kernel, sst_hashes
    from ._splice import digest_deltas, match_template, match_templates, splice

    h = sst_hashes(b"<sst><si><t>x</t></si></sst>", 1)
    sc = scan_sheet(_SHEET, [1, 2, 3], sst_hashes=h, shift=0)
    F, V = sc.formulas, sc.values
    split_kernel(V, np.zeros(MAX_COL + 1, np.bool_), np.zeros(len(F) + 1, np.bool_))
    a = np.frombuffer(_SHEET, np.uint8)
    match_templates(a, F[:, F_FTS], F[:, F_FTE], F[:, F_ROW], np.zeros(len(F), np.int64), [([b"A", b"+1"], (0,))])
    match_template(a, F[:, F_FTS], F[:, F_FTE], F[:, F_ROW], [b"A", b"+1"], (0,))
    parse_numbers(a, V[:, V_VTS], V[:, V_VTE])
    nummat, numlen = format_floats(np.array([3.0, 0.25]))
    cells = np.arange(len(F), dtype=np.int32)
    zeros = np.zeros(len(F), np.int8)
    ubuf = np.frombuffer(b"y", np.uint8)
    uoff = np.array([0, 1], np.int64)
    args = (cells, zeros, zeros, cells, nummat, numlen, ubuf, uoff)
    for _piece in splice(_SHEET, F, *args) or ():
        pass
    digest_deltas(_SHEET, F, *args)
