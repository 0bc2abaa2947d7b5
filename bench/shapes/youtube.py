"""Generated YouTube exports for the import benchmark, in the exact shapes the readers read.

- "youtube-takeout": a Takeout zip (channel.csv, videos.csv, comments.csv in the post-2024
  column order with JSON segments; one video per twenty comments, a third of them replies);
- "youtube-api": a folder of commentThreads.list pages (100 threads a page, replies inside)
  and videos.list pages.

Rows are written to disk as they are made; nothing holds the whole export in memory.
"""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

CHANNEL_ID = "UCexemplaKommun0000000AA"[:24]
ROOT = "Takeout/YouTube och YouTube Music"
START = datetime.datetime(2024, 1, 1, 8, 0, tzinfo=datetime.UTC)
PHRASES = (
    "Tack för informationen om vinterväghållningen!",
    "När öppnar simhallen igen efter renoveringen?",
    "Bra film, men ljudet var lite lågt i början.",
    "Hur ansöker man om bygglov för ett attefallshus?",
    "Vi svarar gärna på frågor här eller via kontaktcenter.",
    "Kommer det fler filmer om budgeten?",
    "Jättebra att ni textar filmerna, tack!",
)


def _video_id(n: int) -> str:
    return f"v{n:010d}"


def _comment_id(n: int) -> str:
    return f"Ugx{n:020d}AaABAg"


def _time(n: int) -> datetime.datetime:
    return START + datetime.timedelta(minutes=7 * n)


def write_takeout(directory: Path, count: int) -> Path:
    path = directory / f"takeout-youtube-{count}.zip"
    videos = max(1, count // 21)
    comments = count - videos
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(f"{ROOT}/kanaler/channel.csv", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(out)
            writer.writerow(["Channel ID", "Channel Title (Original)", "Channel Visibility"])
            writer.writerow([CHANNEL_ID, "Exempla kommun", "Public"])
            out.flush()
            out.detach()
        with archive.open(f"{ROOT}/videometadata/videos.csv", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(out)
            writer.writerow(
                [
                    "Video ID",
                    "Video Description (Original)",
                    "Channel ID",
                    "Video Title (Original)",
                    "Privacy",
                    "Video Create Timestamp",
                    "Video Publish Timestamp",
                ]
            )
            for n in range(videos):
                when = _time(n * 21).isoformat()
                writer.writerow(
                    [
                        _video_id(n),
                        f"Film {n} från Exempla kommun.\n{PHRASES[n % len(PHRASES)]}",
                        CHANNEL_ID,
                        f"Kommunen informerar, del {n}",
                        "Public",
                        when,
                        when,
                    ]
                )
            out.flush()
            out.detach()
        with archive.open(f"{ROOT}/kommentarer/comments.csv", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(out)
            writer.writerow(
                [
                    "Channel ID",
                    "Comment Create Timestamp",
                    "Price",
                    "Comment ID",
                    "Parent Comment ID",
                    "Video ID",
                    "Comment Text",
                ]
            )
            for n in range(comments):
                parent = _comment_id(n - 1) if n % 3 == 2 else ""
                segments = json.dumps({"text": f"{PHRASES[n % len(PHRASES)]} (#{n})"})
                writer.writerow(
                    [
                        CHANNEL_ID,
                        _time(n).isoformat(),
                        "0",
                        _comment_id(n) + (f".r{n}" if parent else ""),
                        parent,
                        _video_id(min(n // 20, videos - 1)),
                        segments + ',{"text":"\\nHälsningar"}',
                    ]
                )
            out.flush()
            out.detach()
    return path


def _comment(n: int, video: str, parent: str = "") -> dict:
    own = n % 10 == 0
    snippet = {
        "authorDisplayName": "@exempla" if own else f"Invånare {n}",
        "authorChannelUrl": f"http://www.youtube.com/channel/UC{n:022d}",
        "authorChannelId": {"value": CHANNEL_ID if own else f"UC{n:022d}"},
        "videoId": video,
        "textDisplay": f"{PHRASES[n % len(PHRASES)]} (#{n})",
        "textOriginal": f"{PHRASES[n % len(PHRASES)]} (#{n})",
        "likeCount": n % 4,
        "publishedAt": _time(n).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updatedAt": _time(n).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": _comment_id(n), "snippet": snippet}


def write_api(directory: Path, count: int) -> Path:
    folder = directory / f"youtube-api-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    videos = max(1, count // 21)
    comments = count - videos
    per_page = 100
    for page in range(0, videos, 50):
        items = [
            {
                "kind": "youtube#video",
                "id": _video_id(n),
                "snippet": {
                    "publishedAt": _time(n * 21).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "channelId": CHANNEL_ID,
                    "title": f"Kommunen informerar, del {n}",
                    "description": f"Film {n} från Exempla kommun.",
                    "channelTitle": "Exempla kommun",
                    "defaultLanguage": "sv",
                },
            }
            for n in range(page, min(page + 50, videos))
        ]
        body = {"kind": "youtube#videoListResponse", "items": items}
        (folder / f"videos-{page // 50:05d}.json").write_text(json.dumps(body, ensure_ascii=False))
    n = 0
    page = 0
    while n < comments:
        threads = []
        while n < comments and len(threads) < per_page:
            video = _video_id(min(n // 20, videos - 1))
            top = _comment(n, video)
            n += 1
            replies = []
            while n < comments and len(replies) < 2 and n % 3 != 0:
                replies.append(_comment(n, video, parent=top["id"]))
                replies[-1]["id"] = f"{top['id']}.r{n}"
                n += 1
            thread = {
                "kind": "youtube#commentThread",
                "id": top["id"],
                "snippet": {
                    "channelId": CHANNEL_ID,
                    "videoId": video,
                    "topLevelComment": top,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                },
            }
            if replies:
                thread["replies"] = {"comments": replies}
            threads.append(thread)
        body = {"kind": "youtube#commentThreadListResponse", "items": threads}
        (folder / f"comment-threads-{page:05d}.json").write_text(
            json.dumps(body, ensure_ascii=False)
        )
        page += 1
    return folder


SHAPES = {"youtube-takeout": write_takeout, "youtube-api": write_api}
