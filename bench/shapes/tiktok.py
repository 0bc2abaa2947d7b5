"""The TikTok shape for the importer benchmark: the zip TikTok hands out, holding one
user_data_tiktok.json with videos (one for every 20 comments), the account's comments and a few
direct messages, written into the zip piece by piece."""

import datetime
import json
import random
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import NAMES, comment_text

USER = "exemplakommun"
_START = datetime.datetime(2023, 1, 2, 8, 0, tzinfo=datetime.UTC)


def _stamp(i: int) -> str:
    return (_START + datetime.timedelta(minutes=13 * i)).strftime("%Y-%m-%d %H:%M:%S")


def _list(out, items) -> None:
    out.write(b"[")
    for index, item in enumerate(items):
        if index:
            out.write(b",\n")
        out.write(json.dumps(item, ensure_ascii=False).encode())
    out.write(b"]")


def write(directory: Path, count: int) -> Path:
    messages = min(max(count // 50, 2), 2000)
    videos = max((count - messages) // 21, 1)
    comments = count - messages - videos
    path = directory / "TikTok_Data_bench.zip"
    rng = random.Random(9)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("user_data_tiktok.json", "w", force_zip64=True) as out,
    ):
        out.write(b'{"Activity": {"Video Browsing History": {"VideoList": []}},\n')
        out.write(b'"Comment": {"Comments": {"CommentsList": ')
        _list(
            out,
            (
                {
                    "date": _stamp(i),
                    "comment": comment_text(rng),
                    "photo": "N/A",
                    "url": "",
                }
                for i in range(comments)
            ),
        )
        out.write(b'}},\n"Direct Messages": {"Chat History": {"ChatHistory": {')
        chats = max(messages // 10, 1)
        for chat in range(chats):
            partner = f"invanare_{chat}"
            if chat:
                out.write(b",\n")
            out.write(json.dumps(f"Chat History with {partner}:").encode() + b": ")
            share = messages // chats + (messages % chats if chat == chats - 1 else 0)
            _list(
                out,
                (
                    {
                        "Date": _stamp(chat * 1000 + m),
                        "From": USER if m % 2 else partner,
                        "Content": comment_text(rng),
                    }
                    for m in range(share)
                ),
            )
        out.write(b"}}},\n")
        profile = {"Profile Information": {"ProfileMap": {"userName": USER}}}
        out.write(b'"Profile": ' + json.dumps(profile).encode() + b",\n")
        out.write(b'"Video": {"Videos": {"VideoList": ')
        _list(
            out,
            (
                {
                    "Date": _stamp(i * 21),
                    "Link": f"https://www.tiktokv.com/share/video/74{i:017d}/",
                    "Likes": str(rng.randrange(500)),
                    "Sound": f"original sound - {USER}",
                    "Location": "Exempla",
                    "Title": f"{rng.choice(NAMES).split()[0]} berättar: {comment_text(rng)}",
                }
                for i in range(videos)
            ),
        )
        out.write(b'}, "RecentlyDeletedPosts": {"PostList": []}}}\n')
    return path


SHAPES = {"tiktok-export": write}
