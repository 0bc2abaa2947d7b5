"""The scanner engine: every scanner over one text, cheapest gates first, one sorted list."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from .address import scan_address
from .contact import scan_email, scan_phone
from .finding import Finding
from .payment import scan_payment
from .personal_id import scan_personal_id
from .vocabulary import builtin_vocabulary
from .watchlist import Watchlist

# Bump when any scanner or vocabulary changes what it finds; stored with scan results so
# that a record can be rescanned when the engine has learnt more.
ENGINE_VERSION = "2"

_DIGITS = "0123456789"
_ANY_DIGIT = re.compile(r"[0-9]")
_vocabulary = builtin_vocabulary()
scan_vocabulary = _vocabulary.scan
# The fewest ASCII digits each number family can be written with: a phone number has 7 or
# more, a personal identity number 9 (a HETU, with letters) to 12, an IBAN or a card 13.
_PHONE_DIGITS, _ID_DIGITS, _PAYMENT_DIGITS = 7, 9, 13


def _ascii_table() -> dict[int, str]:
    """Unicode digits (full-width "１", Arabic-Indic, ...), dashes and spaces as ASCII, one
    character for one, so that offsets stay the same."""
    table = {}
    for code in range(0x80, 0x10000):
        char = chr(code)
        if char.isdecimal():
            table[code] = str(int(char))
    for char in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d":
        table[ord(char)] = "-"
    for char in "\u00a0\u2007\u2009\u202f\u3000":
        table[ord(char)] = " "
    table[ord("\uff0b")] = "+"
    return table


_TO_ASCII = _ascii_table()
_NEEDS_ASCII = re.compile("[" + "".join(re.escape(chr(c)) for c in _TO_ASCII) + "]")


def _digits_text(text: str) -> str:
    """The text the number scanners read: Unicode digits, dashes and spaces made ASCII."""
    if text.isascii():
        return text
    try:
        text.encode("latin-1")  # Swedish, Norwegian, Finnish letters: the common case
    except UnicodeEncodeError:
        return text.translate(_TO_ASCII) if _NEEDS_ASCII.search(text) else text
    return text.translate(_TO_ASCII) if "\u00a0" in text else text


def _lower(text: str) -> str:
    """Lower case with offsets kept: "İ" lower-cases to two characters and stays as it is."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def scan(text: str, watchlist: Watchlist | None = None) -> list[Finding]:
    """All findings in `text`, sorted by start offset."""
    if not text:
        return []
    out: list[Finding] = []
    lower = text.lower()
    if len(lower) != len(text):
        lower = _lower(text)
    numbers = _digits_text(text)
    numbers_lower = _digits_text(lower) if numbers is not text else lower
    if _ANY_DIGIT.search(numbers):
        digits = sum(map(numbers.count, _DIGITS))
        if digits >= _PHONE_DIGITS:
            if digits >= _ID_DIGITS:
                scan_personal_id(numbers, numbers_lower, out)
                if digits >= _PAYMENT_DIGITS:
                    scan_payment(numbers, numbers_lower, out)
            scan_phone(numbers, numbers_lower, out)
            if len(out) > 1:
                out = _drop_outranked(out)
        scan_address(numbers, numbers_lower, out)
        if numbers is not text:  # the findings point into the text as it was written
            out = [replace(f, text=text) for f in out]
    if "@" in text:
        scan_email(text, lower, out)
    scan_vocabulary(text, lower, out)
    if watchlist:
        watchlist.scan(text, lower, out)
    if len(out) > 1:
        out.sort(key=_order)
    return out


def _order(finding: Finding) -> tuple[int, int, str]:
    return (finding.start, finding.end, finding.category)


def _drop_outranked(findings: list[Finding]) -> list[Finding]:
    """A phone candidate overlapping a validated identity or payment number is that number."""
    strong = [f for f in findings if f.category != "phone"]
    if len(strong) == len(findings):
        return findings
    return [
        f
        for f in findings
        if f.category != "phone" or not any(s.start < f.end and f.start < s.end for s in strong)
    ]


def scan_many(texts: Iterable[str], watchlist: Watchlist | None = None) -> Iterator[list[Finding]]:
    """`scan` over each text in turn, lazily."""
    for text in texts:
        yield scan(text, watchlist)
