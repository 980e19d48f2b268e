"""Benchmark what the reliability checks of issue 15 cost, and the 200,000-row import.

1. **Validation** of every XML part of the SPEC §9 reference workbook (100,000 follow-up
   rows, 183 MB of XML): the compiled well-formedness pass on the big parts, expat on the
   small ones (as ``Package.read`` does), and the stamp (digest) taken before reading and
   checked before renaming.
2. **A 200,000-product export** (the real 365-product export repeated with new IDs, 38 MB of
   CSV) imported into a fresh workbook: seconds per stage (the audit stopped it after 240 s).

    .venv/bin/python bench/reliability.py [--reuse PATH] [--rows 200000]

``--reuse`` keeps (or reuses) the reference workbook built by ``bench/recalc.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PRODUCTS = ROOT / "tests" / "fixtures" / "Products-2026-09-19.csv"


def validation(book: Path) -> None:
    from storeops.xlsx._session import FileStamp
    from storeops.xlsx._wellformed import xml_problem

    with zipfile.ZipFile(book) as z:
        parts = [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]
    from storeops.xlsx._wellformed import KERNEL_MIN_BYTES

    big = [p for p in parts if len(p) >= KERNEL_MIN_BYTES]
    small = [p for p in parts if len(p) < KERNEL_MIN_BYTES]
    xml_problem(b"<a>" + b"x" * (1 << 20) + b"</a>")  # load the kernel
    for label, chosen in (("compiled kernel, parts >= 1 MiB", big), ("expat, parts < 1 MiB", small)):
        total = sum(len(p) for p in chosen)
        t0 = time.perf_counter()
        for p in chosen:
            assert xml_problem(p) is None
        dt = time.perf_counter() - t0
        print(f"well-formedness, {label}: {dt:.3f} s for {total / 1e6:.1f} MB ({total / dt / 1e6:.0f} MB/s)")
    t0 = time.perf_counter()
    stamp = FileStamp.of(str(book))
    assert stamp.matches(str(book))
    print(
        f"stamp taken and checked (2 digests of {book.stat().st_size / 1e6:.1f} MB): {time.perf_counter() - t0:.3f} s"
    )


def big_import(rows: int, work: Path) -> None:
    from storeops.importers.into_workbook import import_into
    from storeops.workbook import build_workbook

    lines = PRODUCTS.read_text(encoding="utf-8-sig").splitlines()
    head, data = lines[:6], lines[6:]
    src = work / "Products-2026-09-19.csv"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write("\n".join(head) + "\n")
        for i in range(rows):
            fh.write(f"{1601825074604 + i},{data[i % len(data)].split(',', 1)[1]}\n")
    book = work / "import.xlsm"
    build_workbook(book)
    t0 = time.perf_counter()
    rep = import_into([str(src)], str(book), progress=False)
    wall = time.perf_counter() - t0
    print(
        f"import of {rows:,} products ({src.stat().st_size / 1e6:.0f} MB CSV): {wall:.1f} s; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in rep.seconds.items())
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reuse", metavar="PATH", help="reference workbook to reuse (built there once if missing)")
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-reliability-"))
    try:
        book = Path(args.reuse) if args.reuse else work / "reference.xlsm"
        if not book.exists():
            from recalc import frames  # bench/recalc.py: the SPEC §9 reference data

            from storeops.workbook import build_workbook

            build_workbook(book, data=frames(100_000, 50_000, 2_000, 500))
        validation(book)
        big_import(args.rows, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
