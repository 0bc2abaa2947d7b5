"""Writes labelled.jsonl: comments with personal identity numbers labelled, and hard negatives.

    python tests/samples/personal_id/make_labelled.py

Each line is {"class": ..., "lang": ..., "text": ..., "spans": [[start, end, subtype], ...]}.
Positive classes are named after the number and its written form, negative classes
("neg_...") after the kind of number that must not be taken for an identity number.
Swedish numbers are only Skatteverket's test personnummer (tests/samples/personnummer);
Norwegian, Finnish and Danish numbers are generated here from the published checksum rules
(test-style: never a real person's on purpose). Seeded: the file is the same on every run.
Committed as it is written, so that the test and bench/scan.py read a fixed set.
"""

import datetime
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKATTEVERKET = (
    (HERE.parent / "personnummer" / "skatteverket_testpersonnummer.txt").read_text().split()
)
OUT = HERE / "labelled.jsonl"
TODAY_YEAR = 2026

# -- Numbers ---------------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    total = 0
    for i, c in enumerate(reversed(digits)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def norwegian(rng: random.Random, *, d_number=False, synthetic=0) -> str:
    while True:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 80))
        day = born.day + (40 if d_number else 0)
        month = born.month + synthetic
        individual = rng.randrange(0, 500) if born.year < 2000 else rng.randrange(500, 1000)
        base = f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}"
        w1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
        k1 = (11 - sum(w * int(d) for w, d in zip(w1, base, strict=True)) % 11) % 11
        if k1 == 10:
            continue
        w2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
        k2 = (11 - sum(w * int(d) for w, d in zip(w2, base + str(k1), strict=True)) % 11) % 11
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"


HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def finnish(rng: random.Random, *, digit_control: bool | None = None, temporary=False) -> str:
    while True:
        born = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 99))
        if born.year >= 2000:
            sign = rng.choice("ABCDEF" if born.year > 2022 else "AB")
        else:
            sign = rng.choice("-" * 6 + "YXWVU")
        individual = rng.randrange(900, 1000) if temporary else rng.randrange(2, 900)
        date = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}"
        check = HETU_CHECK[int(f"{date}{individual:03d}") % 31]
        if digit_control is not None and check.isdigit() != digit_control:
            continue
        return f"{date}{sign}{individual:03d}{check}"


def danish(rng: random.Random) -> str:
    while True:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 80))
        date = f"{born.day:02d}{born.month:02d}{born.year % 100:02d}"
        serial3 = f"{rng.randrange(0, 400):03d}"  # 0-3 first: born in the 1900s
        weights = (4, 3, 2, 7, 6, 5, 4, 3, 2)
        total = sum(w * int(d) for w, d in zip(weights, date + serial3, strict=True))
        check = (11 - total % 11) % 11
        if check < 10:
            return f"{date}{serial3}{check}"


def iban_se(rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(20))
    numeric = int(bban + "2814" + "00")  # S=28, E=14
    check = 98 - numeric % 97
    raw = f"SE{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def org_number(rng: random.Random) -> str:
    digits = f"{rng.randrange(1, 10)}{rng.randrange(0, 10)}{rng.randrange(2, 10)}" + "".join(
        str(rng.randrange(10)) for _ in range(6)
    )
    return f"{digits[:6]}-{digits[6:]}{luhn_digit(digits)}"


FULLWIDTH = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")

# -- Swedish written forms ------------------------------------------------------------------

SE_FORMS = {
    "se_long_dash": lambda n: f"{n[:8]}-{n[8:]}",
    "se_long_plain": lambda n: n,
    "se_short_dash": lambda n: f"{n[2:8]}-{n[8:]}",
    "se_short_plain": lambda n: f"{n[2:8]}{n[8:]}",
    "se_short_space": lambda n: f"{n[2:8]} {n[8:]}",
    "se_long_space": lambda n: f"{n[:8]} {n[8:]}",
    "se_spaced_dash": lambda n: f"{n[2:8]} - {n[8:]}",
    "se_en_dash": lambda n: f"{n[:8]}\u2013{n[8:]}",
    "se_nbsp": lambda n: f"{n[2:8]}\u00a0{n[8:]}",
    "se_fullwidth": lambda n: f"{n[:8]}-{n[8:]}".translate(FULLWIDTH),
}

# -- Sentence shapes ------------------------------------------------------------------------

SV_ID = [
    "Mitt personnummer är {}.",
    "Personnummer: {}",
    "Här är min sons pnr {} om ni behöver det.",
    "pnr {} tack",
    "{} är mitt personnummer, ring mig.",
    "Personnumret är {}, skriv upp det.",
    "Samordningsnummer {} fick jag av Skatteverket.",
]
SV_PLAIN = [
    "Skicka beslutet till {} tack.",
    "Jag heter Anna ({}) och bor här.",
    "{}",
    "{}!",
    "Hej\n{}\nMvh Karin",
    "»{}«",
    "👉{}👈 kolla detta",
    "Svar till: {}.",
    "Det gäller mig, {}, och min man.",
    "Glöm inte {}",
]
SV_OTHER_WORDS = [
    "Kan ni kolla ärendet för {}?",
    "Jag har ett ärende hos er, mitt nummer {} – när får jag svar?",
    "Min faktura kom fel, den gäller {} och inte min fru.",
    "Bokningen står på mig, {}, kolla gärna.",
    "Referens till min ansökan: {} (det är jag).",
    "Konto hos er registrerat på {}, varför?",
    "Kundtjänst bad mig skriva {} här.",
    "Ärende om bygglov, sökande {}.",
]
NO_ID = [
    "Fødselsnummeret mitt er {}.",
    "fnr {}",
    "Mitt personnummer er {}, send svar.",
    "D-nummer {} fra Skatteetaten",
]
NO_PLAIN = [
    "Send svar til meg, {}",
    "Hei, jeg er {} og lurer på søknaden.",
    "{}",
    "Saken gjelder {}, takk.",
    "Kan dere sjekke saken min, {}?",
]
FI_ID = [
    "Henkilötunnus {}",
    "henkilötunnukseni on {}.",
    "Hetu: {}",
    "Min personbeteckning är {}.",
    "Henkilötunnukseni ({}) löytyy hakemuksesta.",
]
FI_PLAIN = [
    "Kiitos, {} tässä.",
    "Voitteko tarkistaa asiani, {}?",
    "{}",
    "Hakemus: {}.",
]
DK_ID = [
    "Mit CPR-nummer er {}.",
    "cpr {}",
    "CPR-nr. {} – ring venligst.",
    "Mit cpr nummer: {}",
    "Mit personnummer er {}, venligst ring.",
]
EN_ID = [
    "My personal identity number is {}.",
    "Personal number: {}",
    "Please check my case, ID number {}.",
    "My Swedish personnummer is {}, thanks.",
    "SSN {} (Swedish)",
]
EN_PLAIN = [
    "Can you check the case for {}?",
    "Send the decision to {} please.",
    "Regarding my application ({}), no answer yet.",
    "Your order system lists me as {}?!",
]

NEG = {
    "neg_order": [
        "Ordernr {} har inte kommit fram.",
        "Ordernummer: {}",
        "OCR {} på fakturan.",
        "Fakturanummer är {}.",
        "Kundnummer {} – ring mig.",
        "Order number {} never arrived.",
        "Tilausnumero {} ei ole saapunut.",
        "Ordrenummer {} er ikke levert.",
    ],
    "neg_case": [
        "Dnr {} gäller bygglovet.",
        "Ärende {} är fortfarande öppet.",
        "Diarienummer {}",
        "Saksnummer {} hos kommunen.",
    ],
    "neg_phone": [
        "Ring mig på {}.",
        "Mitt nummer är {}",
        "Ring meg på {}.",
        "Soita {}.",
        "Call me on {}",
    ],
    "neg_date": [
        "Mötet är {} i stadshuset.",
        "Datum {}, rum 12.",
        "Møtet er {}.",
        "Kokous on {}.",
    ],
    "neg_invoice": [
        "OCR-nummer {}",
        "Betala med OCR {} till bankgirot.",
        "Invoice {} is due.",
        "Viitenumero {}",
    ],
    "neg_iban": ["Betala tillbaka till {} tack.", "Mitt konto: {}", "IBAN {}"],
    "neg_bad_check": [
        "Mitt personnummer är {}.",
        "Personnummer {} står i ansökan.",
        "Pnr {} tack.",
        "Skicka till {}.",
        "Fødselsnummer {}",
        "Henkilötunnus {}",
    ],
    "neg_bad_date": ["Personnummer {} tack.", "Ordern {} har fel datum.", "pnr {}", "{}"],
    "neg_org": ["Vårt org.nr är {}.", "Organisationsnummer {}", "Firma AB ({})"],
    "neg_order_valid_shape": [
        "Ordernr {} har inte kommit fram.",
        "OCR: {}",
        "Fakturanummer är {}.",
        "Kundnr {}",
    ],
    "neg_account": [
        "Clearing 8327-9, konto {}.",
        "Kontonummer {}",
        "Bankgiro {}",
        "Plusgiro {}",
        "Kontonummer: {} (Norge)",
    ],
    "neg_timestamp": [
        "Loggen visar {} som sista körning.",
        "Build {} gick sönder.",
        "Skickat {}",
    ],
    "neg_other": [
        "Det kostar {} kr.",
        "Postnummer {} i Exempelstad.",
        "Version {} av appen.",
        "Klockan {}.",
    ],
}


def phone(rng: random.Random) -> str:
    kind = rng.randrange(6)
    digits = "".join(str(rng.randrange(10)) for _ in range(7))
    if kind == 0:
        return f"07{rng.choice('02369')}-{digits[:3]} {digits[3:5]} {digits[5:]}"
    if kind == 1:
        return f"+46 7{rng.choice('02369')} {digits[:3]} {digits[3:5]} {digits[5:]}"
    if kind == 2:
        return f"08-{digits[:3]} {digits[3:5]} {digits[5:]}"
    if kind == 3:
        return f"{rng.choice('49')}{digits[:2]} {digits[2:4]} {digits[4:7]}"
    if kind == 4:
        return f"+358 40 {digits[:3]} {digits[3:]}"
    return f"07{rng.choice('02369')}{digits}"


def date_text(rng: random.Random) -> str:
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
    return rng.choice(
        [
            day.isoformat(),
            f"{day:%d.%m.%Y}",
            f"{day:%Y%m%d}",
            f"{day.isoformat()} kl {rng.randrange(8, 20)}:{rng.choice(['00', '15', '30'])}",
            f"{day:%y%m%d}",
        ]
    )


def order_number(rng: random.Random) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(rng.choice([8, 9, 10, 10, 10, 11])))


def bad_check(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind < 3:
        n = rng.choice(SKATTEVERKET)
        wrong = str((int(n[-1]) + rng.randrange(1, 10)) % 10)
        n = n[:-1] + wrong
        return [n, f"{n[:8]}-{n[8:]}", f"{n[2:8]}-{n[8:]}"][kind]
    return _bad_no(rng) if rng.random() < 0.5 else _bad_fi(rng)


def _bad_no(rng: random.Random) -> str:
    n = norwegian(rng)
    return n[:10] + str((int(n[10]) + rng.randrange(1, 10)) % 10)


def _bad_fi(rng: random.Random) -> str:
    n = finnish(rng, digit_control=False)
    wrong = HETU_CHECK[(HETU_CHECK.index(n[-1]) + rng.randrange(1, 30)) % 31]
    return n[:-1] + wrong


def bad_date(rng: random.Random) -> str:
    year = rng.randrange(1940, 2020)
    month, day = rng.choice([(13, 10), (0, 10), (2, 30), (4, 31), (6, 32), (11, 0), (19, 5)])
    digits = f"{year}{month:02d}{day:02d}{rng.randrange(100, 1000)}"
    digits += luhn_digit(digits[2:])
    return rng.choice([digits, f"{digits[:8]}-{digits[8:]}", f"{digits[2:8]}-{digits[8:]}"])


def other_text(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{rng.randrange(1, 999)} {rng.randrange(100, 999)}",
            f"{rng.randrange(100, 999)} {rng.randrange(10, 99)}",
            f"{rng.randrange(1, 9)}.{rng.randrange(10**9, 10**10)}",
            f"{rng.randrange(10, 23)}:{rng.randrange(10, 59)}:{rng.randrange(10, 59)}",
        ]
    )


# -- Writing --------------------------------------------------------------------------------


def line(cls: str, lang: str, template: str, value: str, subtype: str | None) -> dict:
    start = template.index("{}")
    text = template.format(value) if template.count("{}") == 1 else template.format(value, value)
    spans = [[start, start + len(value), subtype]] if subtype else []
    return {"class": cls, "lang": lang, "text": text, "spans": spans}


def main() -> None:
    rng = random.Random(20261202)
    rows: list[dict] = []
    ordinary = [n for n in SKATTEVERKET if int(n[6:8]) <= 31]
    # Skatteverket's list holds no samordningsnummer: the valid ones of personnummer/meta's
    # test vectors (tests/samples/personnummer) stand in.
    vectors = json.loads((HERE.parent / "personnummer" / "personnummer_meta_list.json").read_text())
    coordination = [v["long_format"] for v in vectors if v["valid"] and v["type"] == "con"]
    old = [n for n in ordinary if TODAY_YEAR - int(n[:4]) >= 101]

    def se_subtype(n: str) -> str:
        return "se_samordningsnummer" if int(n[6:8]) > 60 else "se_personnummer"

    for form, write in SE_FORMS.items():
        for shapes, lang, suffix in (
            (SV_ID, "sv", ""),
            (SV_PLAIN, "sv", ""),
            (SV_OTHER_WORDS, "sv", "_other_words"),
            (EN_ID + EN_PLAIN, "en", ""),
        ):
            for template in shapes:
                n = rng.choice(ordinary)
                if form == "se_short_plain" and shapes is not SV_ID and n[2:5] == "070":
                    continue  # also a mobile number: only with an identity word
                rows.append(line(form + suffix, lang, template, write(n), se_subtype(n)))
    for template in SV_ID + SV_PLAIN + SV_OTHER_WORDS + EN_PLAIN:
        n = rng.choice(old)
        rows.append(line("se_plus", "sv", template, f"{n[2:8]}+{n[8:]}", "se_personnummer"))
    for n in coordination:
        for template in SV_ID + SV_PLAIN + SV_OTHER_WORDS:
            value = rng.choice([f"{n[:8]}-{n[8:]}", n, f"{n[2:8]}-{n[8:]}"])
            rows.append(line("se_samordningsnummer", "sv", template, value, se_subtype(n)))
    for template in SV_ID:
        n = rng.choice([n for n in ordinary if n[2:5] == "070"])
        rows.append(line("se_070_named", "sv", template, n[2:], "se_personnummer"))

    for kind, make, subtype in (
        ("no_fodselsnummer", lambda: norwegian(rng), "no_fodselsnummer"),
        ("no_d_nummer", lambda: norwegian(rng, d_number=True), "no_d_nummer"),
        ("no_synthetic", lambda: norwegian(rng, synthetic=rng.choice([40, 80])), None),
    ):
        for template in NO_ID + NO_PLAIN + EN_PLAIN:
            for spaced in (False, True):
                n = make()
                value = f"{n[:6]} {n[6:]}" if spaced else n
                rows.append(line(kind, "no", template, value, subtype or "no_fodselsnummer"))

    for kind, make in (
        ("fi_letter", lambda: finnish(rng, digit_control=False)),
        ("fi_digit_control", lambda: finnish(rng, digit_control=True)),
        ("fi_temporary", lambda: finnish(rng, temporary=True)),
    ):
        for template in FI_ID + FI_PLAIN:
            for _ in range(3):
                n = make()
                if template == "{}" and n[6] == "-" and n[-1].isdigit():
                    # A bare digit-only HETU with no word around it ("041191-3828") cannot be
                    # told from a Swedish number with a wrong check digit: the scanner needs
                    # a word or a Finnish sentence. The set leaves that one shape out.
                    continue
                rows.append(line(kind, "fi", template, n, "fi_hetu"))
    for template in FI_ID:
        n = finnish(rng, digit_control=False)
        rows.append(line("fi_lowercase", "fi", template, n.lower(), "fi_hetu"))

    for template in DK_ID:
        for _ in range(4):
            n = danish(rng)
            value = rng.choice([f"{n[:6]}-{n[6:]}", n])
            rows.append(line("dk_cpr", "da", template, value, "dk_cpr"))

    # Hard negatives.
    makers = {
        "neg_order": order_number,
        "neg_case": lambda r: r.choice(
            [
                f"{r.randrange(2015, 2027)}-{r.randrange(1, 9999):04d}",
                f"KS {r.randrange(2015, 2027)}/{r.randrange(1, 999)}",
                f"BUN {r.randrange(2015, 2027)}/{r.randrange(1, 9999):04d}",
                f"{r.randrange(2015, 2027)}-{r.randrange(1, 99999):05d}",
            ]
        ),
        "neg_phone": phone,
        "neg_date": date_text,
        "neg_invoice": lambda r: "".join(
            str(r.randrange(10)) for _ in range(r.choice([8, 13, 16]))
        ),
        "neg_iban": iban_se,
        "neg_bad_check": bad_check,
        "neg_bad_date": bad_date,
        "neg_org": org_number,
        "neg_other": other_text,
        # Skatteverket's numbers, ten bare digits, where the text says it is another number.
        "neg_order_valid_shape": lambda r: r.choice([n for n in ordinary if n[2:5] != "070"])[2:],
        "neg_account": lambda r: r.choice(
            [
                f"{r.randrange(100, 999)} {r.randrange(100, 999)} {r.randrange(100, 999)}-"
                f"{r.randrange(10)}",
                f"{r.randrange(1000, 9999)}-{r.randrange(1000, 9999)}",
                f"{r.randrange(10000, 99999)}-{r.randrange(10)}",
                f"{r.randrange(1000, 9999)}.{r.randrange(10, 99)}.{r.randrange(10000, 99999)}",
                "".join(str(r.randrange(10)) for _ in range(11)),
            ]
        ),
        "neg_timestamp": lambda r: (
            f"{datetime.date(2023, 1, 1) + datetime.timedelta(days=r.randrange(1000)):%Y%m%d}"
            + r.choice(["T", " kl ", "_", "-"])
            + f"{r.randrange(0, 24):02d}{r.randrange(0, 60):02d}"
        ),
    }
    for cls, templates in NEG.items():
        for template in templates:
            for _ in range(12):
                value = makers[cls](rng)
                rows.append(line(cls, "sv", template, value, None))
    with OUT.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} lines written to {OUT}")


if __name__ == "__main__":
    main()
