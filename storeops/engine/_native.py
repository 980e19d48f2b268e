"""Excel's own functions, vectorised over a formula group.

Each function takes ``(ctx, *args)`` where args are evaluated values (see
``_values``) and returns a scalar or a column of ``ctx.n`` rows.  Criteria functions
(COUNTIFS, SUMIFS, …) handle a criterion that varies per row with one mask per
distinct criterion, or a pandas group-by when there are many distinct values.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ._values import (
    DIV0,
    NA,
    NUM,
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    error_mask,
    is_vec,
    merge_errors,
    number_text,
    to_num,
    to_scalar_or_vec,
    to_text1,
    truth,
    with_errors,
)

_EPOCH_D = np.datetime64("1899-12-30", "D")
_TYPE = np.frompyfunc(type, 1, 1)


# --------------------------------------------------------------------------- helpers
def _n(ctx, *xs) -> bool:
    return any(is_vec(x) or (isinstance(x, Rng) and x.per_row) for x in xs)


def _num_arg(x):
    return to_num(to_scalar_or_vec(x, "range where a number is expected"))


def _numeric_fn(f: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an elementwise numeric function: errors propagate, NaN/inf → #NUM!."""

    def run(ctx, *args):
        vals, errs = zip(*(_num_arg(a) for a in args)) if args else ((), ())
        with np.errstate(all="ignore"):
            out = f(*vals)
        if is_vec(out) and out.dtype.kind == "f":
            bad = ~np.isfinite(out)
            if bad.any():
                e2 = np.full(len(out), None, dtype=object)
                e2[bad] = NUM
                errs = (*errs, e2)
        elif isinstance(out, float) and not math.isfinite(out):
            return merge_errors(*errs, np.array([NUM], dtype=object))[0] if any(e is not None for e in errs) else NUM
        return with_errors(out, merge_errors(*errs))

    return run


def _values_of(args, ctx, numbers_only_refs=True):
    """Per-call aggregation input: (fixed_numbers, per_row_matrix or None, errors)."""
    fixed: list[np.ndarray] = []
    per_row: list[np.ndarray] = []
    errs = []
    for a in args:
        if isinstance(a, Rng):
            if a.per_row:
                per_row.append(a.num)
            else:
                fixed.append(a.flat_num[~np.isnan(a.flat_num)])
                e = error_mask(a.flat_obj)
                if np.any(e):
                    errs.append(np.array([a.flat_obj[np.argmax(e)]], dtype=object))
        elif is_vec(a):
            v, e = to_num(a)
            if a.dtype == object:
                blank = np.fromiter((x is None for x in a), bool, len(a))
                v = np.where(blank, np.nan, v)
            elif a.dtype.kind == "f":
                v = a
            per_row.append(v[:, None])
            errs.append(e)
        elif a is None:
            continue
        else:
            v, e = to_num(a)
            if e is not None:
                errs.append(e)
            else:
                fixed.append(np.array([v]))
    flat = np.concatenate(fixed) if fixed else np.empty(0)
    mat = np.concatenate(per_row, axis=1) if per_row else None
    return flat, mat, merge_errors(*errs)


def _aggregate(fixed_fn, row_fn, empty=0.0):
    def run(ctx, *args):
        flat, mat, errs = _values_of(args, ctx)
        if mat is None:
            out = fixed_fn(flat) if flat.size else empty
            return with_errors(out, errs)
        full = np.concatenate([mat, np.broadcast_to(flat, (mat.shape[0], flat.size))], axis=1) if flat.size else mat
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore")
            out = row_fn(full)
        return with_errors(out, errs)

    return run


def _avg_fixed(a):
    return float(a.mean()) if a.size else DIV0


def _avg_rows(m):
    cnt = (~np.isnan(m)).sum(axis=1)
    s = np.nansum(m, axis=1)
    out = np.where(cnt > 0, s / np.maximum(cnt, 1), np.nan)
    if (cnt == 0).any():
        o = out.astype(object)
        o[cnt == 0] = DIV0
        return o
    return out


# --------------------------------------------------------------------------- logic
def IF(ctx, cond, a=True, b=False):
    c, ce = truth(_scalar_or_vec(cond))
    if a is _MISSING:
        a = 0.0
    if b is _MISSING:
        b = 0.0
    a, b = _scalar_or_vec(a), _scalar_or_vec(b)
    if not is_vec(c):
        out = a if c else b
        return with_errors(out, ce)
    return with_errors(_where(c, a, b, ctx.n), ce)


_MISSING = object()


def _scalar_or_vec(x):
    return to_scalar_or_vec(x, "range where one value is expected")


def _where(c, a, b, n):
    if (
        (is_vec(a) and a.dtype == object)
        or (is_vec(b) and b.dtype == object)
        or type(_kind(a)) is not type(_kind(b))
        or _kind(a) != _kind(b)
    ):
        return np.where(c, as_object(a, n), as_object(b, n))
    return np.where(c, a, b)


def _kind(x):
    if is_vec(x):
        return x.dtype.kind
    if isinstance(x, (bool, np.bool_)):
        return "b"
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return "f"
    return "O"


def IFERROR(ctx, x, alt):
    x, alt = _scalar_or_vec(x), _scalar_or_vec(alt)
    m = error_mask(x)
    if not is_vec(m):
        return alt if m else x
    if not m.any():
        return x
    return np.where(m, as_object(alt, ctx.n), as_object(x, ctx.n))


def IFNA(ctx, x, alt):
    x, alt = _scalar_or_vec(x), _scalar_or_vec(alt)
    if is_vec(x):
        m = np.fromiter((v is NA or (isinstance(v, XLErr) and v == "#N/A") for v in as_object(x, ctx.n)), bool, ctx.n)
        return np.where(m, as_object(alt, ctx.n), as_object(x, ctx.n)) if m.any() else x
    return alt if isinstance(x, XLErr) and x == "#N/A" else x


def IFS(ctx, *args):
    if len(args) % 2:
        raise Unsupported("IFS needs pairs")
    out = NA
    for cond, val in reversed(list(zip(args[0::2], args[1::2]))):
        out = IF(ctx, cond, val, out)
    return out


def AND(ctx, *args):
    return _logic(ctx, args, all)


def OR(ctx, *args):
    return _logic(ctx, args, any)


def _logic(ctx, args, how):
    cols, errs = [], []
    for a in args:
        if isinstance(a, Rng) and not a.per_row:
            t, e = truth(a.flat_obj[np.not_equal(a.flat_obj, None)]) if a.flat_obj.size else (np.zeros(0, bool), None)
            cols.append(bool(how(t)) if np.size(t) else how([]))
            continue
        t, e = truth(_scalar_or_vec(a))
        cols.append(t)
        errs.append(e)
    if any(is_vec(c) for c in cols):
        mat = np.column_stack([np.broadcast_to(c, (ctx.n,)) for c in cols])
        out = mat.all(axis=1) if how is all else mat.any(axis=1)
    else:
        out = how(bool(c) for c in cols)
    return with_errors(out, merge_errors(*errs))


def NOT(ctx, x):
    t, e = truth(_scalar_or_vec(x))
    return with_errors(~t if is_vec(t) else (not t), e)


# --------------------------------------------------------------------------- information
def ISBLANK(ctx, x):
    x = _scalar_or_vec(x)
    if is_vec(x):
        if x.dtype.kind == "f":
            return np.isnan(x)
        if x.dtype == object:
            return np.fromiter((v is None for v in x), bool, len(x))
        return np.zeros(len(x), bool)
    return x is None


def ISNUMBER(ctx, x):
    x = _scalar_or_vec(x)
    if is_vec(x):
        if x.dtype.kind == "f":
            return ~np.isnan(x)
        if x.dtype.kind in "iu":
            return np.ones(len(x), bool)
        return np.fromiter(
            (isinstance(v, (int, float)) and not isinstance(v, bool) and v == v for v in x), bool, len(x)
        )
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x


def ISTEXT(ctx, x):
    x = _scalar_or_vec(x)
    if is_vec(x):
        if x.dtype != object:
            return np.zeros(len(x), bool)
        return np.fromiter((isinstance(v, str) and not isinstance(v, XLErr) for v in x), bool, len(x))
    return isinstance(x, str) and not isinstance(x, XLErr)


def ISERROR(ctx, x):
    return error_mask(_scalar_or_vec(x))


# --------------------------------------------------------------------------- math
def _round_half_away(x, d):
    f = np.power(10.0, d)
    return np.sign(x) * np.floor(np.abs(x) * f + 0.5 + 1e-9) / f


def _round(x, d=0.0):
    return _round_half_away(x, np.trunc(d))


def _roundup(x, d=0.0):
    f = np.power(10.0, np.trunc(d))
    return np.sign(x) * np.ceil(np.round(np.abs(x) * f, 9)) / f


def _rounddown(x, d=0.0):
    f = np.power(10.0, np.trunc(d))
    return np.sign(x) * np.floor(np.round(np.abs(x) * f, 9)) / f


def _scalarize(f):
    def g(*a):
        out = f(*a)
        if isinstance(out, np.ndarray) and out.ndim == 0:
            return float(out)
        if isinstance(out, np.floating):
            return float(out)
        return out

    return g


ROUND = _numeric_fn(_scalarize(_round))
ROUNDUP = _numeric_fn(_scalarize(_roundup))
ROUNDDOWN = _numeric_fn(_scalarize(_rounddown))
ABS = _numeric_fn(_scalarize(np.abs))
INT = _numeric_fn(_scalarize(np.floor))


def _mod(a, b):
    with np.errstate(all="ignore"):
        return a - b * np.floor(a / b)


MOD = _numeric_fn(_scalarize(_mod))

SUM = _aggregate(lambda a: float(a.sum()), lambda m: np.nansum(m, axis=1))
AVERAGE = _aggregate(_avg_fixed, _avg_rows, DIV0)
MIN = _aggregate(lambda a: float(a.min()), lambda m: np.nan_to_num(np.nanmin(m, axis=1), nan=0.0))
MAX = _aggregate(lambda a: float(a.max()), lambda m: np.nan_to_num(np.nanmax(m, axis=1), nan=0.0))
MEDIAN = _aggregate(lambda a: float(np.median(a)), lambda m: np.nanmedian(m, axis=1), NUM)
COUNT = _aggregate(lambda a: float(a.size), lambda m: (~np.isnan(m)).sum(axis=1).astype(float))


def COUNTA(ctx, *args):
    fixed, rows = 0, None
    for a in args:
        if isinstance(a, Rng):
            cnt = np.fromiter((v is not None for v in a.flat_obj), bool, a.flat_obj.size).reshape(a.obj.shape)
            if a.per_row:
                rows = cnt.sum(axis=1) + (rows if rows is not None else 0)
            else:
                fixed += int(cnt.sum())
        elif is_vec(a):
            c = ~ISBLANK(ctx, a)
            rows = c.astype(int) + (rows if rows is not None else 0)
        elif a is not None:
            fixed += 1
    return float(fixed) if rows is None else (rows + fixed).astype(float)


def _range_arg(x) -> Rng:
    if isinstance(x, Rng):
        return x
    if is_vec(x):
        raise Unsupported("per-row array where a range is expected")
    o = np.array([[x]], dtype=object)
    v, e = to_num(x)
    return Rng(o, np.array([[v if e is None and not isinstance(x, str) and x is not None else np.nan]]))


def SUMPRODUCT(ctx, *args):
    arrays = []
    for a in args:
        if isinstance(a, Rng):
            if a.per_row:
                raise Unsupported("SUMPRODUCT over per-row ranges")
            arrays.append(np.nan_to_num(a.flat_num, nan=0.0))
        else:
            raise Unsupported("SUMPRODUCT of non-range")
    if not arrays:
        return 0.0
    n = arrays[0].size
    if any(x.size != n for x in arrays):
        return VALUE
    return float(np.prod(np.vstack(arrays), axis=0).sum())


def _kth(largest: bool):
    def run(ctx, rng, k):
        r = _range_arg(rng)
        if r.per_row:
            raise Unsupported("LARGE/SMALL over per-row ranges")
        vals = np.sort(r.flat_num[~np.isnan(r.flat_num)])
        kk, e = _num_arg(k)
        kk = np.asarray(kk)
        idx = np.trunc(kk).astype(np.int64)
        ok = (idx >= 1) & (idx <= vals.size)
        pos = vals.size - idx if largest else idx - 1
        pos = np.clip(pos, 0, max(vals.size - 1, 0))
        out = vals[pos] if vals.size else np.full(np.shape(idx), np.nan)
        if np.ndim(out) == 0:
            return with_errors(float(out) if bool(ok) else NUM, e)
        res = out.astype(object)
        res[~ok] = NUM
        return with_errors(res if (~ok).any() else out, e)

    return run


LARGE = _kth(True)
SMALL = _kth(False)


def RANK(ctx, x, rng, order=0.0):
    r = _range_arg(rng)
    vals = np.sort(r.flat_num[~np.isnan(r.flat_num)])
    xv, e = _num_arg(x)
    o, _ = _num_arg(order)
    if is_vec(o):
        raise Unsupported("RANK order per row")
    xa = np.atleast_1d(np.asarray(xv, dtype=float))
    if o:
        rank = np.searchsorted(vals, xa, "left") + 1
    else:
        rank = vals.size - np.searchsorted(vals, xa, "right") + 1
    present = np.isin(xa, vals)
    out = rank.astype(float).astype(object)
    out[~present] = NA
    if present.all():
        out = rank.astype(float)
    if not is_vec(xv):
        return with_errors(out[0], e)
    return with_errors(out, e)


# --------------------------------------------------------------------------- criteria
_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)


class _Crit:
    def __init__(self, c: Any):
        if isinstance(c, (bool, np.bool_)):
            self.op, self.num, self.text, self.wild = "=", None, "TRUE" if c else "FALSE", None
            self.bool = bool(c)
            return
        self.bool = None
        if c is None:  # a blank criterion cell means 0 in Excel
            c = 0.0
        if isinstance(c, (int, float, np.integer, np.floating)):
            f = float(c)
            self.op, self.num, self.text, self.wild = "=", (0.0 if f != f else f), None, None
            return
        m = _OP.match(str(c))
        self.op = m.group(1) or "="
        rest = m.group(2)
        try:
            self.num = float(rest.strip().replace(",", "")) if rest.strip() else None
        except ValueError:
            self.num = None
        self.text = rest.casefold()
        self.wild = None
        if self.num is None and self.op in ("=", "<>") and re.search(r"(?<!~)[*?]", rest):
            pat = ""
            i = 0
            while i < len(rest):
                ch = rest[i]
                if ch == "~" and i + 1 < len(rest):
                    pat += re.escape(rest[i + 1])
                    i += 2
                    continue
                pat += ".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
                i += 1
            self.wild = re.compile(pat + r"\Z", re.I | re.S)

    def mask(self, keys: _Keys) -> np.ndarray:
        op = self.op
        if self.bool is not None:
            m = keys.bool_eq(self.bool)
            return ~m if op == "<>" else m
        if self.num is not None:
            num = keys.num
            with np.errstate(invalid="ignore"):
                m = {
                    "=": num == self.num,
                    "<>": ~(num == self.num),
                    "<": num < self.num,
                    ">": num > self.num,
                    "<=": num <= self.num,
                    ">=": num >= self.num,
                }[op]
            if op == "=" or op == "<>":
                tm = keys.text_eq(self.text)  # a text cell "5" matches 5
                m = (m | tm) if op == "=" else (m & ~tm)
            return m
        if self.text == "" and op == "=":
            return keys.blank | keys.text_eq("")  # Excel: blank cells and empty text, not numbers or TRUE/FALSE
        if self.text == "" and op == "<>":
            return ~keys.blank
        if self.wild is not None:
            m = keys.match(self.wild)
            return m if op == "=" else ~m
        if op in ("=", "<>"):
            m = keys.text_eq(self.text)
            return m if op == "=" else ~m
        return keys.text_cmp(op, self.text)


#: infer_dtype answers (skipping missing values) that rule out booleans and mix at most numbers or texts
_PLAIN = {"string": True, "floating": False, "integer": False, "mixed-integer-float": False, "empty": False}


def _type_tags(o: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per value: is a boolean, is blank (``None``), is text (a ``str``), without a Python loop."""
    n = o.size
    plain = _PLAIN.get(pd.api.types.infer_dtype(o, skipna=True)) if n else False
    if plain is not None:
        missing = pd.isna(o)  # only these can be None; the others are all texts or all numbers
        istext = ~missing if plain else np.zeros(n, bool)
        blank = np.zeros(n, bool)
        idx = np.flatnonzero(missing)
        if idx.size:
            blank[idx] = _TYPE(o[idx]) == type(None)  # noqa: E721 - element-wise over an array of types
        return np.zeros(n, bool), blank, istext
    tcodes, tuniq = pd.factorize(_TYPE(o))
    kinds = [(issubclass(t, (bool, np.bool_)), t is type(None), issubclass(t, str)) for t in tuniq]
    return tuple(np.array([k[j] for k in kinds] + [False], bool)[tcodes] for j in range(3))


class _Keys:
    """A criteria range prepared once: numbers, case-folded texts, blanks.

    Texts are factorized: ``tcode`` holds, per cell, the index of its case-folded text
    in ``texts`` (-1 for cells that are not text), so equality is an integer compare and
    wildcards / ordering tests run once per distinct text.
    """

    def __init__(self, r: Rng):
        o = r.flat_obj
        n = o.size
        isb, self.blank, self.istext = _type_tags(o)
        self.num = r.flat_num.copy()
        self.bcode = np.full(n, -1, np.int8)  # -1 not a boolean, 0 FALSE, 1 TRUE
        if isb.any():
            self.num[isb] = np.nan
            self.bcode[isb] = o[isb].astype(bool).astype(np.int8)
        self.tcode = np.full(n, -1, np.intp)
        self.texts = np.empty(0, dtype=object)
        if self.istext.any():
            codes, uniq = pd.factorize(o[self.istext])
            folded = np.array([str.casefold(v) for v in uniq], dtype=object)
            fcodes, funiq = pd.factorize(folded)
            self.tcode[self.istext] = np.asarray(fcodes)[codes]
            self.texts = np.asarray(funiq, dtype=object)
        self._where = {t: i for i, t in enumerate(self.texts.tolist())}
        self._eq: dict[str, np.ndarray] = {}
        self._textv = None

    @property
    def textv(self) -> np.ndarray:
        """Case-folded text per cell ("" where the cell is not text)."""
        if self._textv is None:
            self._textv = np.append(self.texts, "")[self.tcode]
        return self._textv

    def _per_text(self, hits: np.ndarray) -> np.ndarray:
        """Spread a boolean per distinct text to the cells (False for non-text cells)."""
        return np.append(np.asarray(hits, bool), False)[self.tcode]

    def text_eq(self, t: str) -> np.ndarray:
        m = self._eq.get(t)
        if m is None:
            i = self._where.get(t)
            m = np.zeros(self.tcode.size, bool) if i is None else self.tcode == i
            self._eq[t] = m
        return m

    def bool_eq(self, b: bool) -> np.ndarray:
        return self.bcode == int(b)

    def match(self, pat) -> np.ndarray:
        return self._per_text([bool(pat.match(v)) for v in self.texts.tolist()])

    def text_cmp(self, op: str, t: str) -> np.ndarray:
        """Text cells whose case-folded text compares to ``t`` (ordering operators)."""
        f = {"<": str.__lt__, ">": str.__gt__, "<=": str.__le__, ">=": str.__ge__}[op]
        return self._per_text([f(v, t) for v in self.texts.tolist()])


def _keys(ctx, r: Rng) -> _Keys:
    cache = ctx.cache
    ck = ("keys", r.key) if r.key is not None else ("keys", id(r.obj))
    k = cache.get(ck)
    if k is None or k[0] is not r.obj:
        k = (r.obj, _Keys(r))
        cache[ck] = k
    return k[1]


def _criteria(ctx, pairs, value_rng: Rng | None, how: str):
    """Evaluate an *IFS aggregate; criteria may vary per row."""
    keys, crits = [], []
    size = None
    for rng, crit in pairs:
        r = _range_arg(rng)
        if r.per_row:
            raise Unsupported("criteria range per row")
        if size is None:
            size = r.flat_obj.size
        elif r.flat_obj.size != size:
            return VALUE
        keys.append(_keys(ctx, r))
        crits.append(_scalar_or_vec(crit))
    vals = None
    if value_rng is not None:
        vr = _range_arg(value_rng)
        if vr.flat_obj.size != size:
            return VALUE
        vals = vr.flat_num
    vec_idx = [i for i, c in enumerate(crits) if is_vec(c)]

    def agg(mask):
        if how == "count":
            return float(np.count_nonzero(mask))
        v = vals[mask]
        v = v[~np.isnan(v)]
        if how == "sum":
            return float(v.sum())
        if how == "avg":
            return float(v.mean()) if v.size else DIV0
        if how == "min":
            return float(v.min()) if v.size else 0.0
        if how == "max":
            return float(v.max()) if v.size else 0.0
        raise Unsupported(how)

    fixed_mask = np.ones(size or 0, bool)
    for i, c in enumerate(crits):
        if i not in vec_idx:
            fixed_mask &= _Crit(c).mask(keys[i])
    if not vec_idx:
        return agg(fixed_mask)
    # per-row criteria: factorize the combinations
    codes = []
    uniques = []
    for i in vec_idx:
        col = as_object(crits[i], ctx.n)
        norm = [
            (
                ("n", float(v))
                if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v
                else ("s", v.casefold())
                if isinstance(v, str)
                else ("b", v)
                if isinstance(v, bool)
                else ("s", "")
            )
            for v in col
        ]
        cd, un = pd.factorize(pd.Series(norm, dtype=object), sort=False)
        codes.append(cd)
        first = {}
        for j, code in enumerate(cd):
            if code not in first:
                first[code] = col[j]
        uniques.append([first[k] for k in range(len(un))])
    combo = codes[0].astype(np.int64)
    for cd, un in zip(codes[1:], uniques[1:]):
        combo = combo * len(un) + cd
    ucombo, inv = np.unique(combo, return_inverse=True)
    results = np.empty(len(ucombo), dtype=object)
    simple_eq = all(_Crit(u).op == "=" and _Crit(u).wild is None for un in uniques for u in un[:50])
    if len(ucombo) > 256 and simple_eq and how in ("count", "sum"):
        return _criteria_groupby(ctx, keys, crits, vec_idx, fixed_mask, vals, how)
    for j, cval in enumerate(ucombo):
        mask = fixed_mask.copy()
        rest = int(cval)
        picks = []
        for un in reversed(uniques):
            rest, k = divmod(rest, len(un))
            picks.append(un[k])
        picks.reverse()
        for i, u in zip(vec_idx, picks):
            mask &= _Crit(u).mask(keys[i])
        results[j] = agg(mask)
    out = results[inv]
    if all(isinstance(v, float) for v in results):
        return out.astype(np.float64)
    return out


def _criteria_groupby(ctx, keys, crits, vec_idx, fixed_mask, vals, how):
    """Many distinct equality criteria: one group-by over the range instead of a mask each."""

    def norm_keys(k: _Keys):
        return np.where(k.istext, k.textv, np.where(np.isnan(k.num), "", k.num.astype(str)))

    frame = {f"k{i}": norm_keys(keys[i])[fixed_mask] for i in vec_idx}
    df = pd.DataFrame(frame)
    if how == "sum":
        df["v"] = np.nan_to_num(vals[fixed_mask], nan=0.0)
        g = df.groupby([f"k{i}" for i in vec_idx], sort=False)["v"].sum()
    else:
        g = df.groupby([f"k{i}" for i in vec_idx], sort=False).size().astype(float)
    q = {}
    for i in vec_idx:
        col = as_object(crits[i], ctx.n)
        q[f"k{i}"] = np.array(
            [v.casefold() if isinstance(v, str) else "" if v is None else str(float(v)) for v in col], dtype=object
        )
    qdf = pd.DataFrame(q)
    idx = pd.MultiIndex.from_frame(qdf) if len(vec_idx) > 1 else pd.Index(qdf.iloc[:, 0])
    return g.reindex(idx).fillna(0.0).to_numpy(dtype=np.float64)


def COUNTIFS(ctx, *args):
    return _criteria(ctx, list(zip(args[0::2], args[1::2])), None, "count")


def COUNTIF(ctx, rng, crit):
    return _criteria(ctx, [(rng, crit)], None, "count")


def SUMIFS(ctx, sum_rng, *args):
    return _criteria(ctx, list(zip(args[0::2], args[1::2])), sum_rng, "sum")


def SUMIF(ctx, rng, crit, sum_rng=None):
    return _criteria(ctx, [(rng, crit)], sum_rng if sum_rng is not None else rng, "sum")


def AVERAGEIFS(ctx, rng, *args):
    return _criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "avg")


def AVERAGEIF(ctx, rng, crit, avg_rng=None):
    return _criteria(ctx, [(rng, crit)], avg_rng if avg_rng is not None else rng, "avg")


def MINIFS(ctx, rng, *args):
    return _criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "min")


def MAXIFS(ctx, rng, *args):
    return _criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "max")


# --------------------------------------------------------------------------- lookup
def _lookup_keys(o: np.ndarray) -> list:
    return [
        ("s", v.casefold())
        if isinstance(v, str)
        else ("n", float(v))
        if isinstance(v, (int, float)) and not isinstance(v, bool)
        else ("b", v)
        if isinstance(v, bool)
        else ("z", None)
        for v in o
    ]


def _exact_positions(ctx, needles, hay: Rng) -> Any:
    key = ("pos", hay.key if hay.key is not None else id(hay.obj))
    ent = ctx.cache.get(key)
    if ent is None or ent[0] is not hay.obj:
        idx = pd.Index(_lookup_keys(hay.flat_obj))
        ent = (hay.obj, idx)
        ctx.cache[key] = ent
    idx = ent[1]
    scalar = not is_vec(needles)
    col = as_object(needles, 1 if scalar else len(needles))
    q = _lookup_keys(col)
    if idx.is_unique:
        pos = idx.get_indexer(q)
    else:
        first = pd.Series(np.arange(len(idx)), index=idx)
        first = first[~first.index.duplicated()]
        pos = first.reindex(q).fillna(-1).to_numpy(dtype=np.int64)
    return pos[0] if scalar else pos


def MATCH(ctx, x, rng, kind=1.0):
    r = _range_arg(rng)
    k, _ = _num_arg(kind)
    if is_vec(k):
        raise Unsupported("MATCH type per row")
    x = _scalar_or_vec(x)
    if k == 0:
        if (
            isinstance(x, str)
            and re.search(r"[*?]", x)
            or (is_vec(x) and x.dtype == object and any(isinstance(v, str) and re.search(r"[*?~]", v) for v in x))
        ):
            raise Unsupported("MATCH with wildcards")
        pos = _exact_positions(ctx, x, r)
        if not is_vec(pos):
            return NA if pos < 0 else float(pos + 1)
        out = (pos + 1).astype(float)
        if (pos < 0).any():
            o = out.astype(object)
            o[pos < 0] = NA
            return o
        return out
    vals = r.flat_num
    xv, e = _num_arg(x)
    if k > 0:
        p = np.searchsorted(vals, xv, "right")
    else:
        raise Unsupported("MATCH -1")
    if not is_vec(p):
        return NA if p == 0 else float(p)
    o = p.astype(float).astype(object)
    o[p == 0] = NA
    return o if (p == 0).any() else p.astype(float)


def INDEX(ctx, rng, row, col=None):
    r = _range_arg(rng)
    if r.per_row:
        raise Unsupported("INDEX over per-row range")
    h, w = r.obj.shape
    rv, e1 = _num_arg(row)
    cv, e2 = _num_arg(col) if col is not None and col is not _MISSING else ((1.0 if w > 1 or h == 1 else 0.0), None)
    if h == 1 and (col is None or col is _MISSING):
        rv, cv = 1.0, rv
    rr = np.asarray(rv).astype(np.int64)
    cc = np.asarray(cv).astype(np.int64)
    rr = np.where(rr == 0, 1, rr) if h == 1 else rr
    cc = np.where(cc == 0, 1, cc)
    ok = (rr >= 1) & (rr <= h) & (cc >= 1) & (cc <= w)
    ri = np.clip(rr - 1, 0, h - 1)
    ci = np.clip(cc - 1, 0, w - 1)
    out = r.obj[ri, ci]
    if np.ndim(out) == 0:
        v = out if bool(ok) else XLErr("#REF!")
        return with_errors(0.0 if v is None else v, merge_errors(e1, e2))
    out = out.copy()
    out[~ok] = XLErr("#REF!")
    out[np.equal(out, None)] = 0.0
    return with_errors(out, merge_errors(e1, e2))


def XLOOKUP(ctx, x, look, ret, not_found=_MISSING, *rest):
    if rest and any(a is not _MISSING for a in rest):
        raise Unsupported("XLOOKUP match/search modes")
    lr, rr = _range_arg(look), _range_arg(ret)
    if lr.flat_obj.size != rr.obj.shape[0] and lr.flat_obj.size != rr.obj.size:
        return VALUE
    x = _scalar_or_vec(x)
    pos = _exact_positions(ctx, x, lr)
    src = rr.obj[:, 0] if rr.obj.shape[0] == lr.flat_obj.size else rr.flat_obj
    nf = NA if not_found is _MISSING else _scalar_or_vec(not_found)
    if not is_vec(pos):
        if pos < 0:
            return nf
        v = src[pos]
        return 0.0 if v is None else v
    out = src[np.clip(pos, 0, max(src.size - 1, 0))].copy() if src.size else np.full(len(pos), None, object)
    out[np.equal(out, None)] = 0.0
    miss = pos < 0
    if miss.any():
        out[miss] = as_object(nf, len(pos))[miss]
    return out


VLOOKUP_EXACT = None


def VLOOKUP(ctx, x, table, col, exact=True):
    t = _range_arg(table)
    e, _ = truth(_scalar_or_vec(exact)) if exact is not _MISSING else (True, None)
    if is_vec(e) or e:
        raise Unsupported("VLOOKUP approximate")
    c, _ = _num_arg(col)
    if is_vec(c):
        raise Unsupported("VLOOKUP column per row")
    first = t.column(0)
    return XLOOKUP(ctx, x, first, t.column(int(c) - 1))


# --------------------------------------------------------------------------- text
def _text_map(f, x, ctx):
    x = _scalar_or_vec(x)
    if is_vec(x):
        o = as_object(x, ctx.n)
        return np.array([v if isinstance(v, XLErr) else f(to_text1(v)) for v in o], dtype=object)
    return x if isinstance(x, XLErr) else f(to_text1(x))


def LEN(ctx, x):
    out = _text_map(lambda s: float(len(s)), x, ctx)
    if is_vec(out) and not error_mask(out).any():
        return out.astype(np.float64)
    return out


def LEFT(ctx, x, n=1.0):
    nv, e = _num_arg(n)
    if is_vec(nv):
        o = as_object(_scalar_or_vec(x), ctx.n)
        return with_errors(
            np.array(
                [v if isinstance(v, XLErr) else to_text1(v)[: max(int(k), 0)] for v, k in zip(o, nv)], dtype=object
            ),
            e,
        )
    return with_errors(_text_map(lambda s: s[: max(int(nv), 0)], x, ctx), e)


def RIGHT(ctx, x, n=1.0):
    nv, e = _num_arg(n)
    if is_vec(nv):
        raise Unsupported("RIGHT count per row")
    k = max(int(nv), 0)
    return with_errors(_text_map(lambda s: s[len(s) - k :] if k else "", x, ctx), e)


def TRIM(ctx, x):
    return _text_map(lambda s: re.sub(" +", " ", s.strip(" ")), x, ctx)


def UPPER(ctx, x):
    return _text_map(str.upper, x, ctx)


def LOWER(ctx, x):
    return _text_map(str.lower, x, ctx)


def CONCAT(ctx, *args):
    parts = []
    for a in args:
        if isinstance(a, Rng) and not a.per_row:
            parts.append("".join(to_text1(v) for v in a.flat_obj))
        else:
            parts.append(_scalar_or_vec(a))
    out: Any = ""
    for p in parts:
        out = _concat2(ctx, out, p)
    return out


CONCATENATE = CONCAT


def _concat2(ctx, a, b):
    if not is_vec(a) and not is_vec(b):
        if isinstance(a, XLErr):
            return a
        if isinstance(b, XLErr):
            return b
        return to_text1(a) + to_text1(b)
    ao, bo = as_object(a, ctx.n), as_object(b, ctx.n)
    return np.array(
        [
            x if isinstance(x, XLErr) else y if isinstance(y, XLErr) else to_text1(x) + to_text1(y)
            for x, y in zip(ao, bo)
        ],
        dtype=object,
    )


def VALUE_(ctx, x):
    def one(v):
        if isinstance(v, XLErr):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        if v is None:
            return 0.0
        from storeops_xl._coerce import _date_text_to_serial, _parse_number_text

        s = str(v)
        f = _parse_number_text(s)
        if f is None or (isinstance(f, float) and math.isnan(f) and s.strip()):
            d = _date_text_to_serial(s)
            return VALUE if d is None or math.isnan(d) else d
        return 0.0 if math.isnan(f) else f

    x = _scalar_or_vec(x)
    if is_vec(x):
        out = np.array([one(v) for v in as_object(x, ctx.n)], dtype=object)
        return out.astype(np.float64) if not error_mask(out).any() else out
    return one(x)


def _text_fmt(v: Any, fmt: str) -> Any:
    if isinstance(v, XLErr):
        return v
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return v
    if v is None:
        v = 0.0
    v = float(v)
    f = fmt.strip()
    low = f.lower()
    if re.fullmatch(r"[#,0]*0(\.0+)?%?", f) or re.fullmatch(r"#,##0(\.0+)?", f) or f == "0":
        pct = f.endswith("%")
        core = f.rstrip("%")
        dec = len(core.split(".")[1]) if "." in core else 0
        x = v * 100 if pct else v
        x = float(_round_half_away(np.array(x), dec))
        s = f"{x:,.{dec}f}" if "," in core else f"{x:.{dec}f}"
        return s + ("%" if pct else "")
    if low == "general" or low == "@":
        return number_text(v)
    if re.fullmatch(r"[ymdhs:/\-. 年月日\"]+", low.replace("am/pm", "")):
        return _date_fmt(v, f)
    raise Unsupported(f"TEXT format {fmt!r}")


def _date_fmt(serial: float, fmt: str) -> str:
    when = _dt.datetime(1899, 12, 30) + _dt.timedelta(days=serial)
    out, low = [], fmt.lower()
    tokens = re.findall(r'"[^"]*"|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|.', low)
    prev_h = False
    for j, t in enumerate(tokens):
        nxt = next((x for x in tokens[j + 1 :] if x.strip(":/-. ")), "")
        if t.startswith('"'):
            out.append(t[1:-1])
        elif t == "yyyy":
            out.append(f"{when.year:04d}")
        elif t == "yy":
            out.append(f"{when.year % 100:02d}")
        elif t in ("mm", "m"):
            minute = prev_h or nxt.startswith("s")
            val = when.minute if minute else when.month
            out.append(f"{val:02d}" if t == "mm" else str(val))
        elif t == "mmm":
            out.append(when.strftime("%b"))
        elif t == "mmmm":
            out.append(when.strftime("%B"))
        elif t == "dd":
            out.append(f"{when.day:02d}")
        elif t == "d":
            out.append(str(when.day))
        elif t == "ddd":
            out.append(when.strftime("%a"))
        elif t == "dddd":
            out.append(when.strftime("%A"))
        elif t == "hh":
            out.append(f"{when.hour:02d}")
        elif t == "h":
            out.append(str(when.hour))
        elif t == "ss":
            out.append(f"{when.second:02d}")
        elif t == "s":
            out.append(str(when.second))
        else:
            out.append(t)
        if t.strip(":/-. "):
            prev_h = t in ("hh", "h")
    return "".join(out)


def TEXT(ctx, x, fmt):
    fmt = _scalar_or_vec(fmt)
    if is_vec(fmt):
        raise Unsupported("TEXT format per row")
    x = _scalar_or_vec(x)
    if is_vec(x):
        return np.array([_text_fmt(v, str(fmt)) for v in as_object(x, ctx.n)], dtype=object)
    return _text_fmt(x, str(fmt))


# --------------------------------------------------------------------------- dates
def _days(serial: np.ndarray) -> np.ndarray:
    return _EPOCH_D + np.floor(serial).astype(np.int64).astype("timedelta64[D]")


def _serial_of(d: np.ndarray) -> np.ndarray:
    return (d.astype("datetime64[D]") - _EPOCH_D).astype(np.int64).astype(np.float64)


def _date_part(kind):
    def f(s):
        a = np.atleast_1d(np.asarray(s, dtype=float))
        bad = a < 0
        d = _days(np.where(bad, 0, a))
        if kind == "y":
            out = d.astype("datetime64[Y]").astype(np.int64) + 1970
        elif kind == "m":
            out = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
        else:
            out = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
        out = out.astype(np.float64)
        out[bad] = np.nan
        return out if np.ndim(s) else float(out[0])

    return f


YEAR = _numeric_fn(_date_part("y"))
MONTH = _numeric_fn(_date_part("m"))
DAY = _numeric_fn(_date_part("d"))


def _date(y, m, d):
    y, m, d = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (y, m, d))
    y = np.where(y < 1900, y + 1900, y)
    months = (np.trunc(y).astype(np.int64) - 1970) * 12 + np.trunc(m).astype(np.int64) - 1
    base = months.astype("datetime64[M]").astype("datetime64[D]")
    out = _serial_of(base) + np.trunc(d) - 1
    return out if out.size > 1 or np.ndim(y) > 1 else out


def DATE(ctx, y, m, d):
    vals, errs = zip(*(_num_arg(a) for a in (y, m, d)))
    out = _date(*vals)
    scalar = not any(is_vec(v) for v in vals)
    return with_errors(float(out[0]) if scalar else out, merge_errors(*errs))


def _eomonth(s, m):
    s, m = np.atleast_1d(np.asarray(s, float)), np.atleast_1d(np.asarray(m, float))
    d = _days(s).astype("datetime64[M]") + np.trunc(m).astype(np.int64) + 1
    return _serial_of(d.astype("datetime64[D]")) - 1


def EOMONTH(ctx, s, m):
    (sv, e1), (mv, e2) = _num_arg(s), _num_arg(m)
    out = _eomonth(sv, mv)
    return with_errors(out if is_vec(sv) or is_vec(mv) else float(out[0]), merge_errors(e1, e2))


def EDATE(ctx, s, m):
    (sv, e1), (mv, e2) = _num_arg(s), _num_arg(m)
    sa = np.atleast_1d(np.asarray(sv, float))
    d = _days(sa)
    mon = d.astype("datetime64[M]")
    day = (d - mon.astype("datetime64[D]")).astype(np.int64)
    tgt = mon + np.trunc(np.atleast_1d(mv)).astype(np.int64)
    last = ((tgt + 1).astype("datetime64[D]") - tgt.astype("datetime64[D]")).astype(np.int64) - 1
    out = _serial_of(tgt.astype("datetime64[D]")) + np.minimum(day, last)
    return with_errors(out if is_vec(sv) or is_vec(mv) else float(out[0]), merge_errors(e1, e2))


def _weekday(s, t=1.0):
    s = np.floor(np.asarray(s, float))
    t = np.asarray(t, float)
    # serial 1 (1900-01-01) is a Sunday in Excel's calendar
    sun0 = np.mod(s - 1, 7)  # 0 = Sunday
    out = np.select(
        [t == 1, t == 2, t == 3],
        [sun0 + 1, np.mod(sun0 + 6, 7) + 1, np.mod(sun0 + 6, 7)],
        np.mod(sun0 - (t - 10), 7) + 1,
    )
    return out if np.ndim(out) else float(out)


WEEKDAY = _numeric_fn(_weekday)


def _isoweek(s):
    a = np.atleast_1d(np.asarray(s, float))
    d = pd.to_datetime(_days(a))
    out = np.asarray(d.isocalendar().week, dtype=np.float64)
    return out if np.ndim(s) else float(out[0])


ISOWEEKNUM = _numeric_fn(_isoweek)


def _weeknum(s, t=1.0):
    t = np.asarray(t, float)
    if np.any(t == 21):
        if np.ndim(t):
            raise Unsupported("WEEKNUM type per row")
        return _isoweek(s)
    a = np.floor(np.atleast_1d(np.asarray(s, float)))
    start = np.where(t == 1, 0, np.where(t == 2, 1, np.where(t >= 11, t - 10, 0)))  # 0 = Sunday start
    d = _days(a)
    jan1 = _serial_of(d.astype("datetime64[Y]").astype("datetime64[D]"))
    jan1_wd = np.mod(jan1 - 1, 7)  # 0 = Sunday
    offset = np.mod(jan1_wd - start, 7)
    out = np.floor((a - jan1 + offset) / 7) + 1
    return out if np.ndim(s) else float(out[0])


WEEKNUM = _numeric_fn(_weeknum)


def TODAY(ctx):
    return float(ctx.today)


def NOW(ctx):
    return float(ctx.now)


# --------------------------------------------------------------------------- catalogue
NATIVE: dict[str, Callable[..., Any]] = {
    "IF": IF,
    "IFERROR": IFERROR,
    "IFNA": IFNA,
    "IFS": IFS,
    "AND": AND,
    "OR": OR,
    "NOT": NOT,
    "SUM": SUM,
    "SUMIFS": SUMIFS,
    "SUMIF": SUMIF,
    "COUNTIFS": COUNTIFS,
    "COUNTIF": COUNTIF,
    "COUNTA": COUNTA,
    "COUNT": COUNT,
    "AVERAGE": AVERAGE,
    "AVERAGEIFS": AVERAGEIFS,
    "AVERAGEIF": AVERAGEIF,
    "MIN": MIN,
    "MAX": MAX,
    "MINIFS": MINIFS,
    "MAXIFS": MAXIFS,
    "MEDIAN": MEDIAN,
    "ROUND": ROUND,
    "ROUNDUP": ROUNDUP,
    "ROUNDDOWN": ROUNDDOWN,
    "ABS": ABS,
    "INT": INT,
    "MOD": MOD,
    "TODAY": TODAY,
    "NOW": NOW,
    "DATE": DATE,
    "YEAR": YEAR,
    "MONTH": MONTH,
    "DAY": DAY,
    "EOMONTH": EOMONTH,
    "EDATE": EDATE,
    "WEEKNUM": WEEKNUM,
    "ISOWEEKNUM": ISOWEEKNUM,
    "WEEKDAY": WEEKDAY,
    "INDEX": INDEX,
    "MATCH": MATCH,
    "XLOOKUP": XLOOKUP,
    "VLOOKUP": VLOOKUP,
    "RANK": RANK,
    "RANK.EQ": RANK,
    "ISBLANK": ISBLANK,
    "ISNUMBER": ISNUMBER,
    "ISTEXT": ISTEXT,
    "ISERROR": ISERROR,
    "LEN": LEN,
    "LEFT": LEFT,
    "RIGHT": RIGHT,
    "TRIM": TRIM,
    "UPPER": UPPER,
    "LOWER": LOWER,
    "TEXT": TEXT,
    "CONCAT": CONCAT,
    "CONCATENATE": CONCATENATE,
    "SUMPRODUCT": SUMPRODUCT,
    "LARGE": LARGE,
    "SMALL": SMALL,
    "VALUE": VALUE_,
}
