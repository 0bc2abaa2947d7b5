"""Documents made after a disposal leave the disposed records of a thread out and say how
many were disposed of, and under which decision: removal evidence and registrar packages."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from tests.hostile import pdf_text
from torget.dialogue.models import Registration
from torget.disposal import services
from torget.supervision import services as supervision
from torget.supervision.models import Action, Evidence, Reason

pytestmark = pytest.mark.django_db

GONE = ("öppettider", "sagostunden")
SAID = "2 handlingar i tråden är gallrade enligt gallringsbeslut KS 2024/117 § 3 (2024-05-02)"


def _dispose(world):
    run = services.run_plan(person=world.archivist)
    services.run_approve(person=world.archivist, run=run)
    return services.run_execute(run_id=run.pk)


def _words(path) -> str:
    return " ".join(pdf_text(path).split())


@pytest.mark.parametrize("purged", [False, True], ids=["in-the-undo-window", "purged"])
def test_evidence_and_registrar_packages_leave_disposed_records_out(
    world, archive, rule, tmp_path, purged
):
    run = _dispose(world)
    if purged:
        assert services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1)) == 2
    settings.TORGET_REGISTRATION_DIR = tmp_path / "registration"
    recent = archive["c3"]
    supervision.decide(
        person=world.communicator,
        record=recent,
        action=Action.REGISTER,
        reason=Reason.CONFIDENTIAL,
    )
    supervision.decide(
        person=world.communicator,
        record=recent,
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
    )
    evidence = settings.DATA_DIR / Evidence.objects.get(record=recent).path
    package = Path(Registration.objects.get(record=recent).package) / "handling.pdf"
    for path in (evidence, package):
        words = _words(path)
        assert "Bra utställning" in words and "Välkommen till biblioteket!" in words
        assert not any(word in words for word in GONE), path.name
        assert SAID in words, path.name
