"""The Saturday review 每周六复盘: :func:`run_review` computes it from a workbook, writes the
``周复盘 Review`` sheet into that workbook, an A4 PDF with charts and a one-page phone picture
(PNG, 1080 px wide, for WeChat / Feishu) next to it (or in ``out_dir``).

Parts: :mod:`.compute` (pure pandas, core functions for every rule), :mod:`.sheet` (the sheet,
written at XML level so VBA and the ribbon stay intact), :mod:`.pdf` and :mod:`.phone`
(matplotlib), :mod:`.cells` (how values read).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
from dataclasses import dataclass
from typing import Any

from .compute import Review, compute_review, parse_week, week_of

__all__ = ["Review", "ReviewResult", "compute_review", "parse_week", "read_settings", "run_review", "week_of"]


@dataclass
class ReviewResult:
    review: Review
    pdf: str | None
    sheet_written: bool

    png: str | None = None

    @property
    def text(self) -> str:
        from .cells import table_text

        r = self.review
        cols = [
            "业务员 Salesperson",
            "团队 Team",
            "新买家 New buyers",
            "已回复 Replied",
            "及时回复率 Timely rate",
            "4小时达标率 Within target rate",
            "升级 Upgrades",
            "降级 Downgrades",
            "逾期跟进 Overdue",
            "本周销售额 Revenue USD",
            "销售进度 Sales pace",
            "成交能力 Close band",
            "PK得分 PK score",
            "PK排名 PK rank",
        ]
        lines = [r.title, r.headline, table_text(r.people, cols) if len(r.people) else "(无业务员 no salespeople)"]
        if not r.submissions.empty:
            lines += ["", "提交情况 Submitted since the last working day:", r.submissions.to_string(index=False)]
        if self.sheet_written:
            lines.append("已写入工作表 / sheet written: 周复盘 Review")
        if self.pdf:
            lines.append(f"PDF: {self.pdf}")
        if self.png:
            lines.append(f"PNG: {self.png}")
        return "\n".join(lines)


def read_settings(path: str) -> dict[str, Any]:
    """``cfg_*`` values of the workbook (cached values of named cells), as far as readable."""
    try:
        from storeops.xlsx import read_names
    except ImportError:  # pragma: no cover - the reader is part of storeops.xlsx
        return {}
    names = read_names(path)
    out: dict[str, Any] = {}
    for k, v in dict(names).items():
        out[k] = getattr(v, "value", v)
    return out


def _as_date(v: Any) -> _dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        from storeops.errors import StoreOpsError

        raise StoreOpsError(f"不是有效日期 {v!r}（应为 YYYY-MM-DD）/ not a valid date {v!r} (use YYYY-MM-DD)") from None


def run_review(
    path: str,
    *,
    week: str | None = None,
    out_dir: str | None = None,
    sheet: bool = True,
    pdf: bool = True,
    today: Any = None,
    unmasked: bool = False,
) -> ReviewResult:
    """Compute the review of ``week`` from the workbook at ``path``; write the sheet, the PDF and
    the phone PNG (``pdf=False`` writes neither picture).

    Buyers' e-mail addresses and phone numbers are masked in all of them unless ``unmasked``."""
    from storeops.errors import StoreOpsError
    from storeops.xlsx import check_not_locked, read_tables, workbook_session

    from .pdf import write_pdf
    from .phone import write_phone_png
    from .sheet import write_review_sheet

    if not os.path.isfile(path):
        raise StoreOpsError(f"找不到工作簿 / workbook not found: {path}")
    if sheet:
        check_not_locked(path)
    # with the sheet written, the workbook is locked for StoreOps from the first read on,
    # and a save someone makes meanwhile is never overwritten (see storeops.xlsx.workbook_session)
    with workbook_session(path) if sheet else contextlib.nullcontext():
        tables = read_tables(path)
        if "tblFollow" not in tables:
            raise StoreOpsError(
                f"不是 StoreOps 工作簿(没有 tblFollow) / not a StoreOps workbook (no tblFollow): {path}"
            )
        settings = read_settings(path)
        review = compute_review(tables, week, settings=settings, today=_as_date(today), unmasked=unmasked)
        pdf_path = png_path = None
        if pdf:
            folder = out_dir or os.path.dirname(os.path.abspath(path))
            stem = os.path.splitext(os.path.basename(path))[0]
            pdf_path = write_pdf(review, os.path.join(folder, f"{stem}-review-{review.week}.pdf"))
            png_path = write_phone_png(review, os.path.join(folder, f"{stem}-review-{review.week}-phone.png"))
        if sheet:
            write_review_sheet(path, review)
    return ReviewResult(review, pdf_path, sheet, png_path)
