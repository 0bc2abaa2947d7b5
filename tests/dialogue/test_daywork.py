"""A day at work (issue 17) in the dialogue: the registrar's work in view, refused forms that
keep what was typed, the platform's limit on an answer, Swedish names and numbers."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import captured, channel_in, ingest
from torget.channels.models import Platform
from torget.dialogue.deadlines import Calendar
from torget.dialogue.models import Question, Registration, Reply
from torget.dialogue.services import question_forward

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Stockholm")


def _question(world, platform=Platform.FACEBOOK, name="Biblioteket"):
    channel = channel_in(world, "active", platform=platform, name=name)
    now = timezone.now()
    ingest(
        channel,
        [
            captured(
                "p", "Nya öppettider", kind="post", author_is_organisation=True, created_at=now
            ),
            captured("c1", "När öppnar biblioteket på söndagar?", parent_id="p", created_at=now),
        ],
    )
    return Question.objects.get(channel=channel)


@pytest.fixture
def forwarded(world, settings, tmp_path):
    settings.TORGET_REGISTRATION_DIR = tmp_path / "registration"
    question = _question(world)
    question_forward(
        person=world.communicator,
        question=question,
        reason="Synpunkt på biblioteksplanen.",
        description="Synpunkt på öppettider",
    )
    return Registration.objects.get()


def test_the_registrars_overview_says_a_package_waits(client_as, world, forwarded):
    page = client_as(world.registrar).get(reverse("dashboard")).content.decode()
    assert "1 paket väntar på registrering" in page
    assert "Just nu väntar inget på dig" not in page


def test_the_queue_links_to_the_pdf_and_the_registrar_may_read_the_question(
    client_as, world, other_world, forwarded
):
    client = client_as(world.registrar)
    page = client.get(reverse("registrar_queue")).content.decode()
    assert forwarded.package not in page  # no server path
    pdf_url = reverse("registration_file", args=[forwarded.pk, "handling.pdf"])
    assert pdf_url in page
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    question_url = reverse("question_detail", args=[forwarded.question_id])
    assert question_url in page
    assert client.get(question_url).status_code == 200
    # Only within her organisation, and no file outside the package.
    assert client_as(other_world.registrar).get(question_url).status_code == 404
    assert client_as(other_world.registrar).get(pdf_url).status_code == 404
    assert client.get(reverse("registration_file", args=[forwarded.pk, "x.txt"])).status_code == 404


def test_a_refused_registration_keeps_the_case_reference(client_as, world, forwarded):
    client = client_as(world.registrar)
    response = client.post(
        reverse("registrar_queue"), {"item": forwarded.pk, "case_reference": "   "}
    )
    # An empty reference is refused; what was typed (here: spaces) is shown again.
    assert response.status_code in (400, 409)
    # Too long is refused with a sentence, not cut silently; the reference stays in its field.
    long = "KS 2026/" + "1" * 120
    response = client.post(
        reverse("registrar_queue"), {"item": forwarded.pk, "case_reference": long}
    )
    assert response.status_code == 409
    assert "högst 100 tecken" in response.content.decode()
    assert f'value="{long}"' in response.content.decode()
    forwarded.refresh_from_db()
    assert forwarded.case_reference == ""


def test_an_answer_over_the_platforms_limit_is_refused_and_kept(client_as, world):
    question = _question(world, platform=Platform.X, name="Exempla på X")
    client = client_as(world.communicator)
    page = client.get(reverse("question_detail", args=[question.pk])).content.decode()
    assert "X tillåter 280 tecken" in page and 'data-limit="280"' in page
    body = "Vi har öppet " + "och " * 140  # 573 characters
    response = client.post(reverse("question_action", args=[question.pk, "answer"]), {"body": body})
    assert response.status_code == 409
    page = response.content.decode()
    assert "X tillåter 280" in page and body.strip() in page
    assert not Reply.objects.filter(state="to_publish").exists()
    # As a draft it may be saved, to shorten later.
    client.post(reverse("question_action", args=[question.pk, "draft"]), {"body": body})
    assert Reply.objects.filter(state="draft").count() == 1


def test_a_refused_forward_keeps_what_was_typed(client_as, world):
    question = _question(world)
    response = client_as(world.communicator).post(
        reverse("question_action", args=[question.pk, "forward"]),
        {"description": "Synpunkt om biblioteket", "reason": ""},
    )
    assert response.status_code == 409
    assert 'value="Synpunkt om biblioteket"' in response.content.decode()


def test_platform_limits_have_sources():
    from torget.dialogue.limits import LIMITS

    assert LIMITS["x"].chars == 280 and LIMITS["bluesky"].chars == 300
    assert LIMITS["mastodon"].chars == 500
    assert all(limit.source for limit in LIMITS.values())


def test_holiday_names_follow_the_language_of_the_page():
    calendar = Calendar(country="SE")
    christmas = datetime.date(2026, 12, 25)
    with translation.override("sv"):
        assert calendar.day_off_name(christmas) == "Juldagen"
        assert calendar.day_off_name(datetime.date(2026, 1, 6)) == "Trettondedag jul"
    with translation.override("en"):
        assert calendar.day_off_name(christmas) == "Christmas Day"
    with translation.override("sv"):
        assert Calendar(country="NO").day_off_name(datetime.date(2026, 12, 24)) == "Julafton"


def test_short_dates_and_hours_are_written_the_swedish_way():
    moment = datetime.datetime(2026, 12, 2, 14, 5, tzinfo=ZONE)
    template = Template(
        '{% load dates dialogue %}{{ t|short_date:"j M" }}|{{ t|short_date:"D j M H:i" }}|'
        "{{ h|hours }}"
    )
    with translation.override("sv"):
        assert template.render(Context({"t": moment, "h": 5.94})) == "2 dec.|ons 2 dec. 14:05|5,9 h"
    with translation.override("en"):
        assert template.render(Context({"t": moment, "h": 5.94})) == "2 Dec|Wed 2 Dec 14:05|5.9 h"
    may = datetime.datetime(2026, 5, 29, 9, 0, tzinfo=ZONE)
    with translation.override("sv"):
        assert (
            Template('{% load dates %}{{ t|short_date:"j M" }}').render(Context({"t": may}))
            == "29 maj"
        )


def test_the_inbox_shows_swedish_short_dates(client_as, world):
    _question(world)
    page = client_as(world.communicator).get(reverse("inbox")).content.decode()
    month = [
        "jan.",
        "feb.",
        "mars",
        "apr.",
        "maj",
        "juni",
        "juli",
        "aug.",
        "sep.",
        "okt.",
        "nov.",
        "dec.",
    ]
    assert month[timezone.localdate().month - 1] in page
    assert timezone.localtime().strftime(" %b ") not in page  # no "Dec" in a Swedish page


def test_registering_says_the_reference(client_as, world, forwarded):
    response = client_as(world.registrar).post(
        reverse("registrar_queue"),
        {"item": forwarded.pk, "case_reference": " KS 2026/123 "},
        follow=True,
    )
    assert "Registrerad som KS 2026/123." in response.content.decode()
    page = client_as(world.registrar).get(reverse("dashboard")).content.decode()
    assert "väntar på registrering" not in page


def test_the_package_itself_is_only_for_those_who_see_personal_data_whole(
    client_as, world, forwarded
):
    """Auditors and administrators see the queue masked; the package holds the record whole."""
    pdf_url = reverse("registration_file", args=[forwarded.pk, "handling.pdf"])
    for person in (world.auditor, world.admin):
        assert client_as(person).get(pdf_url).status_code == 403
    assert client_as(world.registrar).get(pdf_url).status_code == 200
