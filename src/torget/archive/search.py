"""Search over the archive: one interface, two backends.

Both index the same terms, computed in Python (archive/text.py: words, their lemmas, stems
for unknown words): SQLite in an FTS5 table `archive_search` (rowid = record id, the `ascii`
tokenizer, so that each of our terms is one token), PostgreSQL in a tsvector column
`search_vector` of the record with a GIN index, written as a literal of our terms (no parser,
no dictionary). Both are created by migration 0002 and rebuilt by 0005 and `torget reindex`.
Results come newest first, filtered by organisation before anything else.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from torget.organisations.models import Person
from torget.params import parse_cursor
from torget.personal_data.policy import text_for

from .models import Record
from .text import MAX_TERM, query_terms, snippet, terms

PAGE_SIZE = 20


def index_records(cursor, rows: list[tuple[int, str]], replaced: list[int] | None = None) -> None:
    """Index (record id, terms) rows inside the writer's transaction; `terms` is text.terms()
    joined by spaces. `replaced` are the ids among them that were indexed before."""
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


def reindex(
    *, batch_size: int = 2000, progress: Callable[[int, int], None] | None = None, using=None
) -> int:
    """Recompute the index terms of every record from its text, in batches of one transaction
    each; returns the number of records gone through. Idempotent: run it again and the index is the
    same. A record disposed of keeps its entry only while it had one (until the purge).
    `progress(done, total)` is called after each batch."""
    from django.db import connections, transaction

    conn = connections[using] if using else connection
    sqlite = conn.vendor == "sqlite"
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_record")
        total = cursor.fetchone()[0]
    done = last = 0
    while True:
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            cursor.execute(
                "SELECT id, title, text, state FROM archive_record WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [last, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            last = rows[-1][0]
            disposed = [rid for rid, _title, _text, state in rows if state == "disposed"]
            indexed = _indexed(cursor, disposed, sqlite) if disposed else set()
            wanted = [
                (rid, " ".join(terms(f"{title} {text}" if title else text)))
                for rid, title, text, state in rows
                if state != "disposed" or rid in indexed
            ]
            ids = [rid for rid, _t in wanted]
            if sqlite:
                for start in range(0, len(ids), 900):
                    chunk = ids[start : start + 900]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM archive_search WHERE rowid IN ({marks})", chunk)
                cursor.executemany(
                    "INSERT INTO archive_search (rowid, stems) VALUES (%s, %s)", wanted
                )
            else:
                cursor.executemany(
                    "UPDATE archive_record SET search_vector = %s::tsvector WHERE id = %s",
                    [(tsvector_literal(text), rid) for rid, text in wanted],
                )
            done += len(rows)
        if progress is not None:
            progress(done, total)


def _indexed(cursor, ids: list[int], sqlite: bool) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ", ".join(["%s"] * len(chunk))
        if sqlite:
            sql = f"SELECT rowid FROM archive_search WHERE rowid IN ({marks})"
        else:
            sql = (
                f"SELECT id FROM archive_record WHERE search_vector IS NOT NULL AND id IN ({marks})"
            )
        cursor.execute(sql, chunk)
        found.update(row[0] for row in cursor.fetchall())
    return found


def tsvector_literal(terms_text: str) -> str:
    """Our terms as a PostgreSQL tsvector, taken as they are (no parser, no dictionary).
    text.terms() keeps each within PostgreSQL's limits; anything longer is left out here too."""
    return " ".join(_lexeme(term) for term in terms_text.split() if len(term) <= MAX_TERM)


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
    # Query words that were not searched for (digit words for a caller that refuses them).
    ignored_words: tuple[str, ...] = ()


def records_search(
    *,
    person: Person,
    query: str = "",
    filters: Filters = Filters(),
    before: str = "",
    limit: int = PAGE_SIZE,
    allow_digit_words: bool = True,
) -> Page:
    """Records of the person's organisation matching `query` (all words, any inflection).

    With `allow_digit_words=False`, query words holding a digit (a personal identity number,
    a phone number) are not searched for and are listed in `Page.ignored_words`; a query of
    nothing but such words finds nothing, so that search cannot tell whether a masked number
    occurs in the archive."""
    wanted = query_terms(query)
    ignored: tuple[str, ...] = ()
    if not allow_digit_words:
        kept = [group for group in wanted if not any(c.isdigit() for c in "".join(group))]
        ignored = tuple(
            dict.fromkeys(word for word in query.split() if any(c.isdigit() for c in word))
        )
        if wanted and not kept:
            return Page([], "", ignored)
        wanted = kept
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
            params.append(_storable(value))
    if filters.author:
        where.append("(r.author_name = %s OR r.author_handle = %s OR r.author_platform_id = %s)")
        params.extend([_storable(filters.author)] * 3)
    if filters.has_media is not None:
        where.append("r.has_media = %s")
        params.append(filters.has_media)
    if filters.since:
        where.append("r.created_at >= %s")
        params.append(adapt(_day_start(filters.since)))
    if filters.until:
        where.append("r.created_at < %s")
        until = min(filters.until, _LAST_DAY) + datetime.timedelta(days=1)
        params.append(adapt(_day_start(until)))
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
    wanted_set = {term for group in wanted for term in group}
    shown = _personal_data_shown(person)
    hits = [Hit(r, snippet(shown(f"{r.title} {r.text}".strip()), wanted_set)) for r in ordered]
    next_before = ""
    if more and ordered:
        last = ordered[-1]
        next_before = f"{last.created_at.isoformat()}_{last.pk}"
    return Page(hits, next_before, ignored)


def record_terms(record: Record) -> str:
    """The index terms of a record, as the ingest pipeline writes them."""
    return " ".join(terms(f"{record.title} {record.text}" if record.title else record.text))


# Dates outside these bounds cannot be turned into a time in every time zone.
_FIRST_DAY = datetime.date(1000, 1, 1)
_LAST_DAY = datetime.date(9998, 12, 31)


def _storable(value: str) -> str:
    """A filter value as text the databases can take: NUL and lone surrogates cannot be
    stored, so they become U+FFFD, as they do in captured text."""
    if value.isascii() and "\x00" not in value:
        return value
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)


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

    day = min(max(day, _FIRST_DAY), _LAST_DAY + datetime.timedelta(days=1))
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _match_params(query: str, wanted: list[tuple[str, ...]]) -> list:
    """The match expression: every query word required, any of its terms will do. Our terms
    are letters and digits only; they are quoted all the same, and no operator is ever read
    from the query."""
    if not wanted:
        return []
    if connection.vendor == "sqlite":
        return [" AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in wanted)]
    return [" & ".join("(" + " | ".join(_lexeme(t) for t in group) + ")" for group in wanted)]


def _query_sql(wanted: list[tuple[str, ...]], where: list[str], params: list) -> str:
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
