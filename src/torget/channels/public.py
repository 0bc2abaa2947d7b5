"""The public list of channels (R2): HTML, JSON and CSV, no login, nothing from third parties.

The JSON follows schemas/kanaler-v2.schema.json (version 2 added the sealed archive heads);
a change that breaks it gets a new version.
"""

import csv
import json
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from torget.archive.seals import known_public_keys, latest_seals, public_pem
from torget.organisations.models import Organisation

from .models import Channel
from .selectors import channels_public

SCHEMA_VERSION = 2
SCHEMA_PATH = Path(__file__).parent / "schemas" / "kanaler-v2.schema.json"
CSV_COLUMNS = [
    "organisation",
    "platform",
    "name",
    "address",
    "url",
    "unit",
    "purpose",
    "status",
    "closed_on",
    "records_request",
]


def _records_request(organisation: Organisation) -> str:
    parts = [organisation.records_request_info.strip()]
    if organisation.records_request_email:
        parts.append(organisation.records_request_email)
    if organisation.records_request_phone:
        parts.append(organisation.records_request_phone)
    return " ".join(part for part in parts if part)


def _organisation_filter(request: HttpRequest, slug: str | None) -> Organisation | None:
    slug = slug or request.GET.get("organisation")
    return get_object_or_404(Organisation, slug=slug) if slug else None


def _sealed_head(seal) -> dict | None:
    if seal is None:
        return None
    return {
        "seq": seal.seq,
        "entry_hash": seal.head,
        "sealed_at": seal.sealed_at.isoformat(timespec="seconds"),
        "key_id": seal.key_id,
        "timestamped": seal.timestamped,
        "seal": seal.line,
    }


def _with_seals(channels: list[Channel]) -> list[Channel]:
    latest = latest_seals(c.pk for c in channels)
    for channel in channels:
        channel.sealed = latest.get(channel.pk)
    return channels


def _seal_keys(channels: list[Channel]) -> list[dict]:
    used = {c.sealed.key_id for c in channels if c.sealed is not None}
    if not used:
        return []
    known = known_public_keys()
    return [
        {"key_id": kid, "public_key": public_pem(known[kid]).decode()}
        for kid in sorted(used)
        if kid in known
    ]


def _channel_entry(channel: Channel) -> dict:
    return {
        "id": f"{channel.organisation.slug}/{channel.slug}",
        "organisation": channel.organisation.slug,
        "platform": channel.platform,
        "platform_name": str(channel.get_platform_display()),
        "name": channel.name,
        "address": channel.address,
        "url": channel.url or None,
        "unit": channel.unit.name,
        "purpose": channel.purpose,
        "status": channel.status,
        "comments": channel.comment_policy,
        "listed_since": channel.launched_at.date().isoformat() if channel.launched_at else None,
        "closed_on": channel.closed_at.date().isoformat() if channel.closed_at else None,
        "sealed_head": _sealed_head(getattr(channel, "sealed", None)),
    }


@require_GET
def channel_list(request: HttpRequest, organisation_slug: str | None = None) -> HttpResponse:
    organisation = _organisation_filter(request, organisation_slug)
    channels = _with_seals(list(channels_public(organisation=organisation)))
    groups: dict[Organisation, list[Channel]] = {}
    for channel in channels:
        groups.setdefault(channel.organisation, []).append(channel)
    return render(
        request,
        "channels/public_list.html",
        {
            "groups": [
                {"organisation": org, "channels": chans, "records_request": _records_request(org)}
                for org, chans in groups.items()
            ],
            "organisation": organisation,
        },
    )


@require_GET
def channel_list_json(request: HttpRequest, organisation_slug: str | None = None) -> JsonResponse:
    organisation = _organisation_filter(request, organisation_slug)
    channels = _with_seals(list(channels_public(organisation=organisation)))
    organisations = {c.organisation for c in channels}
    if organisation is not None:
        organisations.add(organisation)
    document = {
        "$schema": request.build_absolute_uri("/kanaler.schema.json"),
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "organisations": [
            {
                "slug": org.slug,
                "name": org.name,
                "country": org.country,
                "website": org.website or None,
                "records_request": {
                    "how": org.records_request_info or None,
                    "email": org.records_request_email or None,
                    "phone": org.records_request_phone or None,
                },
            }
            for org in sorted(organisations, key=lambda o: o.name)
        ],
        "seal_keys": _seal_keys(channels),
        "channels": [_channel_entry(c) for c in channels],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def channel_list_csv(request: HttpRequest, organisation_slug: str | None = None) -> HttpResponse:
    organisation = _organisation_filter(request, organisation_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kanaler.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    # A byte order mark, so that spreadsheet programs read å, ä and ö correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for channel in channels_public(organisation=organisation):
        entry = _channel_entry(channel)
        writer.writerow(
            [
                channel.organisation.name,
                entry["platform_name"],
                entry["name"],
                entry["address"],
                entry["url"] or "",
                entry["unit"],
                entry["purpose"],
                entry["status"],
                entry["closed_on"] or "",
                _records_request(channel.organisation),
            ]
        )
    return response


@require_GET
def channel_list_schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        json.loads(SCHEMA_PATH.read_text()), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
