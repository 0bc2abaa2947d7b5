"""The LinkedIn export reader on a real export (tests/samples/linkedin, SOURCES.md): a
member's Shares.csv and Comments.csv, with LinkedIn's broken multi-line quoting."""

import datetime
import io
import random
import tempfile
import zipfile
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record
from torget.sources import formats  # noqa: F401  (loads the registry before the module)
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import ReadContext
from torget.sources.linkedin import ExportReader

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "linkedin"
UTC = datetime.UTC
CAPTURED = datetime.datetime(2025, 7, 20, 12, 0, tzinfo=UTC)
CONTEXT = ReadContext(captured_at=CAPTURED)
READER = ExportReader()


def export_files() -> dict[str, bytes]:
    return {
        "Shares.csv": (SAMPLES / "Shares.csv").read_bytes(),
        "Comments.csv": (SAMPLES / "Comments.csv").read_bytes(),
    }


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def read_all(path):
    with open_bundle(path) as bundle:
        found = READER.detect(bundle)
        assert found is not None
        values = list(READER.read(bundle, found, CONTEXT))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    return found, items, errors


@pytest.fixture(scope="module")
def sample():
    with tempfile.TemporaryDirectory() as tmp:
        path = write_zip(Path(tmp) / "Basic_LinkedInDataExport_07-20-2025.zip", export_files())
        yield read_all(path)


def test_detect_counts_posts_and_comments(sample):
    found, _items, _errors = sample
    # 202 share rows, one post written five times (once per media URL).
    assert found.summary() == "LinkedIn export, 198 posts, 323 comments"
    assert found.total == 521 and found.account == "" and found.account_ids == frozenset()


def test_every_row_is_read_despite_the_quoting(sample):
    _found, items, errors = sample
    assert errors == []
    assert len(items) == 521
    assert len({i.platform_id for i in items}) == 521
    assert sum(i.kind == Kind.POST for i in items) == 198
    assert sum(i.kind == Kind.COMMENT for i in items) == 323
    assert all(i.author_is_organisation for i in items)
    assert all(i.created_at.utcoffset() == datetime.timedelta(0) for i in items)


def test_posts(sample):
    _found, items, _errors = sample
    by_id = {i.platform_id: i for i in items}
    first = items[0]
    assert first.platform_id == "urn:li:share:7345821826846990338"
    assert first.kind == Kind.POST
    # Zone-less times are UTC.
    assert first.created_at == datetime.datetime(2025, 7, 1, 14, 33, 22, tzinfo=UTC)
    # Each line of the post was its own quoted line in the file.
    assert first.text.startswith(
        "I'm off for a 10-day Vipassana meditation program.\n\n"
        "𝗪𝗛𝗔𝗧? A 10-day residential meditation. No phone, laptop, or speaking. "
        "https://www.dhamma.org/\n𝗪𝗛𝗘𝗡? From today until next Sunday (13 July)\n"
    )
    assert first.text.endswith(
        "I've scheduled LinkedIn posts, so you'll still see stuff. But I won't be replying."
    )
    assert first.permalink == (
        "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7345821826846990338"
    )
    assert orjson.loads(first.raw)["Visibility"] == "MEMBER_NETWORK"
    quoted = by_id["urn:li:share:7345736358277103616"]
    assert quoted.text.startswith(
        "If someone asked me, \"What's changed this year in LLMs\", here's my list:\n\n"
        "Prompt engineering is out."
    )
    # Five rows, one per media URL: one post with five pictures, the shared link in its text.
    minecraft = by_id["urn:li:share:6773073563034509312"]
    assert [m.url for m in minecraft.media] == [
        "https://i.ytimg.com/vi/bjanNXXwQbo/hqdefault.jpg",
        "https://i.ytimg.com/vi/bjanNXXwQbo/maxresdefault.jpg",
        "https://i.ytimg.com/vi/bjanNXXwQbo/sddefault.jpg",
        "https://i.ytimg.com/vi/bjanNXXwQbo/default.jpg",
        "https://i.ytimg.com/vi/bjanNXXwQbo/mqdefault.jpg",
    ]
    assert len(orjson.loads(minecraft.raw)) == 5
    assert minecraft.text.endswith("https://youtu.be/bjanNXXwQbo")
    assert sum(i.platform_id.startswith("urn:li:ugcPost:") for i in items) == 19


def test_comments(sample):
    _found, items, _errors = sample
    comments = [i for i in items if i.kind == Kind.COMMENT]
    first = comments[0]
    assert first.text.startswith("Ayush Mandowara Haven't tried audio calls yet.")
    assert first.created_at == datetime.datetime(2025, 7, 13, 8, 15, 21, tzinfo=UTC)
    assert first.parent_id == first.thread_id == "urn:li:activity:7348931489259999233"
    assert first.platform_id.startswith("linkedin-comment:")
    # Backslash-escaped quotes, which break ordinary CSV readers.
    srini = next(c for c in comments if c.text.startswith("Srini Annamaraju"))
    assert srini.text.endswith(
        'telling ChatGPT to "Challenge my assumptions, ask probing questions, suggest better '
        'approaches, share contrarian perspectives, and engage rather than affirm."'
    )
    assert srini.created_at == datetime.datetime(2025, 6, 27, 9, 4, 13, tzinfo=UTC)
    multi = next(c for c in comments if c.text.startswith("Abhay Singh"))
    assert "\n\nhttps://github.com/sanand0/chatgpt-to-markdown\n\n" in multi.text
    last = comments[-1]
    assert last.parent_id == "urn:li:article:7812125052750532817"
    assert last.created_at == datetime.datetime(2016, 2, 22, 5, 48, 25, tzinfo=UTC)
    assert {c.parent_id.split(":")[2] for c in comments} == {"activity", "ugcPost", "article"}


def test_the_ids_are_stable_across_reads(sample, tmp_path):
    _found, items, _errors = sample
    _again, again, _ = read_all(write_folder(tmp_path / "x", export_files()))
    assert [i.platform_id for i in items] == [i.platform_id for i in again]


def test_a_broken_row_does_not_swallow_the_rest(tmp_path):
    data = (SAMPLES / "Comments.csv").read_bytes().split(b"\n")
    # Line 2 opens a quote it never closes; the next line starting with a date recovers.
    data[1] = data[1].replace(b",Ayush", b',"Ayush', 1)
    files = {"Comments.csv": b"\n".join(data)}
    _found, items, errors = read_all(write_folder(tmp_path / "x", files))
    assert len(items) == 322
    assert [(e.location, e.reason.split(" (")[0]) for e in errors] == [
        ("Comments.csv, line 2", "the row's quoting is broken")
    ]
    assert items[0].text == "Rohan Sen wow! What was the prompt?"


def test_bad_dates_bytes_and_values_are_reported_by_line(tmp_path):
    lines = (SAMPLES / "Comments.csv").read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"2025-07-13 08:04:08", b"2025-13-45 08:04:08")
    lines[3] = lines[3] + b"\xff\xfe"
    lines[5] = lines[5].replace(b"https://", b"https://,extra,", 1)
    _found, items, errors = read_all(
        write_folder(tmp_path / "x", {"Comments.csv": b"\n".join(lines)})
    )
    assert len(items) == 320
    assert [e.location for e in errors] == [
        "Comments.csv, line 3, Date",
        "Comments.csv, line 4",
        "Comments.csv, line 6",
    ]
    assert errors[1].reason.startswith("not UTF-8 text")
    assert errors[2].reason == "the row's quoting is broken: expected 3 values, found 5"


def test_profile_names_the_export_but_is_not_an_account(tmp_path):
    files = export_files() | {
        "Profile.csv": "First Name,Last Name,Headline\nAnna,Andersson,Kommunikatör\n".encode()
    }
    found, _items, _errors = read_all(write_folder(tmp_path / "x", files))
    assert found.description == "LinkedIn export of Anna Andersson"
    assert found.account_ids == frozenset()


def test_other_csv_files_are_not_linkedin(tmp_path):
    path = write_folder(tmp_path / "x", {"comments.csv": b"Comment ID,Channel ID\n"})
    with open_bundle(path) as bundle:
        assert READER.detect(bundle) is None


# Fuzzing.


def mutate(data: bytes, how: str, where: float, value: str) -> bytes:
    at = int(len(data) * where)
    if how == "truncate":
        return data[:at]
    if how == "latin-1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if how == "utf-16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if how == "huge":
        return data[:at] + b"y" * (5 * 1024 * 1024) + data[at:]
    if how == "quote":
        return data[:at] + b'"' + data[at:]
    if how == "junk":
        return data[:at] + value.encode("utf-8", "surrogatepass") + data[at:]
    return data[:at] + bytes(random.Random(value).randrange(256) for _ in range(40)) + data[at:]


@settings(max_examples=60, deadline=None)
@given(
    how=st.sampled_from(["truncate", "latin-1", "utf-16", "huge", "quote", "junk", "bytes"]),
    where=st.floats(0, 1),
    value=st.text(max_size=30),
    name=st.sampled_from(["Shares.csv", "Comments.csv"]),
)
def test_fuzz_export(how, where, value, name):
    files = export_files()
    files[name] = mutate(files[name], how, where, value)
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_bundle(write_folder(Path(tmp), files)) as bundle,
    ):
        found = READER.detect(bundle)
        if found is None:
            return
        values = list(READER.read(bundle, found, CONTEXT))
    for value_ in values:
        if isinstance(value_, CapturedItem):
            assert value_.created_at.utcoffset() == datetime.timedelta(0)
        else:
            assert isinstance(value_, SourceError)
            assert value_.location.startswith(("Shares.csv", "Comments.csv"))
    # A single mutation after the header spoils few rows: the rest of the file is still read.
    if how in ("quote", "junk", "bytes") and where > 0.01:
        assert sum(isinstance(v, CapturedItem) for v in values) >= 521 - 3


# Through the real command.


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_import_twice_and_a_newer_export(world, tmp_path):
    channel = channel_in(
        world, "active", platform="linkedin", address="https://www.linkedin.com/company/exempla"
    )
    files = export_files()
    first = write_zip(tmp_path / "export-1.zip", files)
    summary = run_import(channel, first)
    assert "Found: LinkedIn export, 198 posts, 323 comments." in summary
    assert "521 new, 0 changed" in summary and "0 rejected" in summary
    assert set(Record.objects.filter(channel=channel).values_list("direction", flat=True)) == {
        "drawn_up"
    }
    comment = Record.objects.filter(channel=channel, kind="comment").order_by("-created_at")[0]
    assert comment.parent_platform_id == "urn:li:activity:7348931489259999233"
    assert comment.thread_platform_id == "urn:li:activity:7348931489259999233"

    assert "0 new, 0 changed, 521 unchanged" in run_import(channel, first)

    # A month later: one new post, one edited comment, the rest as before.
    shares = files["Shares.csv"].split(b"\n", 1)
    files["Shares.csv"] = (
        shares[0]
        + b"\n2025-08-01 09:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7399999999999999999,"
        + '"Välkommen till höstens medborgardialog!",,,PUBLIC\n'.encode()
        + shares[1]
    )
    files["Comments.csv"] = files["Comments.csv"].replace(
        b"Rohan Sen wow! What was the prompt?", b"Rohan Sen wow! What was the prompt exactly?"
    )
    summary = run_import(channel, write_zip(tmp_path / "export-2.zip", files))
    assert "1 new, 1 changed, 520 unchanged" in summary
    new = Record.objects.get(channel=channel, platform_id="urn:li:share:7399999999999999999")
    assert new.text == "Välkommen till höstens medborgardialog!"
    assert new.created_at == datetime.datetime(2025, 8, 1, 9, 0, tzinfo=UTC)
