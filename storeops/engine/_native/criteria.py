"""Criteria functions: COUNTIF(S), SUMIF(S), AVERAGEIF(S), MINIFS, MAXIFS.

How Excel matches a criterion (Microsoft's COUNTIFS reference, confirmed by Excel's
cached values):

* a number, or a text that reads as one (``"23"``, ``">=5%"``, ``"<2026-01-01"``),
  compares with the numbers of the range; with ``=``/``<>`` a text cell holding the
  same plain number (``"23"``) matches too.  A reference to an *empty* criterion cell
  means 0;
* TRUE/FALSE, or the texts ``"TRUE"``, ``"<>false"``, ``"<=TRUE"`` …, compare with the
  booleans of the range; an error value (or its text ``"#N/A"``) with the errors;
* any other text compares with the texts, case-insensitively, ``*``/``?`` as
  wildcards and ``~`` escaping them (``=``/``<>`` only);
* ``""`` matches blank cells and empty texts, ``"="`` blank cells only, ``"<>"`` every
  cell that is not blank;
* ``<>x`` matches every cell that ``=x`` does not (blanks, numbers, errors included).

The value range of SUMIF/AVERAGEIF takes the criteria range's shape from its top-left
cell; an error in a matched value cell is the answer.  A criterion that varies per row
uses one mask per distinct criterion, or — for many distinct plain equality criteria
— one grouping of the range's keys.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .._values import (
    DIV0,
    ERROR_CODES,
    MONTH_NAMES,
    VALUE,
    Rng,
    Unsupported,
    XLErr,
    as_object,
    is_vec,
    text_to_number,
    type_masks,
)
from ._args import MISSING, native, range_arg, single, value_key

_OP = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)
_PLAIN = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_SORTABLE = re.compile(r"^[a-z0-9 ]*$")  # texts whose order is the same in Excel and in code points


class Keys:
    """A criteria range prepared once: what kind each cell holds and its key.

    Texts are factorized: ``tcode`` holds, per cell, the index of its case-folded text
    in ``texts`` (-1 for cells that are not text), so equality is an integer compare and
    wildcards / ordering tests run once per distinct text.
    """

    def __init__(self, r: Rng):
        o = r.flat_obj
        n = o.size
        #: cells of the block not stored (blank rows below the sheet's last used row)
        self.unstored = r.blank_rows * r.shape[1]
        kinds = type_masks(o) if n else {k: np.zeros(0, bool) for k in ("num", "str", "bool", "none")}
        self.n = n
        self.blank = kinds["none"]
        self.istext = kinds["str"]
        isb = kinds["bool"]
        self.num = r.flat_num.copy()
        self.num[~kinds["num"]] = np.nan
        self.bcode = np.full(n, -1, np.int8)  # -1 not a boolean, 0 FALSE, 1 TRUE
        if isb.any():
            self.bcode[isb] = o[isb].astype(bool).astype(np.int8)
        iserr = ~(kinds["num"] | self.istext | isb | self.blank)
        self.ecode = np.full(n, -1, np.int8)
        if iserr.any():
            self.ecode[iserr] = [ERROR_CODES.index(str(v)) if str(v) in ERROR_CODES else 99 for v in o[iserr]]
        self.tcode = np.full(n, -1, np.intp)
        self.texts = np.empty(0, dtype=object)
        self._raw: list[str] = []
        if self.istext.any():
            codes, uniq = pd.factorize(o[self.istext])
            folded = np.array([str.casefold(v) for v in uniq], dtype=object)
            fcodes, funiq = pd.factorize(folded)
            self.tcode[self.istext] = np.asarray(fcodes)[codes]
            self.texts = np.asarray(funiq, dtype=object)
            first: dict[int, Any] = {}
            for u, f in zip(uniq.tolist(), np.asarray(fcodes).tolist()):
                first.setdefault(f, u)
            self._raw = [first[i] for i in range(len(funiq))]
        self._where = {t: i for i, t in enumerate(self.texts.tolist())}
        self._eq: dict[str, np.ndarray] = {}
        self._textnum: np.ndarray | None = None

    def _per_text(self, hits) -> np.ndarray:
        """Spread a boolean per distinct text to the cells (False for non-text cells)."""
        return np.append(np.asarray(hits, bool), False)[self.tcode]

    @property
    def text_numbers(self) -> np.ndarray:
        """Per distinct text: the plain number it holds (NaN for none).  A text that reads
        as a number only in Excel's wider sense ("1,234", "5%", a date) makes the match
        uncertain: :class:`Unsupported`."""
        if self._textnum is None:
            out = np.full(len(self._raw), np.nan)
            for i, t in enumerate(self._raw):
                s = t.strip()
                if _PLAIN.match(s):
                    if len(s.lstrip("+-0").replace(".", "").split("e")[0].split("E")[0]) > 15:
                        raise Unsupported(f"criteria range holds the long number text {t!r} (Excel keeps 15 digits)")
                    out[i] = float(s)
                elif text_to_number(t) is not None:
                    raise Unsupported(f"criteria range holds the number-like text {t!r}")
            self._textnum = out
        return self._textnum

    def text_eq(self, t: str) -> np.ndarray:
        m = self._eq.get(t)
        if m is None:
            i = self._where.get(t)
            m = np.zeros(self.n, bool) if i is None else self.tcode == i
            self._eq[t] = m
        return m

    def num_cells_equal(self, x: float) -> np.ndarray:
        """Numbers equal to ``x`` and texts holding that plain number."""
        m = self.num == x
        if self.texts.size:
            m |= self._per_text(self.text_numbers == x)
        return m


def plain_texts(o: np.ndarray) -> np.ndarray:
    """Per value of an object column: whether it is surely a criterion that equals a text
    (``Criterion(v)`` is ``=`` with the case-folded text, no wildcard) — the IDs and names
    per-row criteria hold, found in one vectorised pass: an ASCII text that starts with a
    letter (so no operator, and no number, date or time: the rule of
    :func:`~storeops.engine._values.surely_no_number`), is not TRUE/FALSE and holds no
    ``*``/``?``/``~``.  False means "read it with :class:`Criterion`"
    (``tests/engine/test_criteria_plain.py`` checks the two agree)."""
    out = np.zeros(len(o), bool)
    isstr = type_masks(o)["str"] if len(o) else out
    idx = np.flatnonzero(isstr)
    if not len(idx):
        return out
    s = pd.Series(o[idx], dtype=object)
    ok = s.str.match(r"[A-Za-z][^*?~]*\Z", flags=re.S).to_numpy(dtype=bool, na_value=False)
    ok = ok & np.fromiter((v.isascii() for v in o[idx].tolist()), bool, len(idx))
    lead = s.str.extract(r"^([A-Za-z]+)", expand=False).str.lower()
    ok = ok & ~lead.isin([*MONTH_NAMES, "t"]).to_numpy(dtype=bool)
    ok = ok & ~s.str.strip().str.upper().isin(["TRUE", "FALSE"]).to_numpy(dtype=bool)
    out[idx] = ok
    return out


class Criterion:
    """One criterion value, parsed the way Excel reads it."""

    def __init__(self, c: Any):
        self.op, self.kind, self.wild = "=", "num", None
        self.value: Any = 0.0  # by kind: a number, a bool/error code or a case-folded text
        if c is None or c is MISSING:  # a reference to an empty cell means 0
            return
        if isinstance(c, (bool, np.bool_)):
            self.kind, self.value = "bool", int(bool(c))
            return
        if isinstance(c, XLErr):
            self.kind, self.value = "err", _err_code(c)
            return
        if not isinstance(c, str):
            f = float(c)
            self.value = 0.0 if f != f else f
            return
        m = _OP.match(c)
        assert m is not None  # the pattern matches every text
        op, rest = m.group(1), m.group(2)
        self.op = op or "="
        if rest == "":
            self.kind = {None: "empty", "=": "blank", "<>": "nonblank"}.get(op, "text")
            self.value = ""
            return
        num = text_to_number(rest)
        if num is not None:
            self.value = num
            return
        up = rest.strip().upper()
        if up in ("TRUE", "FALSE"):
            self.kind, self.value = "bool", int(up == "TRUE")
            return
        if up in ERROR_CODES:
            self.kind, self.value = "err", ERROR_CODES.index(up)
            return
        self.kind, self.value = "text", rest.casefold()
        if self.op in ("=", "<>") and re.search(r"[*?~]", rest):
            self.wild = wildcard(rest)

    @classmethod
    def plain(cls, text: str) -> Criterion:
        """The criterion of a text :func:`plain_texts` found plain: what ``Criterion(text)``
        reads (an equality with the text), without reading it."""
        c = cls.__new__(cls)
        c.op, c.kind, c.wild, c.value = "=", "text", None, text.casefold()
        return c

    @property
    def matches_blank(self) -> bool:
        """Whether a blank cell meets this criterion."""
        if self.kind in ("blank", "empty"):
            return True
        return self.op == "<>" and self.kind != "nonblank"

    @property
    def simple(self) -> bool:
        """An equality with a number or a text without wildcards (the group-by path)."""
        return self.op == "=" and self.wild is None and self.kind in ("num", "text")

    def mask(self, keys: Keys) -> np.ndarray:
        op, kind, v = self.op, self.kind, self.value
        if kind == "blank":
            return keys.blank.copy()
        if kind == "empty":
            return keys.blank | keys.text_eq("")
        if kind == "nonblank":
            return ~keys.blank
        if op in ("=", "<>"):
            if kind == "num":
                m = keys.num_cells_equal(v)
                if op == "<>" and keys.texts.size and not np.isnan(keys.text_numbers).all():
                    # Excel's "=" reads "23" in a cell as 23 but its "<>" does not (so "<>" is no
                    # complement there); how exactly is not documented
                    raise Unsupported("<> with a number, over texts that hold numbers")
            elif kind == "bool":
                m = keys.bcode == v
            elif kind == "err":
                m = keys.ecode == v
            elif self.wild is not None:
                m = keys._per_text([self.wild.match(t) is not None for t in keys.texts.tolist()])
            else:
                m = keys.text_eq(v)
            return ~m if op == "<>" else m
        cmp = {"<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal}[op]
        if kind == "num":
            with np.errstate(invalid="ignore"):
                return cmp(keys.num, v) & ~np.isnan(keys.num)
        if kind == "bool":
            return (keys.bcode >= 0) & cmp(keys.bcode, v)
        if kind == "err":
            return np.zeros(keys.n, bool)
        texts = keys.texts.tolist()
        if not _SORTABLE.match(v) or not all(_SORTABLE.match(t) for t in texts):
            raise Unsupported("ordering texts with characters Excel sorts its own way")
        return keys._per_text([cmp(t, v) for t in texts])


#: distinct per-row criteria from which plain equalities are answered by one grouping of
#: the ranges' keys (below it, one mask per distinct criterion is as quick)
GROUP_FROM = 256


def criteria_codes(ctx, col: np.ndarray) -> tuple[np.ndarray, list[Criterion], np.ndarray]:
    """A per-row criterion column as one code per row (rows whose criteria are equal by
    :func:`value_key` share one), the :class:`Criterion` of each code and which of them
    are plain equalities.  Each distinct value is parsed once per recalculation, however
    many formulas take it as a criterion."""
    # the same objects in the same rows (the {buyer_id} column of ten formulas): the same
    # answer; the entry holds the column, so its objects and their addresses stay alive
    seen = ctx.cache.setdefault(("criteria columns",), {})
    ident = col.tobytes() if col.dtype == object else None
    hit = seen.get(ident) if ident is not None else None
    if hit is not None:
        return hit[1:]
    codes, reps, vkeys = _factorize_values(col)
    parsed = ctx.cache.setdefault(("criteria",), {})
    new = [k for k, key in enumerate(vkeys) if key not in parsed]
    if new:  # plain IDs and names (most of a buyer-ID column) are read without a parse each
        todo = np.empty(len(new), dtype=object)
        todo[:] = [reps[k] for k in new]
        for k, rep, plain in zip(new, todo.tolist(), plain_texts(todo).tolist()):
            parsed[vkeys[k]] = Criterion.plain(rep) if plain else Criterion(rep)
    options = [parsed[key] for key in vkeys]
    simple = np.array([c.simple for c in options], bool)
    if ident is not None:
        seen[ident] = (col, codes, options, simple)
    return codes, options, simple


def _factorize_values(o: np.ndarray) -> tuple[np.ndarray, list, list[tuple]]:
    """Codes of an object column under :func:`value_key` equality (texts case-folded,
    numbers by value, blanks and NaN one code), the first value of each code in row order,
    and each code's key.  Texts and numbers are hashed in C; only errors go one by one."""
    n = len(o)
    codes = np.empty(n, np.int64)
    reps: list = []
    vkeys: list[tuple] = []

    def put(idx: np.ndarray, sub: np.ndarray, sub_keys: list[tuple]) -> None:
        _, firstpos = np.unique(sub, return_index=True)
        codes[idx] = sub + len(reps)
        reps.extend(o[idx[firstpos]].tolist())
        vkeys.extend(sub_keys)

    if not n:
        return codes, reps, vkeys
    kinds = type_masks(o)
    blank = kinds["none"].copy()
    s = np.flatnonzero(kinds["str"])
    if s.size:
        raw_codes, raw = pd.factorize(o[s])
        folded = np.array([str.casefold(v) for v in raw], dtype=object)
        fcodes, funiq = pd.factorize(folded)
        put(s, np.asarray(fcodes, np.int64)[raw_codes], [("s", f) for f in funiq.tolist()])
    m = np.flatnonzero(kinds["num"])
    if m.size:
        f = o[m].astype(np.float64) + 0.0  # -0.0 is 0.0
        nan = np.isnan(f)
        blank[m[nan]] = True
        ncodes, nuniq = pd.factorize(f[~nan])
        if len(nuniq):
            put(m[~nan], np.asarray(ncodes, np.int64), [("n", float(x)) for x in nuniq.tolist()])
    b = np.flatnonzero(kinds["bool"])
    if b.size:
        bv = o[b].astype(bool)
        present = [v for v in (False, True) if (bv == v).any()]
        put(b, np.searchsorted(np.array(present), bv).astype(np.int64), [("b", v) for v in present])
    z = np.flatnonzero(blank)
    if z.size:
        put(z, np.zeros(z.size, np.int64), [("z", None)])
    rest = np.flatnonzero(~(kinds["str"] | kinds["num"] | kinds["bool"] | kinds["none"]))
    if rest.size:  # errors (and anything else value_key knows)
        ekeys = pd.Series([value_key(v) for v in o[rest]], dtype=object)
        ecodes, euniq = pd.factorize(ekeys)
        put(rest, np.asarray(ecodes, np.int64), list(euniq))
    return codes, reps, vkeys


def _err_code(e: str) -> int:
    return ERROR_CODES.index(str(e)) if str(e) in ERROR_CODES else 99


def wildcard(pattern: str) -> re.Pattern:
    """Excel's ``*``/``?`` wildcards (``~`` escapes) as a case-insensitive regex."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.I | re.S)


def keys_of(ctx, r: Rng) -> Keys:
    """The prepared keys of a range, cached for the whole recalculation."""
    cache = ctx.cache
    ck = ("keys", r.key) if r.key is not None else ("keys", id(r.obj))
    k = cache.get(ck)
    if k is None or k[0] is not r.obj:
        k = (r.obj, Keys(r))
        cache[ck] = k
    return k[1]


# --------------------------------------------------------------------------- aggregation
class _Values:
    """The value range: numbers, and its errors (checked only where a criterion matched)."""

    def __init__(self, r: Rng):
        self.num = r.flat_num
        self.obj = r.flat_obj
        self.err_pos = np.empty(0, np.int64)
        if r.first_error() is not None:
            cand = np.flatnonzero(np.isnan(self.num))
            self.err_pos = cand[[isinstance(v, XLErr) for v in self.obj[cand]]]

    def first_error(self, mask: np.ndarray) -> XLErr | None:
        if not self.err_pos.size:
            return None
        hit = self.err_pos[mask[self.err_pos]]
        return self.obj[hit[0]] if hit.size else None


def _aggregate(how: str, vals: _Values | None, mask: np.ndarray, unstored: int = 0) -> Any:
    if how == "count":
        return float(np.count_nonzero(mask) + unstored)
    assert vals is not None  # every other aggregate has a value range
    err = vals.first_error(mask)
    if err is not None:
        return err
    v = vals.num[mask]
    v = v[~np.isnan(v)]
    if how == "sum":
        return float(v.sum())
    if how == "avg":
        return float(v.mean()) if v.size else DIV0
    if how == "min":
        return float(v.min()) if v.size else 0.0
    return float(v.max()) if v.size else 0.0


def _value_range(ctx, rng: Any, shape: tuple[int, int], resize: bool) -> Rng | XLErr:
    r = range_arg(rng)
    if r.per_row:
        raise Unsupported("value range that moves with the row")
    if r.shape != shape:
        if not resize:
            return VALUE
        if r.key is None or not hasattr(ctx, "block"):
            raise Unsupported("value range of another size")
        s, c1, r1, _c2, _r2 = r.key
        r = ctx.block(s, c1, r1, c1 + shape[1] - 1, r1 + shape[0] - 1)
    return r


def criteria(ctx, pairs, value_rng, how: str, resize: bool = False) -> Any:
    """Evaluate a COUNTIFS/SUMIFS-style call; criteria may vary per row."""
    ranges, crits = [], []
    shape: tuple[int, int] | None = None
    for rng, crit in pairs:
        r = range_arg(rng)
        if r.per_row:
            raise Unsupported("criteria range that moves with the row")
        if shape is None:
            shape = r.shape
        elif r.shape != shape:
            return VALUE
        ranges.append(r)
        crits.append(single(ctx, crit))
    vals = None
    assert shape is not None  # COUNTIFS/SUMIFS … take at least one criteria range
    if how != "count":
        vr = _value_range(ctx, value_rng, shape, resize)
        if isinstance(vr, XLErr):
            return vr
        ranges.append(vr)
    stored = max(r.obj.shape[0] for r in ranges)  # blocks on different sheets may store fewer rows
    ranges = [r.padded(stored) for r in ranges]
    if vals is None and how != "count":
        vals = _Values(ranges.pop())
    keys = [keys_of(ctx, r) for r in ranges]
    unstored = keys[0].unstored  # blank in every range: they count when every criterion takes a blank
    n = keys[0].n
    vec_idx = [i for i, c in enumerate(crits) if is_vec(c)]
    fixed = np.ones(n, bool)
    fixed_blank = True
    for i, c in enumerate(crits):
        if i not in vec_idx:
            crit = Criterion(c)
            fixed &= crit.mask(keys[i])
            fixed_blank &= crit.matches_blank
    if not vec_idx:
        return _aggregate(how, vals, fixed, unstored if fixed_blank else 0)
    # per-row criteria: one mask per distinct combination
    codes: list[np.ndarray] = []
    firsts: list[list[Criterion]] = []
    plain: list[np.ndarray] = []
    for i in vec_idx:
        cd, options, simple = criteria_codes(ctx, as_object(crits[i], ctx.n))
        codes.append(cd)
        firsts.append(options)
        plain.append(simple)
    combo = codes[0].astype(np.int64)
    for cd, options in zip(codes[1:], firsts[1:]):
        combo = _pair(combo, cd, len(options))
    ucombo, first, inv = np.unique(combo, return_index=True, return_inverse=True)
    results = np.empty(len(ucombo), dtype=object)
    todo: Any = range(len(ucombo))
    if len(ucombo) > GROUP_FROM and how in ("count", "sum"):
        # plain equalities: one grouping of the ranges' keys answers them all
        simple = np.ones(len(ucombo), bool)
        for cd, ok in zip(codes, plain):
            simple &= ok[cd[first]]
        if simple.any():
            rows = first[simple]
            res = _grouped(keys, vec_idx, firsts, [cd[rows] for cd in codes], fixed, vals, how)
            if simple.all() and res.dtype == np.float64:
                return res[inv]
            results[simple] = res
            todo = np.flatnonzero(~simple).tolist()
    for j in todo:
        row = int(first[j])
        mask = fixed.copy()
        picks = [options[int(cd[row])] for cd, options in zip(codes, firsts)]
        blank = fixed_blank
        for i, c in zip(vec_idx, picks):
            mask &= c.mask(keys[i])
            blank &= c.matches_blank
        results[j] = _aggregate(how, vals, mask, unstored if blank else 0)
    out = results[inv]
    if all(isinstance(v, float) for v in results):
        return out.astype(np.float64)
    return out


def _pair(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Codes ``a`` and ``b`` (``0 <= b < size``) as one code per position; ``a`` is numbered
    afresh first when the mixed-radix code could overflow."""
    if a.size and (int(a.max()) + 1) * max(size, 1) >= 2**62:
        a = np.unique(a, return_inverse=True)[1].astype(np.int64).reshape(a.shape)
    return a * size + b


def _grouped(keys, vec_idx, firsts, codes, fixed, vals, how):
    """Many distinct plain equality criteria: give every range cell one key id per
    criteria range (numbers and number texts by value, other texts by folded text),
    then count or sum per key combination in one pass."""
    cell_ids, crit_ids, sizes = [], [], []
    for i, un, cd in zip(vec_idx, firsts, codes):
        k = keys[i]
        numkey = k.num.copy()
        if k.texts.size:
            tn = k.text_numbers
            is_numtext = k.istext & np.append(~np.isnan(tn), False)[k.tcode]
            numkey[is_numtext] = np.append(tn, np.nan)[k.tcode][is_numtext]
            plain_text = k.istext & ~is_numtext
        else:
            plain_text = np.zeros(k.n, bool)
        nums, num_uniq = pd.factorize(numkey, use_na_sentinel=True)
        nn = len(num_uniq)
        ids = np.where(nums >= 0, nums, -1).astype(np.int64)
        ids[plain_text] = nn + k.tcode[plain_text]
        cid = np.full(len(un), -2, np.int64)
        isnum = np.array([c.kind == "num" for c in un], bool)
        if isnum.any():
            at = pd.Index(num_uniq).get_indexer(np.array([c.value for c in un], dtype=object)[isnum].astype(np.float64))
            cid[isnum] = np.where(at >= 0, at, -2)
        where = k._where
        for j in np.flatnonzero(~isnum).tolist():
            t = where.get(un[j].value)
            if t is not None:
                cid[j] = nn + t
        cell_ids.append(ids)
        crit_ids.append(cid[cd])
        sizes.append(nn + len(k.texts) + 1)
    combo = np.zeros(keys[0].n, np.int64)
    qcombo = np.zeros(len(crit_ids[0]), np.int64)
    valid = fixed.copy()
    qvalid = np.ones(len(qcombo), bool)
    for ids, q, size in zip(cell_ids, crit_ids, sizes):
        valid &= ids >= 0
        qvalid &= q >= 0
        both = _pair(np.concatenate([combo, qcombo]), np.concatenate([np.maximum(ids, 0), np.maximum(q, 0)]), size)
        combo, qcombo = both[: len(combo)], both[len(combo) :]
    sel = np.flatnonzero(valid)
    uniq, inv = np.unique(combo[sel], return_inverse=True)
    if how == "count":
        per = np.bincount(inv, minlength=len(uniq)).astype(np.float64)
    else:
        per = np.bincount(inv, weights=np.nan_to_num(vals.num[sel], nan=0.0), minlength=len(uniq))
    pos = np.searchsorted(uniq, qcombo)
    pos_ok = qvalid & (pos < len(uniq))
    pos_ok[pos_ok] &= uniq[pos[pos_ok]] == qcombo[pos_ok]
    out = np.where(pos_ok, per[np.minimum(pos, max(len(uniq) - 1, 0))] if len(uniq) else 0.0, 0.0)
    if vals is not None and vals.err_pos.size:
        errs = vals.err_pos[valid[vals.err_pos]]
        if errs.size:
            first_err: dict[int, Any] = {}
            for p in errs.tolist():
                first_err.setdefault(int(combo[p]), vals.obj[p])
            hit = [first_err.get(int(q)) if ok else None for q, ok in zip(qcombo.tolist(), qvalid.tolist())]
            if any(h is not None for h in hit):
                o = out.astype(object)
                for j, h in enumerate(hit):
                    if h is not None:
                        o[j] = h
                return o
    return out


@native("COUNTIFS", refs=True)
def COUNTIFS(ctx, *args):
    return criteria(ctx, list(zip(args[0::2], args[1::2])), None, "count")


@native("COUNTIF", refs=True)
def COUNTIF(ctx, rng, crit):
    return criteria(ctx, [(rng, crit)], None, "count")


@native("SUMIFS", refs=True)
def SUMIFS(ctx, sum_rng, *args):
    return criteria(ctx, list(zip(args[0::2], args[1::2])), sum_rng, "sum")


@native("SUMIF", refs=True)
def SUMIF(ctx, rng, crit, sum_rng=MISSING):
    return criteria(ctx, [(rng, crit)], rng if sum_rng is MISSING else sum_rng, "sum", resize=True)


@native("AVERAGEIFS", refs=True)
def AVERAGEIFS(ctx, rng, *args):
    return criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "avg")


@native("AVERAGEIF", refs=True)
def AVERAGEIF(ctx, rng, crit, avg_rng=MISSING):
    return criteria(ctx, [(rng, crit)], rng if avg_rng is MISSING else avg_rng, "avg", resize=True)


@native("MINIFS", refs=True)
def MINIFS(ctx, rng, *args):
    return criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "min")


@native("MAXIFS", refs=True)
def MAXIFS(ctx, rng, *args):
    return criteria(ctx, list(zip(args[0::2], args[1::2])), rng, "max")
