"""The snapshot's PDF volumes are rendered by the one renderer that fetches nothing: hostile
text and pictures in the period make no request and carry no local file."""

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
