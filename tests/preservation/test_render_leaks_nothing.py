"""The snapshot's PDF volumes leak nothing: hostile text and pictures in the period make no
request and carry no local file, and a disposed record keeps neither its author nor its link."""

import datetime

import pytest

from tests.factories import captured, channel_in, ingest
from tests.hostile import hostile_svg, make_secrets, pdf_bytes_hold, pdf_text, start_listener
from torget.preservation.render import render_period
from torget.sources.base import CapturedMedia

pytestmark = pytest.mark.django_db
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)


@pytest.fixture
def listener():
    listener, server = start_listener()
    yield listener
    server.shutdown()
    server.server_close()


def test_a_snapshot_of_hostile_records_fetches_nothing(world, listener, tmp_path):
    folder = tmp_path / "secret"
    folder.mkdir()
    secrets = make_secrets(folder)
    drawing = tmp_path / "drawing.svg"
    drawing.write_bytes(hostile_svg(listener, secrets))
    channel = channel_in(world, "active")
    ingest(
        channel,
        [
            captured(
                "p1",
                f'<img src="{listener.url}/p.png"><iframe src="file://{secrets.text}"></iframe>',
                kind="post",
                created_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC),
                media=(CapturedMedia(path=str(drawing), mime_type="image/svg+xml"),),
            )
        ],
    )
    rendered = render_period(
        channel, START, END, tmp_path / "pdf", tmp_path / "s.warc.gz", title="Test", workers=0
    )
    assert listener.requests == []
    for path in rendered.pdf_files:
        assert not pdf_bytes_hold(path, secrets.marker)
    assert "<img src=" in " ".join(pdf_text(rendered.pdf_files[-1]).split())


def test_a_disposed_record_shows_neither_its_author_nor_its_link(world):
    from pathlib import Path

    from torget.preservation import render

    channel = channel_in(world, "active")
    snapshot = render._Snapshot(channel, START, END, Path("."), Path("x.warc.gz"), "t", None)
    row = {
        "platform_id": "c9",
        "kind": "comment",
        "author_name": "Anna Andersson",
        "author_handle": "anna",
        "author_is_organisation": False,
        "created_at": START,
        "edited_at": None,
        "deleted_seen_at": None,
        "state": "disposed",
        "title": "",
        "text": "Hemlig text",
        "permalink": "https://www.facebook.com/exempla/posts/c9",
        "version_count": 1,
        "media_content": "",
    }
    shown = snapshot._display(row)
    assert shown["author"] == "–" and shown["permalink"] == "" and shown["text"] == ""
    assert shown["platform_id"] == "c9"  # the tombstone's facts stay
