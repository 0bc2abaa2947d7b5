"""X exports of any size for the importer benchmark, in the exact shapes `torget.sources.x`
reads: the account archive (a zip) and a folder of saved API v2 pages.

Both are written element by element, so 200,000 items never sit in memory at once.
"""

import json
import random
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import NAMES, comment_text

ACCOUNT_ID = "1354321987654321024"
HANDLE = "bench"
SNOWFLAKE_EPOCH_MS = 1288834974657
START = datetime(2023, 1, 2, 7, 0, tzinfo=UTC)


def snowflake(moment: datetime, sequence: int) -> str:
    """A tweet id for `moment`; `sequence` (kept under 2**22) makes it unique."""
    milliseconds = int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
    return str((milliseconds << 22) | (sequence % (1 << 22)))


def twitter_time(moment: datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _js_array(stream, glob: str, elements) -> int:
    """Write `window.<glob> = [ ... ]` one element at a time; returns the count."""
    stream.write(f"window.{glob} = [".encode())
    count = 0
    for element in elements:
        stream.write((",\n" if count else "\n").encode())
        stream.write(json.dumps(element, ensure_ascii=False, indent=2).encode())
        count += 1
    stream.write(b"\n]")
    return count


def _archive_tweet(tweet_id: str, moment: datetime, text: str, **extra) -> dict:
    tweet = {
        "edit_info": {
            "initial": {
                "editTweetIds": [tweet_id],
                "editableUntil": iso(moment + timedelta(hours=1)),
                "editsRemaining": "5",
                "isEditEligible": True,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "2",
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": "0",
        "id": tweet_id,
        "created_at": twitter_time(moment),
        "favorited": False,
        "full_text": text,
        "lang": "sv",
    }
    tweet.update(extra)
    return {"tweet": tweet}


def write_archive(directory: Path, count: int, seed: int = 11) -> Path:
    """An X archive zip with `count` items: the account's posts and its replies (about 1 post
    to 19 replies, replies to citizens and to its own earlier replies), a share deleted, a
    few edited posts (each edit one extra element, the same item) and direct messages."""
    rng = random.Random(seed)
    messages = max(count // 100, 2) & ~1  # in conversations of two
    deleted = max(count // 50, 1)
    tweets = max(count - messages - deleted, 1)
    path = directory / "twitter-2024-03-06-bench.zip"
    edited = 0

    def tweet_elements():
        nonlocal edited
        last_own = ""
        for i in range(tweets, 0, -1):  # newest first, as X writes it
            moment = START + timedelta(minutes=7 * i)
            tweet_id = snowflake(moment, i)
            if i % 20 == 1:
                text = "Information från kommunen: " + comment_text(rng)
                if i % 200 == 1:
                    edited += 1
                    edit_id = snowflake(moment + timedelta(minutes=5), i)
                    chain = [tweet_id, edit_id]
                    control = {
                        "editTweetIds": chain,
                        "editableUntil": iso(moment + timedelta(hours=1)),
                        "editsRemaining": "4",
                        "isEditEligible": True,
                    }
                    yield _archive_tweet(
                        edit_id,
                        moment + timedelta(minutes=5),
                        text + " (rättad)",
                        edit_info={
                            "edit": {"initialTweetId": tweet_id, "editControlInitial": control}
                        },
                    )
                    yield _archive_tweet(tweet_id, moment, text, edit_info={"initial": control})
                    continue
                yield _archive_tweet(tweet_id, moment, text)
                continue
            if last_own and rng.random() < 0.2:
                parent, name, user = last_own, HANDLE, ACCOUNT_ID
            else:
                parent = snowflake(moment - timedelta(minutes=3), i + 1)
                name, user = f"invanare{rng.randrange(5000)}", str(10_000 + rng.randrange(5000))
            text = f"@{name} Tack för att du hör av dig! {comment_text(rng)}"
            yield _archive_tweet(
                tweet_id,
                moment,
                text,
                in_reply_to_status_id_str=parent,
                in_reply_to_status_id=parent,
                in_reply_to_user_id_str=user,
                in_reply_to_user_id=user,
                in_reply_to_screen_name=name,
            )
            last_own = tweet_id

    def deleted_elements():
        for i in range(deleted):
            moment = START - timedelta(hours=i + 1)
            element = _archive_tweet(snowflake(moment, i), moment, "Raderat: " + comment_text(rng))
            element["tweet"]["deleted_at"] = iso(moment + timedelta(minutes=30))
            yield element

    def conversations():
        for i in range(messages // 2):
            citizen = str(20_000 + i)
            moment = START + timedelta(hours=i)
            yield {
                "dmConversation": {
                    "conversationId": f"{citizen}-{ACCOUNT_ID}",
                    "messages": [
                        {
                            "messageCreate": {
                                "recipientId": citizen,
                                "reactions": [],
                                "urls": [],
                                "text": "Hej! Vi har tagit emot ditt ärende.",
                                "mediaUrls": [],
                                "senderId": ACCOUNT_ID,
                                "id": snowflake(moment + timedelta(minutes=20), 2 * i + 1),
                                "createdAt": iso(moment + timedelta(minutes=20)),
                            }
                        },
                        {
                            "messageCreate": {
                                "recipientId": ACCOUNT_ID,
                                "reactions": [],
                                "urls": [],
                                "text": f"{comment_text(rng)} /{rng.choice(NAMES)}",
                                "mediaUrls": [],
                                "senderId": citizen,
                                "id": snowflake(moment, 2 * i),
                                "createdAt": iso(moment),
                            }
                        },
                    ],
                }
            }

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data/tweets.js", "w", force_zip64=True) as stream:
            tweet_count = _js_array(stream, "YTD.tweets.part0", tweet_elements())
        with archive.open("data/deleted-tweets.js", "w", force_zip64=True) as stream:
            deleted_count = _js_array(stream, "YTD.deleted_tweets.part0", deleted_elements())
        with archive.open("data/direct-messages.js", "w", force_zip64=True) as stream:
            conversation_count = _js_array(stream, "YTD.direct_messages.part0", conversations())

        def files(name: str, glob: str, number: int) -> dict:
            return {"files": [{"fileName": name, "globalName": glob, "count": str(number)}]}

        manifest = {
            "userInfo": {
                "accountId": ACCOUNT_ID,
                "userName": HANDLE,
                "displayName": "Bench kommun",
            },
            "archiveInfo": {
                "sizeBytes": "0",
                "generationDate": "2024-03-06T12:00:00.000Z",
                "isPartialArchive": False,
                "maxPartSizeBytes": "53687091200",
            },
            "dataTypes": {
                "tweets": {
                    "mediaDirectory": "data/tweets_media",
                    **files("data/tweets.js", "YTD.tweets.part0", tweet_count),
                },
                "deletedTweets": files(
                    "data/deleted-tweets.js", "YTD.deleted_tweets.part0", deleted_count
                ),
                "directMessages": files(
                    "data/direct-messages.js", "YTD.direct_messages.part0", conversation_count
                ),
            },
        }
        archive.writestr(
            "data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2)
        )
    return path


def write_api_v2(directory: Path, count: int, seed: int = 13) -> Path:
    """A folder of saved X API v2 pages (search or mentions with expansions=author_id), 100
    tweets a page: the account's posts (1 in 20) and citizens' replies in their threads."""
    rng = random.Random(seed)
    folder = directory / "x-api-v2-pages"
    folder.mkdir(parents=True, exist_ok=True)
    own = {"id": ACCOUNT_ID, "name": "Bench kommun", "username": HANDLE}
    post, reply = "", ""
    page: list[dict] = []
    users: dict[str, dict] = {}
    number = 0

    def flush() -> None:
        nonlocal number, page, users
        if not page:
            return
        number += 1
        body = {
            "data": page,
            "includes": {"users": list(users.values())},
            "meta": {
                "result_count": len(page),
                "newest_id": page[0]["id"],
                "oldest_id": page[-1]["id"],
                "next_token": f"b26v89c19zqg8o3fo7ges{number:09d}",
            },
        }
        (folder / f"page-{number:05d}.json").write_text(
            json.dumps(body, ensure_ascii=False), encoding="utf-8"
        )
        page, users = [], {}

    for i in range(count):
        moment = START + timedelta(minutes=3 * i)
        tweet_id = snowflake(moment, i)
        tweet = {
            "id": tweet_id,
            "created_at": iso(moment),
            "edit_history_tweet_ids": [tweet_id],
            "lang": "sv",
        }
        if i % 20 == 0 or not post:
            post = tweet_id
            tweet |= {
                "author_id": ACCOUNT_ID,
                "conversation_id": tweet_id,
                "text": "Information från kommunen: " + comment_text(rng),
            }
            users[ACCOUNT_ID] = own
        else:
            citizen = str(10_000 + rng.randrange(5000))
            parent = reply if reply and rng.random() < 0.25 else post
            tweet |= {
                "author_id": citizen,
                "conversation_id": post,
                "in_reply_to_user_id": ACCOUNT_ID,
                "referenced_tweets": [{"type": "replied_to", "id": parent}],
                "text": f"@{HANDLE} {comment_text(rng)}",
            }
            users[citizen] = {"id": citizen, "name": rng.choice(NAMES), "username": f"u{citizen}"}
            reply = tweet_id
        page.append(tweet)
        if len(page) == 100:
            flush()
    flush()
    return folder


SHAPES = {"x-archive": write_archive, "x-api-v2": write_api_v2}
