"""The scanner engine: identity numbers in every written form, hard negatives, contact and
payment data, addresses, vocabularies, the watchlist, the JSON Lines command."""

import datetime
import io
import json
from pathlib import Path

import orjson
import pytest
from django.apps import apps
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.dk import cpr as dk_cpr
from stdnum.fi import hetu as fi_hetu
from stdnum.no import fodselsnummer as no_fodselsnummer

from torget.personal_data.scanners import (
    CATEGORIES,
    ENGINE_VERSION,
    Finding,
    Watchlist,
    scan,
    scan_many,
)
from torget.personal_data.scanners.jsonl import scan_json_lines

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "personnummer"
TEST_PERSONNUMMER = (SAMPLES / "skatteverket_testpersonnummer.txt").read_text().split()
MOBILE_PREFIX = "070"  # the one mobile prefix that also reads as a date (2007-01 to 2007-09)


def of(text: str, category: str, watchlist: Watchlist | None = None) -> list[Finding]:
    return [f for f in scan(text, watchlist) if f.category == category]


def written_forms(number: str, today: datetime.date) -> list[str]:
    """Every way a person writes the twelve-digit YYYYMMDDNNNN: long, short, with "-" (or
    "+" from the year one turns 100), with a space, or with nothing."""
    year = int(number[:4])
    sign = "+" if today.year - year >= 100 else "-"
    short = number[2:8]
    return [
        number,
        f"{number[:8]}-{number[8:]}",
        f"{short}{sign}{number[8:]}",
        f"{short} {number[8:]}",
        f"{short}{number[8:]}",
    ]


# -- Swedish personnummer: Skatteverket's test numbers -------------------------------------


def test_all_skatteverket_test_numbers_are_found_in_every_written_form():
    today = datetime.datetime.now(tz=datetime.UTC).date()
    assert len(TEST_PERSONNUMMER) > 40_000
    missed = []
    for i, number in enumerate(TEST_PERSONNUMMER):
        for form in written_forms(number, today):
            if i % 2:
                text = f"Hej! Mitt personnummer är {form}, kan ni hjälpa mig med bygglovet?"
            else:
                text = f"Skicka beslutet till mig ({form}) tack. Mvh Anna"
            start = text.index(form)
            found = of(text, "personal_id")
            ambiguous = (
                i % 2 == 0 and form.isdigit() and len(form) == 10 and form.startswith(MOBILE_PREFIX)
            )
            if ambiguous:  # also a valid mobile number, and nothing says it is an id
                continue
            expected = "se_samordningsnummer" if int(number[6:8]) > 60 else "se_personnummer"
            spans = [(f.start, f.end, f.subtype) for f in found]
            if spans != [(start, start + len(form), expected)]:
                missed.append((form, spans))
    assert missed == []


def test_context_word_raises_confidence():
    plain = of("Skriv till mig, 189001019802 tack", "personal_id")[0]
    named = of("Mitt pnr: 189001019802", "personal_id")[0]
    assert named.confidence > plain.confidence
    assert named.confidence >= 0.99


def test_ten_digit_mobile_shaped_number_needs_context():
    # 0702... is both a mobile number and the personnummer of a child born in February 2007.
    number = next(n[2:] for n in TEST_PERSONNUMMER if n[2:].startswith("0702"))
    assert of(f"Ordernr {number}", "personal_id") == []
    assert of(f"Ring mig på {number}", "personal_id") == []
    assert of(f"Ring mig på {number}", "phone") != []
    assert [f.value for f in of(f"Hans personnummer är {number}", "personal_id")] == [number]


def test_personnummer_meta_vectors():
    vectors = json.loads((SAMPLES / "personnummer_meta_list.json").read_text())
    for vector in vectors:
        for key in ("long_format", "short_format", "separated_format", "separated_long"):
            form = vector[key]
            found = of(f"Personnummer {form} står i ansökan.", "personal_id")
            if vector["valid"]:
                assert [f.value for f in found] == [form], form
                expected = "se_samordningsnummer" if vector["type"] == "con" else "se_personnummer"
                assert found[0].subtype == expected
            elif " " not in form:  # the list calls a space invalid; we take it as a separator
                assert [f for f in found if f.subtype.startswith("se_")] == [], form


def test_finding_repr_does_not_show_the_number():
    finding = of("Personnummer 189001019802", "personal_id")[0]
    assert "189001019802" not in repr(finding)
    assert finding.value == "189001019802"
    assert finding.masked == "18**********"
    assert finding.scanner == "personal_id/2"


@pytest.mark.parametrize(
    "text",
    [
        "Ordernr 4711234567 har inte kommit fram.",
        "Mitt ärende har nummer 1234567890, varför tar det så lång tid?",
        "Ordernummer 202405171234 gäller leveransen.",
        "Mitt personnummer står ovan. Ordernr 3507092157 har inte kommit.",
        "Ring 070-123 45 67 eller 0701234567 om ni undrar något.",
        "Växeln nås på +46 8 508 290 00 och 08-508 290 00.",
        "Mötet är 2024-05-17 kl 18:30 i stadshuset.",
        "Datum 20240517, tid 1830, rum 12.",
        "Personnummer 811218-9877 är fel, det har fel kontrollsiffra.",
        "Pnr 198112189877 och 8112189877 har fel kontrollsiffra.",
        "Postnummer 123 45 och 98765 i Exempelstad.",
        "Det kostar 1 250 000 kr eller 1250000,00 kronor, alltså 12 500 000 öre.",
        "Kontot SE45 5000 0000 0583 9825 7466 är inte ett personnummer.",
        "IBAN-liknande skräp SE12 3456 7890 1234 5678 9012.",
        "Klockan 12:30:45, 08.15-16.45, 2024-05-17T12:30:00Z.",
        "Bankgiro 5050-1055, plusgiro 4890-6, OCR 1234567890123.",
        "Version 1.2.3456789012 av appen och build 20240517-1234.",
        "Ordern 811299-1234 och 991301-1234 har datum som inte finns.",
        "Ärende 000000-0000 och 999999-9999.",
    ],
)
def test_hard_negatives_are_not_personal_ids(text):
    assert of(text, "personal_id") == []


# -- Norway, Denmark, Finland ---------------------------------------------------------------
# Valid numbers are made here from the published checksum rules and cross-checked with
# python-stdnum; none belongs to a real person as far as we know, and none is needed to.


def norwegian(date: str, individual: str) -> str:
    weights1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    weights2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    base = date + individual
    k1 = (11 - sum(w * int(d) for w, d in zip(weights1, base, strict=True)) % 11) % 11
    k2 = (11 - sum(w * int(d) for w, d in zip(weights2, base + str(k1), strict=True)) % 11) % 11
    assert k1 < 10 and k2 < 10
    return f"{base}{k1}{k2}"


def danish(date: str, serial3: str) -> str:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2)
    total = sum(w * int(d) for w, d in zip(weights, date + serial3, strict=True))
    check = (11 - total % 11) % 11
    assert check < 10
    return f"{date}{serial3}{check}"


def finnish(date: str, sign: str, individual: str) -> str:
    return (
        f"{date}{sign}{individual}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(date + individual) % 31]
    )


NO_FNR = norwegian("150585", "123")  # 15 May 1985
NO_DNR = norwegian("550585", "123")  # D-nummer: day + 40
DK_CPR = danish("150585", "123")
FI_HETU = finnish("150585", "-", "123")
FI_HETU_2000 = finnish("030405", "A", "456")


def test_generated_numbers_validate_with_stdnum():
    assert no_fodselsnummer.is_valid(NO_FNR)
    assert no_fodselsnummer.is_valid(NO_DNR)
    assert dk_cpr.is_valid(DK_CPR) and dk_cpr.checksum(DK_CPR) == 0
    assert fi_hetu.is_valid(FI_HETU) and fi_hetu.is_valid(FI_HETU_2000)


@pytest.mark.parametrize(
    ("text", "value", "subtype"),
    [
        (f"Fødselsnummeret mitt er {NO_FNR}.", NO_FNR, "no_fodselsnummer"),
        (f"Send svar til meg, {NO_FNR[:6]} {NO_FNR[6:]}", f"{NO_FNR[:6]} {NO_FNR[6:]}", None),
        (f"D-nummer {NO_DNR} fra Skatteetaten", NO_DNR, "no_d_nummer"),
        (f"Mit CPR-nummer er {DK_CPR[:6]}-{DK_CPR[6:]}", f"{DK_CPR[:6]}-{DK_CPR[6:]}", "dk_cpr"),
        (f"cpr {DK_CPR}", DK_CPR, "dk_cpr"),
        (f"Henkilötunnus {FI_HETU}", FI_HETU, "fi_hetu"),
        (f"Min personbeteckning är {FI_HETU_2000}.", FI_HETU_2000, "fi_hetu"),
        (f"Kiitos, {FI_HETU_2000} tässä.", FI_HETU_2000, "fi_hetu"),
    ],
)
def test_nordic_numbers_are_found(text, value, subtype):
    found = of(text, "personal_id")
    assert [f.value for f in found] == [value]
    assert found[0].subtype == (subtype or "no_fodselsnummer")


def test_danish_number_failing_mod11_needs_the_word_cpr_and_gets_low_confidence():
    failing = DK_CPR[:9] + str((int(DK_CPR[9]) + 1) % 10)
    assert dk_cpr.checksum(failing) != 0
    assert of(f"Ordre {failing[:6]}-{failing[6:]}", "personal_id") == []
    found = of(f"CPR-nr. {failing[:6]}-{failing[6:]}", "personal_id")
    assert [(f.subtype, f.confidence) for f in found] == [("dk_cpr", 0.5)]
    valid = of(f"CPR-nr. {DK_CPR[:6]}-{DK_CPR[6:]}", "personal_id")
    assert valid[0].confidence > 0.5


@pytest.mark.parametrize(
    "text",
    [
        f"Fødselsnummer {NO_FNR[:10]}{(int(NO_FNR[10]) + 1) % 10}",  # second control digit off
        f"Fødselsnummer {NO_FNR[:9]}{(int(NO_FNR[9]) + 1) % 10}{NO_FNR[10]}",  # first one off
        "Fødselsnummer 32138512345",  # no such date
        f"Henkilötunnus {FI_HETU[:-1]}{'X' if FI_HETU[-1] != 'X' else 'Y'}",
        "Henkilötunnus 310285-123A",  # no such date
        "CPR 320185-1234",  # no such date
        f"CPR {DK_CPR[:6]}+{DK_CPR[6:]}",  # not a Danish separator
    ],
)
def test_invalid_nordic_numbers_are_not_found(text):
    assert of(text, "personal_id") == []


# -- Phone and e-mail -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "subtype"),
    [
        ("Ring mig på 070-123 45 67 efter fem.", "070-123 45 67", "se_phone"),
        ("Mitt nummer: +46 70 123 45 67", "+46 70 123 45 67", "se_phone"),
        ("Växel 08-123 456 78, fråga efter Eva.", "08-123 456 78", "se_phone"),
        ("Ring 0701234567!", "0701234567", "se_phone"),
        ("Ring 0046 70 123 45 67", "0046 70 123 45 67", "se_phone"),
        ("Ring meg på +47 912 34 567", "+47 912 34 567", "no_phone"),
        ("Tlf 912 34 567 etter klokka fire", "912 34 567", "no_phone"),
        ("Ring 070-123 45 67 12 gånger", "070-123 45 67", "se_phone"),
    ],
)
def test_phone_numbers(text, value, subtype):
    found = of(text, "phone")
    assert [(f.value, f.subtype) for f in found] == [(value, subtype)]


@pytest.mark.parametrize(
    "text",
    [
        "Mötet är 2024-05-17 kl 18:30.",
        "Det kostar 1 250 000 kr.",
        "Ordernr 41234567 är skickad.",
        "Postnummer 123 45 Exempelstad.",
        "Ring 070-12 34",
    ],
)
def test_not_phone_numbers(text):
    assert of(text, "phone") == []


def test_emails():
    text = "Mejla anna.andersson@example.se eller karin+bygg@kommun.exempla.se. Följ @torget!"
    assert [f.value for f in of(text, "email")] == [
        "anna.andersson@example.se",
        "karin+bygg@kommun.exempla.se",
    ]
    assert of("Följ @exempla och skriv user@localhost eller a@b", "email") == []


# -- Payment --------------------------------------------------------------------------------

IBAN_SE = "SE45 5000 0000 0583 9825 7466"
IBAN_NO = "NO9386011117947"


def test_iban_valid_and_with_one_digit_changed():
    found = of(f"Betala till {IBAN_SE} tack", "payment")
    assert [(f.value, f.subtype) for f in found] == [(IBAN_SE, "iban")]
    assert [f.value for f in of(f"Konto {IBAN_NO}.", "payment")] == [IBAN_NO]
    assert [f.value for f in of(f"IBAN {IBAN_SE.replace(' ', '')}", "payment")] == [
        IBAN_SE.replace(" ", "")
    ]
    changed = IBAN_SE[:-1] + "7"
    assert of(f"Betala till {changed} tack", "payment") == []
    assert of(f"Betala till {changed} tack", "personal_id") == []


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111111111111111", True),
        ("5555-5555-5555-4444", True),
        ("3782 822463 10005", True),
        ("4111 1111 1111 1112", False),  # Luhn fails
        ("1234 5678 9012 3456", False),  # no known issuer, Luhn fails
        ("9999 9999 9999 9995", False),  # Luhn passes, no known issuer
    ],
)
def test_cards(number, valid):
    if number == "9999 9999 9999 9995":
        assert luhn.is_valid(number.replace(" ", ""))
    found = of(f"Mitt kort {number} gäller till 12/27.", "payment")
    assert [(f.value, f.subtype) for f in found] == ([(number, "card")] if valid else [])


# -- Addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("Jag bor på Storgatan 12, 123 45 Exempelstad.", "Storgatan 12, 123 45 Exempelstad", 0.9),
        ("Adress: Gamla vägen 4B 234 56 Lilla Byn", "Gamla vägen 4B 234 56 Lilla Byn", 0.9),
        ("Norra Strandgatan 7, 12345", "Norra Strandgatan 7, 12345", 0.8),
        ("Kom till kungsvägen 3 i morgon", "kungsvägen 3", 0.5),
    ],
)
def test_addresses(text, value, confidence):
    found = of(text, "address")
    assert [(f.value, f.confidence) for f in found] == [(value, confidence)]


@pytest.mark.parametrize(
    "text",
    [
        "Postnummer 123 45 Exempelstad.",
        "Vägen 4 gånger om dagen är för mycket.",
        "Bussen går från Stortorget 10 gånger om dagen.",
        "Riksväg 40 är avstängd och länsväg 222 också.",
        "Detaljplanen 2024 tar för lång tid.",
    ],
)
def test_not_addresses(text):
    assert of(text, "address") == []


# -- Special categories and BBS flags -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "subtype"),
    [
        ("Min mamma har fått bröstcancer och orkar inte.", "bröstcancer", "health"),
        ("Han är deprimerad sedan i våras", "deprimerad", "health"),
        ("Jeg har diabetes type 2", "diabetes", "health"),
        ("She was diagnosed with schizophrenia", "schizophrenia", "health"),
        ("Grannen är muslim och snäll", "muslim", "religion"),
        ("Moskén behöver parkering", "Moskén", "religion"),
        ("Hun er jødisk", "jødisk", "religion"),
        ("Han är kurd och kom hit 1990", "kurd", "ethnicity"),
        ("Hon röstar på Vänsterpartiet", "röstar på", "politics"),
        ("Jag är homosexuell och stolt", "homosexuell", "sexuality"),
        ("Han er homofil", "homofil", "sexuality"),
        ("Hon är med i facket", "facket", "trade_union"),
        ("He is a union member here", "union member", "trade_union"),
        ("Grannen är dömd för misshandel", "dömd", "criminal"),
        ("Han har sittet i fengsel", "fengsel", "criminal"),
    ],
)
def test_special_categories(text, value, subtype):
    found = of(text, "special_category")
    assert (value, subtype) in [(f.value, f.subtype) for f in found]
    assert all(0.3 <= f.confidence <= 0.7 for f in found)


@pytest.mark.parametrize(
    ("text", "value", "subtype"),
    [
        ("Jag vet var du bor, akta dig.", "vet var du bor", "threat"),
        ("Jag ska döda dig om du inte svarar", "ska döda dig", "threat"),
        ("Vi vet hvor du bor", "vet hvor du bor", "threat"),
        ("I know where you live", "know where you live", "threat"),
        ("De borde utrotas allihop", "borde utrotas", "hate_speech"),
        ("De bør utryddes", "bør utryddes", "hate_speech"),
        ("They are vermin", "are vermin", "hate_speech"),
        ("Ta till vapen och storma kommunhuset!", "storma kommunhuset", "incitement"),
        ("Länk till barnporr här", "barnporr", "child_abuse"),
        ("Här är hämndporr på henne", "hämndporr", "privacy_violation"),
    ],
)
def test_bbs_flags(text, value, subtype):
    found = of(text, "bbs")
    assert (value, subtype) in [(f.value, f.subtype) for f in found]


@pytest.mark.parametrize(
    "text",
    [
        "Hotellet vid torget är fint.",  # "hot" inside another word
        "Sjukt bra jobbat med snöröjningen!",  # slang, not health
        "Samma sak här, same same.",
        "Bussen till sjukhuset är försenad.",
        "Kommunal service och fackla i fönstret.",
        "Moderata priser i simhallen.",
    ],
)
def test_ordinary_comments_raise_no_vocabulary_flags(text):
    assert [f for f in scan(text) if f.category in ("special_category", "bbs")] == []


def test_inflections_and_word_boundaries():
    assert [f.value for f in of("Cancern kom tillbaka", "special_category")] == ["Cancern"]
    assert of("Cancerogena ämnen i marken", "special_category") == []
    assert [f.value for f in of("Hon har diabetiker-kost", "special_category")] == ["diabetiker"]


# -- Watchlist ------------------------------------------------------------------------------


def test_watchlist_terms_phrases_patterns():
    watchlist = Watchlist(
        terms=["bygglov", "=Grannby", "#exempla"],
        phrases=["kommunalråd  Svensson"],
        patterns=[r"ärende\s+\d{4}-\d+"],
    )
    text = "Bygglovet i Grannby! Kommunalråd Svensson och ärende 2024-123 #exempla Grannbyborna"
    found = of(text, "watchlist", watchlist)
    assert [(f.subtype, f.value) for f in found] == [
        ("term", "Bygglovet"),
        ("term", "Grannby"),
        ("phrase", "Kommunalråd Svensson"),
        ("pattern", "ärende 2024-123"),
        ("term", "#exempla"),
    ]


def test_watchlist_bad_pattern_names_it():
    with pytest.raises(ValueError, match=r"Invalid watchlist pattern '\[unclosed'"):
        Watchlist(patterns=["[unclosed"])


def test_watchlist_from_lines():
    watchlist = Watchlist.from_lines(
        ["# our words", "", "bygglov", "kommunalråd svensson", "re:\\d+"]
    )
    found = of("bygglov kommunalråd Svensson 42", "watchlist", watchlist)
    assert [f.subtype for f in found] == ["term", "phrase", "pattern"]


# -- Engine ---------------------------------------------------------------------------------


def test_public_api_and_order():
    assert CATEGORIES == (
        "personal_id",
        "phone",
        "email",
        "payment",
        "address",
        "special_category",
        "bbs",
        "watchlist",
    )
    assert ENGINE_VERSION
    text = (
        "Jag har cancer. Personnummer 189001019802, ring 070-123 45 67, "
        f"mejla a@exempel.se, konto {IBAN_SE}, Storgatan 1, 123 45 Exempelstad."
    )
    found = scan(text)
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert {f.category for f in found} == {
        "special_category",
        "personal_id",
        "phone",
        "email",
        "payment",
        "address",
    }
    assert all(f.category in CATEGORIES and 0 <= f.confidence <= 1 for f in found)
    assert list(scan_many(["", "Hej!", text])) == [[], [], found]


def test_phone_shaped_part_of_an_identity_number_is_not_a_phone():
    number = next(n for n in TEST_PERSONNUMMER if n.startswith("200509"))
    text = f"Personnummer {number[2:8]}-{number[8:]} eller {number}"
    assert [(f.category, f.value) for f in scan(text)] == [
        ("personal_id", f"{number[2:8]}-{number[8:]}"),
        ("personal_id", number),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"0123456789 -+.,:/@abcdeåäöSENOİß\n", "gatan ", "cancer", "pnr ", "ska döda dig"]
        ),
        max_size=80,
    ).map("".join)
    | st.text(max_size=200)
)
def test_scan_never_raises_and_spans_are_the_value(text):
    for finding in scan(text, Watchlist(terms=["abc"], patterns=["[0-9]+"])):
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.value == text[finding.start : finding.end]
        assert finding.category in CATEGORIES


# -- JSON Lines and the command -------------------------------------------------------------


def test_scan_json_lines_keeps_order_and_reports_bad_lines():
    lines = [
        '{"id": 1, "text": "Personnummer 189001019802"}\n',
        "not json\n",
        '{"id": "b", "text": "Hej!"}\n',
        '{"id": 3}\n',
        "[1, 2]\n",
        "\n",
        '{"id": 4, "text": "Ring 070-123 45 67"}\n',
    ]
    out, err = io.StringIO(), io.StringIO()
    scanned, bad = scan_json_lines(lines, out=out, err=err)
    assert (scanned, bad) == (3, 3)
    results = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == [1, "b", 4]
    assert results[0]["findings"] == [
        {
            "category": "personal_id",
            "subtype": "se_personnummer",
            "start": 13,
            "end": 25,
            "confidence": 0.99,
        }
    ]
    assert results[1]["findings"] == []
    assert results[2]["findings"][0]["category"] == "phone"
    messages = err.getvalue().splitlines()
    assert [m.split(":")[0] for m in messages] == ["line 2", "line 4", "line 5"]


@pytest.mark.skipif(
    not apps.is_installed("torget.supervision"),
    reason="needs torget.supervision in INSTALLED_APPS",
)
def test_scan_command(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 7, "text": "Bygglov på Storgatan 12, 123 45 Exempelstad"}\n')
    watchlist = tmp_path / "watchlist.txt"
    watchlist.write_text("bygglov\nre:storg\\w+\n")
    out = io.StringIO()
    call_command("scan", str(source), "--watchlist", str(watchlist), stdout=out)
    result = orjson.loads(out.getvalue())
    assert result["id"] == 7
    assert {f["category"] for f in result["findings"]} == {"address", "watchlist"}


# -- Issue 14: numbers missed next to other words, and digit-control HETUs ------------------


def _digit_control_hetu() -> str:
    for individual in range(2, 900):
        number = finnish("131052", "-", f"{individual:03d}")
        if number[-1].isdigit():
            return number
    raise AssertionError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Kan ni kolla ärendet för 19811218-2384?", "19811218-2384"),
        ("Kan ni kolla ärendet för 811218-2384?", "811218-2384"),
        ("Min faktura gäller 198112182384, inte min fru.", "198112182384"),
        ("Ordernr 811218-2384 är fel, det är mitt personnummer", "811218-2384"),
        ("Referens: 811218 - 2384", "811218 - 2384"),
        ("Pnr １９８１１２１８－２３８４", "１９８１１２１８－２３８４"),
        ("Pnr 19811218\u20132384.", "19811218\u20132384"),
        ("19811218-2384", "19811218-2384"),
        ("👉19811218-2384👈", "19811218-2384"),
        ("Hej\n811218-2384\n", "811218-2384"),
        (f"henkilötunnukseni on {_digit_control_hetu()}.", _digit_control_hetu()),
        (f"Kiitos, {_digit_control_hetu()} tässä.", _digit_control_hetu()),
        (f"Henkilötunnus {FI_HETU_2000.lower()}", FI_HETU_2000.lower()),
    ],
)
def test_a_valid_number_is_found_whatever_the_words(text, value):
    found = of(text, "personal_id")
    assert [f.value for f in found] == [value]


def test_words_for_other_numbers_lower_the_confidence_only():
    found = of("Kan ni kolla ärendet för 19811218-2384?", "personal_id")[0]
    plain = of("Skriv till 19811218-2384.", "personal_id")[0]
    assert found.confidence < plain.confidence
    assert of("Ordernr 8112182384 har inte kommit.", "personal_id") == []
