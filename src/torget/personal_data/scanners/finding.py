"""What a scanner reports: one span of a text, what it is, and how sure the scanner is."""

from dataclasses import dataclass, field

CATEGORIES = (
    "personal_id",
    "phone",
    "email",
    "payment",
    "address",
    "special_category",
    "bbs",
    "watchlist",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """A span `text[start:end]` of one category; the text is kept out of repr and equality.

    Findings point at personal data: log or show them through `masked`, not `value`.
    """

    category: str
    subtype: str
    start: int
    end: int
    confidence: float
    scanner: str
    text: str = field(default="", repr=False, compare=False)

    @property
    def value(self) -> str:
        return self.text[self.start : self.end]

    @property
    def masked(self) -> str:
        value = self.value
        return value[:2] + "*" * max(len(value) - 2, 0)

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "subtype": self.subtype,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
        }
