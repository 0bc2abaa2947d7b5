"""Scanner benchmark: speed, precision and recall of the engine, and Presidio beside it.

    python bench/scan.py [--quick] [--n 1000000] [--presidio-n 20000] [--no-presidio]

Generates N realistic Swedish comments (bench/_common.py's generator), about 3% of them
carrying each kind of personal data or flag (Skatteverket's test personnummer in every
written form, phones, e-mails, IBAN, cards, addresses, special-category and BBS phrases),
plus hard negatives (order numbers, dates, times, amounts, postcodes, personnummer with a
wrong check digit, IBAN-like junk), every planted span labelled. Times `scan()` in this one
process, prints precision and recall per category, then runs Microsoft Presidio's pattern
recognizers (phone, e-mail, IBAN, card, and a personnummer PatternRecognizer with a Luhn
check) with a blank spaCy pipeline on a sample, in its own virtual environment
(bench/.venv-presidio, created on first run from PyPI). Then the personal_id scanner on the
hand-made labelled set (tests/samples/personal_id/labelled.jsonl), by class. The last line is
one JSON object.
Goals: >= 50,000 texts/s on one core, personal_id precision and recall >= 0.99, >= 50x
Presidio's rate.
"""

import argparse
import datetime
import json
import random
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from _common import NAMES, comment_text  # noqa: E402
from stdnum import iban as stdnum_iban  # noqa: E402
from stdnum import luhn  # noqa: E402

from torget.personal_data.scanners import scan  # noqa: E402

LABELLED = ROOT / "tests" / "samples" / "personal_id" / "labelled.jsonl"
PRESIDIO_VENV = HERE / ".venv-presidio"
PRESIDIO_PACKAGES = ["presidio-analyzer>=2.2,<3"]
SHARE = 0.03
KINDS = ("personal_id", "phone", "email", "iban", "card", "address", "special", "bbs")
CATEGORY = {"iban": "payment", "card": "payment", "special": "special_category"}
TEST_PERSONNUMMER = (
    (ROOT / "tests" / "samples" / "personnummer" / "skatteverket_testpersonnummer.txt")
    .read_text()
    .split()
)

PNR_TEMPLATES = [
    "Mitt personnummer är {}.",
    "Här är min sons pnr {} om ni behöver det.",
    "{} är mitt personnummer, ring mig.",
    "Skicka beslutet till {} tack.",
    "Personnr: {}",
    "Jag heter Anna ({}) och bor här.",
]
PHONE_TEMPLATES = ["Ring mig på {}.", "Mitt nummer är {}", "Sms:a {} efter fem.", "{} går bra."]
EMAIL_TEMPLATES = ["Mejla mig på {}.", "Kontakt: {}", "Skriv till {} så svarar jag."]
IBAN_TEMPLATES = ["Betala tillbaka till {} tack.", "Mitt konto: {}", "IBAN {}"]
CARD_TEMPLATES = ["Dra från kortet {} då.", "Kortnummer {} gick inte igenom.", "Mitt kort: {}"]
ADDRESS_TEMPLATES = ["Jag bor på {}.", "Skicka till {}", "Adressen är {}, kom förbi."]
STREETS = ["Storgatan", "Kungsvägen", "Drottninggatan", "Björkvägen", "Skolgatan", "Ekbacken"]
TOWNS = ["Exempelstad", "Grannby", "Lilla Edet", "Sjöbo", "Norrköping"]
DOMAINS = ["example.se", "exempel.nu", "kommun.example", "mail.example.com"]
SPECIAL = [
    ("Min dotter har ", "diabetes", " och behöver hjälp."),
    ("Jag är ", "muslim", " och tycker ni gör fel."),
    ("Han har ", "depression", " sedan i höstas."),
    ("Vi ", "röstade på", " er förra valet."),
    ("Grannen är ", "dömd", " för stöld."),
    ("Min man är med i ", "facket", " och säger samma sak."),
    ("Min son är ", "homosexuell", " och blir mobbad."),
    ("Hon fick ", "bröstcancer", " i fjol."),
    ("Mamma har ", "demens", " och bor ensam."),
    ("Han är ", "kurd", " och talar inte svenska."),
]
BBS = [
    ("Jag ", "vet var du bor", "."),
    ("Jag ", "ska döda dig", " om snöröjningen inte blir bättre."),
    ("Alla politiker ", "borde utrotas", "."),
    ("Vi borde ", "storma kommunhuset", " i morgon."),
    ("Det är ett ", "dödshot", " mot dig."),
    ("Du ", "förtjänar att dö", "."),
]
NEGATIVES = [
    lambda r: f"Ordernr {r.randrange(10**9, 10**10)} har inte kommit.",
    lambda r: f"Mötet är 2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d} kl 18:30.",
    lambda r: f"Det kostar {r.randrange(1, 999)} {r.randrange(100, 999)} kr.",
    lambda r: f"Postnummer {r.randrange(100, 990)} {r.randrange(10, 99)}.",
    lambda r: f"Ärende {r.randrange(2015, 2025)}-{r.randrange(1000, 99999)} gäller vägen.",
    lambda r: f"Klockan {r.randrange(0, 24):02d}:{r.randrange(0, 60):02d} var det stängt.",
    lambda r: f"Referens {r.randrange(10**11, 10**12)} i er faktura.",
    lambda r: wrong_checksum(r),
    lambda r: f"SE{r.randrange(10, 99)} {r.randrange(1000, 9999)} {r.randrange(1000, 9999)} 12.",
]


def wrong_checksum(rng: random.Random) -> str:
    number = rng.choice(TEST_PERSONNUMMER)
    wrong = number[:11] + str((int(number[11]) + rng.randrange(1, 10)) % 10)
    return f"Numret {wrong[2:8]}-{wrong[8:]} står på lappen."


def pnr_form(rng: random.Random, number: str, year_now: int) -> str:
    sign = "+" if year_now - int(number[:4]) >= 100 else "-"
    short = number[2:8]
    return rng.choice(
        [
            number,
            f"{number[:8]}-{number[8:]}",
            f"{short}{sign}{number[8:]}",
            f"{short}{sign}{number[8:]}",
            f"{short} {number[8:]}",
            f"{short}{number[8:]}",
        ]
    )


def phone(rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(7))
    prefix = rng.choice(["70", "72", "73", "76"])
    return rng.choice(
        [
            f"0{prefix}-{digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+46 {prefix} {digits[:3]} {digits[3:5]} {digits[5:]}",
            f"0{prefix}{digits}",
            f"08-{digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+47 9{digits[:2]} {digits[2:4]} {digits[4:]}",
        ]
    )


def email(rng: random.Random) -> str:
    first, last = rng.choice(NAMES).lower().split()
    table = str.maketrans("åäö", "aao")
    local = rng.choice([f"{first}.{last}", f"{first}{rng.randrange(100)}", first])
    return f"{local.translate(table)}@{rng.choice(DOMAINS)}"


def iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(20))
    number = f"SE{stdnum_iban.calc_check_digits('SE00' + bban)}{bban}"
    if rng.random() < 0.5:
        return number
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def card(rng: random.Random) -> str:
    head = rng.choice(["4", "51", "52", "55", "4571"])
    body = head + "".join(str(rng.randrange(10)) for _ in range(15 - len(head)))
    number = body + luhn.calc_check_digit(body)
    if rng.random() < 0.5:
        return number
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def address(rng: random.Random) -> str:
    street = f"{rng.choice(STREETS)} {rng.randrange(1, 120)}"
    postcode = f"{rng.randrange(100, 990)} {rng.randrange(10, 99)}"
    return rng.choice(
        [f"{street}, {postcode} {rng.choice(TOWNS)}", f"{street} {postcode} {rng.choice(TOWNS)}"]
    )


def generate(n: int, seed: int = 11) -> tuple[list[str], list[list[tuple[str, int, int]]]]:
    """n comments and, for each, its planted spans as (category, start, end)."""
    rng = random.Random(seed)
    year_now = datetime.datetime.now(tz=datetime.UTC).year
    texts, labels = [], []
    makers = {
        "personal_id": (
            PNR_TEMPLATES,
            lambda: pnr_form(rng, rng.choice(TEST_PERSONNUMMER), year_now),
        ),
        "phone": (PHONE_TEMPLATES, lambda: phone(rng)),
        "email": (EMAIL_TEMPLATES, lambda: email(rng)),
        "iban": (IBAN_TEMPLATES, lambda: iban(rng)),
        "card": (CARD_TEMPLATES, lambda: card(rng)),
        "address": (ADDRESS_TEMPLATES, lambda: address(rng)),
    }
    for _ in range(n):
        text = comment_text(rng)
        if rng.random() < 0.7:
            text += " " + comment_text(rng)
        if rng.random() < 0.3:
            text += " " + comment_text(rng)
        spans = []
        for kind in KINDS:
            if rng.random() >= SHARE:
                continue
            if kind in ("special", "bbs"):
                before, term, after = rng.choice(SPECIAL if kind == "special" else BBS)
                start = len(text) + 1 + len(before)
                text = f"{text} {before}{term}{after}"
            else:
                templates, make = makers[kind]
                value = make()
                template = rng.choice(templates)
                start = len(text) + 1 + template.index("{}")
                text = f"{text} {template.format(value)}"
                term = value
            spans.append((CATEGORY.get(kind, kind), start, start + len(term)))
        if rng.random() < 0.15:
            text += " " + rng.choice(NEGATIVES)(rng)
        texts.append(text)
        labels.append(spans)
    return texts, labels


def score(
    labels: list[list[tuple[str, int, int]]], found: list[list[tuple[str, int, int]]], categories
) -> dict:
    figures = {}
    for category in categories:
        expected = hits = reported = correct = 0
        for want, got in zip(labels, found, strict=True):
            want = [s for s in want if s[0] == category]
            got = [s for s in got if s[0] == category]
            expected += len(want)
            reported += len(got)
            hits += sum(any(g[1] < w[2] and w[1] < g[2] for g in got) for w in want)
            correct += sum(any(w[1] < g[2] and g[1] < w[2] for w in want) for g in got)
        figures[category] = {
            "labels": expected,
            "findings": reported,
            "precision": round(correct / reported, 4) if reported else None,
            "recall": round(hits / expected, 4) if expected else None,
        }
    return figures


def labelled_set_figures() -> dict:
    """Precision and recall of personal_id on the hand-made labelled set, overall and by class
    (the same set tests/supervision/test_personal_id_labelled.py checks)."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    by_class: dict[str, tuple[list, list]] = {}
    for row in rows:
        labels, found = by_class.setdefault(row["class"], ([], []))
        labels.append([("personal_id", start, end) for start, end, _ in row["spans"]])
        found.append(
            [(f.category, f.start, f.end) for f in scan(row["text"]) if f.category == "personal_id"]
        )
    classes = {
        name: score(labels, found, ("personal_id",))["personal_id"]
        for name, (labels, found) in sorted(by_class.items())
    }
    overall = score(
        [spans for labels, _ in by_class.values() for spans in labels],
        [spans for _, found in by_class.values() for spans in found],
        ("personal_id",),
    )["personal_id"]
    return {
        "lines": len(rows),
        "precision": overall["precision"],
        "recall": overall["recall"],
        "classes": classes,
    }


PRESIDIO_CHILD = r"""
import json, sys, time
import spacy
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer, EmailRecognizer, IbanRecognizer, PhoneRecognizer,
)

class BlankSpacyEngine(SpacyNlpEngine):
    # A blank English pipeline: tokenizer only, no model download.
    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])
    def load(self):
        self.nlp = {"en": spacy.blank("en")}

class Personnummer(PatternRecognizer):
    def validate_result(self, pattern_text):
        digits = "".join(c for c in pattern_text if c.isdigit())[-10:]
        total = 0
        for i, c in enumerate(digits):
            v = int(c) * (2 - i % 2)
            total += v - 9 if v > 9 else v
        return total % 10 == 0

engine = BlankSpacyEngine()
engine.load()
registry = RecognizerRegistry(supported_languages=["en"])
for recognizer in (
    PhoneRecognizer(supported_regions=("SE", "NO")),
    EmailRecognizer(),
    IbanRecognizer(),
    CreditCardRecognizer(),
    Personnummer(
        supported_entity="SE_PERSONNUMMER",
        patterns=[Pattern("personnummer", r"\b(?:18|19|20)?\d{6}[-+ ]?\d{4}\b", 0.5)],
        context=["personnummer", "pnr", "personnr"],
    ),
):
    registry.add_recognizer(recognizer)
analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])
category = {"PHONE_NUMBER": "phone", "EMAIL_ADDRESS": "email", "IBAN_CODE": "payment",
            "CREDIT_CARD": "payment", "SE_PERSONNUMMER": "personal_id"}
texts = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
analyzer.analyze(texts[0], language="en")
started = time.perf_counter()
results = [analyzer.analyze(text, language="en") for text in texts]
seconds = time.perf_counter() - started
found = [[(category[r.entity_type], r.start, r.end) for r in rs if r.entity_type in category]
         for rs in results]
from importlib.metadata import version
print(json.dumps({"texts": len(texts), "seconds": seconds, "found": found,
                  "version": version("presidio-analyzer"),
                  "spacy": spacy.__version__}))
"""


def presidio_python() -> Path:
    python = PRESIDIO_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PRESIDIO_VENV} (first run) ...", flush=True)
        venv.create(PRESIDIO_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PRESIDIO_PACKAGES], check=True)
    return python


def run_presidio(texts: list[str]) -> dict:
    python = presidio_python()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for text in texts:
            f.write(json.dumps(text, ensure_ascii=False) + "\n")
    result = subprocess.run(
        [str(python), "-c", PRESIDIO_CHILD, f.name], capture_output=True, text=True, check=False
    )
    Path(f.name).unlink()
    if result.returncode != 0:
        raise SystemExit(f"Presidio failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 texts, Presidio on 2,000")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--presidio-n", type=int, default=20_000)
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.n
    presidio_n = min(n, 2_000 if args.quick else args.presidio_n)

    started = time.perf_counter()
    texts, labels = generate(n)
    mean_chars = sum(map(len, texts)) / len(texts)
    print(
        f"generated {n:,} texts (mean {mean_chars:.0f} chars) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    scan("warm up 000101-2384 070-123 45 67")
    passes = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        results = [scan(text) for text in texts]
        passes.append(time.perf_counter() - started)
    seconds = min(passes)
    rate = n / seconds
    print(
        f"torget scan: {rate:,.0f} texts/s on one core (best of {args.repeat} passes: "
        f"{', '.join(f'{s:.2f}' for s in passes)} s)",
        flush=True,
    )

    found = [[(f.category, f.start, f.end) for f in fs] for fs in results]
    categories = ("personal_id", "phone", "email", "payment", "address", "special_category", "bbs")
    quality = score(labels, found, categories)
    for category, figures in quality.items():
        print(
            f"  {category:17} labels {figures['labels']:>7,}  findings {figures['findings']:>7,}"
            f"  precision {figures['precision']}  recall {figures['recall']}"
        )

    labelled = labelled_set_figures()
    print(
        f"labelled set ({LABELLED.relative_to(ROOT)}, {labelled['lines']:,} lines): "
        f"personal_id precision {labelled['precision']} recall {labelled['recall']}"
    )
    for name, figures in labelled["classes"].items():
        if figures["labels"] or figures["findings"]:
            print(
                f"  {name:28} labels {figures['labels']:>4}  findings {figures['findings']:>4}"
                f"  precision {figures['precision']}  recall {figures['recall']}"
            )

    result = {
        "bench": "scan",
        "n_texts": n,
        "mean_chars": round(mean_chars, 1),
        "texts_per_s": round(rate),
        "seconds": round(seconds, 2),
        "passes_s": [round(p, 2) for p in passes],
        "quality": quality,
        "goal_rate_met": rate >= 50_000,
        "goal_personal_id_met": (quality["personal_id"]["precision"] or 0) >= 0.99
        and (quality["personal_id"]["recall"] or 0) >= 0.99,
        "labelled_set": labelled,
        "goal_labelled_set_met": labelled["precision"] >= 0.99 and labelled["recall"] >= 0.99,
    }
    if not args.no_presidio:
        presidio = run_presidio(texts[:presidio_n])
        presidio_rate = presidio["texts"] / presidio["seconds"]
        ours_on_sample = score(labels[:presidio_n], found[:presidio_n], categories[:4])
        theirs = score(labels[:presidio_n], presidio["found"], categories[:4])
        ratio = rate / presidio_rate
        print(
            f"presidio {presidio['version']} (blank spaCy {presidio['spacy']}): "
            f"{presidio_rate:,.0f} texts/s on {presidio['texts']:,} texts; "
            f"torget is {ratio:,.0f}x faster",
            flush=True,
        )
        for category in categories[:4]:
            print(
                f"  {category:17} presidio precision {theirs[category]['precision']}"
                f" recall {theirs[category]['recall']}  |  torget precision "
                f"{ours_on_sample[category]['precision']} recall "
                f"{ours_on_sample[category]['recall']}"
            )
        result |= {
            "presidio_version": presidio["version"],
            "presidio_n_texts": presidio["texts"],
            "presidio_texts_per_s": round(presidio_rate),
            "ratio": round(ratio, 1),
            "goal_ratio_met": ratio >= 50,
            "presidio_quality": theirs,
            "torget_quality_on_presidio_sample": ours_on_sample,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
