"""Bank account and card numbers: IBAN with its mod-97 check, cards with Luhn and a known IIN."""

import re

from stdnum import iban, luhn

from .finding import Finding

NAME = "payment/1"

# A lookahead for the first character first lets `re` skip ahead quickly.
_IBAN = re.compile(r"(?=[A-Z])(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![a-z0-9])")
_CARD = re.compile(r"(?=[0-9])(?<![0-9A-Za-z.,])[0-9](?:[ -]?[0-9]){12,18}(?![0-9]|[.,][0-9])")
_GROUP_END = re.compile(r"(?=[ -][0-9A-Z])")
_IBAN_HEAD = re.compile(r"[A-Z]{2}[0-9]{2} ?$")


def _group_ends(candidate: str, start: int) -> list[int]:
    """The candidate's end and every end of a separated group before it, longest first."""
    group_ends = [start + m.start() for m in _GROUP_END.finditer(candidate)]
    return [start + len(candidate), *reversed(group_ends)]


def _card_brand(digits: str) -> str | None:
    n = len(digits)
    two = int(digits[:2])
    four = int(digits[:4])
    if digits[0] == "4":
        return "visa" if n in (13, 16, 19) else None
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard" if n == 16 else None
    if two in (34, 37):
        return "amex" if n == 15 else None
    if four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649:
        return "discover" if n >= 16 else None
    if 3528 <= four <= 3589:
        return "jcb" if n >= 16 else None
    if 300 <= int(digits[:3]) <= 305 or two in (36, 38, 39):
        return "diners" if n >= 14 else None
    if two == 62:
        return "unionpay" if n >= 16 else None
    if two in (50, 56, 57, 58) or digits[0] == "6":
        return "maestro"
    return None


def scan_payment(text: str, lower: str, out: list[Finding]) -> None:
    ibans: list[tuple[int, int]] = []
    for match in _IBAN.finditer(text):
        start = match.start()
        for end in _group_ends(match.group(), start):
            if end - start < 15:
                break
            if iban.is_valid(text[start:end]):
                ibans.append((start, end))
                out.append(Finding("payment", "iban", start, end, 0.95, NAME, text))
                break
    for match in _CARD.finditer(text):
        start = match.start()
        if _IBAN_HEAD.search(text, max(0, start - 5), start):
            continue
        if any(s < match.end() and start < e for s, e in ibans):
            continue
        for end in _group_ends(match.group(), start):
            digits = text[start:end].replace(" ", "").replace("-", "")
            if len(digits) < 13:
                break
            if len(digits) <= 19 and _card_brand(digits) and luhn.is_valid(digits):
                out.append(Finding("payment", "card", start, end, 0.9, NAME, text))
                break
