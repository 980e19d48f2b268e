"""Properties of importing back-office exports: every text arrives as text (never a formula),
exactly as the export wrote it; importing twice changes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.importers.backoffice import is_hidden
from storeops.importers.into_workbook import import_into
from storeops.tables import to_keys
from storeops.workbook.schema import TABLES
from storeops.xlsx import col_letters, read_tables

HEADER = ["询盘ID", "客户名", "公司名称", "询盘标题", "邮箱", "手机", "业务员", "国家/地区", "创建时间", "最新回复时间"]

_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r")
hostile = st.builds(
    lambda p, t: p + t,
    st.sampled_from(["=", "+", "-", "@", "=cmd|' /C calc'!", "=HYPERLINK(", "\t=", " ", ""]),
    st.text(alphabet=_chars, min_size=1, max_size=30),
).filter(lambda t: t.strip() != "" and not is_hidden(t.strip()))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(hostile, hostile, hostile, hostile, hostile, hostile),
        min_size=1,
        max_size=4,
        unique_by=lambda r: r[0].strip().casefold(),
    )
)
def test_every_text_is_stored_as_text_and_reimport_changes_nothing(built_workbook, tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("prop")
    wb = tmp / "book.xlsm"
    shutil.copyfile(built_workbook, wb)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    for i, (name, company, subject, email, mobile, sales) in enumerate(rows):
        w.writerow(
            [str(12_000_000_000 + i), name, company, subject, email, mobile, sales, "美国", f"2026-11-1{i} 09:00", "-"]
        )
    export = tmp / "inquiries.csv"
    export.write_text(buf.getvalue(), encoding="utf-8-sig")

    rep = import_into([str(export)], str(wb), progress=False, recalc=False)
    assert not rep.failed, rep.files[0].error
    assert rep.files[0].added == len(rows) and rep.files[0].rejected == []
    fol = to_keys("tblFollow", read_tables(str(wb))["tblFollow"])
    got = {r["inquiry_id"]: r for _, r in fol.iterrows()}
    for i, (name, company, subject, email, mobile, _sales) in enumerate(rows):
        r = got[str(12_000_000_000 + i)]
        for col, want in (
            ("buyer", name),
            ("company", company),
            ("last_message", subject),
            ("email", email),
            ("phone", mobile),
        ):
            assert isinstance(r[col], str) and r[col] == want.strip(), (col, r[col], want)
    from storeops.xlsx import open_package

    with open_package(str(wb)) as pkg:
        xml = pkg.read(pkg.sheet("跟进 Follow-up").path)
    t = TABLES["tblFollow"]
    # anchor_col is 0-based, col_letters 1-based
    inputs = {col_letters(t.anchor_col + j + 1) for j, c in enumerate(t.columns) if c.kind == "input"}
    for m in re.finditer(rb'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>(.*?)</c>)', xml, re.S):
        if m.group(1).decode() in inputs:  # no cell of an input column holds a formula
            assert b"<f" not in (m.group(2) or b""), m.group(0)

    before = hashlib.sha256(Path(wb).read_bytes()).hexdigest()
    again = import_into([str(export)], str(wb), progress=False, recalc=False)
    assert (again.files[0].added, again.files[0].updated) == (0, 0)
    assert hashlib.sha256(Path(wb).read_bytes()).hexdigest() == before
