"""`torget import` on platform exports: recognising, the account check, refusals, reporting.

A small test reader stands in for a platform here so that these tests are about the command;
each platform's own tests import its real samples through the same command.
"""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests.factories import channel_in
from torget.archive.models import IngestionRun, Record
from torget.sources import formats
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.formats import Found, Reader

pytestmark = pytest.mark.django_db


class NotesReader(Reader):
    """A made-up format: notes.json = {"account": "@x", "notes": [{"id", "text", "at"}]}."""

    platform = "mastodon"
    name = "test-notes"
    label = "test notes export"

    def detect(self, bundle):
        name = bundle.first("*notes.json")
        if name is None:
            return None
        data = json.loads(bundle.read_bytes(name))
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"Notes of {data['account']}",
            account=data["account"],
            counts={"notes": len(data["notes"])},
            total=len(data["notes"]),
            details={"name": name},
        )

    def read(self, bundle, found, context):
        data = json.loads(bundle.read_bytes(found.details["name"]))
        for index, note in enumerate(data["notes"]):
            try:
                yield CapturedItem(
                    platform_id=note["id"],
                    kind=Kind.POST,
                    text=note["text"],
                    created_at=datetime.datetime.fromisoformat(note["at"]),
                    captured_at=context.captured_at,
                    raw=json.dumps(note),
                    author_id=data["account"],
                    author_is_organisation=context.is_own(data["account"]),
                )
            except (KeyError, ValueError) as error:
                yield SourceError(f"{found.details['name']}, note {index}", f"unusable: {error}")


@pytest.fixture(autouse=True)
def notes_reader(monkeypatch):
    monkeypatch.setattr(formats, "READERS", (*formats.READERS, NotesReader()))


@pytest.fixture
def channel(world):
    return channel_in(
        world, "active", platform="mastodon", address="https://social.exempla.se/@info"
    )


def export(tmp_path, account="@info@social.exempla.se", notes=None):
    notes = notes or [
        {"id": "n1", "text": "Välkommen till vår nya kanal!", "at": "2025-03-01T09:00:00+01:00"},
        {"id": "n2", "text": "Biblioteket har öppet i helgen.", "at": "2025-03-02T10:00:00Z"},
    ]
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"account": account, "notes": notes}), encoding="utf-8")
    return path


def run(channel, path, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_says_what_it_found_and_imports_it_as_drawn_up(channel, tmp_path):
    out, _ = run(channel, export(tmp_path))
    assert out.startswith("Found: Notes of @info@social.exempla.se, 2 notes.")
    assert "2 new, 0 changed, 0 unchanged" in out
    first = Record.objects.get(platform_id="n1")
    assert first.direction == "drawn_up" and first.author_is_organisation
    assert first.created_at == datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.UTC)
    run_row = IngestionRun.objects.get()
    assert run_row.source == "test-notes:notes.json"


def test_an_export_of_another_account_is_refused_without_force(channel, tmp_path):
    path = export(tmp_path, account="@someone@elsewhere.example")
    with pytest.raises(CommandError) as refused:
        run(channel, path)
    message = str(refused.value)
    assert "belongs to @someone@elsewhere.example" in message
    assert "https://social.exempla.se/@info" in message and "--force" in message
    assert not Record.objects.exists() and not IngestionRun.objects.exists()

    out, err = run(channel, path, "--force")
    assert "Importing it anyway (--force)" in err and "2 new" in out
    # With --force the person vouches for the export: its owner's posts are the organisation's.
    assert Record.objects.get(platform_id="n1").author_is_organisation


def test_at_a_terminal_the_person_is_asked_and_no_means_nothing(channel, tmp_path, monkeypatch):
    path = export(tmp_path, account="@someone@elsewhere.example")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    answers = iter(["n", "ja"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(channel, path)
    assert not Record.objects.exists()
    out, _ = run(channel, path)
    assert "2 new" in out


def test_bad_items_are_reported_with_where_and_why_and_the_rest_imported(channel, tmp_path):
    notes = [
        {"id": "n1", "text": "Hej", "at": "2025-03-01T09:00:00Z"},
        {"id": "n2", "text": "Utan tid"},
        {"id": "n3", "text": "Fel tid", "at": "igår"},
        {"id": "n4", "text": "Sista", "at": "2025-03-04T09:00:00Z"},
    ]
    out, _ = run(channel, export(tmp_path, notes=notes))
    assert "2 new" in out and "2 rejected" in out
    assert "rejected notes.json, note 1: unusable: 'at'" in out
    assert "rejected notes.json, note 2: unusable:" in out
    assert set(Record.objects.values_list("platform_id", flat=True)) == {"n1", "n4"}


def test_the_same_export_twice_changes_nothing(channel, tmp_path):
    path = export(tmp_path)
    run(channel, path)
    out, _ = run(channel, path)
    assert "0 new, 0 changed, 2 unchanged" in out


def test_an_export_for_another_platform_is_refused_with_what_it_is(world, tmp_path):
    x_channel = channel_in(world, "active", platform="x", address="https://x.com/exempla")
    with pytest.raises(CommandError, match=r"is a test notes export .* but .* is a channel on X"):
        run(x_channel, export(tmp_path))


def test_an_unknown_export_is_refused_in_plain_words(channel, tmp_path):
    path = tmp_path / "semester.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not an export")
    with pytest.raises(CommandError, match=r"does not recognise .* as an export or saved API"):
        run(channel, path)


def test_a_zip_with_a_path_outside_the_export_is_refused_by_the_command(channel, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.json", export(tmp_path).read_bytes())
        zf.writestr("../../.bashrc", b"echo gotcha")
    with pytest.raises(CommandError, match="points outside the export"):
        run(channel, path)
    assert not Record.objects.exists()


def test_the_same_export_as_a_zip_or_a_folder_gives_the_same_records(channel, tmp_path):
    folder = tmp_path / "unpacked"
    folder.mkdir()
    export(folder)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / "notes.json", "export/notes.json")
    run(channel, folder)
    out, _ = run(channel, archive)
    assert "0 new, 0 changed, 2 unchanged" in out
