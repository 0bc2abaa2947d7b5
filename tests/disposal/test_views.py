"""Disposal pages: the archivist's way through rules, holds, a dry run, approval through the
worker, undo; other organisations get 404, other roles 403."""

import datetime

import pytest
from django.urls import reverse

from torget.archive.models import Record, State
from torget.disposal import services
from torget.disposal.models import DisposalRule, DisposalRun, HoldScope, LegalHold, RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.disposal.urls")]


def test_the_archivist_makes_a_rule_a_hold_and_a_dry_run_and_approves_it(
    client_as, world, channel, archive, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_as(world.archivist)
    assert client.get(reverse("disposal_index")).status_code == 200
    response = client.post(
        reverse("disposal_rules"),
        {
            "record_class": "comments",
            "keep_years": "3",
            "decision_reference": "KS 2024/117 § 3",
            "decision_date": "2024-05-02",
            "description": "Ringa betydelse",
        },
    )
    assert response.status_code == 302
    rule = DisposalRule.objects.get()
    assert rule.keep_years == 3 and rule.channel is None
    page = client.get(reverse("disposal_rules")).content.decode()
    assert "KS 2024/117 § 3" in page and "2024-05-02" in page
    refused = client.post(
        reverse("disposal_rules"),
        {"record_class": "comments", "keep_years": "3", "decision_date": "2024-05-02"},
    )
    assert refused.status_code == 400 and DisposalRule.objects.count() == 1

    response = client.post(
        reverse("disposal_holds"),
        {"scope": "person", "person": "u-c2", "reason": "Begäran", "case_reference": "KS 26/1"},
    )
    hold = LegalHold.objects.get()
    assert response.url == reverse("disposal_hold", args=[hold.pk])
    detail = client.get(response.url).content.decode()
    assert "KS 26/1" in detail and "c2" in detail
    assert "KS 26/1" in client.get(reverse("disposal_holds")).content.decode()

    response = client.post(reverse("disposal_plan"))
    run = DisposalRun.objects.get()
    assert response.url == reverse("disposal_run", args=[run.pk])
    report = client.get(response.url).content.decode()
    assert "Godkänn och gallra 1 handling" in report
    assert "Fina öppettider" in report and str(hold) in report

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disposal_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.EXECUTED and run.approved_by == world.archivist
    assert Record.objects.get(pk=archive["c1"].pk).state == State.DISPOSED
    assert Record.objects.get(pk=archive["c2"].pk).state == State.LIVE
    page = client.get(reverse("disposal_run", args=[run.pk])).content.decode()
    assert "Ångra hela körningen" in page and "100 %" in page
    assert client.get(reverse("record_detail", args=[archive["c1"].pk])).status_code == 404

    client.post(reverse("disposal_undo", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.UNDONE
    assert Record.objects.get(pk=archive["c1"].pk).state == State.EDITED
    assert client.get(reverse("record_detail", args=[archive["c1"].pk])).status_code == 200

    client.post(reverse("disposal_hold_release", args=[hold.pk]), {"note": "Klart"})
    hold.refresh_from_db()
    assert hold.released_by == world.archivist and hold.release_note == "Klart"
    client.post(reverse("disposal_rule_deactivate", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.active is False


def test_a_registrar_places_holds_but_does_not_approve(client_as, world, archive, rule):
    run = services.run_plan(person=world.archivist)
    client = client_as(world.registrar)
    assert client.get(reverse("disposal_run", args=[run.pk])).status_code == 200
    assert (
        "Godkänn och gallra"
        not in client.get(reverse("disposal_run", args=[run.pk])).content.decode()
    )
    assert client.post(reverse("disposal_approve", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.PLANNED
    client.post(
        reverse("disposal_holds"),
        {"scope": "search", "query": "sagostund", "reason": "Utredning"},
    )
    assert LegalHold.objects.get().scope == HoldScope.SEARCH


def test_other_organisations_get_404_and_other_roles_403(
    client_as, world, other_world, archive, rule
):
    run = services.run_plan(person=world.archivist)
    hold = services.hold_place(
        person=world.archivist, scope=HoldScope.PERSON, who="u-c1", reason="Begäran"
    )
    stranger = client_as(other_world.archivist)
    assert stranger.get(reverse("disposal_run", args=[run.pk])).status_code == 404
    assert stranger.post(reverse("disposal_approve", args=[run.pk])).status_code == 404
    assert stranger.post(reverse("disposal_undo", args=[run.pk])).status_code == 404
    assert stranger.get(reverse("disposal_hold", args=[hold.pk])).status_code == 404
    assert stranger.post(reverse("disposal_hold_release", args=[hold.pk])).status_code == 404
    assert stranger.post(reverse("disposal_rule_deactivate", args=[rule.pk])).status_code == 404
    assert "Kommentarer av ringa" not in stranger.get(reverse("disposal_rules")).content.decode()
    assert (
        "Kommentarer av ringa"
        in client_as(world.archivist).get(reverse("disposal_rules")).content.decode()
    )
    communicator = client_as(world.communicator)
    for name in ("disposal_index", "disposal_rules", "disposal_holds"):
        assert communicator.get(reverse(name)).status_code == 403
    assert communicator.post(reverse("disposal_plan")).status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.PLANNED


def test_the_pages_render_for_an_archivist_in_swedish(client_as, world, archive, rule):
    run = services.run_plan(person=world.archivist)
    services.run_approve(person=world.archivist, run=run)
    run = services.run_execute(run_id=run.pk)
    services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    client = client_as(world.archivist)
    for url in (
        reverse("disposal_index"),
        reverse("disposal_rules"),
        reverse("disposal_holds"),
        reverse("disposal_run", args=[run.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 200
        assert '<html lang="' in response.content.decode()
    page = client.get(reverse("disposal_run", args=[run.pk])).content.decode()
    assert "c1" in page and Record.objects.get(pk=archive["c1"].pk).current_sha256[:14] in page
