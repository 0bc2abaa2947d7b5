"""Masking: personal data in a text shown with only its last four characters.

The scanners run on the fly (about 80,000 texts a second), so any text, of any version or
thread, can be masked where it is shown. Which people see it whole is `policy.py`'s to say.
"""

import re
from typing import Any

from .scanners import scan

# What is masked: the categories that are a person's identifying details. Special-category
# words (health, religion, ...) and BBS findings are flags for a reviewer, not values.
MASKED_CATEGORIES = ("personal_id", "phone", "email", "payment", "address")
MASK = "•"


def mask_value(value: str) -> str:
    """Only the last four characters: "••••••5678"."""
    return MASK * max(len(value) - 4, 2) + value[-4:]


def mask_text(text: str) -> str:
    """`text` with every personal identity number, phone number, e-mail address, payment
    detail and address in it masked; the rest as it is."""
    if not text:
        return text
    parts, at = [], 0
    for finding in scan(text):
        if finding.category not in MASKED_CATEGORIES or finding.start < at:
            continue
        parts.append(text[at : finding.start])
        parts.append(mask_value(text[finding.start : finding.end]))
        at = finding.end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


def mask_data(data: Any) -> Any:
    """Every string in a JSON-like value masked (dict keys kept): a version's content, a raw
    payload."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, dict):
        return {key: mask_data(value) for key, value in data.items()}
    if isinstance(data, list):
        return [mask_data(value) for value in data]
    return data


# In a search: a run of five or more digits (with or without separators inside a number,
# such as "811218", "8112-18" or "070 123"), an e-mail address or anything the scanners mask
# names personal data. Five digits: a postcode has five, but a date part of a personal
# identity number six, a phone number's subscriber part five to eight.
_LONG_NUMBER = re.compile(r"[0-9](?:[-+ .]?[0-9]){4,}")
_EMAILISH = re.compile(r"\S@|@\S")


def names_personal_data(query: str) -> bool:
    """True when a search query holds something that looks like masked personal data (or a
    part of it): a number of five digits or more, an e-mail address, or a finding."""
    if not query:
        return False
    if _LONG_NUMBER.search(_ascii_digits(query)) or _EMAILISH.search(query):
        return True
    return any(f.category in MASKED_CATEGORIES for f in scan(_ascii_digits(query)))


def _ascii_digits(text: str) -> str:
    """Any Unicode decimal digit (full-width "８１１２１８", Arabic-Indic ...) as ASCII."""
    if text.isascii():
        return text
    return "".join(str(int(c)) if c.isdecimal() and len(c) == 1 else c for c in text)
