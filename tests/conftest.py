"""Shared fixtures: two organisations with a person in every role, and channels in any state."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls our tests make
# beside it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import World, make_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return make_world("exempla", "Exempla kommun")


@pytest.fixture
def other_world(db) -> World:
    return make_world("grannby", "Grannby kommun")


@pytest.fixture
def client_as(client):
    """Log the test client in as a person: `client_as(world.communicator)`."""

    def login(person):
        client.force_login(person.user)
        return client

    return login
