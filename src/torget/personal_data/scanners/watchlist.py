"""The organisation's own watchlist: terms, phrases and regular expressions."""

import re
from collections.abc import Iterable

from .finding import Finding
from .vocabulary import EXACT, INFLECT, OPEN, Term, Vocabulary

NAME = "watchlist/1"
_SPACES = re.compile(r"\s+")


class Watchlist:
    """Terms and phrases match whole words, case-insensitively, with the vocabularies' common
    inflection endings ("bygglov" finds "bygglovet"); `=term` matches exactly, `term*` takes
    any ending. Patterns are Python regular expressions, matched case-insensitively.
    """

    def __init__(
        self, terms: Iterable[str] = (), phrases: Iterable[str] = (), patterns: Iterable[str] = ()
    ) -> None:
        entries = []
        for subtype, values in (("term", terms), ("phrase", phrases)):
            for value in values:
                key = _SPACES.sub(" ", value.strip().lower())
                right = INFLECT
                if key.startswith("=") and len(key) > 1:
                    right, key = EXACT, key[1:]
                elif key.endswith("*"):
                    right, key = OPEN, key[:-1].rstrip()
                if key:
                    entries.append(Term(key, "watchlist", subtype, 0.9, NAME, False, right))
        self.terms = tuple(entries)
        self._vocabulary = Vocabulary(entries)
        compiled = []
        for pattern in patterns:
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as error:
                raise ValueError(f"Invalid watchlist pattern {pattern!r}: {error}") from None
        self.patterns = tuple(compiled)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Watchlist":
        """One entry a line: a term, a phrase (it has a space), or `re:` and a pattern;
        blank lines and lines starting with `#` are skipped."""
        terms, phrases, patterns = [], [], []
        for line in lines:
            line = line.rstrip("\r\n")
            if line.startswith("re:"):
                patterns.append(line[3:])
                continue
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            (phrases if " " in line else terms).append(line)
        return cls(terms=terms, phrases=phrases, patterns=patterns)

    def __bool__(self) -> bool:
        return bool(self.terms or self.patterns)

    def scan(self, text: str, lower: str, out: list[Finding]) -> None:
        self._vocabulary.scan(text, lower, out)
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if end > start:
                    out.append(Finding("watchlist", "pattern", start, end, 0.9, NAME, text))
