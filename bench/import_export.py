"""Benchmark: `storeops import` of the real 365-product Data Manager export (SPEC §9: ≤ 1 s).

Builds a fresh workbook, then times `import_into` (read workbook, parse export, upsert,
write, recalc) on the products export, best of N runs on fresh copies; also times the
idempotent second import.  Prints seconds and the ratio to the 1 s target.

    .venv/bin/python bench/import_export.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = ROOT / "tests" / "fixtures" / "Products-2026-09-19.csv"
TARGET_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from storeops.importers.into_workbook import import_into
    from storeops.workbook import build_workbook

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    base = tmp / "base.xlsm"
    build_workbook(base)
    firsts, seconds, parts = [], [], []
    for i in range(args.runs):
        wb = tmp / f"run{i}.xlsm"
        shutil.copyfile(base, wb)
        t0 = time.perf_counter()
        rep = import_into([str(PRODUCTS)], str(wb), progress=False)
        firsts.append(time.perf_counter() - t0)
        parts.append(rep.seconds)
        t0 = time.perf_counter()
        import_into([str(PRODUCTS)], str(wb), progress=False)
        seconds.append(time.perf_counter() - t0)
    best = min(firsts)
    p = parts[firsts.index(best)]
    print(
        f"import 365 products into a fresh workbook: best {best:.3f} s, median {statistics.median(firsts):.3f} s "
        f"(target {TARGET_S:.1f} s; ratio best/target = {best / TARGET_S:.2f})"
    )
    print("  parts of the best run: " + ", ".join(f"{k} {v:.3f} s" for k, v in p.items()))
    print(f"re-import (nothing changes, no write): best {min(seconds):.3f} s (ratio {min(seconds) / TARGET_S:.2f})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
