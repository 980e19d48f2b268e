"""`storeops demo --out DIR` prints the bilingual summary and leaves the workbook and the dashboard PNG."""

from __future__ import annotations

import os
import subprocess
import sys

from storeops.demo.summary import summary_lines


def test_demo_command(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "demo", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for heading in (
        "漏斗诊断 Funnel diagnosis",
        "PK 本月前三 top 3",
        "逾期跟进 Overdue follow-ups",
        "问题标题 Flagged titles",
        "诈骗风险 Scam-risk messages",
        "目标进度 Target pace",
        "团队 Team loop",
    ):
        assert heading in text, heading
    assert "gucci" in text.lower() and "得分 score" in text
    assert "撞单" in text and "未提交 not yet: 张敏 Zhang Min" in text
    assert "Traceback" not in done.stderr
    png = tmp_path / "out" / "StoreOps-demo-dashboard.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert (tmp_path / "out" / "StoreOps-demo.xlsm").exists()


def test_demo_bad_date(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "demo", "--out", str(tmp_path), "--as-of", "soon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr and "Traceback" not in done.stderr


def test_summary_lines_name_the_problems(results):
    text = "\n".join(summary_lines(results))
    assert "A: " in text and "D: " in text
    pk_lines = text.split("PK 本月前三")[1].splitlines()[1:4]
    assert [line.strip()[:2] for line in pk_lines] == ["1.", "2.", "3."]
    overdue = int(text.split("逾期跟进 Overdue follow-ups】")[1].split()[0])
    follow = results.tables["tblFollow"]
    assert overdue == int((follow["overdue"] == True).sum()) > 0  # noqa: E712
    assert "高" in text.split("诈骗风险")[1]
