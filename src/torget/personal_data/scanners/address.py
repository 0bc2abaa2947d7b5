"""Swedish street addresses: a street name, a number, and perhaps a postcode and a town.

A street is one word ending in a street word (Storgatan, Kungsvägen, Lillgränd) or a street
word after a qualifier (Gamla vägen, Norra Strandgatan). A postcode alone is not an address.
The scan starts only where a word is followed by a number, so plain prose costs one search.
"""

import re

from .finding import Finding

NAME = "address/1"

_STREET_WORDS = (
    "gatan", "gata", "vägen", "väg", "gränd", "gränden", "stigen", "stig", "backen", "backe",
    "torget", "torg", "allén", "allé", "leden", "platsen", "stråket",
    "slingan", "liden", "höjden", "kajen", "promenaden", "gärdet", "gången", "vången",
)  # fmt: skip
# Numbered roads, not addresses: "riksväg 40", "länsväg 222".
_ROADS = ("riksväg", "länsväg", "motorväg", "europaväg", "riksvägen", "länsvägen")
_QUALIFIERS = (
    "norra", "södra", "östra", "västra", "stora", "lilla", "gamla", "nya", "sankt", "s:t",
    "övre", "nedre",
)  # fmt: skip
_LETTERS = "a-zåäöéüA-ZÅÄÖÉÜ"

# A word, one space, then a digit: the only places an address can end its street name.
_SPOT = re.compile(rf" (?=[1-9])(?<=[{_LETTERS}] )")
_QUALIFIER_BEFORE = re.compile(rf"(?<![{_LETTERS}:])({'|'.join(_QUALIFIERS)}) $", re.IGNORECASE)
_TAIL = re.compile(
    r" [1-9][0-9]{0,3}(?: ?[A-Ha-h](?!\w))?"
    r"(?![0-9]|[.,:/-][0-9]| ?(?:gånger|ggr|minuter|min|kr|kronor|st|år|%|procent|dagar"
    r"|timmar|meter|m|km|personer|bilar|sek|tim)\b)"
    r"(?:,? ?(?:lgh|lägenhet) ?[0-9]{4})?"
    rf"(?P<postal>,? (?P<postcode>[1-9][0-9]{{2}} ?[0-9]{{2}})(?![0-9])"
    rf"(?P<town> [A-ZÅÄÖ][{_LETTERS}]+(?:[ -][A-ZÅÄÖ][{_LETTERS}]+)?)?)?"
)


def scan_address(text: str, lower: str, out: list[Finding]) -> None:
    for spot in _SPOT.finditer(text):
        space = spot.start()
        word_start = space
        while word_start and text[word_start - 1].isalpha():
            word_start -= 1
        word = lower[word_start:space]
        if not word.endswith(_STREET_WORDS) or word.endswith(_ROADS):
            continue
        start = word_start
        qualifier = _QUALIFIER_BEFORE.search(text, max(0, word_start - 8), word_start)
        if qualifier:
            start = qualifier.start()
        elif word in _STREET_WORDS:  # "vägen 4" alone is prose, not a street
            continue
        if start and text[start - 1].isalnum():
            continue
        tail = _TAIL.match(text, space)
        if tail is None:
            continue
        confidence = 0.5  # a street and a number may be a shop or an office
        if tail.group("postcode"):
            confidence = 0.9 if tail.group("town") else 0.8
        out.append(Finding("address", "se_address", start, tail.end(), confidence, NAME, text))
