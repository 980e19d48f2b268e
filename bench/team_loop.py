"""Benchmark the team's daily loop on the SPEC §9 reference workbook (100,000 follow-up rows).

Measured in one run, one core:

* the upkeep ``recalc`` now does first (``storeops.maintain``: migration check, rows below
  tblFollow, buyer IDs, roster) on a workbook that is up to date — the cost every recalc pays;
* the same upkeep when every row still needs its ID (an old workbook's first recalc);
* ``merge`` of an unchanged copy of the master (nothing is written);
* ``merge`` of a copy with 100 edited buyers and 20 new ones (rows written, then recalc):
  the first merge into a master (which also writes every row's sync mark), and a later one;
* ``split`` of the master into one file per salesperson.

Usage: ``python bench/team_loop.py [--follow 100000] [--reuse PATH]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))


def _timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<58} {dt:7.2f} s")
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--follow", type=int, default=100_000)
    ap.add_argument("--reuse", metavar="PATH", help="reuse (or build once and keep) the reference workbook")
    args = ap.parse_args()
    import pandas as pd
    from recalc import frames

    from storeops.engine import recalc
    from storeops.maintain import InputView, maintain_inputs
    from storeops.merge_workbooks import merge_files
    from storeops.split import split_master
    from storeops.workbook import build_workbook
    from storeops.xlsx import open_package, write_tables

    work = tempfile.mkdtemp(prefix="storeops-team-")
    master = os.path.join(work, "master.xlsm")
    data = frames(args.follow, 50_000, 2_000, 500)
    data["tblSalespeople"] = pd.DataFrame(
        {
            "salesperson": sorted(set(data["tblFollow"]["salesperson"])),
            "team": ["狼队 Wolves", "鹰队 Eagles", "狼队 Wolves"],
        }
    )
    if args.reuse and os.path.exists(args.reuse):
        shutil.copyfile(args.reuse, master)
    else:
        build_workbook(master, data=data)
        if args.reuse:
            shutil.copyfile(master, args.reuse)
    recalc(master, progress=False)  # warm-up, and the master as recalc leaves it
    print(f"reference master: {args.follow:,} follow-up rows, {os.path.getsize(master) / 1e6:.1f} MB")

    def upkeep(path: str) -> None:
        with open_package(path) as pkg:
            view = InputView(pkg)
            view.read(pkg.sheet("跟进 Follow-up").path)  # inflated once either way: recalc reuses it
            t0 = time.perf_counter()
            maintain_inputs(view)
            upkeep.seconds = time.perf_counter() - t0

    upkeep(master)
    print(f"{'upkeep before recalc, workbook up to date':<58} {upkeep.seconds:7.2f} s")
    no_ids = os.path.join(work, "no-ids.xlsm")
    shutil.copyfile(master, no_ids)
    write_tables(no_ids, {"tblFollow": pd.DataFrame({"买家ID Buyer ID": [None] * args.follow})}, mode="replace")
    upkeep(no_ids)
    print(f"{'upkeep, every row without its buyer ID (first recalc)':<58} {upkeep.seconds:7.2f} s")

    copy = os.path.join(work, "copy.xlsm")
    shutil.copyfile(master, copy)
    before = open(master, "rb").read()
    _timed("merge of an unchanged copy (nothing written)", lambda: merge_files(master, [copy], progress=False))
    assert open(master, "rb").read() == before

    from storeops.tables import to_headers, to_keys
    from storeops.xlsx import read_tables

    def edit_copy(lo: int, tag: str) -> None:
        fk = to_keys("tblFollow", read_tables(copy)["tblFollow"])
        fk.loc[lo : lo + 99, "next_action"] = [f"{tag} {i}" for i in range(100)]
        fk.loc[lo : lo + 99, "updated_at"] = pd.Timestamp("2026-12-01 18:00")
        new = fk.iloc[:20].copy().assign(buyer_id=None, sync_mark=None, buyer=[f"{tag} new {i}" for i in range(20)])
        write_tables(copy, {"tblFollow": to_headers("tblFollow", pd.concat([fk, new]), inputs_only=True)})

    res = {}
    edit_copy(0, "first")
    _timed(
        "merge of 100 edited + 20 new buyers, first merge (marks every row)",
        lambda: res.update(r=merge_files(master, [copy], progress=False)),
    )
    assert (res["r"].result.added, res["r"].result.updated) == (20, 100)
    shutil.copyfile(master, copy)
    edit_copy(500, "second")
    _timed(
        "the same a day later (only the changed rows written)",
        lambda: res.update(r=merge_files(master, [copy], progress=False)),
    )
    assert (res["r"].result.added, res["r"].result.updated) == (20, 100)
    _timed(
        "split into one file per salesperson (3 files, recalculated)",
        lambda: split_master(master, os.path.join(work, "team")),
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
