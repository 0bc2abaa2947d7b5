"""Vocabularies: terms and phrases matched as whole words by one Aho–Corasick automaton.

A vocabulary line is a term or a phrase, matched case-insensitively on word boundaries,
with the common Swedish, Norwegian and English inflection endings allowed after it:

    cancer        cancer, cancern, cancerns (an ending from INFLECTIONS)
    =hiv          exactly "hiv", no ending
    diabet*       any ending: diabetes, diabetiker, diabetesmottagningen
    *cancer       any beginning inside the word too: bröstcancer, prostatacancern
    # a comment   (also after a term: "cancer  # the illness")

The GDPR special categories live in `vocabularies/special_category/<subtype>.<lang>.txt`
and the BBS-lagen §5 categories in `vocabularies/bbs/<subtype>.<lang>.txt`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from .finding import Finding

VOCABULARY_DIR = Path(__file__).parent / "vocabularies"
VOCABULARY_FAMILIES = ("special_category", "bbs")
VOCABULARY_VERSION = 1

# Endings allowed after a plain term: definite and plural forms, genitive, past tense.
INFLECTIONS = frozenset(
    {
        "", "s", "n", "t", "a", "e", "d",
        "en", "et", "er", "ar", "or", "na", "ne", "ns", "es", "ed", "de", "te", "at", "ad",
        "ens", "ets", "ers", "ars", "ors", "nas", "ing", "ade", "ande", "ende", "ene", "ane",
        "are", "ere", "ernas", "arnas", "ornas", "erna", "arna", "orna", "ings", "iker",
        "ikern", "ikerna", "isk", "iska", "iskt", "iske", "ist", "ister", "isten", "isterna",
    }
)  # fmt: skip

_WORD_TAIL = re.compile(r"\w*")
_SPACES = re.compile(r"\s+")

INFLECT, EXACT, OPEN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary line, ready for the automaton."""

    key: str
    category: str
    subtype: str
    confidence: float
    scanner: str
    left_open: bool = False
    right: int = INFLECT


def parse_line(line: str) -> tuple[str, bool, int] | None:
    """(key, left_open, right mode) of a vocabulary line, or None for a blank or comment."""
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        return None
    right = INFLECT
    if line.startswith("="):
        right, line = EXACT, line[1:]
    left_open = line.startswith("*")
    if left_open:
        line = line[1:]
    if line.endswith("*"):
        right, line = OPEN, line[:-1]
    key = _SPACES.sub(" ", line.strip().lower())
    return (key, left_open, right) if key else None


def load_terms(directory: Path = VOCABULARY_DIR) -> list[Term]:
    """Every term of every vocabulary file, with its category and subtype from the path."""
    terms = []
    for family in VOCABULARY_FAMILIES:
        scanner = f"{family}/{VOCABULARY_VERSION}"
        for path in sorted((directory / family).glob("*.txt")):
            subtype = path.name.split(".", 1)[0]
            for line in path.read_text(encoding="utf-8").splitlines():
                parsed = parse_line(line)
                if parsed is None:
                    continue
                key, left_open, right = parsed
                confidence = 0.6 if " " in key else 0.5
                terms.append(Term(key, family, subtype, confidence, scanner, left_open, right))
    return terms


class Vocabulary:
    """An automaton over lower-cased terms; `scan` appends whole-word matches as findings."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_key: dict[str, list[tuple]] = {}
        for term in terms:
            by_key.setdefault(term.key, []).append(
                (
                    len(term.key),
                    term.category,
                    term.subtype,
                    term.confidence,
                    term.scanner,
                    term.left_open,
                    term.right,
                )
            )
        self.size = len(by_key)
        self._automaton = ahocorasick.Automaton()
        for key, entries in by_key.items():
            self._automaton.add_word(key, tuple(entries))
        if by_key:
            self._automaton.make_automaton()

    def scan(self, text: str, lower: str, out: list[Finding]) -> None:
        if not self.size:
            return
        hits = []
        tail = _WORD_TAIL.match
        for last, entries in self._automaton.iter(lower):
            end = last + 1
            for length, category, subtype, confidence, scanner, left_open, right in entries:
                start = end - length
                if start and _is_word(lower[start - 1]) and _is_word(lower[start]):
                    if not left_open:
                        continue
                    while start and _is_word(lower[start - 1]):
                        start -= 1
                word_end = tail(lower, end).end() if _is_word(lower[end - 1]) else end
                if word_end > end:
                    if right == EXACT:
                        continue
                    if right == INFLECT and lower[end:word_end] not in INFLECTIONS:
                        continue
                hits.append((start, word_end, category, subtype, confidence, scanner))
        if not hits:
            return
        # Within one subtype keep the longest of overlapping matches ("olaga hot" over "hot").
        hits.sort(key=lambda hit: (hit[2], hit[3], hit[0], -hit[1]))
        previous = None
        for start, end, category, subtype, confidence, scanner in hits:
            if previous and previous[0] == (category, subtype) and start < previous[1]:
                continue
            previous = ((category, subtype), end)
            out.append(Finding(category, subtype, start, end, confidence, scanner, text))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


_vocabulary: Vocabulary | None = None


def builtin_vocabulary() -> Vocabulary:
    """The special-category and BBS vocabularies, loaded once per process."""
    global _vocabulary
    if _vocabulary is None:
        _vocabulary = Vocabulary(load_terms())
    return _vocabulary
