"""Targets 目标 and PK: monthly split by seasonality, pace, PK score (seed 000: 定目标 / 团队 PK).

``TARGET_SPLIT`` and ``PK_SCORE`` take whole ranges per call (``FunctionSpec.ranges``):
the 12 month weights, and a salesperson's row of metrics.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np

from . import _columns as C
from ._coerce import EXCEL_EPOCH, as_1d, broadcast, error_text, finish, restore, to_number
from ._spec import excel

__all__ = ["pace_label", "pk_score", "season_share", "target_pace", "target_split"]


_EPOCH64 = np.datetime64(EXCEL_EPOCH.date())


def _weights(weights: Any, n: int | None = None) -> tuple[np.ndarray | None, str | None]:
    """Parse a weights range: (values, None) or (None, error text)."""
    vals = C.range_values(weights)
    if n is not None and len(vals) != n:
        return None, error_text("#VALUE!", "weights", f"{len(vals)} cells", f"need {n} weights")
    col = to_number(np.array(vals, dtype=object), "weights")
    if col.errors is not None:
        return None, next(e for e in col.errors if e is not None)
    w = np.nan_to_num(col.values)
    return w, None


@excel(
    "TARGET_SPLIT",
    "月目标 Month target = annual × month weight ÷ sum of the 12 weights.",
    "number",
    help={
        "annual": "年目标 annual target",
        "month": "月份 1–12 或日期 month or a date",
        "weights": "12 个月权重 12 month weights (seasonality)",
    },
    ranges=("weights",),
    source="seed 000 定目标",
    example="`=TARGET_SPLIT(120000, 11, tblSeason[Weight]) → 22500 (weights 1×10, 3, 3)`",
)
def target_split(annual: Any, month: Any, weights: Any = None) -> Any:
    """Month target 月目标 = annual × month weight ÷ sum of the 12 weights (seasonality).

    Parameters
    ----------
    annual : number or column
        Annual target (sales USD, new buyers, inquiries …).
    month : number, date or column
        Month 1–12, or a date in that month.
    weights : range of 12 numbers, optional
        Month weights 淡旺季权重 (Jan … Dec); blanks count 0; omitted or all blank = equal months.

    Examples
    --------
    >>> target_split(120000, 3)
    10000.0
    >>> target_split(120000, 11, [1] * 10 + [3, 3])
    22500.0
    >>> target_split(120000, "2026-11-15", [1] * 10 + [3, 3])
    22500.0
    >>> target_split(100, 13)
    '#VALUE! month: 13 is not a month 1–12 or a date'
    """
    (a, m), shape = broadcast(annual, month)
    acol = C.num(a, "annual")
    mnum, mdate = C.num(m, "month", negative=True), C.date(m, "month")
    whole = (mnum.values >= 1) & (mnum.values <= 12) & (mnum.values == np.floor(mnum.values))
    use_date = ~whole & ~np.isnan(mdate.values) & ~(mnum.values < 367)
    month_no = np.where(whole, mnum.values, np.nan)
    if use_date.any():
        month_no[use_date] = _months(mdate.values[use_date])
    had_value = ~np.isnan(mnum.values) | (np.not_equal(mnum.errors, None) if mnum.errors is not None else False)  # type: ignore[call-overload]  # numpy stubs: no None operand
    bad = np.isnan(month_no) & had_value
    mcol = C.Column("month", month_no)
    if bad.any():
        raw = np.asarray(m, dtype=object)
        mcol.add_error(bad, (error_text("#VALUE!", "month", v, "is not a month 1–12 or a date") for v in raw[bad]))
    w: np.ndarray | None
    if weights is None or all(v is None for v in C.range_values(weights)):
        w = np.ones(12)
    else:
        w, err = _weights(weights, 12)
        if err is not None:
            out = np.full(len(acol.values), err, dtype=object)
            return restore(out, shape)
        assert w is not None
        if (w < 0).any():
            out = np.full(
                len(acol.values), error_text("#VALUE!", "weights", float(w[w < 0][0]), "is negative"), dtype=object
            )
            return restore(out, shape)
    total = w.sum()
    if total <= 0:
        w, total = np.ones(12), 12.0
    idx = np.where(np.isnan(month_no), 1, month_no).astype(np.int64) - 1
    share = w[np.clip(idx, 0, 11)] / total
    out = acol.values * share
    out[np.isnan(month_no)] = np.nan
    return restore(finish(out, acol, mcol), shape)


def _months(serial: np.ndarray) -> np.ndarray:
    d = (np.datetime64(EXCEL_EPOCH, "D") + np.floor(serial).astype(np.int64)).astype("datetime64[M]")
    months: np.ndarray = (d.astype(np.int64) % 12 + 1).astype(np.float64)
    return months


def _today() -> float:
    return float((_dt.date.today() - EXCEL_EPOCH.date()).days)


_SHARE = "MAX(0,MIN(1,(INT({as_of|TODAY()})-INT({period_start})+1)/(INT({period_end})-INT({period_start})+1)))"


@excel(
    "TARGET_PACE",
    "进度 Pace = actual ÷ (target × elapsed share of the period).",
    "percent",
    help={
        "actual": "实际 actual",
        "target": "目标 target",
        "period_start": "周期开始 period start",
        "period_end": "周期结束 period end",
        "as_of": "截至 as of, e.g. TODAY()",
    },
    source="seed 000 抓过程",
    # actual ÷ (target × share of the period's whole days gone, both ends counted, clipped to
    # 0–1); blank before the period, without a target or an actual; the as-of date is the
    # stamped ``cfg_today`` in the workbook (never blank there)
    twin=(
        'IF(OR({period_start}="",{period_end}=""),"",IF(INT({period_end})<INT({period_start}),#VALUE!,'
        'IF(OR({target}="",{actual}=""),"",IF(--{target}*' + _SHARE + ">0,--{actual}/(--{target}*" + _SHARE + '),""))))'
    ),
    example='`=TARGET_PACE(5000, 30000, "2026-11-01", "2026-11-30", TODAY()) → 0.5 on 2026-11-10`',
)
def target_pace(actual: Any, target: Any, period_start: Any, period_end: Any, as_of: Any = None) -> Any:
    """Pace 进度 = actual ÷ (target × elapsed share of the period).

    The elapsed share counts whole days, both ends included: on the 10th day of a
    30-day month it is 10/30.  ``as_of`` defaults to today (workbook: ``TODAY()``);
    after the period it is 1.  Blank before the period starts or when the target is
    blank/0.  Read the ratio with :func:`pace_label`.

    Examples
    --------
    >>> target_pace(5000, 30000, "2026-11-01", "2026-11-30", "2026-11-10")
    0.5
    >>> target_pace(31000, 30000, "2026-11-01", "2026-11-30", "2026-12-05")
    1.0333333333333334
    >>> target_pace(1, 10, "2026-11-30", "2026-11-01", "2026-11-10")
    '#VALUE! period_end: 46327 is before period_start'
    """
    (a, t, s, e, d), shape = broadcast(actual, target, period_start, period_end, as_of)
    acol, tcol = C.num(a, "actual"), C.num(t, "target")
    scol, ecol, dcol = C.date(s, "period_start"), C.date(e, "period_end"), C.date(d, "as_of")
    start, end = np.floor(scol.values), np.floor(ecol.values)
    today = np.where(np.isnan(dcol.values), _today(), np.floor(dcol.values))
    backwards = end < start
    if backwards.any():
        ecol.add_error(
            backwards, (error_text("#VALUE!", "period_end", v, "is before period_start") for v in end[backwards])
        )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.clip((today - start + 1) / (end - start + 1), 0, 1)
        expected = tcol.values * share
        pace = np.where(expected > 0, acol.values / expected, np.nan)
    return restore(finish(pace, acol, tcol, scol, ecol, dcol), shape)


@excel(
    "PACE_LABEL",
    "进度标签 Pace label: 领先 / 正常 / 落后.",
    "text",
    help={
        "ratio": "进度 pace ratio",
        "ahead": "",
        "behind": "",
    },
    settings={"ahead": "cfg_pace_ahead", "behind": "cfg_pace_behind"},
    twin='IF({ratio}="","",IF(--{ratio}>={ahead},"领先",IF(--{ratio}<{behind},"落后","正常")))',
    source="seed 000 抓过程",
    example="`=PACE_LABEL(0.5, cfg_pace_ahead, cfg_pace_behind) → 落后`",
)
def pace_label(ratio: Any, ahead: Any = None, behind: Any = None) -> Any:
    """Pace label 进度标签: ``"领先"`` (≥ ``cfg_pace_ahead`` 1.05), ``"落后"`` (< ``cfg_pace_behind`` 0.9), else ``"正常"``.

    Examples
    --------
    >>> pace_label(1.2), pace_label(0.95), pace_label(0.5), pace_label(None)
    ('领先', '正常', '落后', None)
    """
    (r, a, b), shape = broadcast(ratio, ahead, behind)
    rcol = C.num(r, "ratio")
    acol = C.setting(a, "ahead", "cfg_pace_ahead")
    bcol = C.setting(b, "behind", "cfg_pace_behind")
    code = np.select([rcol.values >= acol.values, rcol.values < bcol.values], [0, 2], default=1)
    out = np.array(["领先", "正常", "落后"], dtype=object)[code]
    out[np.isnan(rcol.values)] = None
    return restore(finish(out, rcol, acol, bcol), shape)


def excel_round(x: np.ndarray, digits: int) -> np.ndarray:
    """ROUND as Excel (and LibreOffice, and the twins' ``ROUND``) rounds: half away from zero,
    on the value's 15 significant digits — numpy's ``round`` goes half to even.

    >>> excel_round(np.array([0.0078125, -2.5, 2.675]), 6).tolist(), excel_round(np.array([2.675]), 2).tolist()
    ([0.007813, -2.5, 2.675], [2.68])
    """
    scaled = np.abs(x) * 10.0**digits
    with np.errstate(all="ignore"):
        mag = np.floor(np.log10(np.where(scaled > 0, scaled, 1.0)))
        step = np.power(10.0, 14 - mag)
        fifteen = np.where(np.isfinite(scaled) & (scaled < 1e300), np.round(scaled * step) / step, scaled)
        return np.asarray(np.sign(x) * np.floor(fifteen + 0.5) / 10.0**digits)


def _matrix(x: Any, name: str) -> tuple[np.ndarray, np.ndarray | None, tuple[int, ...] | None]:
    flat, dims = as_1d(x)
    col = to_number(flat, name)
    values = col.values
    if dims is None:
        shape2: tuple[int, ...] = (1, 1)
    elif len(dims) == 1:
        shape2 = (1, dims[0])
    else:
        shape2 = (int(np.prod(dims[:-1])), dims[-1])
    errs = None if col.errors is None else col.errors.reshape(shape2)
    return values.reshape(shape2), errs, dims


#: PK_SCORE's native twin, for one salesperson's row of metrics (what the PK table passes):
#: a metric counts where its target is > 0 (``U``), its achievement is actual ÷ target capped
#: at ``cap`` (``min`` written as two comparisons, exact), its share is its weight ÷ the
#: counted weights (``D``; the actuals enter it as 0 × actual so their errors show) and the
#: score is Σ achievement × share × 100, ROUND 6 — the core's order of operations.  Blank
#: cells count 0, numbers typed as text are read (``--`` inside SUMPRODUCT).
_PK_USED = "(--{targets}>0)"
_PK_RATIO = "(--{actuals}/(" + _PK_USED + "*{targets}+(--{targets}<=0)))"
_PK_WSUM = "SUMPRODUCT(" + _PK_USED + "*{weights}+0*{actuals})"
_PK_SCORE = (
    f"IF({_PK_WSUM}>0,ROUND(SUMPRODUCT((({_PK_RATIO}>{{cap}})*{{cap}}+({_PK_RATIO}<={{cap}})*{_PK_RATIO})"
    f'*({_PK_USED}*{{weights}}/{_PK_WSUM}))*100,6),"")'
)


@excel(
    "PK_SCORE",
    "PK 得分 PK score = Σ weight × min(actual ÷ target, cap) × 100.",
    "score",
    help={
        "actuals": "实际 actuals: one row per salesperson, one column per metric",
        "targets": "目标 targets per metric (row or same size as actuals)",
        "weights": "权重 metric weights",
        "cap": "单项封顶",
    },
    settings={"cap": "cfg_pk_cap"},
    ranges=("actuals", "targets", "weights"),
    twin=_PK_SCORE,
    native=True,
    source="seed 000 团队pk流程",
    example="`=PK_SCORE(B2:D4, B1:D1, B5:D5, cfg_pk_cap) → a column of 3 scores`",
)
def pk_score(actuals: Any, targets: Any, weights: Any, cap: Any = None) -> Any:
    """PK score PK 得分 = Σ weight × min(actual ÷ target, cap) × 100, weights scaled to sum 1.

    Parameters
    ----------
    actuals : row (k metrics) or range (n salespeople × k metrics)
        Actual results; a blank counts 0.
    targets : row (k) or range (n × k)
        Targets per metric; a metric with a blank or 0 target is left out (its weight too).
    weights : row (k)
        Metric weights (relative: 40/30/30 = 0.4/0.3/0.3).
    cap : number, optional
        ``cfg_pk_cap`` (1.5): one metric cannot earn more than 150 % of its weight.

    Returns
    -------
    One score for a single row, a column of n scores for n rows.

    Examples
    --------
    >>> pk_score([50000, 12, 30], [100000, 10, 30], [0.5, 0.3, 0.2])
    81.0
    >>> pk_score([[50000, 12], [200000, 0]], [100000, 10], [60, 40]).tolist()
    [78.0, 90.0]
    """
    a, aerr, adims = _matrix(actuals, "actuals")
    t, terr, _ = _matrix(targets, "targets")
    w, werr, _ = _matrix(weights, "weights")
    k = a.shape[1]
    capv = C.setting(np.array([cap], dtype=object), "cap", "cfg_pk_cap").values[0]
    if w.shape[1] != k or t.shape[1] != k or t.shape[0] not in (1, a.shape[0]):
        msg = error_text(
            "#VALUE!",
            "targets" if t.shape[1] != k or t.shape[0] not in (1, a.shape[0]) else "weights",
            f"{t.shape[1] if t.shape[1] != k else w.shape[1]} columns",
            f"need {k} (one per metric)",
        )
        return msg if a.shape[0] == 1 and (adims is None or len(adims) == 1) else np.full(a.shape[0], msg, dtype=object)
    w = np.nan_to_num(w[0])
    t = np.broadcast_to(t, a.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ach = np.minimum(np.where(t > 0, np.nan_to_num(a) / t, 0.0), capv)
    used = (t > 0) & np.isfinite(t)
    wsum = (used * w).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # weights scaled to sum 1 before they multiply: a tiny weight (5e-324) times an
        # achievement would round in the subnormal range and break the cap
        share = np.where(wsum[:, None] > 0, (w * used) / wsum[:, None], 0.0)
        score = np.where(wsum > 0, (ach * share).sum(axis=1) * 100.0, np.nan)
    score = excel_round(score, 6)
    out: np.ndarray = score
    errors = [e for e in (aerr, terr if terr is not None and terr.shape[0] == a.shape[0] else None) if e is not None]
    first_other = next((e for e in ([] if terr is None else terr.ravel()) if e is not None), None)
    first_w = next((e for e in ([] if werr is None else werr.ravel()) if e is not None), None)
    if errors or first_other or first_w:
        out = score.astype(object)
        out[np.isnan(score)] = None
        for e in reversed(errors):
            row_err = [next((x for x in row if x is not None), None) for row in e]
            for i, first_err in enumerate(row_err):
                if first_err is not None:
                    out[i] = first_err
        if first_w or (first_other and (terr is None or terr.shape[0] != a.shape[0])):
            out[:] = first_w or first_other
    if a.shape[0] == 1 and (adims is None or len(adims) == 1):
        v = out[0]
        return (
            None if isinstance(v, float) and np.isnan(v) else (float(v) if isinstance(v, (float, np.floating)) else v)
        )
    return out


def _month_weights(weights: Any, months: Any) -> tuple[np.ndarray | None, str | None]:
    """12 month weights (Jan…Dec) from a weights range, with an optional month-number range."""
    if weights is None or all(v is None for v in C.range_values(weights)):
        return np.ones(12), None
    if months is None or all(v is None for v in C.range_values(months)):
        w, err = _weights(weights, 12)
    else:
        wv, mv = C.range_values(weights), C.range_values(months)
        if len(wv) != len(mv):
            return None, error_text("#VALUE!", "months", f"{len(mv)} cells", f"need {len(wv)} (one per weight)")
        w_all, err = _weights(wv)
        if err is not None:
            return None, err
        mcol = to_number(np.array(mv, dtype=object), "months")
        if mcol.errors is not None:
            return None, next(e for e in mcol.errors if e is not None)
        w = np.zeros(12)
        for m, x in zip(mcol.values, w_all):  # type: ignore[arg-type]  # numpy/pandas stubs (issue 11 code, to type properly)
            if m == m and x:
                if not (1 <= m <= 12 and m == int(m)):
                    return None, error_text("#VALUE!", "months", m, "is not a month 1–12")
                w[int(m) - 1] += x
    if err is not None:
        return None, err
    assert w is not None
    if (w < 0).any():
        return None, error_text("#VALUE!", "weights", float(w[w < 0][0]), "is negative")
    return (w if w.sum() > 0 else np.ones(12)), None


def _cumulative(serial: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Share of the year's target due by the end of each day (its own calendar year)."""
    d = _EPOCH64 + np.floor(serial).astype(np.int64)
    m = (d.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
    first = d.astype("datetime64[M]").astype("datetime64[D]")
    days = ((d.astype("datetime64[M]") + 1).astype("datetime64[D]") - first).astype(np.int64)
    day = (d - first).astype(np.int64) + 1
    before = np.concatenate([[0.0], np.cumsum(w)])[m]
    return (before + w[m] * day / days) / w.sum()  # type: ignore[no-any-return]  # numpy/pandas stubs (issue 11 code, to type properly)


def _season_cum(d: str) -> str:
    """Share of the year's target due by the end of day ``d`` (the native form of _cumulative)."""
    part = f"DAY({d})/DAY(EOMONTH({d},0))"
    return (
        f'IF(SUM({{weights}})>0,(SUMIFS({{weights}},{{months}},"<"&MONTH({d}))+SUMIFS({{weights}},{{months}},'
        f"MONTH({d}))*{part})/SUM({{weights}}),(MONTH({d})-1+{part})/12)"
    )


_JAN1 = "DATE(YEAR({last_day}),1,1)"
_SEASON_SHARE = (
    "IF(INT({first_day})>INT({last_day}),0,MAX(0,"
    + _season_cum("{last_day}")
    + f"-IF(MAX({{first_day}},{_JAN1})-1<{_JAN1},0,{_season_cum('(MAX({first_day},' + _JAN1 + ')-1)')})))"
)


@excel(
    "SEASON_SHARE",
    "季节进度 Seasonal share of the annual target that falls on the days first_day…last_day.",
    "percent",
    help={
        "first_day": "开始日期 first day",
        "last_day": "结束日期 last day",
        "weights": "月份权重 month weights (tblSeason)",
        "months": "月份 month numbers of the weights",
    },
    ranges=("weights", "months"),
    twin=_SEASON_SHARE,
    source="seed 000 目标按月拆分 (季节权重)",
    example="`=SEASON_SHARE(DATE(2026,1,1), DATE(2026,12,31), tblSeason[Weight], tblSeason[Month]) → 1`",
)
def season_share(first_day: Any, last_day: Any, weights: Any = None, months: Any = None) -> Any:
    """Seasonal share 季节进度 of the annual target that falls on the days ``first_day``…``last_day``.

    A month's share is its weight ÷ the sum of the 12 weights (淡旺季, like
    :func:`target_split`), spread evenly over its days.  Days before the calendar year of
    ``last_day`` are left out (a week that began in December counts only its January days for
    the new year); ``first_day`` after ``last_day`` gives 0.

    * year to date: ``season_share(cfg_year_start, cfg_today, weights)``;
    * a full week: ``season_share(cfg_week_start, cfg_week_start + 6, weights)``.

    Parameters
    ----------
    first_day, last_day : date or column
        First and last day (both counted).
    weights : range, optional
        Month weights; Jan…Dec in order, or matched with ``months``.  Blank/omitted = equal.
    months : range, optional
        The month number of each weight (``tblSeason``'s 月份 column).

    Examples
    --------
    >>> season_share("2026-01-01", "2026-06-30"), round(season_share("2026-01-01", "2026-01-10"), 6)
    (0.5, 0.026882)
    >>> season_share("2026-11-01", "2026-11-30", [1] * 10 + [3, 3])
    0.1875
    >>> round(season_share("2025-12-29", "2026-01-04", [1] * 12), 6) == round(4 / 31 / 12, 6)
    True
    """
    (s, e), shape = broadcast(first_day, last_day)
    scol, ecol = C.date(s, "first_day"), C.date(e, "last_day")
    w, err = _month_weights(weights, months)
    if err is not None:
        return restore(np.full(len(scol.values), err, dtype=object), shape)
    assert w is not None
    end_d, start_d = np.floor(ecol.values), np.floor(scol.values)
    ok = ~np.isnan(end_d) & ~np.isnan(start_d)
    out = np.full(len(end_d), np.nan)
    if ok.any():
        e_ok, s_ok = end_d[ok], start_d[ok]
        ed = _EPOCH64 + e_ok.astype(np.int64)
        jan1 = ed.astype("datetime64[Y]").astype("datetime64[D]")
        jan1_serial = (jan1 - _EPOCH64).astype(np.float64)
        before = np.maximum(s_ok, jan1_serial) - 1
        upto = _cumulative(e_ok, w)
        prior = np.where(before >= jan1_serial, _cumulative(np.maximum(before, jan1_serial), w), 0.0)
        out[ok] = np.where(s_ok > e_ok, 0.0, np.maximum(np.round(upto - prior, 12), 0.0))
    return restore(finish(out, scol, ecol), shape)
