"""Every command on every damaged workbook of the corpus: one clear bilingual line, a non-zero
exit code, no traceback, no "internal error", and no file written or changed (issue 15)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from storeops.cli import main

from .corpus import WORKBOOK_DAMAGE, members

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRODUCTS = FIXTURES / "Products-2026-09-19.csv"


def run(argv: list[str], capsys) -> tuple[int, str]:
    """``storeops ARGV`` in this process: (exit code, stdout + stderr)."""
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out + out.err


def assert_clean_refusal(rc: int, text: str, expect_rc: int, *words: str) -> None:
    assert rc == expect_rc, text
    assert "Traceback" not in text and "internal error" not in text and "内部错误" not in text, text
    err_lines = [line for line in text.splitlines() if line.startswith("错误 error:")]
    assert len(err_lines) == 1, text
    line = err_lines[0]
    assert re.search(r"[\u4e00-\u9fff].*/ .*[A-Za-z]{3}", line), line  # Chinese first, then English
    for w in words:
        assert w.lower() in line.lower(), (w, line)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


#: the commands run on a damaged workbook W (the master is a good one, sales a good copy)
COMMANDS = {
    "recalc": lambda w, master, sales, out: ["recalc", w, "--no-progress"],
    "check": lambda w, master, sales, out: ["check", w, "--csv", out / "problems.csv"],
    "export": lambda w, master, sales, out: ["export", "--portable", w, "--out", out / "portable.xlsx"],
    "review": lambda w, master, sales, out: ["review", w, "--today", "2026-11-21", "--out", out],
    "merge-from-damaged": lambda w, master, sales, out: ["merge", w, "--into", master, "--conflicts", out / "c.csv"],
    "merge-into-damaged": lambda w, master, sales, out: ["merge", sales, "--into", w],
    "import-into-damaged": lambda w, master, sales, out: ["import", PRODUCTS, "--into", w],
}


@pytest.fixture(scope="module")
def damaged(corpus_base, tmp_path_factory):
    """Every damaged workbook of the corpus, made once: id → path."""
    master, _ = corpus_base
    m = members(master)
    d = tmp_path_factory.mktemp("damaged")
    out = {}
    for name, (make, _word) in WORKBOOK_DAMAGE.items():
        p = d / f"{name}.xlsm"
        make(master, p, m)
        out[name] = p
    return out


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(WORKBOOK_DAMAGE))
def test_damaged_workbook_refused_and_untouched(case, command, damaged, books, tmp_path, capsys):
    master, sales = books
    w = tmp_path / "damaged.xlsm"
    shutil.copyfile(damaged[case], w)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(tmp_path)
    rc, text = run(COMMANDS[command](w, master, sales, out), capsys)
    word = WORKBOOK_DAMAGE[case][1]
    assert_clean_refusal(rc, text, 2, "damaged.xlsm", word)
    assert snapshot(tmp_path) == before  # nothing written, nothing changed, no temporary file left
    assert os.listdir(out) == []
