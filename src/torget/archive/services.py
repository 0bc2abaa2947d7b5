"""Writes around the archive that are not ingestion: audited views of sensitive data."""

from django.db import transaction

from torget.organisations.access import check_role
from torget.organisations.models import Person
from torget.organisations.services import audit_record

from .models import Record, RecordVersion
from .selectors import RAW_READERS


@transaction.atomic
def record_raw_open(*, person: Person, record: Record) -> list[RecordVersion]:
    """The raw captures of a record, for those who may see them; the opening is audited."""
    check_role(person, RAW_READERS)
    audit_record(
        organisation=person.organisation, actor=person, action="record.view_raw", target=record
    )
    return list(record.versions.order_by("number"))
