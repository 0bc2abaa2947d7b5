"""Read API for the archive: search, a record with its versions, a thread."""

import datetime

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from torget.params import parse_id
from torget.personal_data.policy import data_for, text_for

from . import selectors
from .models import Direction, Kind, State
from .search_shown import SearchRefused, records_search_shown
from .views import filters_from

router = Router(tags=["archive"])


class RecordOut(Schema):
    id: int
    channel: str
    platform_id: str
    kind: Kind
    parent_platform_id: str
    thread_platform_id: str
    author_name: str
    author_handle: str
    author_platform_id: str
    direction: Direction
    state: State
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    first_seen_at: datetime.datetime
    last_seen_at: datetime.datetime
    text: str
    permalink: str
    has_media: bool
    version_count: int
    current_sha256: str

    @staticmethod
    def resolve_channel(obj) -> str:
        return obj.channel.slug

    # Personal data is shown as the policy says (torget.personal_data.policy): masked except
    # to the roles that need it whole; in author fields too (a name field may hold an e-mail).
    @staticmethod
    def resolve_text(obj, context) -> str:
        return text_for(context["request"].auth)(obj.text)

    @staticmethod
    def resolve_author_name(obj, context) -> str:
        return text_for(context["request"].auth)(obj.author_name)

    @staticmethod
    def resolve_author_handle(obj, context) -> str:
        return text_for(context["request"].auth)(obj.author_handle)

    @staticmethod
    def resolve_author_platform_id(obj, context) -> str:
        return text_for(context["request"].auth)(obj.author_platform_id)


class HitOut(Schema):
    record: RecordOut
    snippet_html: str


class SearchOut(Schema):
    results: list[HitOut]
    next_before: str


class SearchIn(Schema):
    q: str = ""
    channel: str = ""
    kind: str = ""
    direction: str = ""
    author: str = ""
    state: str = ""
    media: str = ""
    since: str = ""
    until: str = ""
    before: str = ""


class VersionOut(Schema):
    number: int
    captured_at: datetime.datetime
    sha256: str
    content: dict
    hash_ok: bool


class RecordDetailOut(RecordOut):
    versions: list[VersionOut]
    integrity_verified: bool

    @staticmethod
    def resolve_versions(obj) -> list[dict]:
        return obj.versions_out


@router.get("", response=SearchOut, summary="Search the archive (newest first)")
def search(request: HttpRequest, params: Query[SearchIn]):
    data = params.dict()
    try:
        page = records_search_shown(
            person=request.auth,
            query=data["q"],
            filters=filters_from(data, request.auth),
            before=data["before"],
        )
    except SearchRefused as error:
        raise HttpError(400, " ".join(error.messages)) from None
    return {
        "results": [{"record": h.record, "snippet_html": h.snippet} for h in page.hits],
        "next_before": page.next_before,
    }


def _record_get(request: HttpRequest, record_id: int):
    """The record, or 404 also for an id no database can hold (over 2**63 - 1)."""
    if parse_id(record_id) is None:
        raise Http404
    return selectors.record_get(person=request.auth, pk=record_id)


@router.get("/{int:record_id}", response=RecordDetailOut, summary="A record and its versions")
def record(request: HttpRequest, record_id: int):
    found = _record_get(request, record_id)
    versions = selectors.record_versions(record=found)
    events = selectors.record_events(record=found)
    shown = data_for(request.auth)  # every string of the content: text, title, author
    found.versions_out = [
        {
            "number": v.version.number,
            "captured_at": v.version.captured_at,
            "sha256": v.version.sha256,
            "content": shown(v.data),
            "hash_ok": v.hash_ok,
        }
        for v in versions
    ]
    found.integrity_verified = all(v.hash_ok for v in versions) and all(e.link_ok for e in events)
    return found


@router.get("/{int:record_id}/thread", response=list[RecordOut], summary="The record's thread")
def thread(request: HttpRequest, record_id: int):
    found = _record_get(request, record_id)
    return [row.record for row in selectors.record_thread(record=found)]
