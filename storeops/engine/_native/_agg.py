"""Gathering the numbers of SUM, AVERAGE, MIN, MAX, COUNT, MEDIAN, PRODUCT, LARGE …

Excel's rules (Microsoft's reference for SUM and AVERAGE, confirmed by Excel's cached
values): in a *reference* (a range or a single cell) only numbers count — text,
TRUE/FALSE and blanks are skipped, an error is the answer; a *typed value* (a literal
or the result of an expression) counts when it is a number, TRUE/FALSE (1/0) or a text
that reads as a number, any other text is ``#VALUE!``.  COUNT counts instead of failing.
Errors are answered in argument order (the first argument's error wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._values import Rng, Unsupported, XLErr, is_vec, merge_errors, number_of, plain_floats
from ._args import MISSING


@dataclass
class Numbers:
    """The numbers of a call: ``fixed`` (the same for every row) and ``rows`` (one
    matrix per per-row argument, NaN where a cell holds no number), with the first
    error per row (``errors``)."""

    fixed: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    errs: list[np.ndarray] = field(default_factory=list)

    @property
    def flat(self) -> np.ndarray:
        return np.concatenate(self.fixed) if self.fixed else np.empty(0)

    @property
    def matrix(self) -> np.ndarray | None:
        return np.concatenate(self.rows, axis=1) if self.rows else None

    @property
    def errors(self) -> np.ndarray | None:
        return merge_errors(*self.errs)


def gather(args, counting: bool = False) -> Numbers:
    """The numbers of ``args`` under the rules above (``counting``: COUNT's rules)."""
    out = Numbers()
    for a in args:
        if isinstance(a, Rng):
            if a.per_row:
                out.rows.append(a.num)
                if not counting:
                    e = a.row_errors()
                    if e is not None:
                        out.errs.append(e)
            else:
                f = a.flat_num
                out.fixed.append(f[~np.isnan(f)])
                if not counting:
                    first = a.first_error()
                    if first is not None:
                        out.errs.append(np.array([first], dtype=object))
        elif is_vec(a) and a.dtype != object:
            out.rows.append((a if a.dtype.kind == "f" else a.astype(np.float64))[:, None])
        elif is_vec(a):
            vals, rest = plain_floats(a)
            errs = None
            for i in rest:  # the values that are not plain floats, one by one
                v = a[i]
                if v is None or (isinstance(v, float) and v != v):
                    continue
                r = number_of(v)
                if isinstance(r, XLErr):
                    if not counting:
                        if errs is None:
                            errs = np.full(len(a), None, dtype=object)
                        errs[i] = r
                else:
                    vals[i] = r
            out.rows.append(vals[:, None])
            if errs is not None:
                out.errs.append(errs)
        elif a is None:
            continue
        else:
            r = number_of(None if a is MISSING else a)
            if isinstance(r, XLErr):
                if not counting:
                    out.errs.append(np.array([r], dtype=object))
            else:
                out.fixed.append(np.array([r]))
    return out


def per_row_matrix(nums: Numbers, n: int) -> np.ndarray:
    """Every row's numbers as one matrix: the per-row ones and the fixed ones repeated."""
    mat = nums.matrix
    flat = nums.flat
    if mat is None:
        mat = np.empty((n, 0))
    if flat.size:
        if n * flat.size > 20_000_000:
            raise Unsupported("too many numbers repeated on every row")
        mat = np.concatenate([mat, np.broadcast_to(flat, (n, flat.size))], axis=1)
    return mat


def finish(value: Any, nums: Numbers) -> Any:
    """The answer with the arguments' errors put in (an error wins over the value)."""
    err = nums.errors
    if err is None:
        return value
    if len(err) == 1:
        return err[0] if err[0] is not None else value
    out = np.empty(len(err), dtype=object)
    out[:] = list(value) if is_vec(value) else [value] * len(err)
    hit = np.not_equal(err, None)  # type: ignore[call-overload]  # numpy stubs: no None operand
    out[hit] = err[hit]
    return out
