"""Every audit event code the code writes has a sentence an auditor understands, and the log
shows the sentences."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import torget
from torget.archive.models import State  # noqa: F401  (the app registry is ready)
from torget.channels.lifecycle import STEPS
from torget.dialogue.models import EVENT_LABELS
from torget.organisations.audit_events import EVENTS, event_sentence
from torget.preservation.models import SnapshotStatus
from torget.supervision.models import REMOVING, Action

SOURCE = Path(torget.__file__).parent
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_.]+)"')
FAMILY = re.compile(r'action=f"([a-z_]+)\.\{')


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))


def test_every_event_code_in_the_code_has_a_sentence():
    text = _sources()
    literal = set(LITERAL.findall(text))
    assert len(literal) > 40  # the scan finds the codes (so this test can fail)
    # The codes built from a name: each family and every name it is built from.
    families = set(FAMILY.findall(text))
    assert families == {"channel", "question", "decision", "platform", "snapshot"}, (
        "a new family of event codes: add its names below and its sentences"
    )
    built = (
        {f"channel.{action}" for action in STEPS}
        | {f"question.{action}" for action in EVENT_LABELS}
        | {f"decision.{action}" for action in Action.values}
        | {f"platform.{what}_done" for what in (*REMOVING, Action.HIDE)}
        | {
            f"snapshot.{status}"
            for status in SnapshotStatus.values
            if status not in ("scheduled", "building")
        }
    )
    missing = sorted((literal | built) - set(EVENTS))
    assert missing == []


def test_sentences_read_in_swedish_and_english():
    with translation.override("sv"):
        assert (
            event_sentence(action="auth.login", actor_name="Anna Andersson", object_repr="")
            == "Anna Andersson loggade in"
        )
        assert event_sentence(
            action="evidence.kept", actor_name="", object_repr="#584, PDF/A SHA-256 efd3…"
        ).startswith("Bevis bevarades före borttagningen: #584")
    with translation.override("en"):
        assert (
            event_sentence(action="channel.launch", actor_name="Sara", object_repr="Bibblan (X)")
            == "Sara launched the channel Bibblan (X)"
        )


@pytest.mark.django_db
def test_the_audit_log_shows_sentences(client, client_as, world):
    client.post(
        reverse("login"), {"username": world.auditor.user.username, "password": "test-password"}
    )
    page = client.get(reverse("audit_log")).content.decode()
    assert "Revisor Exempla loggade in" in page
