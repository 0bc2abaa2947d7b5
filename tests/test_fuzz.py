"""No input gives a server error: hostile values for every parameter of every page (issue 14, 7).

The routes come from the URL resolver itself (pages, public pages, the API under /api/), so a
new page is fuzzed the day it is added. Each route gets, as a person holding every role and
anonymously:

- hostile values for every query parameter Torget reads anywhere (found in the source and
  in the forms and API schemas), all at once and, for the parameters the route itself reads
  (recorded while it answers a plain request), one at a time;
- the same as a POST body;
- hostile path parameters (huge, negative, NUL, very long, ...).

Every answer must be below 500. The run is bounded: a fixed set of values per parameter.
"""

import os
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import torget
from torget.demo import demo_load
from torget.organisations.models import Role
from torget.organisations.services import person_create

pytestmark = pytest.mark.django_db

# Percent-encoded as they would arrive from a browser or a script. Each request gives every
# parameter a different one of these (rotating), so every parameter meets every value.
HOSTILE = [
    "",
    "9" * 30,  # over 2**63: no database integer holds it
    "-" + "9" * 25,
    "1e309",  # a float that overflows
    "a%00b%ED%A0%80%FF",  # NUL, a lone surrogate as UTF-8 bytes, a byte that is no UTF-8
    "%C2%B2%D9%A1",  # a superscript two and an Arabic-Indic one: isdigit() yes, int() no
    "x" * 3000,
    "%27%20OR%201%3D1--%3Cscript%3E%22%25_%5C%3B%C3%A5%F0%9F%92%A9",  # SQL, HTML, åäö, emoji
    "9999-12-31",  # the last day: the day after does not exist
    "0001-01-01T00%3A00%3A00%2B14%3A00_" + "9" * 25,  # a cursor before year 1 in UTC
    "2025-02-30",
    "inf_-1",
]
# A route's own parameters also get this one alone (nothing else in the request).
SHARP = ["9" * 30]
PATH_VALUES = {
    "int": ["9" * 30, str(2**63)],
    "id": ["9" * 30, str(2**63)],
    "slug": ["x" * 2000],
    "str": ["%00", "x" * 2000, "..%5C..%5Cetc"],
}
GENERIC = ["page", "q", "id", "pk", "next", "before", "after", "cursor", "limit", "offset"]


def _routes() -> list[tuple[str, str]]:
    """(route template, name) of every URL pattern, includes followed."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append((prefix + str(entry.pattern), entry.name or ""))

    walk(get_resolver().url_patterns, "")
    return found


def _source_keys() -> set[str]:
    """Every parameter name Torget's code reads from a query string or a form."""
    keys = set(GENERIC)
    reads = re.compile(
        r"""(?:params|GET|POST|data|query)(?:\.get|\.getlist|\.pop)?\(?\[?\s*["']([a-z_]{1,40})["']"""
    )
    for path in Path(torget.__file__).parent.rglob("*.py"):
        keys.update(reads.findall(path.read_text(encoding="utf-8")))
    from django import forms as django_forms

    for form in _subclasses(django_forms.BaseForm):
        keys.update(getattr(form, "base_fields", {}))
    from ninja import Schema

    for schema in _subclasses(Schema):
        if schema.__module__.startswith("torget."):
            keys.update(schema.model_fields)
    return {key for key in keys if key not in {"csrfmiddlewaretoken"}}


def _subclasses(cls) -> set[type]:
    seen, todo = set(), [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


class _Recorder:
    """The keys a view reads from request.GET / request.POST during one request."""

    def __init__(self, monkeypatch) -> None:
        self.keys: set[str] = set()
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, name)
            monkeypatch.setattr(QueryDict, name, self._wrap(original))

    def _wrap(self, original):
        def method(qd, key, *args, **kwargs):
            if isinstance(key, str):
                self.keys.add(key)
            return original(qd, key, *args, **kwargs)

        return method


def _real_values(org) -> dict[tuple[str, str], str]:
    """A real object for each path parameter, so a route's parameters are parsed deeply."""
    from torget.archive.models import Blob, Record
    from torget.channels.models import Channel
    from torget.dialogue.models import Question, Registration
    from torget.disposal.models import DisposalRule, DisposalRun, LegalHold, Tombstone
    from torget.organisations.models import Person
    from torget.preservation.models import Snapshot
    from torget.supervision.models import Evidence, Finding, PlatformTask, ReviewItem

    def first(model, **where) -> str:
        row = model.objects.filter(**where).order_by("pk").first()
        return str(row.pk) if row else "1"

    record = first(Record, organisation=org)
    channel = Channel.objects.filter(organisation=org).order_by("pk").first()
    blob = Blob.objects.order_by("pk").first()
    return {
        ("*", "slug"): channel.slug,
        ("*", "organisation_slug"): org.slug,
        ("*", "action"): "assign",
        ("*", "record_pk"): record,
        ("*", "record_id"): record,
        ("*", "sha256"): blob.pk if blob else "0" * 64,
        ("record_detail", "pk"): record,
        ("question_detail", "pk"): first(Question, organisation=org),
        ("question_action", "pk"): first(Question, organisation=org),
        ("registration_file", "pk"): first(Registration),
        ("registration_file", "name"): "handling.pdf",
        ("supervision_assign", "pk"): first(ReviewItem, organisation=org),
        ("supervision_reveal", "pk"): first(Finding, organisation=org),
        ("supervision_task_done", "pk"): first(PlatformTask),
        ("supervision_evidence", "pk"): first(Evidence),
        ("preservation_snapshot", "pk"): first(Snapshot),
        ("person_edit", "pk"): first(Person, organisation=org),
        ("disposal_rule_deactivate", "pk"): first(DisposalRule),
        ("disposal_hold", "pk"): first(LegalHold),
        ("disposal_hold_release", "pk"): first(LegalHold),
        ("disposal_run", "pk"): first(DisposalRun),
        ("disposal_approve", "pk"): first(DisposalRun),
        ("disposal_cancel", "pk"): first(DisposalRun),
        ("disposal_undo", "pk"): first(DisposalRun),
        ("disposal_resume", "pk"): first(DisposalRun),
        ("disposal_restore", "pk"): first(Tombstone),
    }


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(template: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values[m.group(2)], template).lstrip("^").rstrip("$")


@pytest.fixture
def demo(db):
    org = demo_load()
    everyone = person_create(
        organisation=org,
        username="fuzz-every-role",
        password="x-fuzz-password",
        name="Fuzz Allroller",
        title="",
        roles=list(Role.values),
        unit=None,
    )
    return org, everyone


def test_every_route_with_a_path_parameter_has_a_real_value(demo):
    org, _ = demo
    real = _real_values(org)
    for template, name in _routes():
        for _converter, param in PARAM.findall(template):
            assert (name, param) in real or ("*", param) in real, (
                f"{template} ({name}): add a real value for {param} to _real_values"
            )


LONG_WORD = "x" * 3000


def _query(keys, shift: int, *, twice: bool = False) -> str:
    """Every key with a hostile value, each key a different one (rotated by `shift`)."""
    pairs = [
        f"{quote(key)}={HOSTILE[(shift + index) % len(HOSTILE)]}"
        for index, key in enumerate(sorted(keys))
    ]
    if twice:
        pairs += [f"{quote(key)}=1" for key in sorted(keys)]
    return "&".join(pairs)


def _fuzz(client: Client, monkeypatch, org, login, *, thorough: bool) -> list[str]:
    keys = _source_keys()
    real = _real_values(org)
    failures = []
    requests = 0

    def send(method: str, url: str, body: str = "") -> None:
        nonlocal requests
        requests += 1
        # A database error in one request must not abort the test's transaction for the
        # next ones (PostgreSQL): each request runs in a savepoint.
        savepoint = transaction.savepoint()
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            failures.append(f"{method} {url[:300]} {body[:200]} -> {response.status_code}")
        else:
            transaction.savepoint_commit(savepoint)
        if url.startswith("/logga-ut/") or url.startswith("/i18n/"):
            login()

    started = time.monotonic()
    for template, name in _routes():
        if os.environ.get("TORGET_FUZZ_VERBOSE"):
            print(f"{time.monotonic() - started:6.1f}s {requests:6d} {template}", flush=True)
        params = {p: real.get((name, p), real.get(("*", p))) for _c, p in PARAM.findall(template)}
        url = _fill(template, params)
        login()
        recorder = _Recorder(monkeypatch)
        client.get(url)
        posts = client.post(url, "", content_type="application/x-www-form-urlencoded")
        monkeypatch.undo()
        methods = ["GET"] if posts.status_code == 405 else ["GET", "POST"]
        read = {k for k in recorder.keys if re.fullmatch(r"[a-z_]{1,40}", k)}
        for shift in range(len(HOSTILE) if thorough else 2):
            query = _query(keys, shift)
            for method in methods:
                send(method, f"{url}?{query}" if method == "GET" else url, query)
        send("GET", f"{url}?{_query(keys, 0, twice=True)}")
        for key in sorted(read) if thorough else ():
            for value in SHARP:
                for method in methods:
                    query = f"{quote(key)}={value}"
                    send(method, f"{url}?{query}" if method == "GET" else url, query)
        for converter, param in PARAM.findall(template):
            for value in PATH_VALUES.get(converter or "str", PATH_VALUES["str"]):
                for method in methods:
                    send(method, _fill(template, {**params, param: value}))
    return [*failures, f"({requests} requests)"]


def test_no_input_gives_a_server_error_to_a_person_with_every_role(demo, monkeypatch):
    org, everyone = demo
    client = Client(raise_request_exception=False)
    report = _fuzz(
        client, monkeypatch, org, lambda: client.force_login(everyone.user), thorough=True
    )
    assert report[:-1] == [], "\n".join(report)


def test_no_input_gives_a_server_error_to_an_anonymous_visitor(demo, monkeypatch):
    org, _ = demo
    client = Client(raise_request_exception=False)
    # Anonymous visitors reach the public pages and the login; the rest sends them away
    # before reading anything, so fewer rounds suffice.
    report = _fuzz(client, monkeypatch, org, client.logout, thorough=False)
    assert report[:-1] == [], "\n".join(report)


def test_a_long_word_in_search_is_no_server_error(demo):
    _, everyone = demo
    client = Client(raise_request_exception=False)
    client.force_login(everyone.user)
    for url in (f"/arkiv/?q={LONG_WORD}", f"/api/records?q={LONG_WORD}"):
        assert client.get(url).status_code < 500, url
