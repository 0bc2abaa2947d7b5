"""Mastodon exports of any size for the importer benchmark, in the exact shapes
`torget.sources.mastodon` reads: the account archive (a zip with outbox.json, actor.json and
media files) and a folder of saved REST API pages (lists of 40 statuses).

Both are written status by status, so 200,000 items never sit in memory at once.
"""

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import NAMES, comment_text

HOST = "social.bench.example"
USERNAME = "bench"
ACCOUNT_ID = "109876543210987654"
ACTOR = f"https://{HOST}/users/{USERNAME}"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = f"{ACTOR}/followers"
START = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)
PAGE_SIZE = 40
# A 1x1 PNG: every twentieth post carries it as its picture.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def status_number(index: int) -> int:
    return 110_000_000_000_000_000 + index


def html(text: str) -> str:
    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"


# The account archive.


def _create(index: int, moment: datetime, text: str, **extra) -> dict:
    number = status_number(index)
    uri = f"{ACTOR}/statuses/{number}"
    content = html(text)
    note = {
        "id": uri,
        "type": "Note",
        "summary": extra.pop("summary", None),
        "inReplyTo": extra.get("inReplyTo"),
        "published": iso(moment),
        "url": f"https://{HOST}/@{USERNAME}/{number}",
        "attributedTo": ACTOR,
        "to": extra.pop("to", [PUBLIC]),
        "cc": extra.pop("cc", [FOLLOWERS]),
        "sensitive": False,
        "atomUri": uri,
        "inReplyToAtomUri": extra.pop("inReplyTo", None),
        "conversation": f"tag:{HOST},{moment:%Y-%m-%d}:objectId={index}:objectType=Conversation",
        "content": content,
        "contentMap": {"sv": content},
        "attachment": extra.pop("attachment", []),
        "tag": [],
        "replies": {
            "id": f"{uri}/replies",
            "type": "Collection",
            "first": {"type": "CollectionPage", "partOf": f"{uri}/replies", "items": []},
        },
        **extra,
    }
    return {
        "id": f"{uri}/activity",
        "type": "Create",
        "actor": ACTOR,
        "published": iso(moment),
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def _outbox_activities(count: int, rng: random.Random, media: list[str]):
    """Own posts, own replies (to own posts and to others'), a few direct messages and
    boosts (not counted: the reader skips them)."""
    post_uri = ""
    for index in range(count):
        moment = START + timedelta(minutes=7 * index)
        if index % 20 == 0:
            attachment = []
            if index % 400 == 0:
                path = f"media_attachments/files/{index:09d}/original/{index}.png"
                media.append(path)
                attachment = [
                    {
                        "type": "Document",
                        "mediaType": "image/png",
                        "url": f"/{path}",
                        "name": "Bild från kommunen",
                    }
                ]
            activity = _create(
                index,
                moment,
                "Information från kommunen: " + comment_text(rng),
                attachment=attachment,
            )
            post_uri = activity["object"]["id"]
        elif index % 97 == 0:
            someone = f"https://mastodon.example/users/invanare{index}"
            activity = _create(
                index,
                moment,
                "Hej! Vi har svarat per e-post. Hälsningar Sara, kommunikatör",
                to=[someone],
                cc=[],
            )
        elif index % 5 == 0:
            activity = _create(
                index,
                moment,
                comment_text(rng) + " Hälsningar Sara, kommunikatör",
                inReplyTo=f"https://mastodon.example/users/invanare/statuses/{index}",
            )
        else:
            activity = _create(
                index,
                moment,
                "Tillägg: " + comment_text(rng),
                inReplyTo=post_uri,
                updated=iso(moment + timedelta(minutes=3)) if index % 33 == 0 else None,
            )
            if activity["object"]["updated"] is None:
                del activity["object"]["updated"]
        yield activity
        if index % 50 == 25:
            yield {
                "id": f"{ACTOR}/statuses/{status_number(count + index)}/activity",
                "type": "Announce",
                "actor": ACTOR,
                "published": iso(moment),
                "to": [PUBLIC],
                "cc": [FOLLOWERS],
                "object": f"https://region.example/users/trafik/statuses/{index}",
            }


def write_archive(directory: Path, count: int) -> Path:
    rng = random.Random(11)
    path = directory / f"archive-20250101000000-{USERNAME}.zip"
    media: list[str] = []
    boosts = sum(1 for index in range(count) if index % 50 == 25)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("outbox.json", "w", force_zip64=True) as stream:
            stream.write(
                b'{"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json", '
                b'"type": "OrderedCollection", "totalItems": %d, "orderedItems": ['
                % (count + boosts)
            )
            for number, activity in enumerate(_outbox_activities(count, rng, media)):
                stream.write(b",\n" if number else b"\n")
                stream.write(json.dumps(activity, ensure_ascii=False).encode())
            stream.write(b"\n]}")
        actor = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": ACTOR,
            "type": "Person",
            "followers": FOLLOWERS,
            "outbox": "outbox.json",
            "preferredUsername": USERNAME,
            "name": "Bench kommun",
            "url": f"https://{HOST}/@{USERNAME}",
        }
        archive.writestr("actor.json", json.dumps(actor, ensure_ascii=False))
        for name in media:  # a few hundred names at most
            archive.writestr(name, PIXEL)
    return path


# Saved REST API pages.


def _account(number: int) -> dict:
    if number == 0:
        return {
            "id": ACCOUNT_ID,
            "username": USERNAME,
            "acct": USERNAME,
            "display_name": "Bench kommun",
            "url": f"https://{HOST}/@{USERNAME}",
            "uri": ACTOR,
        }
    name = NAMES[number % len(NAMES)]
    username = f"invanare{number}"
    return {
        "id": str(200_000 + number),
        "username": username,
        "acct": f"{username}@mastodon.example",
        "display_name": name,
        "url": f"https://mastodon.example/@{username}",
        "uri": f"https://mastodon.example/users/{username}",
    }


def _api_status(index: int, rng: random.Random, post_id: str) -> dict:
    moment = START + timedelta(minutes=7 * index)
    own = index % 20 == 0 or rng.random() < 0.1
    account = _account(0 if own else 1 + rng.randrange(5000))
    local_id = str(status_number(index))
    if own:
        uri = f"{ACTOR}/statuses/{local_id}"
        url = f"https://{HOST}/@{USERNAME}/{local_id}"
    else:
        uri = f"{account['uri']}/statuses/{900_000_000 + index}"
        url = f"{account['url']}/{900_000_000 + index}"
    if index % 20 == 0:
        text = "Information från kommunen: " + comment_text(rng)
        reply_to = reply_account = None
    else:
        text = comment_text(rng) + (" Hälsningar Sara, kommunikatör" if own else "")
        reply_to, reply_account = post_id, ACCOUNT_ID
    return {
        "id": local_id,
        "created_at": iso(moment),
        "in_reply_to_id": reply_to,
        "in_reply_to_account_id": reply_account,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "sv",
        "uri": uri,
        "url": url,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "edited_at": iso(moment + timedelta(minutes=2)) if index % 41 == 0 else None,
        "content": html(text),
        "reblog": None,
        "account": account,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def write_api_pages(directory: Path, count: int) -> Path:
    rng = random.Random(12)
    folder = directory / "mastodon-api-pages"
    folder.mkdir(parents=True, exist_ok=True)
    post_id = ""
    for start in range(0, count, PAGE_SIZE):
        page = []
        for index in range(start, min(start + PAGE_SIZE, count)):
            status = _api_status(index, rng, post_id)
            if index % 20 == 0:
                post_id = status["id"]
            page.append(status)
        name = folder / f"statuses-{start // PAGE_SIZE:06d}.json"
        name.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return folder


SHAPES = {"mastodon-archive": write_archive, "mastodon-api": write_api_pages}
