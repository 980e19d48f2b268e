"""recalc fills chart caches with the computed values (WPS and LibreOffice's PDF export draw
charts from the cache; a fresh build holds zeros there)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from storeops.demo import demo_frames, demo_settings
from storeops.workbook import build_workbook
from storeops.xlsx import read_names


def test_chart_caches_hold_the_funnel_totals(tmp_path):
    as_of = dt.date(2026, 11, 21)
    frames = demo_frames(as_of, buyers=30, products=10, funnel_weeks=2, keywords=10)
    raw = build_workbook(tmp_path / "raw.xlsm", data=frames, settings=demo_settings(as_of))
    done = build_workbook(tmp_path / "b.xlsm", data=frames, settings=demo_settings(as_of), calculate=True, today=as_of)
    names = read_names(done)
    want = [names[f"funnel_{k}"] for k in ("impressions", "clicks", "visitors", "inquiries", "orders")]

    def cache(path):
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/charts/chart1.xml").decode("utf-8")
        block = re.search(r"<c:numCache>(.*?)</c:numCache>", xml).group(1)
        return [float(v) for v in re.findall(r"<c:v>([^<]*)</c:v>", block)]

    assert cache(raw) == [0.0] * 5
    assert cache(done) == [float(x) for x in want] and sum(want) > 0
