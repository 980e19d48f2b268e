"""The labelled judgement set: cases written from the seeds and the platform rules, with verdicts.

``tests/fixtures/judgements/*.csv`` hold 240+ cases, each with the expected verdict and the
reason (its source): buyer messages (scam risk), texts (banned words), titles and keywords.
``tests/core/test_judgements_labelled.py`` checks every case; ``bench/judgements.py``
prints precision and recall for banned words and scam risk from the same predictions.
The shop of these cases declared one registered trademark, 第一坊 (``ALLOWED``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import storeops_xl as core
from storeops_xl.banned import GROUPS, LABELS, findings
from storeops_xl.scam import PATTERNS
from storeops_xl.settings import DEFAULTS

FOLDER = Path(__file__).resolve().parent / "fixtures" / "judgements"
ALLOWED = "第一坊"
_PATTERN_NAMES = {p.key: p.name for p in PATTERNS}


def rows(name: str) -> list[dict[str, str]]:
    """The rows of one labelled file (``messages``, ``banned``, ``titles``, ``keywords``)."""
    with open(FOLDER / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def message_problems(row: dict[str, str]) -> list[str]:
    """Why SCAM_RISK disagrees with the label (empty when it agrees)."""
    out = core.scam_risk(row["message"])
    level = out.split(":")[0]
    problems = []
    if row["verdict"] == "risk" and level not in ("高", "中"):
        problems.append(f"rated {out!r}, expected 高/中")
    if row["verdict"] == "low" and level != "低":
        problems.append(f"rated {out!r}, expected 低")
    if row["level"] and level != row["level"]:
        problems.append(f"level {level}, expected {row['level']}")
    if row["pattern"] and _PATTERN_NAMES[row["pattern"]] not in out:
        problems.append(f"pattern {row['pattern']} not named in {out!r}")
    if row["verdict"] == "risk" and "→" not in out:
        problems.append("no advice")
    return problems


def scam_predicted(row: dict[str, str]) -> bool:
    return core.scam_risk(row["message"]).split(":")[0] in ("高", "中")


def banned_problems(row: dict[str, str]) -> list[str]:
    """Why BANNED disagrees with the label."""
    found = findings(row["text"], (), (ALLOWED,))
    cell = core.banned(row["text"], None, ALLOWED)
    blocked = [f for f in found if f.level == "block"]
    warned = [f for f in found if f.level == "warn"]
    problems = []
    if cell.startswith("#"):
        problems.append(f"cell reads like an error: {cell!r}")
    if row["verdict"] == "block":
        if row["term"] not in [f.term for f in blocked]:
            problems.append(f"{row['term']!r} not banned: {cell!r}")
        if row["group"] and LABELS[row["group"]] not in cell:
            problems.append(f"group {GROUPS[row['group']]} not named: {cell!r}")
    elif row["verdict"] == "warn":
        if blocked:
            problems.append(f"banned instead of a note: {cell!r}")
        if row["term"] not in [f.term for f in warned] or not cell.startswith("提示"):
            problems.append(f"no note for {row['term']!r}: {cell!r}")
    elif found:
        problems.append(f"expected clean: {cell!r}")
    return problems


def banned_predicted(row: dict[str, str]) -> bool:
    return any(f.level == "block" for f in findings(row["text"], (), (ALLOWED,)))


def title_problems(row: dict[str, str]) -> list[str]:
    """Why TITLE_SCORE / TITLE_ISSUES disagree with the label (fail = below cfg_title_good)."""
    args: tuple[Any, ...] = (row["title"], row["keywords"] or None, row["platform"], None, None, None, None, None)
    score = core.title_score(*args, ALLOWED)
    issues = core.title_issues(*args, ALLOWED)
    good = DEFAULTS["cfg_title_good"]
    problems = []
    if (row["verdict"] == "fail") != (score < good):
        problems.append(f"score {score}, expected {row['verdict']} (good = {good})")
    if row["issue"] and row["issue"] not in issues:
        problems.append(f"{row['issue']!r} not in {issues!r}")
    if row["no_issue"] and row["no_issue"] in issues:
        problems.append(f"{row['no_issue']!r} unexpected in {issues!r}")
    return problems


def keyword_problems(row: dict[str, str]) -> list[str]:
    """Why OPPORTUNITY_WORD / P4P_ACTION disagree with the label."""
    opp = core.opportunity_word(row["keyword_index"], row["seller_index"], None, None, core.banned(row["keyword"]))
    action = core.p4p_action(
        row["p4p_cost"] or None,
        row["p4p_clicks"] or None,
        row["p4p_inquiries"] or None,
        row["p4p_orders"] or None,
        None,
        row["keyword"],
    )
    problems = []
    if bool(opp) != (row["opportunity"] == "TRUE"):
        problems.append(f"opportunity {opp}, expected {row['opportunity']}")
    if row["action"] and not (action or "").startswith(row["action"]):
        problems.append(f"action {action!r}, expected {row['action']}")
    if not row["action"] and action:
        problems.append(f"action {action!r}, expected none")
    return problems
