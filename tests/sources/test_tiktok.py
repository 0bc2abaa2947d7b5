"""TikTok's data export (user_data_tiktok.json).

No licensed TikTok export exists: the two files in tests/samples/tiktok/ are fixtures written
for Torget from the layout documented in ../shared/samples/tiktok/SOURCES.md (the 2024 layout,
and a newer one with "Your Activity" and lower-case keys), with invented Swedish content.
"""

import datetime
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.sources import formats  # noqa: F401 - loads the registry before the module
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import ReadContext
from torget.sources.tiktok import TikTokExportReader

SAMPLES = Path(__file__).parent.parent / "samples" / "tiktok"
EXPORT = SAMPLES / "user_data_tiktok.json"
NEWER = SAMPLES / "user_data_tiktok_2025.json"
CAPTURED = datetime.datetime(2025, 3, 5, 12, 0, tzinfo=datetime.UTC)
UTC = datetime.UTC


def context() -> ReadContext:
    return ReadContext(captured_at=CAPTURED)


def read(path: Path) -> tuple[list[CapturedItem], list[SourceError]]:
    with open_bundle(path) as bundle:
        found = TikTokExportReader().detect(bundle)
        assert found is not None
        values = list(TikTokExportReader().read(bundle, found, context()))
    return (
        [v for v in values if isinstance(v, CapturedItem)],
        [v for v in values if isinstance(v, SourceError)],
    )


def zipped(tmp_path: Path, source: Path) -> Path:
    path = tmp_path / "TikTok_Data_1741170000.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, "user_data_tiktok.json")
    return path


def test_detected_with_the_user_name_from_the_profile(tmp_path):
    with open_bundle(zipped(tmp_path, EXPORT)) as bundle:
        found = TikTokExportReader().detect(bundle)
    assert found.summary() == "TikTok export of @exemplakommun"
    assert found.account == "@exemplakommun"


def test_videos_deleted_videos_comments_and_messages():
    items, errors = read(EXPORT)
    assert errors == []
    by_kind: dict[str, list[CapturedItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    assert {k: len(v) for k, v in by_kind.items()} == {
        Kind.COMMENT: 2,
        Kind.MESSAGE: 3,
        Kind.VIDEO: 3,
    }
    first, second, deleted = by_kind[Kind.VIDEO]
    assert first.platform_id == "7414000000000000101"
    assert first.text == "Åbydagen 2024 – tack alla som kom! #exempla"
    assert first.created_at == datetime.datetime(2024, 9, 14, 15, 30, tzinfo=UTC)
    assert first.author_is_organisation and first.author_handle == "@exemplakommun"
    assert first.permalink == "https://www.tiktokv.com/share/video/7414000000000000101/"
    assert json.loads(first.raw)["Likes"] == "231"
    assert first.deleted_at is None and second.text == ""
    # Listed under "recently deleted" with no date of deletion: gone when captured.
    assert deleted.platform_id == "7398000000000000099"
    assert deleted.deleted_at == CAPTURED
    # Watch history, likes and favourites are what the account saw, not what it posted.
    assert "7420000000000000002" not in {i.platform_id for i in items}

    comment = by_kind[Kind.COMMENT][0]
    assert comment.text == "Tack för att ni kom till Åbydagen! 🎉"
    assert comment.platform_id.startswith("comment:") and comment.parent_id == ""
    assert comment.author_is_organisation and comment.media == ()
    assert comment.created_at == datetime.datetime(2024, 9, 15, 10, 12, tzinfo=UTC)

    question, answer, other = by_kind[Kind.MESSAGE]
    assert (question.author_handle, question.author_is_organisation) == ("@anna.andersson", False)
    assert question.text == "Hej! När töms soptunnorna i Åby?"
    assert (answer.author_handle, answer.author_is_organisation) == ("@exemplakommun", True)
    assert question.thread_id == answer.thread_id == "chat:anna.andersson"
    assert other.thread_id == "chat:bertil_b"
    assert answer.created_at == datetime.datetime(2024, 9, 21, 8, 15, tzinfo=UTC)


def test_the_newer_layout_gives_the_same_ids():
    old, _ = read(EXPORT)
    new, errors = read(NEWER)
    assert errors == []
    old_ids = {i.platform_id for i in old}
    new_ids = {i.platform_id for i in new}
    assert new_ids - old_ids == {"7458000000000000103"}
    assert old_ids - new_ids == {"7398000000000000099"}  # no longer in "recently deleted"
    answer = next(i for i in new if i.text.startswith("Hej Anna"))
    assert answer.author_is_organisation


def test_a_bad_element_is_one_error_and_a_cut_file_ends_with_one(tmp_path):
    data = json.loads(EXPORT.read_text())
    videos = data["Video"]["Videos"]["VideoList"]
    videos[0]["Date"] = "i fjol"
    videos[1]["Link"] = "https://www.tiktok.com/@exemplakommun"
    data["Comment"]["Comments"]["CommentsList"].insert(0, "text")
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    items, errors = read(path)
    assert [(e.location, e.reason) for e in errors] == [
        (
            "user_data_tiktok.json, Comment > Comments > CommentsList, item 0",
            "expected an object, found str",
        ),
        (
            "user_data_tiktok.json, Video > Videos > VideoList, item 0, Date",
            "not a date and time: 'i fjol'",
        ),
    ]
    # A link that names no post keeps the video, under an id made from its time.
    kept = next(i for i in items if i.kind == Kind.VIDEO and i.platform_id.startswith("post:"))
    assert kept.permalink == "" and kept.author_is_organisation
    raw = EXPORT.read_bytes()
    path.write_bytes(raw[: raw.index(b"Chat History with bertil_b")])
    items, errors = read(path)
    assert len([i for i in items if i.kind == Kind.MESSAGE]) == 2
    assert len(errors) == 1 and errors[0].location == "user_data_tiktok.json"
    assert "cut short" in errors[0].reason


EXPORT_BYTES = EXPORT.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(EXPORT_BYTES)),
    at=st.integers(min_value=0, max_value=len(EXPORT_BYTES) - 1),
    junk=st.binary(max_size=30),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    path=st.sampled_from(
        [("Video", "Videos", "VideoList"), ("Comment", "Comments", "CommentsList"), ()]
    ),
    value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.just({})),
    huge=st.booleans(),
)
def test_fuzz_export(cut, at, junk, encoding, path, value, huge):
    data = json.loads(EXPORT_BYTES)
    if path:
        section = data[path[0]][path[1]][path[2]]
        key = next(iter(section[0]))
        section[0][key] = value
        section[-1].pop(key)
    if huge:
        data["Video"]["Videos"]["VideoList"][0]["Title"] = "å" * 1_000_000
    raw = json.dumps(data, ensure_ascii=False).encode()
    raw = raw[:at] + junk + raw[at:cut] if at < cut else raw[: max(cut, 200)]
    if encoding != "utf-8":
        raw = raw.decode("utf-8", "replace").encode(encoding, "replace")
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "user_data_tiktok.json"
        file.write_bytes(raw)
        with open_bundle(file) as bundle:
            found = TikTokExportReader().detect(bundle)
            if found is None:
                return
            for item in TikTokExportReader().read(bundle, found, context()):
                if isinstance(item, SourceError):
                    assert item.location.startswith("user_data_tiktok.json")
                else:
                    assert item.created_at.utcoffset() == datetime.timedelta(0)


@pytest.fixture
def channel(world):
    return channel_in(
        world, "active", platform="tiktok", address="https://www.tiktok.com/@exemplakommun"
    )


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_import_twice_then_a_newer_export(channel, tmp_path):
    from torget.archive.models import Record

    path = zipped(tmp_path, EXPORT)
    first = run_import(channel, path)
    assert "Found: TikTok export of @exemplakommun." in first
    assert "8 new, 0 changed" in first and "1 deleted on the platform" not in first
    records = {r.platform_id: r for r in Record.objects.filter(channel=channel)}
    assert records["7414000000000000101"].direction == "drawn_up"
    assert records["7398000000000000099"].state == "deleted"
    messages = [r for r in records.values() if r.kind == Kind.MESSAGE]
    assert sorted(r.direction for r in messages) == ["drawn_up", "received", "received"]
    assert "0 new, 0 changed, 8 unchanged" in run_import(channel, path)

    newer = tmp_path / "newer"
    newer.mkdir()
    third = run_import(channel, zipped(newer, NEWER))
    assert "1 new, 0 changed, 7 unchanged" in third
    assert Record.objects.get(channel=channel, platform_id="7458000000000000103").kind == "video"


@pytest.mark.django_db
def test_an_export_of_another_account_is_refused(world, tmp_path):
    from django.core.management import CommandError

    other = channel_in(world, "active", platform="tiktok", address="https://www.tiktok.com/@annan")
    with pytest.raises(CommandError, match="belongs to @exemplakommun"):
        run_import(other, zipped(tmp_path, EXPORT))
