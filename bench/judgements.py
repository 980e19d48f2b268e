"""Precision and recall of the judgements: banned words and scam risk, on labelled cases.

Two sets, both in ``tests/fixtures/judgements/``:

* the **labelled set** (``banned.csv``, ``messages.csv``): written from the seeds and the
  platform rules while the rules were built; ``make test`` checks every case, so it shows
  the rules do what they claim;
* the **holdout** (``holdout_banned.csv``, ``holdout_messages.csv``): new paraphrases written
  after the rules were fixed and never tuned against — the honest estimate of how the
  rules do on text they have not seen.  Misses are printed.

Positives: a text with a banned word (BANNED finds a banned term; a 提示 note is not a
ban), a risky message (SCAM_RISK 高 or 中).  Also counts the brand keywords found in the
real keyword export (PLATFORM.md: 137 of the 500 contain a brand).

Run: ``.venv/bin/python bench/judgements.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import labelled  # noqa: E402

import storeops_xl as core  # noqa: E402
from storeops.importers.datamanager import read_export  # noqa: E402


def _score(name: str, cases: list[tuple[bool, bool, str]]) -> None:
    tp = sum(1 for truth, pred, _ in cases if truth and pred)
    fp = sum(1 for truth, pred, _ in cases if not truth and pred)
    fn = sum(1 for truth, pred, _ in cases if truth and not pred)
    tn = len(cases) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    print(
        f"{name:<42} n={len(cases):>3}  precision {precision:6.1%}  recall {recall:6.1%}  "
        f"(TP {tp}, FP {fp}, FN {fn}, TN {tn})"
    )
    for truth, pred, text in cases:
        if truth != pred:
            print(f"    {'missed' if truth else 'false alarm'}: {text}")


def main() -> None:
    banned_rows = labelled.rows("banned")
    _score(
        "违禁词 banned words, labelled set",
        [(r["verdict"] == "block", labelled.banned_predicted(r), r["text"]) for r in banned_rows],
    )
    hold = labelled.rows("holdout_banned")
    _score(
        "违禁词 banned words, holdout (not tuned)",
        [(r["verdict"] == "block", labelled.banned_predicted(r), r["text"]) for r in hold],
    )
    warn = [r for r in banned_rows + hold if r["verdict"] == "warn"]
    noted = sum(1 for r in warn if core.banned(r["text"], None, labelled.ALLOWED).startswith("提示"))
    print(f"{'提示 notes (exempt context), both sets':<42} {noted}/{len(warn)} given as a note, not a ban")
    msgs = labelled.rows("messages")
    _score(
        "防骗 scam risk 高/中, labelled set",
        [(r["verdict"] == "risk", labelled.scam_predicted(r), r["message"]) for r in msgs],
    )
    hold = labelled.rows("holdout_messages")
    _score(
        "防骗 scam risk 高/中, holdout (not tuned)",
        [(r["verdict"] == "risk", labelled.scam_predicted(r), r["message"]) for r in hold],
    )
    kw = read_export(ROOT / "tests" / "fixtures" / "getKeywords-2026-09-19.csv").frame["keyword"].tolist()
    cells = core.banned(kw)
    brands = sum(1 for c in cells if "品牌 brand" in (c or ""))
    flagged = sum(1 for c in cells if c and not c.startswith("提示"))
    opp = core.opportunity_word([814] * len(kw), [3] * len(kw), None, None, core.banned(kw))
    print(
        f"real keyword export: {brands} of {len(kw)} keywords hold a brand, {flagged} a banned word "
        f"(PLATFORM.md: 137 hold a brand); opportunity words among them: "
        f"{sum(1 for c, o in zip(cells, opp) if c and not c.startswith('提示') and o)}"
    )


if __name__ == "__main__":
    main()
