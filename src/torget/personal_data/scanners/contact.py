"""Phone numbers (Swedish and Norwegian, checked by `phonenumbers`) and e-mail addresses."""

import re

import phonenumbers

from .finding import Finding

PHONE = "phone/1"
EMAIL = "email/1"

# Candidates only; `phonenumbers` decides. International +46/+47 (or 00), Swedish national
# numbers (a leading 0), and Norwegian eight-digit numbers in their usual groupings.
_PHONE = re.compile(
    r"(?=[0-9+])(?<![\w+\-/.])"
    r"(?:"
    r"(?P<intl>(?:\+|00)(?:46|47)[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?[0-9]){5,10})"
    r"|(?P<se>0[1-9][0-9]{0,3}(?:[ -]|\s?/\s?)?[0-9](?:[ -]?[0-9]){4,8})"
    r"|(?P<no>[2-9][0-9]{2} [0-9]{2} [0-9]{3}|[2-9][0-9] [0-9]{2} [0-9]{2} [0-9]{2})"
    r"|(?P<no_plain>[49][0-9]{7})"
    r")"
    r"(?![0-9]|[.,][0-9])"
)
_PHONE_CONTEXT = re.compile(r"tlf|telefon|mobil|mob\b|ring|sms|\btel\b|whatsapp|phone|call")
# Personnummer-shaped runs (six digits, a sign, four digits) are never phone numbers.
_ID_SHAPE = re.compile(r"[0-9]{6}[-+][0-9]{4}")
_GROUP_END = re.compile(r"(?=[ /-][0-9])")

_VALID = phonenumbers.is_valid_number
_parse = phonenumbers.parse
_NumberParseException = phonenumbers.NumberParseException


def _valid_phone(candidate: str, region: str) -> bool:
    try:
        return _VALID(_parse(candidate, region))
    except _NumberParseException:
        return False


def scan_phone(text: str, lower: str, out: list[Finding]) -> None:
    for match in _PHONE.finditer(text):
        kind = match.lastgroup
        start, end = match.span()
        candidate = match.group()
        if kind == "se" and _ID_SHAPE.fullmatch(candidate):
            continue
        if kind == "no_plain" and not _PHONE_CONTEXT.search(lower, max(0, start - 30), start):
            continue
        region = "NO" if kind in ("no", "no_plain") else "SE"
        # A greedy candidate may have swallowed a following number: try shorter group prefixes.
        group_ends = [start + m.start() for m in _GROUP_END.finditer(candidate)]
        ends = [end, *reversed(group_ends)]
        for candidate_end in ends:
            if candidate_end - start < 7:
                break
            if _valid_phone(text[start:candidate_end], region):
                if kind == "intl":
                    norwegian = candidate.lstrip("+0").startswith("47")
                else:
                    norwegian = region == "NO"
                subtype = "no_phone" if norwegian else "se_phone"
                confidence = 0.9 if kind == "intl" else 0.8
                out.append(Finding("phone", subtype, start, candidate_end, confidence, PHONE, text))
                break


_EMAIL = re.compile(
    r"(?=\w)(?<![\w.+\-%])"
    r"[\w][\w.%+\-]*@[A-Za-z0-9ÅÄÖåäöæøÆØ](?:[A-Za-z0-9ÅÄÖåäöæøÆØ\-]*[A-Za-z0-9ÅÄÖåäöæøÆØ])?"
    r"(?:\.[A-Za-z0-9ÅÄÖåäöæøÆØ](?:[A-Za-z0-9ÅÄÖåäöæøÆØ\-]*[A-Za-z0-9ÅÄÖåäöæøÆØ])?)*"
    r"\.[A-Za-z]{2,24}"
    r"(?![\w\-@])"
)


def scan_email(text: str, lower: str, out: list[Finding]) -> None:
    for match in _EMAIL.finditer(text):
        out.append(Finding("email", "email", match.start(), match.end(), 0.95, EMAIL, text))
