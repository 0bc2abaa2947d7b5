"""The demo organisation, "Exempla kommun": units, a person in every role and sixteen channels
in every state of their life, each taken there through the real services so that its history
and the audit log are real too."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from torget.archive.seals import seal_heads
from torget.channels import services as channel_services
from torget.channels.models import Channel, CommentPolicy, Platform, PostingPeriod
from torget.organisations.models import Organisation, Person, Role, Unit
from torget.organisations.services import audit_record, person_create

DEMO_PASSWORD = "demo"
DEMO_SLUG = "exempla"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    title: str
    roles: tuple[str, ...]
    unit: str


LOGINS = [
    DemoLogin("admin", "Elin Ek", "systemförvaltare", (Role.ORG_ADMIN,), "Kommunledningskontoret"),
    DemoLogin("chef", "Per Lind", "kommunikationschef", (Role.MANAGER,), "Kommunledningskontoret"),
    DemoLogin(
        "kulturchef",
        "Maria Holm",
        "kultur- och fritidschef",
        (Role.MANAGER,),
        "Kultur- och fritidsförvaltningen",
    ),
    DemoLogin(
        "kommunikator", "Sara Berg", "kommunikatör", (Role.COMMUNICATOR,), "Kommunledningskontoret"
    ),
    DemoLogin(
        "sidansvarig", "Jonas Ali", "webbredaktör", (Role.CHANNEL_ADMIN,), "Kommunledningskontoret"
    ),
    DemoLogin(
        "bibliotekarie",
        "Lina Öberg",
        "bibliotekarie",
        (Role.CHANNEL_ADMIN,),
        "Kultur- och fritidsförvaltningen",
    ),
    DemoLogin(
        "registrator", "Karin Sjö", "registrator", (Role.REGISTRAR,), "Kommunledningskontoret"
    ),
    DemoLogin("arkivarie", "Olof Dahl", "arkivarie", (Role.ARCHIVIST,), "Kommunledningskontoret"),
    DemoLogin(
        "sakerhet",
        "Amir Haddad",
        "informationssäkerhetssamordnare",
        (Role.SECURITY_OFFICER,),
        "Kommunledningskontoret",
    ),
    DemoLogin("revisor", "Eva Nord", "internrevisor", (Role.AUDITOR,), "Kommunledningskontoret"),
]

UNITS = [
    "Kommunledningskontoret",
    "Kultur- och fritidsförvaltningen",
    "Barn- och utbildningsförvaltningen",
    "Socialförvaltningen",
    "Samhällsbyggnadsförvaltningen",
]

# (platform, name, address, unit, manager, admin, target status, extra fields)
CHANNELS = [
    (
        Platform.FACEBOOK,
        "Exempla kommun",
        "https://www.facebook.com/exemplakommun",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {
            "ads_allowed": True,
            "crisis_channel": True,
            "posting_goal": 1,
            "posting_period": PostingPeriod.DAY,
        },
    ),
    (
        Platform.INSTAGRAM,
        "Exempla kommun",
        "https://www.instagram.com/exemplakommun",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {"crisis_channel": True},
    ),
    (
        Platform.X,
        "@exempla",
        "https://x.com/exempla",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {"crisis_channel": True},
    ),
    (
        Platform.YOUTUBE,
        "Exempla kommun",
        "https://www.youtube.com/@exemplakommun",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {},
    ),
    (
        Platform.LINKEDIN,
        "Exempla kommun – jobba hos oss",
        "https://www.linkedin.com/company/exempla-kommun",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {"_review_overdue": True},
    ),
    (
        Platform.MASTODON,
        "Exempla kommun",
        "https://social.exempla.se/@kommun",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {"crisis_channel": True},
    ),
    (
        Platform.BLUESKY,
        "Exempla kommun",
        "https://bsky.app/profile/exempla.se",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {"_inactive": True},
    ),
    (
        Platform.WORDPRESS,
        "Kommunbloggen",
        "https://blogg.exempla.se",
        "Kommunledningskontoret",
        "chef",
        "sidansvarig",
        "active",
        {},
    ),
    (
        Platform.TIKTOK,
        "Bibliotek Exempla",
        "https://www.tiktok.com/@bibliotekexempla",
        "Kultur- och fritidsförvaltningen",
        "kulturchef",
        "bibliotekarie",
        "paused",
        {"_pause": "Pausat medan säkerhetsriskerna med appen ses över (IT-säkerhet)."},
    ),
    (
        Platform.INSTAGRAM,
        "Fritidsgården Exempla",
        "https://www.instagram.com/fritidsgardenexempla",
        "Kultur- och fritidsförvaltningen",
        "kulturchef",
        "bibliotekarie",
        "preparing",
        {},
    ),
    (
        Platform.X,
        "Räddningstjänsten Exempla",
        "https://x.com/raddningexempla",
        "Samhällsbyggnadsförvaltningen",
        "chef",
        "sidansvarig",
        "decision",
        {"crisis_channel": True},
    ),
    (
        Platform.TIKTOK,
        "Kulturskolan Exempla",
        "https://www.tiktok.com/@kulturskolanexempla",
        "Kultur- och fritidsförvaltningen",
        "kulturchef",
        "bibliotekarie",
        "risk_assessment",
        {
            "comment_policy": CommentPolicy.CLOSED,
            "comment_policy_reason": "Målgruppen är barn; kommentarer stängs så att de inte delar "
            "känsliga uppgifter.",
        },
    ),
    (
        Platform.FACEBOOK,
        "Äldreomsorgen i Exempla",
        "https://www.facebook.com/aldreomsorgexempla",
        "Socialförvaltningen",
        "chef",
        "sidansvarig",
        "proposed",
        {},
    ),
    (
        Platform.FACEBOOK,
        "Exempla skolor",
        "https://www.facebook.com/exemplaskolor",
        "Barn- och utbildningsförvaltningen",
        "chef",
        "sidansvarig",
        "returned",
        {},
    ),
    (
        Platform.FACEBOOK,
        "Turism i Exempla",
        "https://www.facebook.com/turismexempla",
        "Kultur- och fritidsförvaltningen",
        "kulturchef",
        "bibliotekarie",
        "closed",
        {"_close": "Turistinformationen flyttade till regionens gemensamma kanal."},
    ),
    (
        Platform.TIKTOK,
        "Ungdomsrådet",
        "https://www.tiktok.com/@ungdomsradetexempla",
        "Kultur- och fritidsförvaltningen",
        "kulturchef",
        "bibliotekarie",
        "rejected",
        {},
    ),
]

PATH = ["proposed", "risk_assessment", "decision", "preparing", "active"]


def demo_exists() -> bool:
    return Organisation.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_load() -> Organisation:
    """Create Exempla kommun. Refuses if it is already there."""
    if demo_exists():
        raise ValueError("The demo organisation already exists.")
    org = Organisation.objects.create(
        slug=DEMO_SLUG,
        name="Exempla kommun",
        website="https://www.exempla.se",
        records_request_email="registrator@exempla.se",
        records_request_phone="0123-45 67 00",
        records_request_info=(
            "Be om att få ta del av allmänna handlingar från våra kanaler genom att kontakta "
            "registratorn. Du behöver inte tala om vem du är eller varför du vill ha dem."
        ),
    )
    audit_record(organisation=org, actor=None, action="organisation.create", target=org)
    units = {name: Unit.objects.create(organisation=org, name=name) for name in UNITS}
    people = {
        login.username: person_create(
            organisation=org,
            username=login.username,
            password=DEMO_PASSWORD,
            name=login.name,
            title=login.title,
            roles=login.roles,
            unit=units[login.unit],
            email=f"{login.username}@exempla.se",
        )
        for login in LOGINS
    }
    for spec in CHANNELS:
        _channel(people, units, *spec)
    demo_archive(org)
    demo_dialogue(org)
    # The archive as loaded is sealed at once (docs/integrity.md); the clock seals it later.
    seal_heads()
    return org


def _channel(people, units, platform, name, address, unit, manager, admin, target, extra):
    extra = dict(extra)
    review_overdue = extra.pop("_review_overdue", False)
    inactive = extra.pop("_inactive", False)
    pause_reason = extra.pop("_pause", "")
    close_reason = extra.pop("_close", "")
    proposer = people[admin]
    fields = {
        "platform": platform,
        "name": name,
        "address": address,
        "unit": units[unit],
        "responsible_manager": people[manager],
        "need": f"Invånarna som följer {name} vill ha snabba besked och kunna ställa frågor där "
        "de redan finns.",
        "organisation_goal": "Invånarna ska ha lätt att få information och kontakt med kommunen",
        "purpose": f"Informera om och föra dialog kring {unit.lower()}s verksamhet.",
        "target_groups": "Invånare i Exempla, särskilt de som inte besöker exempla.se.",
        "content_plan": "Nyheter från verksamheten, svar på frågor, bilder från vardagen.",
        "desired_effects": "Fler hittar rätt information; färre samtal om enkla frågor.",
        "complements_website": "Länkar till exempla.se för fullständig information.",
        "hours_per_week": 4,
        "posting_goal": 3,
        "posting_period": PostingPeriod.WEEK,
        "page_rules": "Vi tar bort inlägg som bryter mot lag, innehåller personuppgifter eller "
        "är reklam. Kritik mot kommunen är välkommen.",
        "archive_from": datetime.date(2024, 1, 1),
        **extra,
    }
    channel = channel_services.channel_propose(
        person=proposer, fields=fields, administrators=[people[admin]]
    )
    communicator, security, chief = people["kommunikator"], people["sakerhet"], people[manager]
    if target == "returned":
        channel_services.channel_step(
            person=communicator,
            channel=channel,
            action="send_back",
            comment="Beskriv hur kanalen kompletterar skolornas webbplatser och vem som svarar "
            "på helger.",
        )
        return channel
    if target == "proposed":
        return channel
    channel_services.channel_step(person=communicator, channel=channel, action="approve")
    if target == "risk_assessment":
        return channel
    benefit = target != "rejected"
    channel_services.channel_assess_risk(
        person=security,
        channel=channel,
        assessment="Plattformen samlar in data om användarna. Kontot hanteras från en separat "
        "telefon som inte är ansluten till kommunens nät; tvåfaktorsinloggning krävs.",
        benefit_outweighs_risk=benefit,
        special_reasons="Målgruppen nås inte i kommunens egna kanaler." if benefit else "",
        reevaluate_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    if target == "decision":
        return channel
    if target == "rejected":
        channel_services.channel_step(
            person=chief,
            channel=channel,
            action="reject",
            comment="Riskerna väger tyngre än nyttan för en målgrupp av barn.",
        )
        return channel
    channel_services.channel_step(
        person=chief, channel=channel, action="open", comment="Resurser finns för ett år."
    )
    if target == "preparing":
        channel_services.channel_checklist_update(
            person=proposer, channel=channel, has_profile_picture=True, has_description=True
        )
        return channel
    channel_services.channel_checklist_update(
        person=proposer,
        channel=channel,
        has_profile_picture=True,
        has_description=True,
        has_page_rules=True,
        is_listed_publicly=True,
    )
    channel_services.channel_step(person=proposer, channel=channel, action="launch")
    if pause_reason:
        channel_services.channel_step(
            person=security, channel=channel, action="pause", comment=pause_reason
        )
    if close_reason:
        channel_services.channel_step(
            person=chief, channel=channel, action="close", comment=close_reason
        )
    now = timezone.now()
    # Demo-only dates, so that the dashboard has something to show.
    if review_overdue:
        Channel.objects.filter(pk=channel.pk).update(
            next_review_due=timezone.localdate() - datetime.timedelta(days=20)
        )
    if channel.status == "active":
        Channel.objects.filter(pk=channel.pk).update(
            last_activity_at=now - datetime.timedelta(days=60 if inactive else 1),
            launched_at=now - datetime.timedelta(days=400),
        )
    return channel


def demo_logins() -> list[tuple[str, str, str]]:
    people = {
        p.user.username: p
        for p in Person.objects.select_related("user").filter(organisation__slug=DEMO_SLUG)
    }
    return [
        (login.username, DEMO_PASSWORD, ", ".join(str(Role(r).label) for r in login.roles))
        for login in LOGINS
        if login.username in people
    ]


DEMO_POSTS = [
    "Nu är ansökan till sommarjobb för unga öppen. Sök senast 15 mars!",
    "Vi bygger ut förskolan i Norrby. Under våren påverkas trafiken på Skolvägen.",
    "Snöröjningen pågår. Huvudgator och busslinjer prioriteras först.",
    "Biblioteket har nya öppettider från 1 april: måndag–torsdag 10–19.",
    "Samråd om detaljplanen för Torget: tyck till senast 30 april.",
    "Sophämtningen flyttas en dag under påskveckan.",
]
DEMO_COMMENTS = [
    "Hur lång tid tar det att få bygglov?",
    "Tack för informationen!",
    "När öppnar förskolan?",
    "Varför prioriteras inte cykelbanorna?",
    "Bra initiativ, mer sånt!",
    "Kan man lämna synpunkter via mejl också?",
    "Vägen vid skolan är full av hål.",
    "Äntligen längre öppettider!",
    "Får man ta med hund på biblioteket?",
    "Vilka busslinjer påverkas?",
]
DEMO_REPLIES = [
    "Hej! Handläggningstiden är ungefär tio veckor. Hälsningar Sara, kommunikatör",
    "Tack för din fråga, vi återkommer så snart vi vet mer. Hälsningar Jonas, webbredaktör",
    "Ja, synpunkter tas emot på kommun@exempla.se. Hälsningar Sara, kommunikatör",
]


def demo_archive(org: Organisation) -> None:
    """Threads of fictitious posts, comments and replies on the active channels, through the
    real ingest pipeline: one comment edited later, one deleted on the platform."""
    from torget.ingest.pipeline import Ingestion
    from torget.sources.base import CapturedItem

    channels = Channel.objects.filter(organisation=org, status="active").order_by("pk")
    start = timezone.now() - datetime.timedelta(days=90)
    for c_index, channel in enumerate(channels):
        items = []
        for t_index, post in enumerate(DEMO_POSTS):
            at = start + datetime.timedelta(days=t_index * 14 + c_index)
            post_id = f"{channel.platform}-{c_index}-{t_index}"
            items.append(_demo_item(post_id, "post", post, at, own=True))
            for k in range(8):
                comment_id = f"{post_id}-c{k}"
                text = DEMO_COMMENTS[(t_index * 3 + k) % len(DEMO_COMMENTS)]
                items.append(
                    _demo_item(
                        comment_id,
                        "comment",
                        text,
                        at + datetime.timedelta(hours=k + 1),
                        parent=post_id,
                        author=DEMO_NAMES[(k + t_index) % len(DEMO_NAMES)],
                    )
                )
                if k % 3 == 0:
                    items.append(
                        _demo_item(
                            f"{comment_id}-r",
                            "reply",
                            DEMO_REPLIES[k % len(DEMO_REPLIES)],
                            at + datetime.timedelta(hours=k + 2),
                            parent=comment_id,
                            own=True,
                        )
                    )
        with Ingestion(channel=channel, source="demo") as ingestion:
            for item in items:
                ingestion.add(item)
        first_comment = items[1]
        later = timezone.now() - datetime.timedelta(days=1)
        edited = CapturedItem(
            **{
                **_fields(first_comment),
                "text": first_comment.text + " (Jag menar för en carport.)",
                "captured_at": later,
                "edited_at": later,
            }
        )
        with Ingestion(channel=channel, source="demo, later", complete_listing=True) as ingestion:
            for item in items:
                if item.platform_id == first_comment.platform_id:
                    ingestion.add(edited)
                elif item.platform_id != items[2].platform_id:  # deleted by its author
                    ingestion.add(CapturedItem(**{**_fields(item), "captured_at": later}))


DEMO_RECENT = [
    # (hours ago, text, kind): this week's questions for the dialogue inbox.
    (70, "Hej! Hur gör man för att boka en tid hos budget- och skuldrådgivningen?", "comment"),
    (50, "När kommer beslutet om den nya cykelbanan?", "comment"),
    (27, "Tack för bra information om vattenavstängningen.", "comment"),
    (20, "Får man parkera på Storgatan under torghandeln på lördag?", "comment"),
    (3, "Varför är simhallen stängd den här veckan?", "comment"),
    (
        1,
        "Hej, jag har inte fått svar på min ansökan om färdtjänst. Vem kan jag prata med?",
        "direct_message",
    ),
    # Skatteverket's test personnummer: for the supervision queue, never a real person's.
    (
        2,
        "Jag har sökt bygglov men inte fått svar. Mitt personnummer är 20000101-2384, "
        "kan ni kolla?",
        "comment",
    ),
]


def demo_dialogue(org: Organisation) -> None:
    """This week's questions on the busiest channels, so the inbox has work in it: some
    overdue, some open, one answered through an imported reply."""
    from torget.ingest.pipeline import Ingestion

    now = timezone.now()
    for c_index, channel in enumerate(
        Channel.objects.filter(organisation=org, status="active").order_by("pk")[:3]
    ):
        post_id = f"{channel.platform}-{c_index}-week"
        items = [
            _demo_item(
                post_id,
                "post",
                "Veckans nyheter från kommunen: läs mer på webben.",
                now - datetime.timedelta(hours=75),
                own=True,
            )
        ]
        for k, (hours, text, kind) in enumerate(DEMO_RECENT):
            item = _demo_item(
                f"{post_id}-q{k}",
                kind,
                text,
                now - datetime.timedelta(hours=hours, minutes=7 * c_index),
                parent="" if kind == "direct_message" else post_id,
                author=DEMO_NAMES[(k + c_index) % len(DEMO_NAMES)],
            )
            items.append(item)
        items.append(
            _demo_item(
                f"{post_id}-q0-r",
                "reply",
                "Hej! Du bokar på telefon 0123-45 67 00 eller via e-tjänsten. "
                "Hälsningar Sara, kommunikatör",
                now - datetime.timedelta(hours=66),
                parent=f"{post_id}-q0",
                own=True,
            )
        )
        with Ingestion(channel=channel, source="demo, this week") as ingestion:
            for item in items:
                ingestion.add(item)


DEMO_NAMES = [
    "Anna Andersson",
    "Bertil Berg",
    "Cecilia Ek",
    "David Lind",
    "Greta Holm",
    "Hassan Ali",
    "Ida Öberg",
    "Johan Dahl",
]


def _fields(item) -> dict:
    return {name: getattr(item, name) for name in item.__slots__}


def _demo_item(pid, kind, text, at, parent="", own=False, author=""):
    import orjson

    from torget.sources.base import CapturedItem

    name = "Exempla kommun" if own else author
    raw = orjson.dumps(
        {"id": pid, "kind": kind, "text": text, "author": name, "created_at": at.isoformat()}
    ).decode()
    return CapturedItem(
        platform_id=pid,
        kind=kind,
        text=text,
        created_at=at,
        captured_at=at,
        raw=raw,
        author_id="exempla" if own else "user-" + author.split()[0].lower(),
        author_name=name,
        author_is_organisation=own,
        parent_id=parent,
        permalink=f"https://example.invalid/{pid}",
    )
