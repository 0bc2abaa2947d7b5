"""Nordic personal identity numbers: found by one regex, kept only when they validate.

Swedish personnummer and samordningsnummer (`personnummer` package: date, Luhn, serial not
000), Norwegian fødselsnummer and D-nummer (`stdnum.no.fodselsnummer`: date and both
mod-11 control digits), Danish CPR (`stdnum.dk.cpr`: date, not in the future; the mod-11
check is optional since 2007, so it only raises confidence) and Finnish HETU
(`stdnum.fi.hetu`: date, individual number, control character).
"""

import re

from personnummer import personnummer as se_personnummer
from stdnum.dk import cpr as dk_cpr
from stdnum.fi import hetu as fi_hetu
from stdnum.no import fodselsnummer as no_fodselsnummer

from .finding import Finding

NAME = "personal_id/1"

# Every written form in one pass: SE 10 or 12 digits with "-", "+", a space or nothing
# before the last four; NO 11 digits; DK 10 digits; FI HETU with its century sign. The
# lookarounds keep parts of longer numbers, decimals, dates and codes out. (Each pattern
# here starts with a lookahead for its first character: `re` can then skip ahead quickly.)
_CANDIDATE = re.compile(
    r"(?=[0-9])(?<![0-9A-Za-z+.,/])"
    r"(?:"
    r"(?P<century>1[89]|20)?(?P<date>[0-9]{6})(?P<sep>[-+ ]?)(?P<serial>[0-9]{4,5})"
    r"|(?P<hetu>[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y])"
    r")"
    r"(?![0-9A-Za-z]|[.,/-][0-9])"
)

# Words that say "this is an identity number"; the group tells for which country.
_CONTEXT = re.compile(
    r"(?P<se>personnummer|personnr|pers\.?\s?nr|p-?nr|samordningsnummer|samordningsnr"
    r"|födelsenummer|personummer)"
    r"|(?P<no>fødselsnummer|fødselsnr|f\.?nr|d-nummer|personnr)"
    r"|(?P<dk>cpr)"
    r"|(?P<fi>henkilötunnus|hetu|sotu|personbeteckning)"
    r"|(?P<any>person(?:al)?\s(?:identity\s)?number|\bssn\b|id-?nummer|identitetsnummer)"
)
# Words that say "this is some other number": an order, an invoice, an account, a case.
_OTHER_NUMBER = re.compile(
    r"order|kund|faktura|referens|\bref|ocr|ärende|diarie|bankgiro|plusgiro|konto|clearing"
    r"|artikel|art\.?nr|serie|tracking|kolli|sändning|bokning|invoice|account|reference"
)
_OTHER_NUMBER_BEFORE = 24
_CONTEXT_BEFORE = 48
_CONTEXT_AFTER = 24

# A ten-digit run starting like a Swedish mobile number is a phone number unless the text
# says otherwise. Of the mobile prefixes only 070 also reads as a date (born January to
# September 2007), so that is the one ambiguous form.
_MOBILE_PREFIX = "070"


def _context(lower: str, start: int, end: int) -> set[str]:
    found = set()
    window_start = max(0, start - _CONTEXT_BEFORE)
    for match in _CONTEXT.finditer(lower, window_start, min(len(lower), end + _CONTEXT_AFTER)):
        found.add(match.lastgroup)
    return found


def _se(century: str, date: str, sep: str, serial: str) -> str | None:
    if not ("01" <= date[2:4] <= "12"):
        return None
    day = date[4:6]
    if not ("01" <= day <= "31" or "61" <= day <= "91"):
        return None
    number = f"{century or ''}{date}{sep if sep in '+-' else ''}{serial}"
    try:
        parsed = se_personnummer.Personnummer(number)
    except se_personnummer.PersonnummerException:
        return None
    except ValueError:  # the package's date arithmetic on impossible dates
        return None
    return "se_samordningsnummer" if parsed.is_coordination_number() else "se_personnummer"


def _no(date: str, serial: str) -> str | None:
    number = date + serial
    if not no_fodselsnummer.is_valid(number):
        return None
    return "no_d_nummer" if date[0] in "4567" else "no_fodselsnummer"


def _fi(number: str) -> bool:
    return fi_hetu.is_valid(number)


def _readings(match: re.Match) -> list[tuple[str, str, float]]:
    """Every valid reading of one candidate as (country, subtype, confidence without context),
    in the order to prefer when the text does not name a country."""
    hetu = match.group("hetu")
    if hetu is not None:
        return [("fi", "fi_hetu", 0.95)] if _fi(hetu) else []
    century, date, sep, serial = match.group("century", "date", "sep", "serial")
    if len(serial) == 5:
        if century or sep == "+":
            return []
        subtype = _no(date, serial)
        return [("no", subtype, 0.9)] if subtype else []
    readings = []
    subtype = _se(century, date, sep, serial)
    if subtype:
        confidence = 0.95 if century else 0.9 if sep else 0.85
        if subtype == "se_samordningsnummer":
            confidence -= 0.05
        readings.append(("se", subtype, confidence))
    if century:
        return readings
    if sep == "-" and _fi(date + sep + serial):
        readings.append(("fi", "fi_hetu", 0.8))  # a HETU with a digit as control character
    if sep != "+" and dk_cpr.is_valid(date + serial):
        # Mod-11 is no longer required since 2007: a failing number is only taken where the
        # text says it is a CPR number.
        readings.append(("dk", "dk_cpr", 0.7 if dk_cpr.checksum(date + serial) == 0 else 0.0))
    return readings


def _choose(match: re.Match, readings: list, lower: str) -> tuple[str, float] | None:
    """The subtype and confidence of a candidate's most plausible reading, or None."""
    start, end = match.span()
    near = max(0, start - _OTHER_NUMBER_BEFORE)
    if _OTHER_NUMBER.search(lower, near, start) and not _CONTEXT.search(lower, near, start):
        return None  # "Ordernr 3507092157", even after a personnummer earlier in the text
    context = _context(lower, start, end)
    for country, subtype, confidence in readings:
        if country in context:  # the text names this country's number
            return subtype, 0.5 if confidence == 0.0 else 0.99
    hetu = match.group("hetu")
    for country, subtype, confidence in readings:
        if confidence == 0.0:  # a CPR failing mod-11 only where the text says "CPR"
            continue
        # Read as Danish or Finnish digits while the text names no such number, it is far
        # more often a Swedish number with a wrong check digit, or some other number. A HETU
        # with a letter in it (the only kind the `hetu` group takes) is unmistakable.
        if (country == "dk" or (country == "fi" and hetu is None)) and "any" not in context:
            continue
        if (
            country == "se"
            and not context
            and not match.group("century")
            and not match.group("sep")
            and match.group("date").startswith(_MOBILE_PREFIX)
        ):
            continue
        if context & {"se", "any"}:
            confidence = 0.99
        return subtype, confidence
    return None


def scan_personal_id(text: str, lower: str, out: list[Finding]) -> None:
    for match in _CANDIDATE.finditer(text):
        readings = _readings(match)
        if not readings:
            continue
        chosen = _choose(match, readings, lower)
        if chosen:
            start, end = match.span()
            out.append(Finding("personal_id", chosen[0], start, end, chosen[1], NAME, text))
