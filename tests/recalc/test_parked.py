"""A full recalculation lets big sheets' XML go during the evaluation and writes them as they stream by
(:mod:`storeops.engine._parked`, :class:`storeops.xlsx._splice.StreamSplice`): the very
bytes of a recalculation that keeps every sheet whole — full and incremental, after
random edits, with rows typed below a table — and a parked sheet that does not come
back as it was is refused, never written."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops.engine import _parked, _read, _write, recalc
from storeops.engine._parked import Parked, SheetXml

from ._edits import edit_cells
from .conftest import TODAY
from .test_incremental import cell_edits, geometry  # noqa: F401 - the fixture

_HUGE = 1 << 62


def _recalc(path: str, monkeypatch, park: bool, full: bool = False):
    monkeypatch.setattr(_parked, "PARK_BYTES", 0 if park else _HUGE)
    return recalc(path, today=TODAY, progress=False, full=full)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_parked_sheets_write_the_bytes_of_whole_ones(base, geometry, tmp_path_factory, monkeypatch, data):  # noqa: F811
    tmp = tmp_path_factory.mktemp("parked")
    edits = data.draw(cell_edits(geometry))
    paths = {}
    for park in (False, True):
        for full in (False, True):
            p = str(tmp / f"{park}-{full}.xlsm")
            shutil.copyfile(base, p)
            edit_cells(p, edits)
            paths[park, full] = p
    streamed = []
    real = _write._write_streamed
    monkeypatch.setattr(_write, "_write_streamed", lambda *a: streamed.append(a[1].name) or real(*a))
    for (park, full), p in paths.items():
        _recalc(p, monkeypatch, park, full)
    want = open(paths[False, True], "rb").read()
    for p in paths.values():
        assert open(p, "rb").read() == want
    assert streamed  # the full run with parking wrote its sheets as they streamed by


def test_a_full_recalc_streams_every_big_sheet(base, tmp_path, monkeypatch):
    p = str(tmp_path / "a.xlsm")
    shutil.copyfile(base, p)
    ref = str(tmp_path / "b.xlsm")
    shutil.copyfile(base, ref)
    streamed = []
    real = _write._write_streamed
    monkeypatch.setattr(_write, "_write_streamed", lambda *a: streamed.append(a[1].name) or real(*a))
    gathered = []  # a parked sheet's input columns: converted from the value bytes gathered as it streams by
    gather = _read.gather_values
    monkeypatch.setattr(_read, "gather_values", lambda *a: gathered.append(len(a[1])) or gather(*a))
    rep = _recalc(p, monkeypatch, True, full=True)
    assert set(streamed) >= {"跟进 Follow-up", "漏斗 Funnel"} - set(rep.unchanged_sheets)
    assert len(gathered) >= 2 and sum(gathered) > 0
    _recalc(ref, monkeypatch, False, full=True)
    assert open(p, "rb").read() == open(ref, "rb").read()


def test_a_parked_sheet_comes_back_checked():
    xml = SheetXml()
    xml["a"] = b"<x>" * 1000
    data = xml["a"]
    from storeops.xlsx._deflate import crc32

    xml.park("a", Parked(lambda: data, lambda: iter([data[:7], data[7:]]), len(data), crc32(data)))
    assert xml.parked("a") and b"".join(xml.chunks("a")) == data
    assert xml["a"] == data and not xml.parked("a")
    wrong = data[:-1] + b"!"
    xml.park("a", Parked(lambda: wrong, lambda: iter([wrong]), len(data), crc32(data)))
    with pytest.raises(RuntimeError, match="not what was parked"):
        b"".join(xml.chunks("a"))
    with pytest.raises(RuntimeError, match="not what was parked"):
        xml["a"]


def test_big_sheets_jobs_run_one_at_a_time_and_no_worker_waits():
    """Jobs of big sheets start one after the other (never two sheets' XML at once) while
    other jobs go on; a job that itself uses the pool finishes (no worker sits waiting for
    the previous big sheet: with two workers that was a deadlock)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    xml = SheetXml({"a": b"", "b": b"", "c": b"", "small": b""})
    xml.big.update({"a", "b", "c"})
    running, overlap, lock = set(), [], threading.Lock()
    with ThreadPoolExecutor(2) as pool:
        run = SimpleNamespace(xml=xml, pool=pool, prior=None, sheets=[], scans={})

        def job(name):
            with lock:
                if running & {"a", "b", "c"} and name != "small":
                    overlap.append(name)
                running.add(name)
            time.sleep(0.05)
            inner = (
                name.upper() if name == "small" else pool.submit(name.upper).result(timeout=10)
            )  # the pool, from a job
            with lock:
                running.discard(name)
            return inner

        futures = [_parked.submit(run, n, job, n) for n in ("a", "small", "b", "c")]
        assert [f.result(timeout=20) for f in futures] == ["A", "SMALL", "B", "C"]
    assert not overlap
