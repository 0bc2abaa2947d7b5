"""Search as a person may see it: no search result reveals personal data masked for them.

Without the right to see personal data whole (torget.personal_data.policy), a list of
records matching "811218" would say which records hold that number even though every
snippet masks it. So, for those people:

- a query that names personal data (a number of five digits or more, an e-mail address, a
  personal identity, phone, payment number or address) is refused with a plain sentence;
- any other query lists a record only if it matches the record as the person is shown it:
  title and text masked, then reduced to terms as the index does. A query for a part of a
  number ("1218", "svensson" from an e-mail address) finds nothing it could not see.
  The same holds for the author filter.

The search itself (archive/search.py) is unchanged: this wraps it, page by page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from torget.organisations.models import Person
from torget.personal_data import policy
from torget.personal_data.masking import mask_text, names_personal_data
from torget.refusals import FORBIDDEN, Refusal

from .models import Record
from .search import PAGE_SIZE, Filters, Page, records_search
from .text import query_terms, terms

# Pages of the underlying search read to fill one page of results before giving the rest
# to the next page's cursor (a page can then be short, never wrong).
MAX_ROUNDS = 5


class SearchRefused(ValidationError, Refusal):
    """A query this person may not make, with a sentence saying why."""

    status = FORBIDDEN


def records_search_shown(
    *,
    person: Person,
    query: str = "",
    filters: Filters | None = None,
    before: str = "",
    limit: int = PAGE_SIZE,
) -> Page:
    """`records_search`, keeping only what the person may learn from it."""
    filters = filters or Filters()
    if policy.sees_whole(person):
        return records_search(
            person=person, query=query, filters=filters, before=before, limit=limit
        )
    if names_personal_data(query) or names_personal_data(filters.author):
        raise SearchRefused(
            _(
                "Searching for personal identity numbers, phone numbers, e-mail addresses, "
                "account numbers or addresses is open only to security officers and "
                "registrars: they are masked for you. Search for other words."
            )
        )
    wanted = query_terms(query)
    hits, cursor = [], before
    for _round in range(MAX_ROUNDS):
        page = records_search(
            person=person, query=query, filters=filters, before=cursor, limit=limit - len(hits)
        )
        hits.extend(h for h in page.hits if _matches_as_shown(h.record, wanted, filters.author))
        cursor = page.next_before
        if not cursor or len(hits) >= limit:
            break
    return Page(hits, cursor)


def _matches_as_shown(record: Record, wanted: list[tuple[str, ...]], author: str) -> bool:
    if author and author not in {
        mask_text(record.author_name),
        mask_text(record.author_handle),
        mask_text(record.author_platform_id),
    }:
        return False
    if not wanted:
        return True
    whole = f"{record.title} {record.text}".strip()
    shown = mask_text(whole)
    if shown == whole:
        return True  # nothing masked: the index matched what the person sees
    held = set(terms(shown))
    return all(set(group) & held for group in wanted)
