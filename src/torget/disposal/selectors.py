"""Reads for disposal, scoped to the acting person's organisation: rules, holds, runs, and
which records a rule governs, which a hold covers, and which must not go yet."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from torget.archive.models import Direction, Kind, Record, State
from torget.organisations.models import Person, Role

from .models import DisposalRule, DisposalRun, HoldScope, LegalHold, RecordClass, Tombstone

# Who sees the disposal pages; who may do what is in services.py.
READERS = (Role.ARCHIVIST, Role.REGISTRAR, Role.ORG_ADMIN, Role.AUDITOR)

CLASS_FILTERS = {
    RecordClass.COMMENTS: Q(direction=Direction.RECEIVED) & ~Q(kind=Kind.MESSAGE),
    RecordClass.MESSAGES: Q(direction=Direction.RECEIVED, kind=Kind.MESSAGE),
    RecordClass.OWN_POSTS: Q(direction=Direction.DRAWN_UP),
}


def rules_list(*, person: Person) -> QuerySet[DisposalRule]:
    return DisposalRule.objects.filter(organisation_id=person.organisation_id).select_related(
        "channel", "created_by"
    )


def rule_get(*, person: Person, pk: int) -> DisposalRule:
    found = rules_list(person=person).filter(pk=pk).first()
    if found is None:
        raise Http404("No such rule.")
    return found


def holds_list(*, person: Person) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(organisation_id=person.organisation_id).select_related(
        "channel", "placed_by", "released_by"
    )


def hold_get(*, person: Person, pk: int) -> LegalHold:
    found = holds_list(person=person).filter(pk=pk).first()
    if found is None:
        raise Http404("No such hold.")
    return found


def runs_list(*, person: Person) -> QuerySet[DisposalRun]:
    return DisposalRun.objects.filter(organisation_id=person.organisation_id).select_related(
        "planned_by", "approved_by", "undone_by"
    )


def run_get(*, person: Person, pk: int) -> DisposalRun:
    found = runs_list(person=person).filter(pk=pk).first()
    if found is None:
        raise Http404("No such disposal run.")
    return found


def run_tombstones(*, run: DisposalRun, limit: int = 200) -> list[Tombstone]:
    return list(
        Tombstone.objects.filter(run=run).select_related("rule", "channel").order_by("id")[:limit]
    )


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same moment `years` calendar years earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def governing_rules(organisation_id: int) -> dict[tuple[str, int], DisposalRule]:
    """(record class, channel id) -> the active rule that governs it: a rule for the channel
    over a rule for all channels, and among equals the one that keeps longest."""
    from torget.channels.models import Channel

    rules = list(
        DisposalRule.objects.filter(organisation_id=organisation_id, active=True).order_by("id")
    )
    channels = list(
        Channel.objects.filter(organisation_id=organisation_id).values_list("id", flat=True)
    )
    governing = {}
    for record_class in RecordClass.values:
        of_class = [r for r in rules if r.record_class == record_class]
        general = [r for r in of_class if r.channel_id is None]
        for channel_id in channels:
            pool = [r for r in of_class if r.channel_id == channel_id] or general
            if pool:
                governing[(record_class, channel_id)] = max(
                    pool, key=lambda r: (r.keep_years, -r.pk)
                )
    return governing


def with_exclusions(records: QuerySet[Record], today: datetime.date) -> QuerySet[Record]:
    """Mark what must not be disposed of yet: an open question, an undecided review, a
    registered case, removal evidence still within its time."""
    from torget.dialogue.models import OPEN_STATUSES, Question, Registration
    from torget.supervision.models import Evidence, ItemStatus, ReviewItem

    return records.annotate(
        open_question=Exists(
            Question.objects.filter(record=OuterRef("pk"), status__in=OPEN_STATUSES)
        ),
        open_review=Exists(
            ReviewItem.objects.filter(record=OuterRef("pk"), status=ItemStatus.OPEN)
        ),
        registered=Exists(Registration.objects.filter(record=OuterRef("pk"))),
        evidence_kept=Exists(Evidence.objects.filter(record=OuterRef("pk"), keep_until__gte=today)),
    )


RECORD_FIELDS = (
    "id",
    "channel_id",
    "platform_id",
    "kind",
    "thread_platform_id",
    "author_platform_id",
    "author_handle",
    "state",
    "created_at",
    "text",
    "open_question",
    "open_review",
    "registered",
    "evidence_kept",
)

# Why an approved record is not disposed of after all, in the order they are checked.
EXCLUSIONS = {
    "already_disposed": _("Already disposed"),
    "open_question": _("An open question in the dialogue"),
    "open_review": _("Not yet decided in supervision"),
    "registered": _("Registered as a case"),
    "evidence_kept": _("Removal evidence still kept"),
    "rule_withdrawn": _("The rule was withdrawn after the approval"),
}


def exclusion(row: dict) -> str:
    if row["state"] == State.DISPOSED:
        return "already_disposed"
    for name in ("open_question", "open_review", "registered", "evidence_kept"):
        if row[name]:
            return name
    return ""


@dataclass
class HoldMatcher:
    """Which active hold, if any, covers a record."""

    holds: list[LegalHold]
    search_ids: dict[int, set[int]] = field(default_factory=dict)

    def match(self, row: dict) -> LegalHold | None:
        for hold in self.holds:
            if hold.channel_id and hold.channel_id != row["channel_id"]:
                continue
            if hold.scope == HoldScope.CHANNEL:
                return hold
            if (
                hold.scope == HoldScope.THREAD
                and hold.thread_platform_id == row["thread_platform_id"]
            ):
                return hold
            if hold.scope == HoldScope.PERSON and _same_person(hold.person, row):
                return hold
            if hold.scope == HoldScope.SEARCH and row["id"] in self.search_ids.get(hold.pk, ()):
                return hold
        return None


def _same_person(wanted: str, row: dict) -> bool:
    wanted = wanted.strip()
    handle = row["author_handle"] or ""
    return bool(wanted) and (
        wanted == row["author_platform_id"]
        or wanted.lstrip("@").casefold() == handle.lstrip("@").casefold() != ""
    )


def hold_matcher(organisation_id: int, record_ids: Iterable[int] | None = None) -> HoldMatcher:
    """The organisation's active holds as they are now. Search holds are run through the
    archive's search index, limited to `record_ids` when given (a batch)."""
    holds = list(
        LegalHold.objects.filter(organisation_id=organisation_id, released_at__isnull=True)
        .order_by("placed_at", "id")
        .select_related("channel")
    )
    ids = list(record_ids) if record_ids is not None else None
    matcher = HoldMatcher(holds)
    for hold in holds:
        if hold.scope == HoldScope.SEARCH:
            matcher.search_ids[hold.pk] = search_record_ids(
                organisation_id=organisation_id,
                query=hold.query,
                channel_id=hold.channel_id,
                record_ids=ids,
            )
    return matcher


def search_record_ids(
    *,
    organisation_id: int,
    query: str,
    channel_id: int | None = None,
    record_ids: list[int] | None = None,
) -> set[int]:
    """Every record of the organisation the archive search finds for `query` (all words,
    any inflection, as on the search page), disposed ones included."""
    from torget.archive.search import _match_params
    from torget.archive.text import query_terms

    wanted = query_terms(query)
    if not wanted:
        return set()
    match = _match_params(query, wanted)
    where, params = ["r.organisation_id = %s"], [organisation_id]
    if channel_id:
        where.append("r.channel_id = %s")
        params.append(channel_id)
    if connection.vendor == "sqlite":
        sql = (
            "SELECT r.id FROM archive_search s JOIN archive_record r ON r.id = s.rowid "
            "WHERE archive_search MATCH %s AND "
        )
    else:
        sql = "SELECT r.id FROM archive_record r WHERE r.search_vector @@ %s::tsquery AND "
    found: set[int] = set()
    with connection.cursor() as cursor:
        if record_ids is None:
            cursor.execute(sql + " AND ".join(where), [*match, *params])
            return {row[0] for row in cursor.fetchall()}
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                sql + " AND ".join([*where, f"r.id IN ({marks})"]), [*match, *params, *chunk]
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def hold_coverage(*, hold: LegalHold, limit: int = 10) -> tuple[int, list[Record]]:
    """How many of the organisation's records a hold covers, and the newest few."""
    if hold.scope == HoldScope.SEARCH:
        ids = search_record_ids(
            organisation_id=hold.organisation_id, query=hold.query, channel_id=hold.channel_id
        )
        records = Record.objects.filter(pk__in=ids)
    else:
        records = Record.objects.filter(organisation_id=hold.organisation_id)
        if hold.channel_id:
            records = records.filter(channel_id=hold.channel_id)
        if hold.scope == HoldScope.THREAD:
            records = records.filter(thread_platform_id=hold.thread_platform_id)
        elif hold.scope == HoldScope.PERSON:
            who = hold.person.strip()
            records = records.filter(
                Q(author_platform_id=who) | Q(author_handle__iexact=who.lstrip("@"))
                if who
                else Q(pk__in=[])
            )
    return records.count(), list(records.order_by("-created_at", "-id")[:limit])


def tombstoned_hashes(channel, *, record_ids: list[int] | None = None) -> dict[int, set[str]]:
    """For `torget verify`: the version hashes each purged tombstone of the channel vouches
    for (before the purge the versions themselves are still there and checked); only for
    `record_ids` when given (verify reads the archive in batches)."""
    vouched: dict[int, set[str]] = {}
    rows = Tombstone.objects.filter(
        channel=channel, evidence__isnull=True, undone_at__isnull=True, purged_at__isnull=False
    )
    if record_ids is not None:
        rows = rows.filter(record_id__in=record_ids)
    rows = rows.values_list("record_id", "version_hashes", "current_sha256")
    for rid, hashes, current in rows.iterator(chunk_size=5000):
        vouched.setdefault(rid, set()).update([*hashes, current])
    return vouched


def disposed_evidence(evidence_ids: list[int]) -> set[int]:
    """For `torget verify`: which of these evidence files a tombstone disposed of."""
    return set(
        Tombstone.objects.filter(evidence_id__in=evidence_ids, undone_at__isnull=True).values_list(
            "evidence_id", flat=True
        )
    )
