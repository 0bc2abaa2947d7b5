"""Search over the archive: one interface, two backends.

Both index the same Snowball Swedish stems, computed here (archive/text.py): SQLite in an
FTS5 table `archive_search` (rowid = record id; FTS5 has no Swedish stemmer), PostgreSQL in
a tsvector column `search_vector` of the record with a GIN index ('simple' configuration over
our stems: PostgreSQL's own `swedish` one leaves "bygglovet" unstemmed). Both are created by
migration 0002. Results come newest first, filtered by organisation before anything else.
"""

import datetime
from dataclasses import dataclass

from django.db import connection

from torget.organisations.models import Person
from torget.params import parse_cursor
from torget.personal_data.policy import text_for

from .models import Record
from .text import query_stems, snippet

PAGE_SIZE = 20


def index_records(cursor, rows: list[tuple[int, str]], replaced: list[int] | None = None) -> None:
    """Index (record id, stems) rows inside the writer's transaction; `stems` comes from
    text.stems(). `replaced` are the ids among them that were indexed before."""
    if not rows:
        return
    if connection.vendor == "sqlite":
        replaced = replaced or []
        for start in range(0, len(replaced), 900):
            chunk = replaced[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM archive_search WHERE rowid IN ({marks})", chunk)
        # OR REPLACE: a row left behind by records removed outside the pipeline (a flushed
        # test database) must never block or mislabel a new one.
        cursor.executemany(
            "INSERT OR REPLACE INTO archive_search (rowid, stems) VALUES (%s, %s)", rows
        )
    else:
        cursor.executemany(
            "UPDATE archive_record SET search_vector = %s::tsvector WHERE id = %s",
            [(tsvector_literal(text), rid) for rid, text in rows],
        )


def tsvector_literal(stems_text: str) -> str:
    """Our stems as a PostgreSQL tsvector, taken as they are (no parser, no dictionary)."""
    return " ".join(_lexeme(stem) for stem in stems_text.split())


def _lexeme(stem: str) -> str:
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Filters:
    channel_id: int | None = None
    kind: str = ""
    direction: str = ""
    author: str = ""
    state: str = ""
    has_media: bool | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class Hit:
    record: Record
    snippet: str


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    next_before: str  # keyset cursor for the next (older) page, "" at the end


def records_search(
    *,
    person: Person,
    query: str = "",
    filters: Filters = Filters(),
    before: str = "",
    limit: int = PAGE_SIZE,
) -> Page:
    """Records of the person's organisation matching `query` (all words, any inflection)."""
    wanted = query_stems(query)
    # Disposed records are gone from the archive's pages (the disposal app's tombstones).
    where = ["r.organisation_id = %s", "r.state <> 'disposed'"]
    params: list = [person.organisation_id]
    adapt = connection.ops.adapt_datetimefield_value
    if filters.channel_id:
        where.append("r.channel_id = %s")
        params.append(filters.channel_id)
    for column, value in (
        ("kind", filters.kind),
        ("direction", filters.direction),
        ("state", filters.state),
    ):
        if value:
            where.append(f"r.{column} = %s")
            params.append(value)
    if filters.author:
        where.append("(r.author_name = %s OR r.author_handle = %s OR r.author_platform_id = %s)")
        params.extend([filters.author] * 3)
    if filters.has_media is not None:
        where.append("r.has_media = %s")
        params.append(filters.has_media)
    if filters.since:
        where.append("r.created_at >= %s")
        params.append(adapt(_day_start(filters.since)))
    if filters.until:
        where.append("r.created_at < %s")
        params.append(adapt(_day_start(filters.until + datetime.timedelta(days=1))))
    if before and (cursor := parse_cursor(before)):
        # A cursor we did not make (an edited address) is ignored: the first page.
        stamp, record_id = adapt(cursor[0]), cursor[1]
        where.append("(r.created_at < %s OR (r.created_at = %s AND r.id < %s))")
        params.extend([stamp, stamp, record_id])
    with connection.cursor() as cursor:
        match = _match_params(query, wanted)
        if match and connection.vendor == "sqlite" and _common_on_sqlite(cursor, match[0]):
            # Many records match: walk the records newest first and keep those in the match
            # set, stopping at the page's end, instead of sorting every match.
            sql = (
                "SELECT r.id FROM archive_record r INDEXED BY record_org_created "
                f"WHERE {' AND '.join(where)} AND r.id IN (SELECT rowid FROM archive_search "
                "WHERE archive_search MATCH %s) ORDER BY r.created_at DESC, r.id DESC LIMIT %s"
            )
            cursor.execute(sql, [*params, *match, limit + 1])
        else:
            cursor.execute(_query_sql(wanted, where, params), [*match, *params, limit + 1])
        ids = [row[0] for row in cursor.fetchall()]
    more = len(ids) > limit
    ids = ids[:limit]
    records = Record.objects.select_related("channel").in_bulk(ids)
    ordered = [records[i] for i in ids]
    wanted_set = set(wanted)
    shown = _personal_data_shown(person)
    hits = [Hit(r, snippet(shown(f"{r.title} {r.text}".strip()), wanted_set)) for r in ordered]
    next_before = ""
    if more and ordered:
        last = ordered[-1]
        next_before = f"{last.created_at.isoformat()}_{last.pk}"
    return Page(hits, next_before)


# Above this many matching records, sorting them all costs more than walking the records
# newest first (bench/search.py).
COMMON_MATCHES = 5000


def _common_on_sqlite(cursor, match: str) -> bool:
    cursor.execute(
        "SELECT count(*) FROM (SELECT rowid FROM archive_search WHERE archive_search MATCH %s "
        "LIMIT %s)",
        [match, COMMON_MATCHES + 1],
    )
    return cursor.fetchone()[0] > COMMON_MATCHES


def _day_start(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _match_params(query: str, wanted: list[str]) -> list:
    if not wanted:
        return []
    if connection.vendor == "sqlite":
        # Each stem quoted: FTS5 reads them as plain terms, all required.
        return [" ".join(f'"{w}"' for w in wanted)]
    # A tsquery literal of our own stems: every stem required, no operators read from input.
    return [" & ".join(_lexeme(stem) for stem in wanted)]


def _query_sql(wanted: list[str], where: list[str], params: list) -> str:
    order = "ORDER BY r.created_at DESC, r.id DESC LIMIT %s"
    if not wanted:
        return f"SELECT r.id FROM archive_record r WHERE {' AND '.join(where)} {order}"
    if connection.vendor == "sqlite":
        return (
            "SELECT r.id FROM archive_search s JOIN archive_record r ON r.id = s.rowid "
            f"WHERE archive_search MATCH %s AND {' AND '.join(where)} {order}"
        )
    return (
        "SELECT r.id FROM archive_record r "
        f"WHERE r.search_vector @@ %s::tsquery AND {' AND '.join(where)} "
        f"{order}"
    )


def _personal_data_shown(person):
    """Snippets show personal data masked, except to the roles that need it whole (what a
    query may find is decided in search_shown.py)."""
    return text_for(person)
