"""The build is byte-reproducible and the committed workbook is a fresh build."""

from __future__ import annotations

from pathlib import Path

from storeops.workbook import build_workbook

COMMITTED = Path(__file__).resolve().parents[2] / "workbook" / "StoreOps.xlsm"


def test_build_twice_same_bytes(tmp_path, template_path):
    again = build_workbook(tmp_path / "again.xlsm", calculate=True)
    assert again.read_bytes() == template_path.read_bytes()


def test_committed_workbook_is_a_fresh_build(template_path):
    assert COMMITTED.exists(), "workbook/StoreOps.xlsm missing: run `make build`"
    assert COMMITTED.read_bytes() == template_path.read_bytes(), (
        "workbook/StoreOps.xlsm differs from a fresh build: run `make build` and commit it"
    )


def test_build_command(tmp_path):
    from storeops.cli import main

    out = tmp_path / "sub" / "Book.xlsm"
    assert main(["build", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()
    assert main(["build", str(tmp_path / "Book.txt")]) == 2
