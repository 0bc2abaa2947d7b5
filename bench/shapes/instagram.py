"""Instagram exports of any size for the importer benchmark, in the exact shapes
`torget.sources.instagram` reads: the account's "Download your information" zip (posts, the
account's own comments, mojibake text, a few pictures) and a folder of saved Graph API pages
(media pages of 25, one comments page per media with nested replies).

Everything is written element by element, so 200,000 items never sit in memory at once.
"""

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import NAMES, comment_text

USERNAME = "bench"
USER_ID = "17841400000000001"
START = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)
MEDIA_PAGE = 25
COMMENTS_PER_MEDIA = 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00bench\xff\xd9"


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _split(count: int) -> tuple[int, int]:
    media = max(1, count // (COMMENTS_PER_MEDIA + 1))
    return media, count - media


def write_export(directory: Path, count: int) -> Path:
    rng = random.Random(21)
    posts, comments = _split(count)
    path = directory / "instagram-bench.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        profile = {
            "profile_user": [
                {
                    "string_map_data": {
                        "Username": {"value": USERNAME, "timestamp": 0},
                        "Name": {"value": mojibake("Bench kommun"), "timestamp": 0},
                    }
                }
            ]
        }
        archive.writestr(
            "personal_information/personal_information/personal_information.json",
            json.dumps(profile),
        )
        with archive.open("your_instagram_activity/content/posts_1.json", "w") as out:
            out.write(b"[\n")
            for index in range(posts):
                second = int((START + timedelta(hours=index)).timestamp())
                # Every twentieth post brings a new picture; the others share it.
                uri = f"media/posts/202301/{(index // 20) * 20}.jpg"
                post = {
                    "media": [{"uri": uri, "creation_timestamp": second, "title": ""}],
                    "title": mojibake(comment_text(rng)),
                    "creation_timestamp": second,
                }
                out.write((b",\n" if index else b"") + json.dumps(post).encode())
            out.write(b"\n]\n")
        # A zip takes one member at a time: the pictures go in after the posts file.
        for index in range(0, posts, 20):
            archive.writestr(f"media/posts/202301/{index}.jpg", JPEG)
        with archive.open("your_instagram_activity/comments/post_comments_1.json", "w") as out:
            out.write(b"[\n")
            for index in range(comments):
                second = int((START + timedelta(minutes=3 * index, seconds=11)).timestamp())
                comment = {
                    "string_map_data": {
                        "Comment": {"value": mojibake(comment_text(rng))},
                        "Media Owner": {"value": rng.choice(NAMES).lower().replace(" ", "_")},
                        "Time": {"timestamp": second},
                    }
                }
                out.write((b",\n" if index else b"") + json.dumps(comment).encode())
            out.write(b"\n]\n")
    return path


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def write_graph(directory: Path, count: int) -> Path:
    rng = random.Random(22)
    media, comments = _split(count)
    folder = directory / "instagram-graph-pages"
    folder.mkdir(parents=True, exist_ok=True)
    left = comments
    for first in range(0, media, MEDIA_PAGE):
        page = []
        for index in range(first, min(first + MEDIA_PAGE, media)):
            moment = START + timedelta(hours=index)
            media_id = str(17_900_000_000_000_000 + index)
            page.append(
                {
                    "id": media_id,
                    "caption": comment_text(rng),
                    "media_type": "IMAGE",
                    "media_url": f"https://scontent.cdninstagram.example/{media_id}.jpg",
                    "permalink": f"https://www.instagram.com/p/B{index:010d}/",
                    "timestamp": _time(moment),
                    "username": USERNAME,
                    "owner": {"id": USER_ID},
                }
            )
            share = left if index == media - 1 else min(left, COMMENTS_PER_MEDIA)
            left -= share
            _write_comments(folder, rng, media_id, index, moment, share)
        listing = {
            "data": page,
            "paging": {"next": f"https://graph.facebook.com/v19.0/{USER_ID}/media?after=x{first}"},
        }
        (folder / f"media_{first // MEDIA_PAGE:05d}.json").write_text(json.dumps(listing))
    return folder


def _write_comments(folder, rng, media_id, index, moment, share) -> None:
    if not share:
        return
    data: list[dict] = []
    for number in range(share):
        comment = {
            "id": str(18_000_000_000_000_000 + index * 1000 + number),
            "text": comment_text(rng),
            "timestamp": _time(moment + timedelta(minutes=number + 1)),
            "username": USERNAME
            if number % 5 == 4
            else rng.choice(NAMES).lower().replace(" ", "."),
        }
        if data and number % 3 == 2:
            data[-1].setdefault("replies", {"data": []})["data"].append(comment)
        else:
            data.append(comment)
    page = {
        "data": data,
        "paging": {"next": f"https://graph.facebook.com/v19.0/{media_id}/comments?after=x"},
    }
    with (folder / f"comments_{media_id}.json").open("w") as out:
        json.dump(page, out)


SHAPES = {"instagram-export": write_export, "instagram-graph": write_graph}
