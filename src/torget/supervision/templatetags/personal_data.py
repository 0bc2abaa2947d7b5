"""{{ text|masked:may_see }}: a record's text with personal data masked unless `may_see`.

A thin wrapper for templates: the masking and the policy live in `torget.personal_data`;
Python code imports from there, never from here."""

from django import template

from torget.personal_data.masking import mask_text

register = template.Library()


@register.filter
def masked(text: str, may_see_whole: bool = False) -> str:
    return text if may_see_whole else mask_text(text)
