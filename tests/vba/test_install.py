"""``storeops install``: the Linux message, and the Windows/macOS steps with the platform,
folders and the add-in installer replaced (nothing is really installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storeops import cli
from storeops.commands import install
from storeops.vba._conf import read_conf


def test_linux_says_excel_is_unavailable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(install, "current_platform", lambda: "linux")
    assert cli.main(["install"]) == 0
    out = capsys.readouterr().out
    assert "没有桌面版 Excel" in out and "No desktop Excel" in out
    assert "storeops recalc" in out and "storeops watch" in out
    assert cli.main(["install", "--check"]) == 0


@pytest.fixture
def fake_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built_xlsm: Path) -> dict:
    state: dict = {"commands": [], "addin": tmp_path / "XLSTART" / "xlwings.xlam", "docs": tmp_path / "Documents"}
    monkeypatch.setattr(install, "current_platform", lambda: "win32")
    monkeypatch.setattr(install, "documents_dir", lambda: state["docs"])
    monkeypatch.setattr(
        install, "excel_found", lambda plat: Path(r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE")
    )
    monkeypatch.setattr(install, "addin_candidates", lambda plat: [state["addin"]])
    monkeypatch.setattr(install, "workbook_source", lambda: built_xlsm)

    def fake_run(cmd: list[str]) -> int:
        state["commands"].append(cmd)
        state["addin"].parent.mkdir(parents=True, exist_ok=True)
        state["addin"].write_bytes(b"xlam")
        return 0

    monkeypatch.setattr(install, "run_command", fake_run)
    return state


def test_windows_installs_addin_copies_workbook_and_sets_interpreter(
    fake_windows: dict, built_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["install"]) == 0
    out = capsys.readouterr().out
    assert fake_windows["commands"] == [[sys.executable, "-m", "xlwings", "addin", "install"]]
    copy = fake_windows["docs"] / "StoreOps.xlsm"
    assert copy.exists() and "已复制工作簿" in out and "copied the workbook" in out
    conf = read_conf(copy)
    assert conf["UDF Modules"] == "udfs" and conf["Interpreter_Win"] == sys.executable
    assert list(conf)[0] == "UDF Modules"  # rows stay contiguous from A1
    import zipfile

    with zipfile.ZipFile(copy) as a, zipfile.ZipFile(built_xlsm) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith("xl/worksheets/"):
                assert a.read(name) == b.read(name), name


def test_existing_workbook_is_kept_without_force(fake_windows: dict, capsys: pytest.CaptureFixture[str]) -> None:
    dest = fake_windows["docs"] / "StoreOps.xlsm"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"the user's own data")
    fake_windows["addin"].parent.mkdir(parents=True)
    fake_windows["addin"].write_bytes(b"xlam")
    assert cli.main(["install"]) == 0
    assert dest.read_bytes() == b"the user's own data"
    assert fake_windows["commands"] == []  # add-in already there
    assert "--force" in capsys.readouterr().out
    assert cli.main(["install", "--force"]) == 0
    assert dest.read_bytes()[:2] == b"PK"


def test_check_changes_nothing_and_reports_missing(fake_windows: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["install", "--check"]) == 1
    assert fake_windows["commands"] == [] and not fake_windows["docs"].exists()
    out = capsys.readouterr().out
    assert "xlwings add-in missing" in out and "workbook:" in out


def test_macos_writes_the_mac_interpreter_key(fake_windows: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "current_platform", lambda: "darwin")
    assert cli.main(["install"]) == 0
    assert read_conf(fake_windows["docs"] / "StoreOps.xlsm")["Interpreter_Mac"] == sys.executable


def test_missing_excel_or_failed_addin_install_exit_1(fake_windows: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "excel_found", lambda plat: None)
    monkeypatch.setattr(install, "run_command", lambda cmd: 3)
    assert cli.main(["install"]) == 1


_real_workbook_source = install.workbook_source


def test_no_built_workbook_is_one_clear_error(
    fake_windows: dict, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import storeops

    fake_pkg = tmp_path / "pkg" / "storeops"
    fake_pkg.mkdir(parents=True)
    monkeypatch.setattr(storeops, "__file__", str(fake_pkg / "__init__.py"))
    monkeypatch.setattr(install, "workbook_source", _real_workbook_source)
    assert cli.main(["install"]) == 2
    assert "storeops build" in capsys.readouterr().err


def _registry(entries: dict[str, str]):
    return lambda path: entries.get(path)


def test_wps_owning_excel_com_name_is_detected(
    fake_windows: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """xlwings issue #2575: Excel.Application → WPS's ksolaunch/et.exe.  The registry is injected."""
    clsid = "{00024500-0000-0000-C000-000000000046}"
    wps = _registry(
        {
            r"Excel.Application\CLSID": clsid,
            rf"CLSID\{clsid}\LocalServer32": r'"C:\Users\li\AppData\Local\Kingsoft\WPS Office\ksolaunch.exe" /et /Automation',
        }
    )
    fake_windows["addin"].parent.mkdir(parents=True, exist_ok=True)
    fake_windows["addin"].write_bytes(b"xlam")
    real = install.excel_com_server
    monkeypatch.setattr(install, "excel_com_server", lambda: real(wps))
    assert cli.main(["install", "--check"]) == 1
    out = capsys.readouterr().out
    assert "ksolaunch.exe" in out and "Member not found" in out and "配置工具" in out


def test_excel_com_name_owned_by_excel_is_fine() -> None:
    clsid = "{00024500-0000-0000-C000-000000000046}"
    excel = _registry(
        {
            r"Excel.Application\CLSID": clsid,
            rf"CLSID\{clsid}\LocalServer32": r"C:\Program Files\Microsoft Office\Root\Office16\EXCEL.EXE /automation",
        }
    )
    server = install.excel_com_server(excel)
    assert server.endswith("/automation") and not install.is_wps(server)
    assert install.excel_com_server(_registry({})) is None
    assert install.is_wps(r"C:\Program Files (x86)\Kingsoft\WPS Office\11.2\office6\et.exe /automation")
