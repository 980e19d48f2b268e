"""The engine against Excel's own answers: per function, how many formula cells of the
peer projects' Excel-saved workbooks it evaluates to Excel's cached value, leaves to
Excel, or gets wrong (see tests/engine/oracle/ for where the workbooks come from).

Usage: ``python bench/oracle.py [--write-docs] [--list refused|disagree]``
Prints the table; ``--write-docs`` puts it into docs/engine.md (a test checks it is current).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.oracle import harness, sources  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-docs", action="store_true", help="update the table in docs/engine.md")
    ap.add_argument("--list", choices=["refused", "disagree", "volatile"], help="print those cases")
    args = ap.parse_args()
    t0 = time.perf_counter()
    cases, problems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for src, path in sources.workbooks():
            work = Path(tmp) / f"{src.name}-{path.stem}"
            work.mkdir()
            got, bad = harness.run(path, work)
            cases.extend(got)
            problems.extend(f"{path.name}: {p}" for p in bad)
    table = harness.markdown(cases)
    print(table)
    totals = Counter((c.client, c.status) for c in cases)
    print(
        f"\n{len(cases)} formula cells in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{k[0]} {k[1]} {v}" for k, v in sorted(totals.items()))
    )
    for p in problems:
        print("PROBLEM", p)
    if args.list:
        for c in cases:
            if c.status == args.list:
                print(c)
    if args.write_docs:
        doc_path = ROOT / "docs" / "engine.md"
        doc = doc_path.read_text(encoding="utf-8")
        if "<!-- oracle:start -->" not in doc:
            sys.exit("docs/engine.md has no <!-- oracle:start --> … <!-- oracle:end --> block")
        new = re.sub(
            r"<!-- oracle:start -->\n.*?<!-- oracle:end -->",
            lambda m: f"<!-- oracle:start -->\n{table}\n<!-- oracle:end -->",
            doc,
            flags=re.S,
        )
        doc_path.write_text(new, encoding="utf-8")
        print(f"wrote {os.path.relpath(doc_path)}")
    sys.exit(1 if totals[("excel", "disagree")] or problems else 0)


if __name__ == "__main__":
    main()
