"""storeops_xl.privacy: masks that hide buyers' e-mails and phone numbers and nothing else."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storeops_xl.privacy import mask_column, mask_contacts, mask_email, mask_phone, mask_value
from tests.strategies import control_text, excel_scalar, long_text

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    "raw, masked",
    [
        pytest.param("alice@pets.com", "a***@pets.com", id="email"),
        pytest.param("+86 13812341234", "+86 138****1234", id="cn-mobile-spaced-code"),
        pytest.param("+8613812341234", "+86 138****1234", id="cn-mobile-glued-code"),
        pytest.param("008613812341234", "+86 138****1234", id="cn-mobile-00"),
        pytest.param("13812341234", "138****1234", id="cn-mobile-national"),
        pytest.param("+1 (415) 555-0199", "+1 415***0199", id="us"),
        pytest.param("+971 50 123 4567", "+971 501**4567", id="ae"),
        pytest.param("+49 151 2345 6789", "+49 151****6789", id="de"),
        pytest.param("1234567", "*****67", id="short"),
    ],
)
def test_examples(raw, masked):
    assert mask_value(raw) == masked


def test_texts_keep_everything_but_contacts():
    msg = "Hi, I'm Bob (bob.lee@gmail.com), WhatsApp +1 415 555 0199; MOQ 1,000 pcs at 12.50 USD by 2026-11-18 10:30"
    assert mask_contacts(msg) == (
        "Hi, I'm Bob (b***@gmail.com), WhatsApp +1 415***0199; MOQ 1,000 pcs at 12.50 USD by 2026-11-18 10:30"
    )
    assert mask_contacts("订单号 2026/11/3 数量 500 个") == "订单号 2026/11/3 数量 500 个"
    assert mask_column([None, "", 13812341234.0], "phone") == [None, "", "138****1234"]


emails = st.from_regex(r"[a-z][a-z0-9._]{1,12}@[a-z]{2,8}\.(com|cn|de|example)", fullmatch=True)
phones = st.builds(
    lambda cc, body, sep: f"+{cc} " + sep.join(body[i : i + 3] for i in range(0, len(body), 3)),
    st.sampled_from(["1", "44", "49", "86", "971"]),
    st.from_regex(r"[1-9][0-9]{8,10}", fullmatch=True),
    st.sampled_from([" ", "-", ""]),
)
words = st.lists(st.sampled_from(["hello", "价格", "MOQ", "500", "pcs", "12.5", "2026-11-18", "请", "call", "me"]))


@FAST
@given(words, emails, phones, words)
def test_masked_text_hides_every_contact(before, email, phone, after):
    # (a number typed right after a phone number, "+1 415 555 0199 500", cannot be told from
    # its last digits and is masked with it: the safe side)
    text = " ".join([*before, email, "or", phone, "thanks", *after])
    out = mask_contacts(text)
    local, domain = email.split("@")
    assert email not in out and f"{local[0]}***@{domain}" in out
    masked_phone = mask_contacts(phone)
    assert masked_phone in out and phone not in out
    assert re.sub(r"\D", "", phone) not in re.sub(r"\D", "", masked_phone)  # the number cannot be read any more
    assert out.count("*") >= 3 + 2
    for w in before + after:  # nothing else changes
        assert w in out
    assert mask_contacts(out) == out  # masking twice changes nothing


@FAST
@given(st.one_of(excel_scalar, control_text, long_text))
def test_never_raises_and_keeps_non_texts(v):
    for fn in (mask_contacts, mask_email, mask_phone, mask_value):
        out = fn(v)
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            assert out is v or out == v
    if isinstance(v, str) and "@" not in v and not re.search(r"\d[\d\s().-]{5,}\d", v):
        assert mask_contacts(v) == v
