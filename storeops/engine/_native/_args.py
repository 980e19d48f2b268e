"""What every native function needs: the registry mark, argument conversion, and the
shared shapes (a value for each row of the group, or one value for all of them)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._values import (
    NUM,
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    is_vec,
    merge_errors,
    to_num,
    to_scalar_or_vec,
    with_errors,
)

#: an argument left empty between commas, as in ``IF(A1,,1)``
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


def native(*names: str, refs: bool = False, nodes: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function under its Excel ``names``; ``refs=True`` asks for reference
    arguments as :class:`Rng` even when they are one cell, ``nodes=True`` for the parsed
    arguments themselves (a function that evaluates them as arrays, ``SUMPRODUCT``)."""

    def mark(f: Callable[..., Any]) -> Callable[..., Any]:
        f.excel_names = names  # type: ignore[attr-defined]
        f.takes_refs = refs  # type: ignore[attr-defined]
        f.takes_nodes = nodes  # type: ignore[attr-defined]
        return f

    return mark


def single(ctx: Any, x: Any) -> Any:
    """One value per row: a reference becomes the cell Excel's implicit intersection
    picks (the one in the formula's row or column), a missing argument blank."""
    if x is MISSING:
        return None
    if isinstance(x, Rng):
        pick = getattr(ctx, "single", None)
        return pick(x) if pick is not None else to_scalar_or_vec(x)
    return x


def num_arg(ctx: Any, x: Any) -> tuple[Any, np.ndarray | None]:
    """A numeric argument: (numbers, errors) after Excel's conversion rules."""
    return to_num(single(ctx, x))


def int_arg(ctx: Any, x: Any) -> tuple[Any, np.ndarray | None]:
    """A whole-number argument (truncated toward zero, as Excel does)."""
    v, e = num_arg(ctx, x)
    return np.trunc(v) if is_vec(v) else float(math.trunc(v)) if math.isfinite(v) else v, e


def fixed_int(ctx: Any, x: Any, what: str) -> float | XLErr:
    """A whole-number argument that must be the same for every row (a mode or a type)."""
    v, e = int_arg(ctx, x)
    if is_vec(v):
        if e is not None or len(set(v.tolist())) > 1:
            raise Unsupported(f"{what} that changes from row to row")
        return float(v[0]) if len(v) else 0.0
    return e[0] if e is not None else v


def value_key(v: Any) -> tuple:
    """A hashable key under which equal values meet: texts case-folded, numbers by value,
    TRUE/FALSE, errors by code; blanks (and NaN) share one key."""
    if isinstance(v, (bool, np.bool_)):
        return ("b", bool(v))
    if isinstance(v, XLErr):
        return ("e", str(v))
    if isinstance(v, str):
        return ("s", v.casefold())
    if v is None:
        return ("z", None)
    f = float(v)
    return ("z", None) if f != f else ("n", f)


def range_arg(x: Any) -> Rng:
    """A range argument; a typed single value is a 1×1 block."""
    if isinstance(x, Rng):
        return x
    if is_vec(x):
        raise Unsupported("a per-row value where a range is expected")
    if x is MISSING:
        x = None
    num = x if isinstance(x, (int, float)) and not isinstance(x, bool) else math.nan
    return Rng(np.array([[x]], dtype=object), np.array([[num]], dtype=np.float64))


def numeric_fn(f: Callable[..., Any], checked: bool = False) -> Callable[..., Any]:
    """An elementwise numeric function of numeric arguments: errors propagate in argument
    order, a result that is not a finite number is ``#NUM!``.  With ``checked`` the
    function returns ``(values, errors)`` itself."""

    def run(ctx, *args):
        conv = [num_arg(ctx, a) for a in args]
        vals = [v for v, _ in conv]
        errs = [e for _, e in conv]
        with np.errstate(all="ignore"):
            out = f(*vals)
        if checked:
            out, e2 = out
            errs.append(e2)
        return finish_numbers(out, merge_errors(*errs))

    return run


def finish_numbers(out: Any, errs: np.ndarray | None) -> Any:
    """A numeric result with errors put in; NaN or infinity where no error is is ``#NUM!``."""
    if is_vec(out):
        if out.dtype.kind == "f":
            bad = ~np.isfinite(out)
            if bad.any():
                nums = np.full(len(out), None, dtype=object)
                nums[bad] = NUM
                errs = merge_errors(errs, nums)
        return with_errors(out, errs)
    if errs is not None and errs[0] is not None:
        return errs[0]
    if isinstance(out, np.ndarray):
        out = float(out)
    if isinstance(out, (float, np.floating)) and not math.isfinite(out):
        return NUM
    return float(out) if isinstance(out, np.floating) else out


def error_column(mask: np.ndarray, err: XLErr = VALUE) -> np.ndarray | None:
    """An error column with ``err`` where ``mask`` is set (``None`` when nowhere)."""
    mask = np.atleast_1d(mask)
    if not mask.any():
        return None
    out = np.full(len(mask), None, dtype=object)
    out[mask] = err
    return out


def per_row(ctx: Any, *xs: Any) -> bool:
    """True when any argument has one value per row."""
    return any(is_vec(x) or (isinstance(x, Rng) and x.per_row) for x in xs)


def broadcast(x: Any, n: int) -> np.ndarray:
    """A scalar or column as a column of ``n`` values (object when not numeric)."""
    if is_vec(x):
        return x
    if isinstance(x, float):
        return np.full(n, x)
    out = np.empty(n, dtype=object)
    out[:] = [x] * n
    return out
