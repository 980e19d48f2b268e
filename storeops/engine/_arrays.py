"""Array arithmetic where Excel evaluates a formula as an array: the arguments of
``SUMPRODUCT`` (``SUMPRODUCT(A1:C1*D1:F1)``, ``SUMPRODUCT(--(B2:B9>0),C2:C9)``).

Inside such an argument Excel does not pick one cell of a range (implicit intersection):
every operator works element by element over whole blocks.  :func:`evaluate` gives the
value of an argument as an :class:`Arr`, one ``h × w`` block per row of the formula group
(or one block shared by every row).  Excel's rules (Microsoft's "Guidelines and examples
of array formulas", and its SUMPRODUCT reference):

* an operator converts each element as it converts a single value (blank → 0, a text
  that reads as a number → that number, other text → ``#VALUE!``; comparisons order
  numbers < texts < TRUE/FALSE); errors stay in their element;
* two blocks of different sizes: a block of one row (column, cell) is repeated to the
  other's size; otherwise the result has the larger size and ``#N/A`` where one block
  has no element (LibreOffice keeps only the common part instead: such a formula
  differs between the two, the engine gives Excel's answer);
* a function call inside the argument is evaluated as usual when nothing in it is a
  block of several cells, or when it is an aggregate over plain ranges (``SUM``,
  ``SUMPRODUCT``, ``COUNT`` …); any other call (``ISNUMBER(A1:A9)``, ``IF`` over a
  range) is left to Excel (:class:`Unsupported`), never guessed.

Examples
--------
>>> a = Arr(np.array([[[1.0, 2.0]]], dtype=object))
>>> b = Arr(np.array([[[3.0], [4.0]]], dtype=object))
>>> _align(a, b)[0].obj.shape   # a row against a column: a 2 × 2 block
(1, 2, 2)
>>> c = Arr(np.array([[[1.0, 2.0, 3.0]]], dtype=object))
>>> out = _align(a, c)[0].obj[0, 0]   # sizes that differ: #N/A where the row ends
>>> out[:2].tolist(), out[2] is NA
([1.0, 2.0], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._formula import Node
from ._native.text import concat2
from ._operators import arithmetic, compare
from ._values import NA, Rng, Unsupported, is_vec, to_num, with_errors

__all__ = ["Arr", "evaluate", "moving_block"]

#: aggregates that read their range arguments whole, also inside an array formula
_AGGREGATES = frozenset(
    {"SUM", "SUMPRODUCT", "COUNT", "COUNTA", "COUNTBLANK", "AVERAGE", "MAX", "MIN", "ROWS", "COLUMNS"}
)
_COMPARE = ("=", "<>", "<", ">", "<=", ">=")


@dataclass
class Arr:
    """An array value: ``obj`` of shape ``(m, h, w)``, one ``h × w`` block per group row
    (``m`` = the group's rows) or one for all of them (``m`` = 1); blank cells are ``None``."""

    obj: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.obj.shape[1], self.obj.shape[2]


def _scalar(v: Any) -> Arr:
    o = np.empty((1, 1, 1), dtype=object)
    o[0, 0, 0] = None if isinstance(v, float) and v != v else v
    return Arr(o)


def _from_value(v: Any) -> Arr:
    """A value of the ordinary evaluator: a block, a column (one per row) or one value."""
    if isinstance(v, Rng):
        if v.per_row:
            return Arr(v.obj.astype(object)[:, None, :])
        full = v.padded(v.shape[0])
        return Arr(full.obj.astype(object)[None, :, :])
    if is_vec(v):
        o = v.astype(object)
        if v.dtype.kind == "f":
            o[np.isnan(v)] = None
        return Arr(o[:, None, None])
    return _scalar(v)


def _stretch(o: np.ndarray, axis: int, size: int) -> np.ndarray:
    have = o.shape[axis]
    if have == size:
        return o
    if have == 1:
        return np.repeat(o, size, axis=axis)
    pad = list(o.shape)
    pad[axis] = size - have
    na = np.empty(pad, dtype=object)
    na.fill(NA)  # np.full would store the text "#N/A", not the error
    return np.concatenate([o, na], axis=axis)


def _align(x: Arr, y: Arr) -> tuple[Arr, Arr]:
    """Both arrays in one size, as Excel sizes the two sides of an operator."""
    (h1, w1), (h2, w2) = x.shape, y.shape
    h = h2 if h1 == 1 else h1 if h2 == 1 else max(h1, h2)
    w = w2 if w1 == 1 else w1 if w2 == 1 else max(w1, w2)
    m = max(x.obj.shape[0], y.obj.shape[0])
    out = []
    for a in (x, y):
        o = _stretch(_stretch(a.obj, 1, h), 2, w)
        out.append(Arr(np.broadcast_to(o, (m, h, w)) if o.shape[0] != m else o))
    return out[0], out[1]


def _elementwise(result: Any, shape: tuple[int, ...]) -> Arr:
    if not is_vec(result):
        return _scalar(result)
    o = result.astype(object)
    if result.dtype.kind == "f":
        o[np.isnan(result)] = None
    return Arr(o.reshape(shape))


def _flat(a: Arr) -> np.ndarray:
    return np.ascontiguousarray(a.obj).reshape(-1)


def _has_block(ctx: Any, node: Node, depth: int = 0) -> bool:
    """True when ``node`` reads a block of more than one cell where a value is expected."""
    k, a = node.kind, node.args
    if depth > 50:
        raise Unsupported("names nest too deep")
    if k == "area":
        return True
    if k == "sref":
        ref = ctx._reference(node)
        return (ref.obj.shape[1] if ref.per_row else ref.shape[0] * ref.shape[1]) > 1
    if k == "name":
        return _has_block(ctx, ctx.book.name_node(a[0], ctx.sheet), depth + 1)
    if k == "call":
        if a[0] == "SUMPRODUCT":  # evaluates its own arguments as arrays
            return False
        if a[0] in _AGGREGATES:
            return any(x.kind not in ("area", "sref", "name", "cell") and _has_block(ctx, x, depth) for x in a[1:])
        return any(_has_block(ctx, x, depth) for x in a[1:] if isinstance(x, Node))
    if k == "bin":
        return _has_block(ctx, a[1], depth) or _has_block(ctx, a[2], depth)
    if k in ("neg", "pct"):
        return _has_block(ctx, a[0], depth)
    return False


def evaluate(ctx: Any, node: Node) -> Arr:
    """The value of ``node`` as an array (see the module text)."""
    k, a = node.kind, node.args
    if k in ("cell", "area", "sref", "name"):
        ref = ctx._reference(node)
        if ref is not None:
            return _from_value(ref)
        if k == "name":  # a name that holds a formula, not a reference
            return evaluate(ctx, ctx.book.name_node(a[0], ctx.sheet))
        return _from_value(ctx._eval(node))
    if k in ("num", "str", "bool", "err"):
        return _from_value(ctx._eval(node))
    if k in ("neg", "pct"):
        x = evaluate(ctx, a[0])
        v, e = to_num(_flat(x))
        return _elementwise(with_errors(-v if k == "neg" else v / 100.0, e), x.obj.shape)
    if k == "bin":
        x, y = _align(evaluate(ctx, a[1]), evaluate(ctx, a[2]))
        fx, fy = _flat(x), _flat(y)
        op = a[0]
        if op == "&":
            out = concat2(_Width(len(fx)), fx, fy)
        elif op in _COMPARE:
            out = compare(op, fx, fy, len(fx))
        else:
            out = arithmetic(op, fx, fy)
        return _elementwise(out, x.obj.shape)
    if k == "call" and not _has_block(ctx, node):
        return _from_value(ctx._eval(node))
    raise Unsupported(f"{a[0] if k == 'call' else k} inside an array formula")


@dataclass
class _Width:
    """What :func:`concat2` reads of an evaluator: the number of values."""

    n: int


def moving_block(exc: Unsupported) -> bool:
    """True when ``exc`` says a range of several rows moves with the formula's row (the
    engine then evaluates the formula row by row)."""
    return "range moving with the row" in str(exc)
