"""Facebook exports of any size for the importer benchmark, in the exact shapes
`torget.sources.facebook` reads: the Page's "Download your information" zip (posts and the
Page's own comments, mojibake text, a few pictures) and a folder of saved Graph API pages
(feed pages of 25 posts, one comments page per post with replies).

Everything is written element by element, so 200,000 items never sit in memory at once.
"""

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import NAMES, comment_text

PAGE_ID = "104857600000001"
PAGE_NAME = "Bench kommun"
USERNAME = "bench"
START = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)
FEED_PAGE = 25
COMMENTS_PER_POST = 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00bench\xff\xd9"


def mojibake(text: str) -> str:
    """How the export writes text: each UTF-8 byte as its own character."""
    return text.encode("utf-8").decode("latin-1")


def _split(count: int) -> tuple[int, int]:
    posts = max(1, count // (COMMENTS_PER_POST + 1))
    return posts, count - posts


def write_export(directory: Path, count: int) -> Path:
    rng = random.Random(11)
    posts, comments = _split(count)
    path = directory / "facebook-bench.zip"
    top = "facebook-bench-2024/"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        profile = {
            "profile_v2": {
                "name": {"full_name": PAGE_NAME},
                "username": USERNAME,
                "profile_uri": "https://facebook.example/bench",
            }
        }
        archive.writestr(
            top + "personal_information/profile_information/profile_information.json",
            json.dumps(profile),
        )
        with archive.open(top + "your_facebook_activity/posts/your_posts_1.json", "w") as out:
            out.write(b"[\n")
            for index in range(posts):
                second = int((START + timedelta(hours=index)).timestamp())
                post = {
                    "timestamp": second,
                    "data": [{"post": mojibake(comment_text(rng)), "update_timestamp": second}],
                    "title": mojibake(f"{PAGE_NAME} uppdaterade sin status."),
                }
                if index % 20 == 0:
                    uri = f"your_facebook_activity/posts/media/Tidslinjebilder_1/{index}.jpg"
                    post["attachments"] = [
                        {"data": [{"media": {"uri": uri, "creation_timestamp": second}}]}
                    ]
                out.write((b",\n" if index else b"") + json.dumps(post).encode())
            out.write(b"\n]\n")
        # A zip takes one member at a time: the pictures go in after the posts file.
        for index in range(0, posts, 20):
            uri = f"your_facebook_activity/posts/media/Tidslinjebilder_1/{index}.jpg"
            archive.writestr(top + uri, JPEG)
        name = top + "your_facebook_activity/comments_and_reactions/comments.json"
        with archive.open(name, "w") as out:
            out.write(b'{"comments_v2": [\n')
            for index in range(comments):
                second = int((START + timedelta(minutes=3 * index, seconds=7)).timestamp())
                comment = {
                    "timestamp": second,
                    "data": [
                        {
                            "comment": {
                                "timestamp": second,
                                "comment": mojibake(comment_text(rng)),
                                "author": PAGE_NAME,
                            }
                        }
                    ],
                    "title": mojibake(f"{PAGE_NAME} kommenterade {rng.choice(NAMES)}s inlägg."),
                }
                out.write((b",\n" if index else b"") + json.dumps(comment).encode())
            out.write(b"\n]}\n")
    return path


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def write_graph(directory: Path, count: int) -> Path:
    rng = random.Random(12)
    posts, comments = _split(count)
    folder = directory / "facebook-graph-pages"
    folder.mkdir(parents=True, exist_ok=True)
    left = comments
    for first in range(0, posts, FEED_PAGE):
        page = []
        for index in range(first, min(first + FEED_PAGE, posts)):
            moment = START + timedelta(hours=index)
            number = 900_000_000_000 + index
            post_id = f"{PAGE_ID}_{number}"
            page.append(
                {
                    "id": post_id,
                    "created_time": _time(moment),
                    "message": comment_text(rng),
                    "from": {"id": PAGE_ID, "name": PAGE_NAME},
                    "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/{number}/",
                    "status_type": "mobile_status_update",
                }
            )
            share = left if index == posts - 1 else min(left, COMMENTS_PER_POST)
            left -= share
            _write_comments(folder, rng, post_id, number, moment, share)
        feed = {
            "data": page,
            "paging": {
                "next": f"https://graph.facebook.com/v19.0/{PAGE_ID}/feed?limit=25&after=x{first}"
            },
        }
        (folder / f"feed_{first // FEED_PAGE:05d}.json").write_text(json.dumps(feed))
    return folder


def _write_comments(folder, rng, post_id, number, moment, share) -> None:
    if not share:
        return
    data, top = [], None
    for index in range(share):
        comment_number = 800_000_000_000 + number * 100 + index
        link = f"https://www.facebook.com/{PAGE_ID}/posts/{number}/?comment_id="
        own = index % 5 == 4
        if top is not None and index % 3 == 2:
            link += f"{top}&reply_comment_id={comment_number}"
        else:
            link += f"{comment_number}"
            top = comment_number
        sender = (
            {"id": PAGE_ID, "name": PAGE_NAME}
            if own
            else {
                "id": str(100_000 + rng.randrange(10**6)),
                "name": rng.choice(NAMES),
            }
        )
        data.append(
            {
                "id": f"{number}_{comment_number}",
                "created_time": _time(moment + timedelta(minutes=index + 1)),
                "message": comment_text(rng),
                "from": sender,
                "permalink_url": link,
                "is_hidden": False,
            }
        )
    page = {
        "data": data,
        "paging": {"next": f"https://graph.facebook.com/v19.0/{post_id}/comments?after=x"},
    }
    with (folder / f"comments_{post_id}.json").open("w") as out:
        json.dump(page, out)


SHAPES = {"facebook-export": write_export, "facebook-graph": write_graph}
