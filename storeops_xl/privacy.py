"""Personal data 个人信息: mask buyers' e-mail addresses and phone numbers before a report
leaves the salesperson's own file.

Buyers' contact details (邮箱, 手机/电话, WhatsApp) are kept only in the Follow-up input
columns.  Everything StoreOps writes *for other eyes* — the Saturday review (sheet, PDF and
any picture made from it), ``storeops export`` copies and split files of other salespeople —
shows them masked, unless the user asks for ``--unmasked`` explicitly:

* an e-mail keeps its first character and its domain: ``alice@pets.com`` → ``a***@pets.com``;
* a phone number keeps its country code, the first three and the last four digits of the
  national number: ``+86 13812341234`` → ``+86 138****1234``; numbers of seven digits or
  fewer keep only their last two digits;
* :func:`mask_contacts` masks every e-mail address and phone number *inside* a free text
  (a buyer's message, a name a salesperson typed as an address), leaving the rest as it is.
  A run of digits counts as a phone number when it has 7–15 digits, is not part of a word
  and does not look like a date (``2026-11-18``), a time or a decimal number.  Digits typed
  right after a phone number with only a space between (``+1 415 555 0199 500``) cannot be
  told from it and are masked with it: the safe side.

All functions are pure: scalars in, scalars out (``None`` and blanks pass through);
:func:`mask_column` applies a mask to a list/array and returns a new list.

Examples
--------
>>> mask_email("alice@pets.com")
'a***@pets.com'
>>> mask_phone("+86 138 1234 1234")
'+86 138****1234'
>>> mask_contacts("WhatsApp +1 415 555 0199 or mail bob.lee@gmail.com, MOQ 500, due 2026-11-18")
'WhatsApp +1 415***0199 or mail b***@gmail.com, MOQ 500, due 2026-11-18'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["CONTACT_KINDS", "mask_column", "mask_contacts", "mask_email", "mask_phone", "mask_value"]

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", re.UNICODE)
# a phone-like run: optional + or 00, then digits with single spaces, dashes or brackets between
# them, or dots before a group of three or more digits (415.555.0199, never the 12.5 of a price)
_PHONE = re.compile(r"(?<![\w.,/:+*-])(?:\+|00)?\(?\d(?:[\s-]?\(?\d|\)[\s-]?\d|\.\d(?=\d\d))+(?![\w]|[.,:]\d)")
_DATE_LIKE = re.compile(
    r"^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:\s+\d{1,2}[:.]\d{2}(?::\d{2})?)?\s*$"
)

# ITU-T E.164 country codes: 1 and 7 are one digit; these two-digit prefixes are whole codes;
# every other code is three digits long.
_CC2 = frozenset(
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
    "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split()
)


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and v.strip() == "")


def mask_email(value: Any) -> Any:
    """``alice@pets.com`` → ``a***@pets.com``; every address inside the text is masked.

    A text without an ``@`` address is returned unchanged; blanks pass through.

    >>> mask_email("Alice.Wong@pets.co.uk")
    'A***@pets.co.uk'
    >>> mask_email(None) is None
    True
    """
    if _is_blank(value) or not isinstance(value, str):
        return value
    return _EMAIL.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", value)


def _country_code(digits: str) -> int:
    """How many leading digits of an international number are its country code."""
    if digits[:1] in ("1", "7"):
        return 1
    return 2 if digits[:2] in _CC2 else 3


def _mask_national(digits: str) -> str:
    if len(digits) <= 7:
        return "*" * (len(digits) - 2) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _mask_phone_match(text: str) -> str:
    """One phone number (already recognised as such) → its masked form."""
    t = unicodedata.normalize("NFKC", text).strip()
    digits = re.sub(r"\D", "", t)
    intl = t.startswith("+") or (t.startswith("00") and len(digits) > 10)
    if not intl:
        return _mask_national(digits)
    if t.startswith("00"):
        digits = digits[2:]
    body = t.lstrip("+").lstrip()
    if t.startswith("00"):
        body = body[2:].lstrip()
    lead = re.match(r"\(?(\d{1,3})\)?[\s.-]", body)  # "+86 138…", "+1-415…": the code is written apart
    n = len(lead.group(1)) if lead else _country_code(digits)
    return f"+{digits[:n]} {_mask_national(digits[n:])}"


def _phone_ok(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    return 7 <= digits <= 15 and not _DATE_LIKE.match(candidate)


def mask_phone(value: Any) -> Any:
    """``+86 13812341234`` → ``+86 138****1234``; ``13812341234`` → ``138****1234``.

    The whole value is taken as one phone number when it is one (a Follow-up phone cell);
    otherwise every phone number inside it is masked as :func:`mask_contacts` does.  Blanks
    pass through; numbers (an Excel cell holding 13812341234) are masked as their digits.

    >>> mask_phone("+1 (415) 555-0199")
    '+1 415***0199'
    >>> mask_phone(8613812341234.0)
    '+86 138****1234'
    >>> mask_phone("021-6234 5678")
    '021****5678'
    """
    if _is_blank(value) or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            return value
        digits = str(int(value))
        value = ("+" + digits) if len(digits) > 11 else digits
    if not isinstance(value, str):
        return value
    text = value
    if _PHONE.fullmatch(text.strip()) and _phone_ok(text.strip()):
        return _mask_phone_match(text)
    return _mask_phones_in(text)


_DATE_TOKEN = re.compile(r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?!\d)")


def _mask_run(s: str) -> str:
    lead = s[: len(s) - len(s.lstrip())]
    core = s.strip().rstrip(" .-(")
    if not _phone_ok(core):
        return s
    return lead + _mask_phone_match(core) + s[len(lead) + len(core) :]


def _mask_phones_in(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        out, pos = [], 0
        for d in _DATE_TOKEN.finditer(s):  # a date inside a run of digits is a date ("500 2026-11-18")
            out.append(_mask_run(s[pos : d.start()]) if s[pos : d.start()].strip() else s[pos : d.start()])
            out.append(d.group(0))
            pos = d.end()
        rest = s[pos:]
        out.append(_mask_run(rest) if rest.strip() else rest)
        return "".join(out)

    return _PHONE.sub(sub, text)


def mask_contacts(value: Any) -> Any:
    """Every e-mail address and phone number inside a text, masked; the rest unchanged.

    >>> mask_contacts("王先生 手机 13812341234, 微信同号")
    '王先生 手机 138****1234, 微信同号'
    >>> mask_contacts("Order 1,000 pcs at 12.50 USD on 2026/11/3 10:30")
    'Order 1,000 pcs at 12.50 USD on 2026/11/3 10:30'
    >>> mask_contacts(42)
    42
    """
    if _is_blank(value) or not isinstance(value, str):
        return value
    return _mask_phones_in(mask_email(value))


def mask_value(value: Any) -> Any:
    """A contact cell (e-mail, phone or WhatsApp), masked: an address → :func:`mask_email`,
    otherwise :func:`mask_phone`.

    >>> mask_value("bob@x.com"), mask_value("+44 7700 900123")
    ('b***@x.com', '+44 770***0123')
    """
    if _is_blank(value):
        return value
    if isinstance(value, str) and "@" in value:
        return mask_contacts(value)
    return mask_phone(value)


#: how each kind of contact column is masked
CONTACT_KINDS: dict[str, Callable[[Any], Any]] = {
    "email": mask_email,
    "phone": mask_phone,
    "contact": mask_value,
    "text": mask_contacts,
}


def mask_column(values: Iterable[Any], kind: str = "text") -> list[Any]:
    """A new list with each value masked by ``kind`` (``email``, ``phone``, ``contact`` or
    ``text``); the input is not modified.

    >>> mask_column(["a@b.cn", None, "13812341234"], "contact")
    ['a***@b.cn', None, '138****1234']
    """
    fn = CONTACT_KINDS[kind]
    return [fn(v) for v in values]
