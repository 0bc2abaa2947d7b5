"""WordPress shapes for the importer benchmark: a WXR export and a folder of REST API pages.

Both hold `count` items: one post for every 20 comments, a quarter of the comments replies
(some by the site's author), every item written to disk as it is made.
"""

import datetime
import json
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import NAMES, SUBJECTS, comment_text

SITE = "https://nyheter.exempla.se"
PAGE_SIZE = 100
_START = datetime.datetime(2023, 1, 2, 8, 0, tzinfo=datetime.UTC)


def _plan(count: int, seed: int = 11):
    """(kind, id, post id, parent comment id, own, time, text) for each item, in order."""
    rng = random.Random(seed)
    post, last_comment = 0, 0
    for i in range(count):
        stamp = _START + datetime.timedelta(minutes=17 * i)
        if i % 21 == 0:
            post = i + 1
            subject = rng.choice(SUBJECTS)
            yield "post", post, post, 0, True, stamp, f"Nytt om {subject}: {comment_text(rng)}"
            continue
        own = False
        parent = 0
        if last_comment and rng.random() < 0.25:
            parent = last_comment
            own = rng.random() < 0.5
        yield "comment", i + 1, post, parent, own, stamp, comment_text(rng)
        last_comment = i + 1 if not parent else last_comment


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_wxr(directory: Path, count: int) -> Path:
    path = directory / "exempla.wordpress.bench.xml"
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Exempla kommun – Nyheter</title>\n<link>{SITE}</link>\n"
            f"<language>sv-SE</language>\n<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
            "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>redaktion"
            "</wp:author_login><wp:author_display_name>Webbredaktionen"
            "</wp:author_display_name></wp:author>\n"
        )
        open_item = False
        for kind, number, post, parent, own, stamp, text in _plan(count):
            when = stamp.strftime("%Y-%m-%d %H:%M:%S")
            if kind == "post":
                if open_item:
                    out.write("</item>\n")
                out.write(
                    f"<item><title>{_cdata(text[:60])}</title>"
                    f"<link>{SITE}/?p={post}</link><dc:creator>redaktion</dc:creator>"
                    f"<content:encoded>{_cdata(f'<p>{escape(text)}</p>')}</content:encoded>"
                    f"<wp:post_id>{post}</wp:post_id><wp:post_date>{when}</wp:post_date>"
                    f"<wp:post_date_gmt>{when}</wp:post_date_gmt>"
                    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n"
                )
                open_item = True
                continue
            author = "Webbredaktionen" if own else rng.choice(NAMES)
            out.write(
                f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
                f"<wp:comment_author>{_cdata(author)}</wp:comment_author>"
                f"<wp:comment_author_email>person{number}@example.com"
                "</wp:comment_author_email>"
                f"<wp:comment_date_gmt>{when}</wp:comment_date_gmt>"
                f"<wp:comment_content>{_cdata(text)}</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved>"
                f"<wp:comment_parent>{parent}</wp:comment_parent>"
                f"<wp:comment_user_id>{1 if own else 0}</wp:comment_user_id></wp:comment>\n"
            )
        if open_item:
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return path


class _Pages:
    """JSON list pages of PAGE_SIZE objects each, written as the objects come."""

    def __init__(self, folder: Path, stem: str) -> None:
        self.folder, self.stem = folder, stem
        self.number, self.in_page, self.out = 0, 0, None

    def add(self, obj: dict) -> None:
        if self.out is None or self.in_page == PAGE_SIZE:
            self.close()
            self.number += 1
            path = self.folder / f"{self.stem}-{self.number:05d}.json"
            self.out = path.open("w", encoding="utf-8")
            self.out.write("[")
            self.in_page = 0
        if self.in_page:
            self.out.write(",")
        self.out.write(json.dumps(obj, ensure_ascii=False))
        self.in_page += 1

    def close(self) -> None:
        if self.out is not None:
            self.out.write("]")
            self.out.close()
            self.out = None


def write_rest(directory: Path, count: int) -> Path:
    folder = directory / "wordpress-rest"
    folder.mkdir(parents=True, exist_ok=True)
    posts, comments = _Pages(folder, "posts"), _Pages(folder, "comments")
    rng = random.Random(5)
    for kind, number, post, parent, own, stamp, text in _plan(count):
        when = stamp.strftime("%Y-%m-%dT%H:%M:%S")
        if kind == "post":
            posts.add(
                {
                    "id": post,
                    "date": when,
                    "date_gmt": when,
                    "modified_gmt": when,
                    "status": "publish",
                    "type": "post",
                    "link": f"{SITE}/?p={post}",
                    "title": {"rendered": text[:60]},
                    "content": {"rendered": f"<p>{escape(text)}</p>\n", "protected": False},
                    "author": 1,
                    "_links": {"self": [{"href": f"{SITE}/wp-json/wp/v2/posts/{post}"}]},
                }
            )
        else:
            comments.add(
                {
                    "id": number,
                    "post": post,
                    "parent": parent,
                    "author": 1 if own else 0,
                    "author_name": "Webbredaktionen" if own else rng.choice(NAMES),
                    "date": when,
                    "date_gmt": when,
                    "content": {"rendered": f"<p>{escape(text)}</p>\n"},
                    "link": f"{SITE}/?p={post}#comment-{number}",
                    "status": "approved",
                    "type": "comment",
                }
            )
    posts.close()
    comments.close()
    return folder


SHAPES = {"wordpress-wxr": write_wxr, "wordpress-rest": write_rest}
