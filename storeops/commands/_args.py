"""Argument types shared by the sub-commands: a wrong value is one bilingual line from
argparse (exit code 2), never an internal error."""

from __future__ import annotations

import argparse
import datetime as _dt


def iso_date(text: str) -> _dt.date:
    """``YYYY-MM-DD`` → date; anything else (``2026-02-30``, ``tomorrow``) is refused.

    Examples
    --------
    >>> iso_date("2026-11-21")
    datetime.date(2026, 11, 21)
    >>> iso_date("2026-02-30")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 不是有效日期 '2026-02-30'（应为 YYYY-MM-DD）/ not a valid date '2026-02-30' (use YYYY-MM-DD)
    """
    try:
        return _dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise argparse.ArgumentTypeError(
            f"不是有效日期 {text!r}（应为 YYYY-MM-DD）/ not a valid date {text!r} (use YYYY-MM-DD)"
        ) from None


def positive_seconds(text: str) -> float:
    """A number of seconds > 0 (``--interval``, ``--settle``)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value > 86_400:
        raise argparse.ArgumentTypeError(
            f"应为 0 到 86400 之间的秒数: {text!r} / must be a number of seconds between 0 and 86400: {text!r}"
        )
    return value
