"""The schema-version stamp: written by the builder, kept by recalc and by LibreOffice, read
by storeops.xlsx.schema_version, upgraded explicitly by `storeops migrate`."""

from __future__ import annotations

import shutil

import pytest
from demo.test_libreoffice import _convert

from storeops.workbook import schema
from storeops.workbook._layouts import LAYOUTS
from storeops.workbook.migrate import layout_problems
from storeops.xlsx import open_package, schema_version

from .corpus import rezip
from .test_inputs_corpus import _unstamped
from .test_workbook_corpus import assert_clean_refusal, run


def test_layout_of_the_current_version_is_the_schema():
    """Bump SCHEMA_VERSION (and add a layout and a migration) when the input columns change."""
    current = {n: tuple(c.header for c in t.columns if c.kind == "input") for n, t in schema.TABLES.items()}
    assert LAYOUTS[schema.SCHEMA_VERSION] == current


def test_built_and_recalculated_workbooks_carry_the_version(books):
    master, _ = books
    assert schema_version(master) == schema.SCHEMA_VERSION
    with open_package(master) as pkg:
        assert layout_problems(pkg, schema.SCHEMA_VERSION) == []


def test_migrate_stamps_an_old_workbook_once(books, tmp_path, capsys):
    master, _ = books
    old = tmp_path / "old.xlsm"
    _unstamped(master, old)
    assert schema_version(old) is None
    rc, text = run(["migrate", old], capsys)
    assert rc == 0 and "upgraded from schema version 0 to 1" in text, text
    assert schema_version(old) == schema.SCHEMA_VERSION
    stamped = old.read_bytes()
    rc, text = run(["migrate", old], capsys)
    assert rc == 0 and "nothing to do" in text and old.read_bytes() == stamped
    assert run(["recalc", old, "--no-progress"], capsys)[0] == 0 and schema_version(old) == schema.SCHEMA_VERSION


def test_migrate_refuses_a_renamed_column_and_a_newer_version(books, tmp_path, capsys):
    master, _ = books
    old = tmp_path / "old.xlsm"
    _unstamped(master, old)
    renamed = tmp_path / "renamed.xlsm"
    with open_package(old) as pkg:
        table = pkg.tables["tblFollow"].path
    rezip(old, renamed, change={table: lambda d: d.replace("下一步 Next action".encode(), b"Next step", 1)})
    before = renamed.read_bytes()
    rc, text = run(["migrate", renamed], capsys)
    assert_clean_refusal(rc, text, 2, "Next action")
    assert renamed.read_bytes() == before
    newer = tmp_path / "newer.xlsm"
    rezip(master, newer, change={"docProps/custom.xml": lambda d: d.replace(b"<vt:i4>1<", b"<vt:i4>99<")})
    assert schema_version(newer) == 99
    before = newer.read_bytes()
    rc, text = run(["migrate", newer], capsys)
    assert_clean_refusal(rc, text, 2, "newer StoreOps")
    assert newer.read_bytes() == before


@pytest.mark.libreoffice
def test_libreoffice_keeps_the_version(soffice, books, tmp_path):
    master, _ = books
    src = tmp_path / "book.xlsx"
    shutil.copyfile(master, src)
    _convert(soffice, src, tmp_path / "out", "xlsx:Calc MS Excel 2007 XML", tmp_path)
    assert schema_version(tmp_path / "out" / "book.xlsx") == schema.SCHEMA_VERSION  # LibreOffice writes vt:r8
