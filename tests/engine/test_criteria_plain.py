"""The one-pass reading of per-row criteria that are plain texts (buyer IDs, names),
``plain_texts``, agrees with :class:`Criterion` wherever it says "plain": ``=`` with the
case-folded text, no wildcard."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from storeops.engine._native.criteria import Criterion, plain_texts

TRICKY = st.sampled_from(
    "Buyer 1|buyer 1 |TRUE| true|False |T10:30|Mar 5 2026|May|Dec-2026|Jan|t|A*|B?|C~*|=A|<>A|<5|#N/A|e5|E12|inf|"
    "nan|NaN|Infinity|x\n|Ab\u00e9|ABC-2024-001|Buyer\u3000|a1e5|PM|AM 10|Sept 3|Oct|o|Z9|".split("|")
)
VALUES = st.one_of(
    TRICKY,
    st.text(max_size=12),
    st.from_regex(r"[A-Za-z][A-Za-z0-9 :./*?~-]{0,8}", fullmatch=True),
    st.none(),
    st.floats(allow_nan=True),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=30))
@example(["Buyer 71772", "TRUE", "Mar 5", None, 3.0])
def test_a_plain_text_reads_as_criterion_reads_it(values):
    col = np.empty(len(values), dtype=object)
    col[:] = values
    for v, quick in zip(values, plain_texts(col).tolist()):
        if quick:
            c = Criterion(v)
            assert (c.op, c.kind, c.value, c.wild) == ("=", "text", v.casefold(), None), v
            assert c.simple
            p = Criterion.plain(v)  # what criteria_codes builds for it
            assert vars(p) == vars(c)


def test_what_is_no_plain_text():
    col = np.empty(17, dtype=object)
    col[:] = ["TRUE", " false", "<5", "=A", "A*", "?", "12", "Mar 5", "T10:30", "#N/A", "", " ", "中文", 5, None,
              "Buyer 71772", "ABC-2024-001"]  # fmt: skip
    assert plain_texts(col).tolist() == [False] * 15 + [True, True]
