"""The archive's pages: search, and a record in its thread with its versions and proof."""

import mimetypes

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from torget.channels.models import mark_name_clashes
from torget.dialogue.services import may_answer
from torget.documents.filetypes import HEAD_BYTES, INLINE_SAFE, sniff
from torget.organisations.decorators import person_required
from torget.params import parse_date
from torget.personal_data import policy
from torget.personal_data.masking import mask_text

from . import blobs, selectors, services
from .models import Direction, Kind, State
from .search import Filters
from .search_shown import SearchRefused, records_search_shown


def filters_from(params, person) -> Filters:
    # PostgreSQL text cannot hold NUL: such a short name matches no channel.
    channel = params.get("channel", "").replace("\x00", "\ufffd")
    channel_id = None
    if channel:
        found = selectors.channels_with_records(person=person).filter(slug=channel).first()
        channel_id = found.pk if found else -1
    media = params.get("media", "")
    return Filters(
        channel_id=channel_id,
        kind=params.get("kind", "") if params.get("kind") in Kind.values else "",
        direction=params.get("direction", "")
        if params.get("direction") in Direction.values
        else "",
        author=params.get("author", "").strip(),
        state=params.get("state", "") if params.get("state") in State.values else "",
        has_media={"yes": True, "no": False}.get(media),
        since=parse_date(params.get("since")),
        until=parse_date(params.get("until")),
    )


@require_GET
@person_required
def search(request: HttpRequest) -> HttpResponse:
    params = request.GET
    query = params.get("q", "").strip()
    searched = bool(query) or any(
        params.get(k)
        for k in ("channel", "kind", "direction", "author", "state", "media", "since", "until")
    )
    page, refused = None, ""
    if searched:
        try:
            page = records_search_shown(
                person=request.person,
                query=query,
                filters=filters_from(params, request.person),
                before=params.get("before", ""),
            )
        except SearchRefused as error:
            refused = " ".join(error.messages)
    if page:
        mark_name_clashes([hit.record.channel for hit in page.hits])
    next_query = params.copy()
    if page and page.next_before:
        next_query["before"] = page.next_before
    return render(
        request,
        "archive/search.html",
        {
            "page": page,
            "refused": refused,
            "may_see_personal_data": policy.sees_whole(request.person),
            "params": params,
            "query": query,
            "channels": selectors.channels_with_records(person=request.person),
            "kinds": Kind.choices,
            "directions": Direction.choices,
            "states": [c for c in State.choices if c[0] != State.DISPOSED],
            "next_query": next_query.urlencode() if page and page.next_before else "",
        },
    )


@require_GET
@person_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(person=request.person, pk=pk)
    raw = None
    if request.GET.get("raw") == "1":
        raw = [
            selectors.RawView(version.number, selectors.raw_shown(version.raw, request.person))
            for version in services.record_raw_open(person=request.person, record=record)
        ]
    versions = selectors.record_versions(record=record)
    events = selectors.record_events(record=record)
    may_see = policy.sees_whole(request.person)
    # A word diff shows the texts whole: it is shown when they hold no personal data, or to
    # the roles that see personal data whole; otherwise the masked text is.
    plain_diffs = {
        v.version.number
        for i, v in enumerate(versions)
        if may_see
        or (
            mask_text(v.data.get("text", "")) == v.data.get("text", "")
            and (
                i == 0
                or mask_text(versions[i - 1].data.get("text", ""))
                == versions[i - 1].data.get("text", "")
            )
        )
    }
    return render(
        request,
        "archive/record.html",
        {
            "record": record,
            "thread": selectors.record_thread(record=record),
            "versions": versions,
            "current": versions[-1] if versions else None,
            "events": events,
            "verified": all(v.hash_ok for v in versions) and all(e.link_ok for e in events),
            "may_see_raw": request.person.has_role(*selectors.RAW_READERS),
            "may_mark_question": may_answer(request.person, record.channel),
            "may_see_personal_data": may_see,
            "plain_diffs": plain_diffs,
            "raw": raw,
        },
    )


@require_GET
@person_required
def media(request: HttpRequest, sha256: str) -> FileResponse:
    """A stored media file. Its type is what its bytes show, never what an import declared
    (a blob is stored once for every organisation that imported it): raster pictures, video
    and sound are shown inline; anything else, SVG and HTML above all, is only downloaded."""
    blob = selectors.blob_get(person=request.person, sha256=sha256)
    handle = blobs.open_blob(blob.sha256)
    real = sniff(handle.read(HEAD_BYTES))
    handle.seek(0)
    inline = real in INLINE_SAFE
    extension = {"application/xml": ".xml", "application/octet-stream": ".bin"}.get(
        real, mimetypes.guess_extension(real) or ".bin"
    )
    response = FileResponse(
        handle,
        content_type=real,
        as_attachment=not inline,
        filename=f"{blob.sha256[:16]}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
