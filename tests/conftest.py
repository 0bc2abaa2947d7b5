"""Shared fixtures: two organisations with a person in every role, and channels in any state."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls our tests make
# beside it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import audit_flush
from tests.factories import World, make_world

# Flushes between transactional tests may empty the audit log; nothing else may (see there).
audit_flush.install()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_seal_log(settings, tmp_path_factory):
    """Each test seals into its own folder: the seal log on disk outlives the test database.
    The folder is not under the test's tmp_path, which tests may expect to hold only theirs."""
    settings.SEAL_DIR = tmp_path_factory.mktemp("seals")


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


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, live_server):
    """A logged-in browser page for a person, through the real login form."""
    contexts = []

    def open_page(person, password="test-password"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/logga-in/")
        page.get_by_label("Användarnamn").fill(person.user.username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()
