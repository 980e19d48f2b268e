"""The number kernels of :mod:`storeops.xlsx._numtext` against Python's own ``repr``/``float``.

``format_floats`` must write text that reads back to exactly the same double (sign of zero
included) with at most 17 significant digits, and the very text ``repr`` writes whenever
``repr`` needs no more than 15 digits.  ``parse_numbers`` must give exactly what
``float(text.strip())`` gives (NaN where ``float`` refuses the text).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from storeops.xlsx._numtext import format_floats, parse_numbers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# --------------------------------------------------------------------------- helpers
def _texts(x) -> list[str]:
    m, n = format_floats(np.asarray(x, dtype=np.float64))
    assert m.dtype == np.uint8 and len(m) == len(n)
    return [bytes(r[:k]).decode("ascii") for r, k in zip(m, n)]


def _sig_digits(text: str) -> int:
    mant = text.lstrip("-").lower().split("e")[0].replace(".", "")
    return len(mant.strip("0")) or 1


def _same_double(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _check_format(xs: list[float], like_repr: bool = False) -> None:
    for x, t in zip(xs, _texts(xs)):
        assert _same_double(float(t), x), (x, t)
        assert _sig_digits(t) <= 17, (x, t)
        r = repr(x)
        if like_repr and _sig_digits(r) <= 15:
            assert t == r, (x, t, r)


# --------------------------------------------------------------------------- format_floats
finite = st.floats(allow_nan=False, allow_infinity=False)
typical = st.one_of(
    finite,
    st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
    st.integers(-(2**60), 2**60).map(float),
    st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False).map(float),
    st.builds(lambda m, e: m * 10.0**e, st.integers(-(10**17), 10**17), st.integers(-12, 24)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(typical, min_size=1, max_size=60))
@example([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308])
@example(
    [1e-8, 9.999999999999999e-09, 1.0000000000000002e-08, 1e22, 9.999999999999998e21, 1e21, 1e16, 9999999999999998.0]
)
@example(
    [0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, 46050.0, 46048.93402777778, 1e-5, 0.0001, 1e15, 123456789012345.6]
)
@example([9007199254740993.0, 9007199254740992.0, 2.0**53 - 1, 2.0**63, 0.5, 2.5, 1e-4, 9.5367431640625e-07])
def test_format_round_trips_exactly(xs):
    _check_format(xs)


@settings(max_examples=300, deadline=None)
@given(st.lists(typical, min_size=1, max_size=60))
@example(
    [
        999999999.999998,
        9999999999.99998,
        99999999999999.9,
        0.0999999999999999,
        9.99999999999999e-05,
        9.99999999999999e-08,
        99.9999999999999,
        9.99999999999999e20,
        9.9999999999999e21,
    ]
)
def test_format_equals_repr_when_repr_has_at_most_15_digits(xs):
    _check_format(xs, like_repr=True)


def test_format_equals_repr_for_short_values_below_powers_of_ten():
    xs = [0.1, 99.9, 999999999.99, 0.000999, 9.99999999999999, 99999.9999999999, 1e15 - 1, 1e15 - 0.5]
    _check_format(xs, like_repr=True)


def test_format_many_random_bit_patterns():
    rng = np.random.default_rng(20260317)
    bits = rng.integers(0, 2**64, size=60_000, dtype=np.uint64).view(np.float64)
    x = np.concatenate(
        [
            bits[np.isfinite(bits)],
            10.0 ** rng.uniform(-9, 22.5, 30_000) * rng.choice([-1.0, 1.0], 30_000),
            np.round(rng.uniform(-1e6, 1e6, 20_000), 2),
            rng.integers(-(2**53), 2**53, 10_000).astype(np.float64),
        ]
    )
    xs = x.tolist()
    texts = _texts(x)
    back = np.array([float(t) for t in texts])
    assert np.array_equal(back.view(np.uint64), x.view(np.uint64))  # bitwise: -0.0 and all
    assert max(_sig_digits(t) for t in texts) <= 17
    short = [(t, repr(v)) for t, v in zip(texts, xs) if _sig_digits(repr(v)) <= 15]
    assert len(short) > 20_000
    assert all(t == r for t, r in short)


def test_format_non_finite_falls_back_to_repr():
    assert _texts([math.nan, math.inf, -math.inf, 0.0, -0.0]) == ["nan", "inf", "-inf", "0.0", "-0.0"]


def test_format_matrix_shape_and_empty():
    m, n = format_floats(np.array([], dtype=np.float64))
    assert len(m) == 0 and len(n) == 0
    m, n = format_floats([1.5, 2])  # any sequence is accepted
    assert [bytes(r[:k]) for r, k in zip(m, n)] == [b"1.5", b"2.0"]
    longest = _texts([-2.2250738585072014e-308, -1.2345678901234567e-300])
    assert longest == [repr(-2.2250738585072014e-308), repr(-1.2345678901234567e-300)]


@pytest.mark.xfail(
    strict=True,
    reason="format_floats is not always the shortest repr: a 16-digit "
    "candidate above 2**53 (leading digits >= 9007…) or with 10**k outside the exact "
    "range (|x| < ~1e-7) is never tried, so 17 digits are written where repr writes 16",
)
def test_format_is_shortest_like_repr():
    xs = [95.46215906175594, 9.369371767593142e-05, 2.005917529800856e-08, -97098.13950560738]
    assert _texts(xs) == [repr(x) for x in xs]


# --------------------------------------------------------------------------- parse_numbers
def _parse_all(texts: list[str], as_array: bool = False) -> np.ndarray:
    buf, starts, ends, pos = [], [], [], 3
    for t in texts:
        b = t.encode("ascii")
        starts.append(pos)
        ends.append(pos + len(b))
        buf.append(b)
        pos += len(b) + 1
    xml = b"<v>" + b"|".join(buf) + b"|</v>"
    src = np.frombuffer(xml, np.uint8) if as_array else xml
    return parse_numbers(src, np.array(starts, np.int64), np.array(ends, np.int64))


def _expected(t: str) -> float:
    try:
        return float(t.strip())
    except ValueError:
        return math.nan


SPECIAL = [
    "1e5",
    " 12 ",
    "-0",
    "-0.0",
    "+0",
    ".5",
    "5.",
    "1E-3",
    "1e+5",
    "-.5",
    "+.5e1",
    "0.0000000000000000000001",
    "12345678901234567",
    "123456789012345678",
    "12345678901234567890123",
    "9007199254740993",
    "9007199254740992",
    "9007199254740991",
    "0.1234567890123456789",
    "00000000000000000000000012",
    "1e22",
    "1e23",
    "1e-22",
    "1e-23",
    "123e-22",
    "4.9e-324",
    "2e-324",
    "1.7976931348623157e308",
    "1e309",
    "1e000005",
    "1e0000005",
    "\t7\r\n",
    "abc",
    "",
    " ",
    "-",
    "+",
    ".",
    "e5",
    "1e",
    "1e+",
    "1.2.3",
    "1e5.5",
    "--1",
    "+-1",
    "1 2",
    "0x10",
    "1_000",
    "nan",
    "inf",
    "-Infinity",
    "1,5",
    "١",
    "4e-3x",
    "46048.93402777778",
    "0.016217",
    "-3e2",
    "000",
    "-000.000e-0",
    "10000000000000000000000",
    "100000000000000000000000000",
]


def test_parse_special_texts():
    texts = [t for t in SPECIAL if t.isascii()]
    got = _parse_all(texts)
    for t, g in zip(texts, got.tolist()):
        assert _same_double(g, _expected(t)), (t, g)


number_text = st.one_of(
    finite.map(repr),
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(SPECIAL).filter(str.isascii),
    st.from_regex(r"\A[+-]?[0-9]{0,20}(\.[0-9]{0,20})?([eE][+-]?[0-9]{0,7})?\Z"),
    st.text(alphabet="0123456789.eE+- x", max_size=12),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-(10**18), 10**18), st.integers(-30, 30)),
)
padded = st.builds(
    lambda a, t, b: a + t + b,
    st.sampled_from(["", " ", "\t", "\n ", "\r\n"]),
    number_text,
    st.sampled_from(["", " ", "\t", " \n"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(padded, min_size=1, max_size=40), st.booleans())
def test_parse_matches_python_float(texts, as_array):
    got = _parse_all(texts, as_array)
    assert got.dtype == np.float64 and got.shape == (len(texts),)
    for t, g in zip(texts, got.tolist()):
        assert _same_double(g, _expected(t)), (t, g)


@settings(max_examples=150, deadline=None)
@given(st.lists(finite, min_size=1, max_size=50))
def test_format_then_parse_is_identity(xs):
    got = _parse_all(_texts(xs))
    for x, g in zip(xs, got.tolist()):
        assert _same_double(g, x)


def test_parse_empty_batch():
    assert parse_numbers(b"123", np.array([], np.int64), np.array([], np.int64)).shape == (0,)


# --------------------------------------------------------------------------- without numba
_NO_JIT_SCRIPT = r"""
import numpy as np
from storeops.xlsx import _jit
assert not _jit.HAVE_NUMBA
from storeops.xlsx._numtext import format_floats, parse_numbers
x = b"12345|46048.93402777778|-987.5|1e5"
s, e = [0, 6, 24, 31], [5, 23, 30, 34]
print(parse_numbers(x, np.array(s), np.array(e)).tolist())
m, n = format_floats(np.array([0.1, 123.456, 1e-5, 46048.93402777778]))
print([bytes(r[:k]).decode() for r, k in zip(m, n)])
"""


def _run_no_jit(script: str) -> list[str]:
    env = dict(os.environ, STOREOPS_NO_JIT="1", PYTHONWARNINGS="ignore")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_pure_python_parse_numbers():
    lines = _run_no_jit(_NO_JIT_SCRIPT)
    assert lines[0] == repr([12345.0, 46048.93402777778, -987.5, 100000.0])


def test_pure_python_format_floats():
    lines = _run_no_jit(_NO_JIT_SCRIPT)
    assert lines[1] == repr(["0.1", "123.456", "1e-05", "46048.93402777778"])
