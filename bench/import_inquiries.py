"""Benchmark: `storeops import` of an inquiry export (询盘明细) into Follow-up.

A synthetic export of ``--inquiries`` rows (a busy month: several inquiries per buyer, a
tenth of them from buyers the workbook already has) is imported into (1) the demo workbook
(300 buyers) and (2) the SPEC §9 reference workbook (100,000 follow-up rows, built as
``bench/recalc.py`` builds it).  Times the first import (read + parse + upsert + write, then
the recalculation), and the repeated import that changes nothing (no write).  There is no
target in the SPEC for this import; the Data Manager product import's 1 s is shown as the
comparison.

    .venv/bin/python bench/import_inquiries.py [--inquiries 2000] [--runs 3] [--no-reference]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
COMPARE_S = 1.0

HEADER = [
    "客户名", "买家等级标签", "询盘类型", "询盘来源", "询盘标题", "询盘ID", "创建时间", "最新回复时间", "业务员",
    "注册日期", "国家/地区", "公司名称", "邮箱", "手机", "订单总数", "订单总金额", "垃圾询盘数", "有效询价数",
]  # fmt: skip


def write_export(path: Path, n: int, existing: list[tuple[str, str]], seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    n_buyers = max(1, n * 2 // 3)
    people = ["王芳", "李强", "张敏"]
    start = np.datetime64("2026-11-01T08:00")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["询盘明细 导出时间:2026-11-30 18:00"])
        w.writerow(HEADER)
        for i in range(n):
            b = int(rng.integers(0, n_buyers))
            if b < len(existing) and b % 10 == 0:
                name, sales = existing[b]
            else:
                name, sales = f"Bench Buyer {b}", people[b % 3]
            created = start + np.timedelta64(int(rng.integers(0, 29 * 24 * 60)), "m")
            replied = created + np.timedelta64(int(rng.integers(3, 30 * 60)), "m")
            w.writerow(
                [
                    name if b % 17 else "客户隐藏",
                    f"L{b % 4}",
                    "普通询盘" if b % 23 else "垃圾询盘",
                    ("产品询盘", "RFQ", "TM")[b % 3],
                    f"Quote for {100 + b} pcs",
                    str(20_000_000_000 + i),
                    str(created).replace("T", " ") + ":00",
                    "-" if i % 9 == 0 else str(replied).replace("T", " ") + ":00",
                    sales,
                    "2020-01-01",
                    "美国",
                    f"Company {b}",
                    f"buyer{b}@example.com",
                    f"+1 415 555 {b % 10000:04d}",
                    str(b % 7),
                    f"{(b % 50) * 100}.00",
                    "0",
                    "3",
                ]
            )


def run(label: str, base: Path, export: Path, runs: int) -> None:
    from storeops.importers.into_workbook import import_into

    tmp = base.parent
    firsts, parts, repeats = [], [], []
    for i in range(runs):
        wb = tmp / f"{label}-{i}.xlsm"
        shutil.copyfile(base, wb)
        t0 = time.perf_counter()
        rep = import_into([str(export)], str(wb), progress=False)
        firsts.append(time.perf_counter() - t0)
        parts.append(rep.seconds)
        f = rep.files[0]
        t0 = time.perf_counter()
        again = import_into([str(export)], str(wb), progress=False)
        repeats.append(time.perf_counter() - t0)
        assert not again.written and again.files[0].added == 0 and again.files[0].updated == 0
        os.remove(wb)
    best = min(firsts)
    p = parts[firsts.index(best)]
    print(
        f"{label}: {f.read} inquiries → +{f.added} buyers, ~{f.updated} updated: best {best:.3f} s "
        f"(ratio to the 1 s product-import target {best / COMPARE_S:.2f}); "
        + ", ".join(f"{k} {v:.3f} s" for k, v in p.items())
    )
    print(f"{label}: repeated import (nothing changes, no write): best {min(repeats):.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inquiries", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-reference", action="store_true", help="skip the 100,000-row reference workbook")
    args = ap.parse_args()
    from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
    from storeops.engine import recalc
    from storeops.workbook import build_workbook

    tmp = Path(tempfile.mkdtemp(prefix="bench-inquiries-"))
    try:
        frames = demo_frames(DEMO_AS_OF)
        demo = build_workbook(tmp / "demo.xlsm", data=frames, settings=demo_settings(DEMO_AS_OF))
        recalc(demo, progress=False)
        existing = list(zip(frames["tblFollow"]["buyer"], frames["tblFollow"]["salesperson"]))
        export = tmp / "inquiries.csv"
        write_export(export, args.inquiries, existing)
        run("demo (300 buyers)", Path(demo), export, args.runs)
        if not args.no_reference:
            from recalc import frames as ref_frames

            ref = build_workbook(tmp / "reference.xlsm", data=ref_frames(100_000, 50_000, 2_000, 500))
            recalc(ref, progress=False)
            run("reference (100,000 follow-ups)", Path(ref), export, max(1, args.runs - 1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
