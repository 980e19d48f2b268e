"""Lookup functions: INDEX, MATCH, VLOOKUP, XLOOKUP.

Exact matches compare like ``=`` does but never across types (the number 1 does not
find the text "1"); texts case-insensitively, with ``*``/``?`` wildcards in MATCH and
VLOOKUP (XLOOKUP only with match mode 2).  Approximate matches (MATCH type 1/-1,
VLOOKUP without FALSE) are Excel's binary search: on values of the lookup value's type
that are sorted they give the last value ≤ (or ≥) the lookup value; on unsorted data
or blanks between the values Excel's answer depends on its search path, so such
formulas are left to Excel.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .._values import NA, REF, VALUE, Rng, Unsupported, XLErr, as_object, is_vec, merge_errors, truth, with_errors
from ._args import MISSING, fixed_int, int_arg, native, range_arg, single, value_key
from .criteria import wildcard


def _index_of(ctx, hay: Rng) -> pd.Series:
    """First position of every distinct key of a lookup range (cached)."""
    ck = ("pos", hay.key if hay.key is not None else id(hay.obj))
    ent = ctx.cache.get(ck)
    if ent is None or ent[0] is not hay.obj:
        idx = pd.Index([value_key(v) for v in hay.flat_obj])
        first = pd.Series(np.arange(len(idx)), index=idx)
        ent = (hay.obj, first[~first.index.duplicated()])
        ctx.cache[ck] = ent
    return ent[1]


def _has_wildcards(v: Any) -> bool:
    return isinstance(v, str) and re.search(r"[*?~]", v) is not None


def exact_positions(ctx, needles: Any, hay: Rng, wild: bool) -> Any:
    """0-based position of each needle in ``hay`` (-1 when absent); an error needle is
    returned as that error, a blank needle finds nothing."""
    scalar = not is_vec(needles)
    col = as_object(needles, 1) if scalar else as_object(needles, len(needles))
    first = _index_of(ctx, hay)
    pos = first.reindex([value_key(v) for v in col]).fillna(-1).to_numpy(dtype=np.int64)
    out = pos.astype(object)
    texts = hay.flat_obj
    for i, v in enumerate(col):
        if isinstance(v, XLErr):
            out[i] = v
        elif v is None:
            out[i] = -1
        elif wild and _has_wildcards(v):
            pat = wildcard(v)
            hit = next((j for j, t in enumerate(texts) if isinstance(t, str) and pat.match(t)), -1)
            out[i] = hit
    if scalar:
        return out[0]
    return out


def _approx(ctx, needles: Any, hay: Rng, descending: bool) -> Any:
    """Binary-search answers on sorted data of the needle's type (else left to Excel)."""
    vals = hay.flat_obj
    last = len(vals)
    while last and vals[last - 1] is None:  # trailing blanks are outside the data
        last -= 1
    vals = vals[:last]
    scalar = not is_vec(needles)
    col = as_object(needles, 1) if scalar else as_object(needles, len(needles))
    out = np.empty(len(col), dtype=object)
    by_type: dict[str, tuple[np.ndarray, list]] = {}
    for i, v in enumerate(col):
        if isinstance(v, XLErr):
            out[i] = v
            continue
        k = value_key(v)
        if k[0] == "z":
            out[i] = NA
            continue
        if k[0] not in by_type:
            same = [j for j, x in enumerate(vals) if value_key(x)[0] == k[0]]
            if len(same) != len(vals):
                raise Unsupported("approximate lookup in data of mixed types or with blanks")
            keys = [value_key(vals[j])[1] for j in same]
            ordered = keys == sorted(keys, reverse=descending)
            if not ordered:
                raise Unsupported("approximate lookup in data that is not sorted")
            by_type[k[0]] = (np.asarray(same), keys)
        pos, keys = by_type[k[0]]
        x = k[1]
        if descending:
            hits = [j for j, y in enumerate(keys) if y >= x]
        else:
            hits = [j for j, y in enumerate(keys) if y <= x]
        out[i] = int(pos[hits[-1]]) if hits else -1
    return out[0] if scalar else out


def _to_result(pos: Any, n: int) -> Any:
    """Positions (0-based, -1 absent, or errors) as MATCH answers."""
    if not is_vec(pos):
        if isinstance(pos, XLErr):
            return pos
        return NA if pos < 0 else float(pos + 1)
    out = np.array([p if isinstance(p, XLErr) else NA if p < 0 else float(p + 1) for p in pos], dtype=object)
    if all(isinstance(v, float) for v in out):
        return out.astype(np.float64)
    return out


def _one_dim(r: Rng) -> Rng | None:
    h, w = r.shape
    if h == 1 or w == 1:
        return r if w == 1 else Rng(r.obj.reshape(-1, 1), r.num.reshape(-1, 1), key=None)
    return None


@native("MATCH", refs=True)
def MATCH(ctx, x, rng, kind=MISSING):
    r = range_arg(rng)
    if r.per_row:
        raise Unsupported("MATCH over a range that moves with the row")
    k = 1.0 if kind is MISSING else fixed_int(ctx, kind, "MATCH type")
    if isinstance(k, XLErr):
        return k
    hay = _one_dim(r)
    x = single(ctx, x)
    if hay is None:
        return NA
    if k == 0:
        pos = exact_positions(ctx, x, hay, wild=True)
    else:
        pos = _approx(ctx, x, hay, descending=k < 0)
    return _to_result(pos, ctx.n)


@native("INDEX", refs=True)
def INDEX(ctx, rng, row, col=MISSING):
    """INDEX of a range: one cell; row or column 0 (a whole row/column) is left to Excel."""
    r = range_arg(rng)
    if r.per_row:
        raise Unsupported("INDEX over a range that moves with the row")
    h, w = r.shape
    rv, e1 = int_arg(ctx, row)
    if col is MISSING:
        if h == 1:
            rv, cv, e2 = np.ones_like(rv) if is_vec(rv) else 1.0, rv, None
        elif w == 1:
            cv, e2 = (np.ones_like(rv) if is_vec(rv) else 1.0), None
        else:  # a block needs both: a negative row is #VALUE! before the missing column is #REF!
            neg = np.atleast_1d(np.asarray(rv) < 0)
            out = np.empty(len(neg), dtype=object)
            out[:] = [VALUE if x else REF for x in neg]
            return with_errors(out if is_vec(rv) else out[0], merge_errors(e1))
    else:
        cv, e2 = int_arg(ctx, col)
    errs = merge_errors(e1, e2)
    # NaN only where the row/column argument is an error, which is then the answer
    ra = np.nan_to_num(np.atleast_1d(rv).astype(np.float64), nan=1.0)
    ca = np.nan_to_num(np.atleast_1d(cv).astype(np.float64), nan=1.0)
    ra, ca = np.broadcast_arrays(ra, ca)
    if ((ra == 0) & (h > 1) | (ca == 0) & (w > 1)).any():
        raise Unsupported("INDEX of a whole row or column")
    ra = np.where(ra == 0, 1, ra)
    ca = np.where(ca == 0, 1, ca)
    neg = (ra < 0) | (ca < 0)
    out_of = (ra > h) | (ca > w)
    ri = np.clip(ra.astype(np.int64) - 1, 0, h - 1)
    ci = np.clip(ca.astype(np.int64) - 1, 0, w - 1)
    r = r.padded(int(ri.max()) + 1 if ri.size else 0)
    got = r.obj[ri, ci].astype(object)
    got[out_of] = REF
    got[neg] = VALUE
    if not is_vec(rv) and not is_vec(cv):
        return with_errors(got[0], errs)
    return with_errors(got, errs)


@native("XLOOKUP", refs=True)
def XLOOKUP(ctx, x, look, ret, not_found=MISSING, match_mode=MISSING, search_mode=MISSING):
    mode = 0.0 if match_mode is MISSING else fixed_int(ctx, match_mode, "XLOOKUP match mode")
    search = 1.0 if search_mode is MISSING else fixed_int(ctx, search_mode, "XLOOKUP search mode")
    for v in (mode, search):
        if isinstance(v, XLErr):
            return v
    if mode not in (0.0, 2.0) or search not in (1.0, -1.0):
        raise Unsupported("XLOOKUP with this match or search mode")
    lr, rr = range_arg(look), range_arg(ret)
    if lr.per_row or rr.per_row:
        raise Unsupported("XLOOKUP over ranges that move with the row")
    hay = _one_dim(lr)
    if hay is None:
        return VALUE
    (lh, lw), (rh, rw) = lr.shape, rr.shape
    if lw == 1 and rh == lh:
        if rw != 1:
            raise Unsupported("XLOOKUP returning several columns")
        src = rr.padded(hay.obj.shape[0]).obj[:, 0]
    elif lh == 1 and rw == lw:
        if rh != 1:
            raise Unsupported("XLOOKUP returning several rows")
        src = rr.obj[0, :]
    else:
        return VALUE
    n_look = hay.obj.shape[0]
    x = single(ctx, x)
    if (is_vec(x) and any(v is None for v in as_object(x, len(x)))) or x is None:
        raise Unsupported("XLOOKUP of a blank value")
    if search == -1.0:
        flipped = Rng(hay.obj[::-1].copy(), hay.num[::-1].copy())
        pos = exact_positions(ctx, x, flipped, wild=mode == 2.0)
        pos = _flip(pos, n_look)
    else:
        pos = exact_positions(ctx, x, hay, wild=mode == 2.0)
    nf = NA if not_found is MISSING else single(ctx, not_found)
    if not is_vec(pos):
        if isinstance(pos, XLErr):
            return pos
        return nf if pos < 0 else src[pos]
    nfo = as_object(nf, len(pos))
    out = np.empty(len(pos), dtype=object)
    for i, p in enumerate(pos):
        out[i] = p if isinstance(p, XLErr) else nfo[i] if p < 0 else src[p]
    return out


def _flip(pos: Any, n: int) -> Any:
    if not is_vec(pos):
        return pos if isinstance(pos, XLErr) or pos < 0 else n - 1 - pos
    return np.array([p if isinstance(p, XLErr) or p < 0 else n - 1 - p for p in pos], dtype=object)


@native("VLOOKUP", refs=True)
def VLOOKUP(ctx, x, table, col, approx=MISSING):
    t = range_arg(table)
    if t.per_row:
        raise Unsupported("VLOOKUP over a range that moves with the row")
    c = fixed_int(ctx, col, "VLOOKUP column")
    if isinstance(c, XLErr):
        return c
    if approx is MISSING:
        exact = False
    else:
        a, ae = truth(single(ctx, approx))
        if is_vec(a):
            raise Unsupported("VLOOKUP match type that changes from row to row")
        if ae is not None:
            return ae[0]
        exact = not a
    x = single(ctx, x)
    if c < 1:
        return VALUE
    if c > t.shape[1]:
        return REF
    first = t.column(0)
    pos = exact_positions(ctx, x, first, wild=True) if exact else _approx(ctx, x, first, descending=False)
    src = t.obj[:, int(c) - 1]
    if not is_vec(pos):
        if isinstance(pos, XLErr):
            return pos
        return NA if pos < 0 else src[pos]
    return np.array([p if isinstance(p, XLErr) else NA if p < 0 else src[p] for p in pos], dtype=object)
