"""The audit log page."""

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .decorators import person_required
from .selectors import audit_events_list, people_list


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@person_required
def audit_log(request: HttpRequest) -> HttpResponse:
    params = request.GET
    actor = params.get("actor", "")
    events = audit_events_list(
        person=request.person,
        action=params.get("action", "").strip(),
        actor_id=int(actor) if actor.isdigit() else None,
        object_type=params.get("object_type", "").strip(),
        object_id=params.get("object_id", "").strip(),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
    )
    page = Paginator(events, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "people": people_list(person=request.person),
            "params": params,
            "query": query.urlencode(),
        },
    )
