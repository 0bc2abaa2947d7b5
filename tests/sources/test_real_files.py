"""The real-file results set: every real sample in tests/samples/ (and the fixtures written
in real shapes beside them), imported through `torget import` as a new user would.

For each file: what was imported and rejected (the figures below are the results as of
issue 16, to be kept or improved), every time in UTC, every reply whose parent is in the
archive linked to it, and a second import of the same file changing nothing. Rerun this set
after any change to a reader; a new real sample gets a row here.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import channel_in
from torget.archive.models import Record

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SUMMARY = re.compile(r"([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged, .* ([\d,]+) rejected")

# (platform, sample, extra arguments, records imported, items rejected).
RESULTS = [
    ("facebook", "facebook/dyi-2020", (), 3, 0),
    ("facebook", "facebook/dyi-2024", (), 7, 0),
    ("facebook", "facebook/graph", (), 34, 1),
    ("instagram", "instagram/export-2021", (), 2, 0),
    ("instagram", "instagram/export-2024", (), 5, 0),
    pytest.param(
        "instagram",
        "instagram/graph",
        (),
        10,
        0,
        marks=pytest.mark.xfail(
            strict=True,
            reason="known, not yet fixed: the same comment saved in two files with different "
            "fields becomes a new version at every import (5 changed on re-import)",
        ),
    ),
    ("x", "x/mrled_twarchive", (), 2, 0),
    ("x", "x/modern_archive", (), 8, 0),
    ("x", "x/dogsheep_twitter-to-sqlite/tweets.json", (), 3, 0),
    ("x", "x/sns-sdks_python-twitter", (), 22, 1),
    ("x", "x/tweepy_extracts", (), 100, 0),
    ("youtube", "youtube/api", (), 16, 0),
    ("youtube", "youtube/test_parse_youtube_comment_buffer_new.csv", (), 2, 0),
    ("youtube", "youtube/test_parse_youtube_comment_buffer_old.csv", (), 2, 0),
    pytest.param(
        "youtube",
        "youtube/test_parse_youtube_live_chat_buffer.csv",
        (),
        3,
        0,
        marks=pytest.mark.xfail(
            strict=True,
            reason="known, not yet fixed: a live chat CSV sent alone (without Takeout's "
            "folder names) is not recognised",
        ),
    ),
    ("linkedin", "linkedin", (), 521, 0),
    ("tiktok", "tiktok/user_data_tiktok.json", (), 8, 0),
    ("tiktok", "tiktok/user_data_tiktok_2025.json", (), 8, 0),
    ("mastodon", "mastodon/archive", (), 7, 0),
    ("mastodon", "mastodon/alice", (), 2, 0),
    ("mastodon", "mastodon/api", (), 11, 3),
    ("bluesky", "bluesky/greenground.repo.car", (), 0, 0),
    ("bluesky", "bluesky/paul_staging.repo.car", (), 101, 0),
    ("bluesky", "bluesky/bnewbold.robocracy.org.20250310005405.car", (), 23, 0),
    ("bluesky", "bluesky/thread_view_post_with_embed_media.json", (), 1, 0),
    ("wordpress", "wordpress/exempla.wordpress.2025-03-01.xml", (), 5, 0),
    ("wordpress", "wordpress/rest", (), 3, 0),
    ("blog", "feed/nyheter-rss2.xml", (), 2, 1),
    ("blog", "feed/nyheter-atom.xml", (), 2, 0),
    ("blog", "feed/trasigt-flode.xml", (), 2, 1),
]


def run(channel, path: Path, *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import", str(path), "--channel", channel.slug, "--force", *extra, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def figures(text: str) -> tuple[int, int, int, int]:
    match = SUMMARY.search(text)
    assert match, text
    new, changed, unchanged, rejected = (int(g.replace(",", "")) for g in match.groups())
    return new, changed, unchanged, rejected


@pytest.mark.parametrize(
    ("platform", "sample", "extra", "imported", "rejected"),
    RESULTS,
    ids=[(row.values if hasattr(row, "values") else row)[1] for row in RESULTS],
)
def test_real_file(world, platform, sample, extra, imported, rejected):
    channel = channel_in(world, "active", platform=platform, address="https://example.org/x")
    path = SAMPLES / sample
    try:
        out, _ = run(channel, path, *extra)
    except CommandError as error:  # every item rejected: exit 1, with the reasons
        pytest.fail(f"{sample}: {error}")
    _new, _changed, _unchanged, refused = figures(out)
    records = list(Record.objects.filter(channel=channel))
    assert (len(records), refused) == (imported, rejected), out
    for record in records:
        assert record.created_at.utcoffset() == datetime.timedelta(0)
        assert record.created_at.tzinfo is not None
    by_platform_id = {r.platform_id: r for r in records}
    for record in records:
        parent = by_platform_id.get(record.parent_platform_id)
        if parent is not None and parent.pk != record.pk:
            assert record.parent_id == parent.pk, (record.platform_id, record.parent_platform_id)
    again, _ = run(channel, path, *extra)
    new_again, changed_again, unchanged_again, _ = figures(again)
    assert (new_again, changed_again) == (0, 0), again
    assert unchanged_again >= len(records) - refused
