"""One refusal type for the whole domain: every kind is a Refusal with its status, and pages
and the API answer it in one place each."""

import importlib
import inspect
import json
import pkgutil

import pytest
from django.test import RequestFactory
from django.urls import reverse

import torget
from tests.factories import channel_in
from torget.channels.lifecycle import TransitionRefused
from torget.organisations.access import RoleRequired
from torget.refusals import BAD_INPUT, CONFLICT, FORBIDDEN, Refusal

# Guards against things outside the domain, not refusals of a step: the network guard of
# the offline validator.
NOT_DOMAIN = {"NetworkRefused"}


def _torget_exceptions() -> list[type]:
    found = {}
    for module_info in pkgutil.walk_packages(torget.__path__, "torget."):
        if ".migrations" in module_info.name or module_info.name.endswith(("wsgi", "cli")):
            continue
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Exception) and value.__module__.startswith("torget."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_domain_refusal_is_one_refusal_type_with_its_status():
    kinds = [
        cls
        for cls in _torget_exceptions()
        if cls.__name__.endswith(("Refused", "Required", "Busy", "NotArchived"))
        or cls.__name__ == "PackageError"
    ]
    names = {cls.__name__ for cls in kinds}
    # The seven kinds the issue counted, and the importer's two, are all found by the scan.
    assert {
        "RoleRequired",
        "TransitionRefused",
        "SnapshotRefused",
        "PackageError",
        "DialogueRefused",
        "SupervisionRefused",
        "DisposalRefused",
        "ChannelBusy",
        "ChannelNotArchived",
    } <= names
    for cls in kinds:
        if cls.__name__ in NOT_DOMAIN:
            continue
        assert issubclass(cls, Refusal), cls
        assert cls.status in (BAD_INPUT, FORBIDDEN, CONFLICT), cls


def test_a_refusal_keeps_its_sentence_whatever_its_kind():
    from torget.dialogue.services import DialogueRefused
    from torget.preservation.services import SnapshotRefused

    assert TransitionRefused("Inte nu.").sentence == "Inte nu."
    assert DialogueRefused("Skriv svaret först.").sentence == "Skriv svaret först."
    assert DialogueRefused({"body": ["För långt."]}).sentence == "För långt."
    assert SnapshotRefused("Bara arkivarier.", forbidden=True).status == FORBIDDEN
    assert SnapshotRefused("Fel period.").status == BAD_INPUT
    assert RoleRequired("Nej.").status == FORBIDDEN


@pytest.mark.django_db
def test_a_page_answers_a_refusal_it_lets_through_with_its_sentence_and_status(world):
    from torget.organisations.middleware import RefusalMiddleware

    request = RequestFactory().post("/register/x/steg/launch/")
    request.person = world.manager
    request.user = world.manager.user
    request.session = {}
    middleware = RefusalMiddleware(lambda r: None)
    response = middleware.process_exception(
        request, TransitionRefused("Checklistan inför lansering är inte klar.")
    )
    assert response.status_code == CONFLICT
    assert "Checklistan inför lansering är inte klar." in response.content.decode()
    assert middleware.process_exception(request, ValueError("not ours")) is None


@pytest.mark.django_db
def test_a_role_refusal_from_a_view_is_a_403_page_with_the_sentence(client_as, world):
    channel = channel_in(world, "active")
    response = client_as(world.auditor).get(reverse("channel_edit", args=[channel.slug]))
    assert response.status_code == FORBIDDEN
    assert "Du får inte ändra den här kanalen." in response.content.decode()


def test_the_api_answers_a_refusal_as_json_with_its_status():
    from torget.api import refused

    request = RequestFactory().get("/api/channels/")
    response = refused(request, TransitionRefused("Kanalen är stängd."))
    assert response.status_code == CONFLICT
    assert json.loads(response.content) == {"detail": "Kanalen är stängd."}
