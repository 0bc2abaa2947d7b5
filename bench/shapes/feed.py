"""The feed shape for the importer benchmark: one RSS 2.0 file of news articles, written
entry by entry. A feed this large is read by the streaming path (sources/feed.py)."""

import datetime
import email.utils
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import SUBJECTS, comment_text

SITE = "https://www.exempla.se/nyheter"
_START = datetime.datetime(2022, 1, 3, 8, 0, tzinfo=datetime.UTC)


def write(directory: Path, count: int) -> Path:
    path = directory / "nyheter.rss"
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
            f"<channel><title>Exempla kommun – Nyheter</title><link>{SITE}</link>"
            "<description>Aktuellt från Exempla kommun</description>"
            "<language>sv-SE</language>\n"
        )
        for i in range(count):
            stamp = email.utils.format_datetime(_START + datetime.timedelta(hours=5 * i))
            subject = rng.choice(SUBJECTS)
            body = " ".join(comment_text(rng) for _ in range(3))
            out.write(
                f"<item><title>{escape(f'Nytt om {subject}')}</title>"
                f"<link>{SITE}/nyhet-{i}</link><guid>{SITE}/?p={i}</guid>"
                f"<pubDate>{stamp}</pubDate>"
                f"<description>{escape(body[:120])}</description>"
                f"<content:encoded><![CDATA[<p>{escape(body)}</p>]]></content:encoded>"
                "</item>\n"
            )
        out.write("</channel></rss>\n")
    return path


SHAPES = {"feed": write}
