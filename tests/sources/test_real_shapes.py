"""Shapes found in real exports and saved API pages that the first readers got wrong.

Each test builds a file in the exact shape a platform or a common tool writes (described
next to it) and imports it through `torget import`, as a new user would.
"""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import channel_in
from torget.archive.models import Record

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(channel, path, *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def records(channel) -> dict[str, Record]:
    return {r.platform_id: r for r in Record.objects.filter(channel=channel)}


# X API v2 pages saved one per line (twarc2), and --format for .jsonl files.


def twarc2_lines() -> str:
    """Two pages as twarc2 writes them (each a whole API response with `__twarc`), and the
    error object the filtered stream writes between them when the connection drops."""
    pages = [
        json.loads((SAMPLES / "x" / "sns-sdks_python-twitter" / name).read_text("utf-8"))
        for name in ("tweets_resp.json", "search_tweets_query.json")
    ]
    for page in pages:
        page["__twarc"] = {
            "url": "https://api.twitter.com/2/tweets/search/recent?query=x",
            "version": "2.14.0",
            "retrieved_at": "2024-03-05T10:00:00+00:00",
        }
    error = {
        "errors": [
            {
                "title": "operational-disconnect",
                "disconnect_type": "OperationalDisconnect",
                "detail": "This stream has been disconnected upstream for operational reasons.",
                "type": "https://api.twitter.com/2/problems/operational-disconnect",
            }
        ]
    }
    return "\n".join(json.dumps(p) for p in (pages[0], error, pages[1])) + "\n"


@pytest.fixture
def x_channel(world):
    return channel_in(world, "active", platform="x", address="https://x.com/twitterdev")


@pytest.mark.parametrize("extra", [(), ("--format", "x-api-v2")])
def test_twarc2_jsonl_is_read_as_x_api_pages_by_content_or_format(x_channel, tmp_path, extra):
    path = tmp_path / "tweets.jsonl"
    path.write_text(twarc2_lines(), encoding="utf-8")
    out, err = run(x_channel, path, *extra)
    assert "Found: X API v2 pages (1 file)." in out
    assert "6 new" in out and "0 rejected" in out and "Warning" not in err
    assert records(x_channel)["1261326399320715264"].direction == "drawn_up"
    out, _ = run(x_channel, path, *extra)
    assert "0 new, 0 changed, 6 unchanged" in out


def test_format_wins_over_the_jsonl_suffix_and_says_what_is_expected(x_channel, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": "world"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"is not X API v2 pages"):
        run(x_channel, path, "--format", "x-api-v2")


# Exit status.


def interchange_line(number: int, **change) -> str:
    line = {
        "v": 1,
        "id": f"p{number}",
        "kind": "post",
        "text": f"Inlägg {number}",
        "created_at": "2025-03-01T09:00:00Z",
        "author": {"id": "1", "handle": "@twitterdev"},
    }
    line.update(change)
    return json.dumps(line)


def test_an_import_where_every_item_was_rejected_fails(x_channel, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(interchange_line(n, created_at="igår") for n in range(3)) + "\n", "utf-8"
    )
    with pytest.raises(CommandError, match=r"Nothing was imported: all 3 items were rejected"):
        run(x_channel, path)
    with pytest.raises(SystemExit) as exited:  # as a script sees it
        _run_as_script(x_channel, path)
    assert exited.value.code == 1


def _run_as_script(channel, path):
    from django.core.management import ManagementUtility

    ManagementUtility(["torget", "import", str(path), "--channel", channel.slug]).execute()


def test_an_import_with_some_rejected_warns_and_exits_zero(x_channel, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        interchange_line(1) + "\n" + interchange_line(2, created_at="igår") + "\n", "utf-8"
    )
    out, err = run(x_channel, path)
    assert "1 new" in out and "1 rejected" in out
    assert "Warning: 1 of 2 items were rejected; the rest were imported." in err
