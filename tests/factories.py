"""Test data built through the real services, so that every channel has a true history.

`make_world` gives an organisation with a person in every role; `channel_in(world, status)`
gives a channel taken to that state by the people allowed to take each step.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from torget.channels import services
from torget.channels.models import Channel, Platform
from torget.organisations.models import Organisation, Person, Role, Unit
from torget.organisations.services import person_create

PASSWORD = "test-password"
_counter = itertools.count(1)


@dataclass
class World:
    organisation: Organisation
    unit: Unit
    admin: Person
    manager: Person
    other_manager: Person
    communicator: Person
    channel_admin: Person
    registrar: Person
    archivist: Person
    security: Person
    auditor: Person

    def everyone(self) -> list[Person]:
        return [
            self.admin,
            self.manager,
            self.other_manager,
            self.communicator,
            self.channel_admin,
            self.registrar,
            self.archivist,
            self.security,
            self.auditor,
        ]


def make_world(slug: str, name: str) -> World:
    org = Organisation.objects.create(
        slug=slug,
        name=name,
        records_request_email=f"registrator@{slug}.se",
        records_request_info="Kontakta registratorn.",
    )
    unit = Unit.objects.create(organisation=org, name="Kommunledningskontoret")

    def person(username: str, role: str, title: str) -> Person:
        return person_create(
            organisation=org,
            username=f"{slug}-{username}",
            password=PASSWORD,
            name=f"{username.title()} {name.split()[0]}",
            title=title,
            roles=[role],
            unit=unit,
        )

    return World(
        organisation=org,
        unit=unit,
        admin=person("admin", Role.ORG_ADMIN, "systemförvaltare"),
        manager=person("chef", Role.MANAGER, "kommunikationschef"),
        other_manager=person("chef2", Role.MANAGER, "kulturchef"),
        communicator=person("kommunikator", Role.COMMUNICATOR, "kommunikatör"),
        channel_admin=person("sidansvarig", Role.CHANNEL_ADMIN, "webbredaktör"),
        registrar=person("registrator", Role.REGISTRAR, "registrator"),
        archivist=person("arkivarie", Role.ARCHIVIST, "arkivarie"),
        security=person("sakerhet", Role.SECURITY_OFFICER, "säkerhetssamordnare"),
        auditor=person("revisor", Role.AUDITOR, "revisor"),
    )


def channel_fields(world: World, **overrides) -> dict:
    n = next(_counter)
    return {
        "platform": Platform.FACEBOOK,
        "name": f"Kanal {n}",
        "address": f"https://www.facebook.com/kanal{n}",
        "unit": world.unit,
        "responsible_manager": world.manager,
        "need": "Invånarna frågar om detta.",
        "organisation_goal": "Lätt att få kontakt med kommunen",
        "purpose": "Informera och svara på frågor.",
        "target_groups": "Invånare",
        "content_plan": "Nyheter och svar",
        "desired_effects": "Färre samtal till växeln",
        "complements_website": "Länkar till webbplatsen",
        "hours_per_week": 4,
        **overrides,
    }


def channel_in(world: World, status: str, **overrides) -> Channel:
    """A channel taken to `status` by the people allowed to take each step."""
    channel = services.channel_propose(
        person=world.channel_admin,
        fields=channel_fields(world, **overrides),
        administrators=[world.channel_admin],
    )
    if status == "proposed":
        return channel
    if status == "returned":
        return services.channel_step(
            person=world.communicator,
            channel=channel,
            action="send_back",
            comment="Komplettera syftet.",
        )
    channel = services.channel_step(person=world.communicator, channel=channel, action="approve")
    if status == "risk_assessment":
        return channel
    services.channel_assess_risk(
        person=world.security,
        channel=channel,
        assessment="Bedömd.",
        benefit_outweighs_risk=status != "rejected",
        special_reasons="Målgruppen finns där.",
    )
    channel.refresh_from_db()
    if status == "decision":
        return channel
    if status == "rejected":
        return services.channel_step(
            person=world.manager, channel=channel, action="reject", comment="Nej."
        )
    channel = services.channel_step(person=world.manager, channel=channel, action="open")
    if status == "preparing":
        return channel
    services.channel_checklist_update(
        person=world.channel_admin,
        channel=channel,
        has_profile_picture=True,
        has_description=True,
        has_page_rules=True,
        is_listed_publicly=True,
    )
    channel = services.channel_step(person=world.channel_admin, channel=channel, action="launch")
    if status == "active":
        return channel
    if status == "paused":
        return services.channel_step(
            person=world.manager, channel=channel, action="pause", comment="Säkerhetsgenomgång."
        )
    if status == "closed":
        return services.channel_step(
            person=world.manager,
            channel=channel,
            action="close",
            comment="Behovet finns inte längre.",
        )
    raise ValueError(status)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def captured(platform_id: str, text: str = "", **fields):
    """A CapturedItem as a source would produce it."""
    import orjson

    from torget.sources.base import CapturedItem

    defaults = {
        "kind": "comment",
        "created_at": datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC),
        "captured_at": datetime.datetime(2025, 3, 2, 9, 0, tzinfo=datetime.UTC),
        "author_id": "u-" + platform_id,
        "author_name": "Anna Andersson",
    }
    values = {**defaults, **fields}
    raw = orjson.dumps({"id": platform_id, "text": text}).decode()
    return CapturedItem(platform_id=platform_id, text=text, raw=raw, **values)


def interchange_line(platform_id: str, text: str, **fields) -> str:
    import orjson

    line = {
        "v": 1,
        "id": platform_id,
        "kind": fields.pop("kind", "comment"),
        "text": text,
        "created_at": fields.pop("created_at", "2025-03-01T09:00:00Z"),
        "author": fields.pop("author", {"id": "u-" + platform_id, "name": "Anna Andersson"}),
        **fields,
    }
    return orjson.dumps(line).decode()


def ingest(channel, items):
    """Feed captured items through the real pipeline, as an import would."""
    from torget.ingest.pipeline import Ingestion

    with Ingestion(channel=channel, source="test") as ingestion:
        for item in items:
            ingestion.add(item)
    return ingestion
