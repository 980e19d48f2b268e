"""The shared in-place zip rewrite (storeops.vba._zipedit) and write_conf on top of it."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from storeops.vba._conf import read_conf, write_conf
from storeops.vba._zipedit import edit_zip


def test_write_conf_keeps_windows_paths_and_special_characters(built_xlsm: Path, tmp_path: Path) -> None:
    copy = tmp_path / "c.xlsm"
    shutil.copyfile(built_xlsm, copy)
    exe = r"C:\Users\li\AppData\Local\Programs\Python\Python311\python.exe"  # \U, \P … are not regex escapes
    write_conf(copy, {"Interpreter_Win": exe, "Note": "A & B <x>"})
    write_conf(copy, {"Other": "1"})  # rewriting must not escape the earlier values again
    conf = read_conf(copy)
    assert conf["Interpreter_Win"] == exe and conf["Note"] == "A & B <x>" and conf["UDF Modules"] == "udfs"
    with zipfile.ZipFile(copy) as zf:
        assert zf.testzip() is None and {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_edit_zip_leaves_the_file_alone_on_a_missing_member_and_keeps_its_mode(tmp_path: Path) -> None:
    p = tmp_path / "a.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a.txt", "a")
    os.chmod(p, 0o644)
    before = p.read_bytes()
    with pytest.raises(KeyError):
        edit_zip(p, {"missing.xml": bytes.upper})
    assert p.read_bytes() == before and list(tmp_path.iterdir()) == [p]
    edit_zip(p, {"a.txt": bytes.upper})
    assert os.stat(p).st_mode & 0o777 == 0o644
    with zipfile.ZipFile(p) as zf:
        assert zf.read("a.txt") == b"A"
