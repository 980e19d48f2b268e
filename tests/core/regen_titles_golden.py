"""Re-record the outputs in ``tests/fixtures/titles_golden.json.gz`` after a deliberate rule change.

The inputs (random and real titles, keywords, platforms, extra words, limits) stay as they
are; every recorded output is recomputed with the current ``storeops_xl.titles`` and
``storeops_xl.banned``.  Run it only when a rule changed on purpose, and say why in the
commit: ``.venv/bin/python tests/core/regen_titles_golden.py``.
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

titles = importlib.import_module("storeops_xl.titles")
banned = importlib.import_module("storeops_xl.banned")
golden_test = importlib.import_module("test_titles_golden")


def main() -> None:
    path = golden_test.GOLDEN
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        g = json.load(fh)
    stored = golden_test._as_stored
    g["functions"] = [
        [t, kw, p, ex, stored(titles.title_score(t, kw, p, ex)), stored(titles.title_issues(t, kw, p, ex))]
        for t, kw, p, ex, _, _ in g["functions"]
    ]
    g["analyse"] = [
        [t, kw, plat, tmax, tmin, ex, exw, list(titles._analyse(t, kw, plat, float(tmax), float(tmin), tuple(exw)))]
        for t, kw, plat, tmax, tmin, ex, exw, _ in g["analyse"]
    ]
    g["banned"] = [
        [t, ex, banned.find_banned(t, banned.parse_extra_words(ex)), stored(banned.banned(t, ex))]
        for t, ex, _, _ in g["banned"]
    ]
    g["columns"] = [
        [col, kw, p, ex, stored(titles.title_score(col, kw, p, ex)), stored(titles.title_issues(col, kw, p, ex))]
        for col, kw, p, ex, _, _ in g["columns"]
    ]
    col = [[t] for t in golden_test.real_titles()]
    g["real"] = [
        [p, kw, ex, stored(titles.title_score(col, kw, p, ex)), stored(titles.title_issues(col, kw, p, ex))]
        for p, kw, ex, _, _ in g["real"]
    ]
    g["real_banned"] = stored(banned.banned(col))
    edge = []
    for t, ex, _, _ in g["edge"]:
        exw = banned.parse_extra_words(ex)
        analyses = [list(titles._analyse(t or "x", "dog", plat, 128.0, 50.0, exw)) for plat in ("alibaba", "1688")]
        edge.append([t, ex, banned.find_banned(t, exw), analyses])
    g["edge"] = edge
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write(json.dumps(g, ensure_ascii=False).encode("utf-8"))
    print(f"re-recorded {path}")


if __name__ == "__main__":
    main()
