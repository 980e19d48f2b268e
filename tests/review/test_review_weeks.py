"""Done means (issue 11): ``storeops review --week`` on two consecutive weeks shows different
class moves — each week's own, from the dated orders; the PDF and the phone PNG render and list
every overdue buyer (the PDF) or the true count (the phone picture); an empty week says so
plainly, with no Python warning and no "None"."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings

import pytest

from storeops.demo import DEMO_AS_OF, demo_frames, demo_settings
from storeops.workbook import build_workbook


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("weeks") / "Demo.xlsm"
    build_workbook(path, data=demo_frames(DEMO_AS_OF), settings=demo_settings(DEMO_AS_OF), calculate=True)
    return path


def _review(book, tmp_path, week):
    wb = tmp_path / f"Demo-{week}.xlsm"
    shutil.copyfile(book, wb)
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "storeops.cli",
            "review",
            str(wb),
            "--week",
            week,
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr
    return done.stdout, tmp_path / f"Demo-{week}-review-{week}.pdf", tmp_path / f"Demo-{week}-review-{week}-phone.png"


def _pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout


def test_consecutive_weeks_show_their_own_class_moves(book, tmp_path):
    from storeops.review import run_review

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w46 = run_review(str(book), week="2026-W46", sheet=False, pdf=False).review
        w47 = run_review(str(book), week="2026-W47", sheet=False, pdf=False).review
    assert len(w46.moves) and len(w47.moves)
    key = ["买家 Buyer", "上周末 Last week", "本周末 This week"]
    assert w46.moves[key].values.tolist() != w47.moves[key].values.tolist()
    # a buyer who moved in W46 starts W47 in the class W46 ended with
    ended = {b: c for b, c in zip(w46.moves["买家 Buyer"], w46.moves["本周末 This week"])}
    for b, a in zip(w47.moves["买家 Buyer"], w47.moves["上周末 Last week"]):
        if b in ended and list(w46.moves["买家 Buyer"]).count(b) == 1:
            assert ended[b] == a


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None, reason="poppler missing")
@pytest.mark.parametrize("week", ["2026-W46", "2026-W47"])
def test_pdf_and_phone_png_render_and_list_every_overdue_buyer(book, tmp_path, week):
    from storeops.review import run_review

    out, pdf, png = _review(book, tmp_path, week)
    assert week in out and "None" not in out and not re.search(r"\bnan\b", out, re.I)
    review = run_review(str(book), week=week, sheet=False, pdf=False).review
    assert len(review.overdue) > 6  # more than the phone picture lists by name
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / f"p{week}")], check=True, timeout=120)
    pages = sorted(tmp_path.glob(f"p{week}*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 3_000 for p in pages)
    text = _pdf_text(pdf)
    for buyer in review.overdue["买家 Buyer"]:  # every overdue buyer is in the PDF
        assert buyer in text, buyer
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == (1080, 1920)
    assert png.stat().st_size > 50_000


def test_an_empty_week_says_so(book, tmp_path):
    out, pdf, png = _review(book, tmp_path, "2027-W30")
    assert "None" not in out and not re.search(r"\bnan\b", out, re.I)
    assert pdf.exists() and png.exists()


def test_a_week_without_buyers_or_orders(tmp_path):
    """A workbook with salespeople but nothing typed yet: the review is one plain sentence."""
    import pandas as pd

    from storeops.review import run_review

    path = build_workbook(
        tmp_path / "Empty.xlsm",
        data={"tblSalespeople": pd.DataFrame({"salesperson": ["小王"], "team": ["狼队"]})},
        settings={"cfg_as_of": DEMO_AS_OF},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = run_review(str(path), week="2026-W47", out_dir=str(tmp_path))
    assert res.review.quiet
    assert "a quiet week" in res.text and "None" not in res.text and not re.search(r"\bnan\b", res.text, re.I)
