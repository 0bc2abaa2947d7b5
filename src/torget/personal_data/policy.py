"""Who sees personal data whole: the one policy every output of Torget obeys.

Personal identity numbers, phone numbers, e-mail addresses, payment details and addresses
(`masking.MASKED_CATEGORIES`) in records' texts, titles, versions, raw payloads and author
fields are shown with only their last four characters, except to the roles in
`WHOLE_VALUE_ROLES`:

- **security officers** judge what was posted (a threat, a number posted about someone
  else) and **registrars** register it as a case: both need the value as it was written;
- every other role (organisation administrator, manager, communicator, channel
  administrator, archivist, auditor) sees it masked.

Per output (docs/supervision.md has the same list, with the reasons):

- record page, thread, versions and diffs, inbox, question, review queue and pages, records
  API (text, versions with their titles, author fields), search snippets and result lists:
  whole to those roles, masked to the others;
- search, for the others: a query that names personal data is refused, and a record is
  listed only when the query matches it as they are shown it (archive/search_shown.py);
- raw payload (opened only by archivists and registrars, every opening audited): whole to
  registrars (`WHOLE_RAW_ROLES`), masked to archivists;
- CSV exports, disposal examples and e-mails (mail leaves Torget): masked for everyone;
- evidence PDF: the stored file is the evidence, kept whole and unchanged for ten years;
  those roles download it, the others get a masked rendering made when asked, and either
  download is in the audit log;
- registration packages (for the registrar) and snapshots (E-ARK, for the archive): whole,
  they are the record itself;
- a finding's whole value on the review page: those roles only, on request, audited.

Images and other media are not masked: the policy covers text.

This module imports no Torget app: a person is anything with `has_role(*roles)`.
"""

from collections.abc import Callable
from typing import Any, Protocol

from .masking import mask_data, mask_text

# Role values (organisations.models.Role), written out so that this package imports no app;
# tests/test_personal_data.py checks that they are roles.
SECURITY_OFFICER = "security_officer"
REGISTRAR = "registrar"
WHOLE_VALUE_ROLES = (SECURITY_OFFICER, REGISTRAR)
# Of those who may open the raw payload (archivists, registrars), these see it whole.
WHOLE_RAW_ROLES = (REGISTRAR,)


class HasRoles(Protocol):
    def has_role(self, *roles: str) -> bool: ...


def sees_whole(person: HasRoles | None) -> bool:
    """May this person see personal data whole in records' texts?"""
    return person is not None and person.has_role(*WHOLE_VALUE_ROLES)


def sees_raw_whole(person: HasRoles | None) -> bool:
    return person is not None and person.has_role(*WHOLE_RAW_ROLES)


def _whole(text: str) -> str:
    return text


def text_for(person: HasRoles | None) -> Callable[[str], str]:
    """How this person is shown records' texts: whole, or with personal data masked."""
    return _whole if sees_whole(person) else mask_text


def data_for(person: HasRoles | None) -> Callable[[Any], Any]:
    """The same for a JSON-like value (a version's content): every string in it."""
    return _identity if sees_whole(person) else mask_data


def _identity(data: Any) -> Any:
    return data
