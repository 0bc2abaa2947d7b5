"""Nordic personal identity numbers: found by one regex, kept only when they validate.

Swedish personnummer and samordningsnummer (`personnummer` package: date, Luhn, serial not
000), Norwegian fødselsnummer and D-nummer (both mod-11 control digits and the date, here;
synthetic test numbers with month + 40 or + 80 too), Danish CPR (`stdnum.dk.cpr`: date, not
in the future; the mod-11 check is optional since 2007, so it only raises confidence) and
Finnish HETU (`stdnum.fi.hetu`: date, individual number, control character; temporary
numbers 900–999 too).

What the words around a number do: a number whose date and check digits are valid, in a
form no other kind of number takes (twelve digits, a separator, a HETU with its century
sign), is reported whatever the words; words only change its
confidence and, where it validates for more than one country, which country. Only the
ambiguous forms need the text's help: ten bare digits right after a label for another number
("Ordernr 3507092157"; ten or eleven), a ten-digit run that is also a mobile number, and Danish and
digit-only Finnish readings.
"""

import datetime
import re

from personnummer import personnummer as se_personnummer
from stdnum.dk import cpr as dk_cpr
from stdnum.fi import hetu as fi_hetu

from .finding import Finding

NAME = "personal_id/2"

# Every written form in one pass: SE 10 or 12 digits with "-", "+", a space or nothing
# before the last four (a sign may have a space on either side); NO 11 digits; DK 10
# digits; FI HETU with its century sign. The lookarounds keep parts of longer numbers,
# decimals ("1.2345678901", "1,2345678901"), dates and codes out; a full stop or comma after
# a letter ("nr.811218-9877") is punctuation. (Each pattern starts with a lookahead for its
# first character: `re` can then skip ahead quickly.) The engine hands over the text with
# full-width and other Unicode digits, dashes and spaces already made ASCII.
_CANDIDATE = re.compile(
    r"(?=[0-9])(?<![0-9A-Za-z+/])(?<![0-9][.,])"
    r"(?:"
    r"(?P<century>1[89]|20)?(?P<date>[0-9]{6})(?P<sep> ?[-+] ?| )?(?P<serial>[0-9]{4,5})"
    r"|(?P<hetu>[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y])"
    r")"
    r"(?![0-9A-Za-z]|[.,/-][0-9])"
)

# Words that say "this is an identity number"; the group tells for which countries.
_CONTEXT = re.compile(
    r"(?P<se_dk>personnum|personummer|pers\.?\s?nr|\bp-?nr)"
    r"|(?P<se_no>personnr)"
    r"|(?P<se>samordningsnum|samordningsnr|födelsenum)"
    r"|(?P<no>fødselsnum|fødselsnr|\bf\.?nr|d-num|d-nr)"
    r"|(?P<dk>cpr)"
    r"|(?P<fi>henkilötun|\bhetu|\bsotu|personbeteckning|\btunnu)"
    r"|(?P<any>person(?:al)?\s(?:identity\s|id\s|identification\s)?(?:number|no\b|id\b)"
    r"|\bssn\b|social\ssecurity|identity\snumber|\bid[-\s]?(?:nummer|nr|number|no\b)"
    r"|identitetsnum|national\sid)"
)
_CONTEXT_COUNTRIES = {
    "se_dk": {"se", "dk"},
    "se_no": {"se", "no"},
    "se": {"se"},
    "no": {"no"},
    "dk": {"dk", "cpr"},
    "fi": {"fi"},
    "any": {"any"},
}
# Words that say "this is some other number": an order, an invoice, an account, a case.
_OTHER_NUMBER = re.compile(
    r"order|ordre|kund|faktura|referens|\bref|ocr|ärende|diarie|\bdnr|bankgiro|plusgiro"
    r"|konto|clearing|artikel|art\.?nr|serie|tracking|kolli|sändning|bokning|invoice"
    r"|account|reference|tilaus|lasku|viite|sak\b|saks|bestilling"
)
# Such a word labelling the number itself: "Ordernr 3507092157", "OCR: 3507092157",
# "fakturanummer är 3507092157" (the word, a number word, a colon, a verb, then the number).
_OTHER_LABEL = re.compile(
    r"(?:" + _OTHER_NUMBER.pattern + r")[\w.-]*"
    r"(?:\s*(?:nr\.?|nummer|number|no\.?|numero|#))?"
    r"\s*[:#.]?\s*(?:(?:är|er|is|on|var|was)\s+)?$"
)
_OTHER_NUMBER_BEFORE = 32
_CONTEXT_BEFORE = 48
_CONTEXT_AFTER = 24

# A ten-digit run starting like a Swedish mobile number is a phone number unless the text
# says otherwise. Of the mobile prefixes only 070 also reads as a date (born January to
# September 2007), so that is the one ambiguous form.
_MOBILE_PREFIX = "070"
# Confidence when words for another kind of number stand near a number that validates.
_OTHER_WORDS_CONFIDENCE = 0.6


# Words of the language around a number: a Danish "personnummer" (Swedes write the same word)
# and a Finnish comment without an identity word ("Kiitos, 131052-0040 tässä").
_DANISH = re.compile(r"\b(?:mit|jeg|venligst|hilsen|tak for|nummeret er)\b")
_FINNISH = re.compile(
    r"\b(?:kiitos|tässä|voitteko|voisitteko|minun|minulla|olen|että|tämä|hakemu\w*|asia\w*"
    r"|päätö\w*|milloin|miksi|kunta\w*|kaupunki\w*|terveisin|hei)\b"
)


def _context(lower: str, start: int, end: int) -> set[str]:
    found: set[str] = set()
    window_start = max(0, start - _CONTEXT_BEFORE)
    window_end = min(len(lower), end + _CONTEXT_AFTER)
    for match in _CONTEXT.finditer(lower, window_start, window_end):
        found |= _CONTEXT_COUNTRIES[match.lastgroup]
    if "dk" in found and "cpr" not in found and not _DANISH.search(lower, window_start, window_end):
        found.discard("dk")  # "personnummer" in a Swedish sentence
    if "fi" not in found and _FINNISH.search(lower, window_start, window_end):
        found.add("fi_language")
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


_NO_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _no(number: str) -> str | None:
    """A Norwegian fødselsnummer or D-nummer (day + 40); synthetic test numbers (month + 40
    from NAV, + 80 from Skatteetaten's Tenor) too, since they are written the same way."""
    digits = [int(c) for c in number]
    for weights, at in ((_NO_WEIGHTS_1, 9), (_NO_WEIGHTS_2, 10)):
        check = (11 - sum(w * d for w, d in zip(weights, digits, strict=False)) % 11) % 11
        if check != digits[at]:
            return None
    day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
    individual = int(number[6:9])
    d_number = day > 40
    if d_number:
        day -= 40
    if month > 80:
        month -= 80
    elif month > 40:
        month -= 40
    if individual < 500:
        year += 1900
    elif individual < 750 and year >= 54:
        year += 1800
    elif year < 40:
        year += 2000
    elif individual >= 900:
        year += 1900
    else:
        return None
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return None
    if born > datetime.datetime.now(tz=datetime.UTC).date():
        return None
    return "no_d_nummer" if d_number else "no_fodselsnummer"


def _fi(number: str) -> bool:
    return fi_hetu.is_valid(number.upper(), allow_temporary=True)


def _readings(match: re.Match) -> list[tuple[str, str, float]]:
    """Every valid reading of one candidate as (country, subtype, confidence without context),
    in the order to prefer when the text does not name a country."""
    hetu = match.group("hetu")
    if hetu is not None:
        return [("fi", "fi_hetu", 0.95)] if _fi(hetu) else []
    century, date, sep, serial = match.group("century", "date", "sep", "serial")
    sep = (sep or "").strip() or (" " if sep else "")
    if len(serial) == 5:
        if century or sep == "+":
            return []
        subtype = _no(date + serial)
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
    context = _context(lower, start, end)
    near = max(0, start - _OTHER_NUMBER_BEFORE)
    other_words = bool(_OTHER_NUMBER.search(lower, near, start))
    hetu = match.group("hetu")
    century, sep = match.group("century"), match.group("sep")
    # Twelve digits, a separator or a HETU: no other kind of number looks so.
    distinct = bool(century or sep or hetu)
    if not distinct and other_words and _OTHER_LABEL.search(lower, near, start):
        return None  # "Ordernr 3507092157", even after a personnummer earlier in the text
    for country, subtype, confidence in readings:
        if confidence == 0.0 and "cpr" not in context:
            continue  # a CPR failing mod-11 only where the text says "CPR"
        if country in context:  # the text names this country's number
            return subtype, 0.5 if confidence == 0.0 else 0.99
    for country, subtype, confidence in readings:
        if confidence == 0.0:  # a CPR failing mod-11 only where the text says "CPR"
            continue
        # Read as Danish or Finnish digits while the text names no such number, it is far
        # more often a Swedish number with a wrong check digit, or some other number. A HETU
        # with a letter in it (the only kind the `hetu` group takes) is unmistakable.
        if country == "dk" and "any" not in context:
            continue
        if country == "fi" and hetu is None and not context & {"any", "fi_language"}:
            continue
        if (
            country == "se"
            and not context
            and not distinct
            and match.group("date").startswith(_MOBILE_PREFIX)
        ):
            continue
        if context & {"se", "any"}:
            confidence = 0.99
        elif other_words:
            confidence = min(confidence, _OTHER_WORDS_CONFIDENCE)
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
