"""Generated LinkedIn exports for the import benchmark, in the exact shape the reader reads:
a zip with Shares.csv (each line of a post quoted on its own, as LinkedIn writes it) and
Comments.csv (quotes escaped as \\"), one post per twenty comments, written as they are made.
"""

import datetime
import io
import zipfile
from pathlib import Path

START = datetime.datetime(2024, 1, 1, 8, 0, tzinfo=datetime.UTC)  # written without zone
PHRASES = (
    "Nu startar arbetet med den nya översiktsplanen.",
    "Välkommen på öppet hus i stadshuset på lördag!",
    "Vi söker fler feriearbetare till sommaren.",
    "Tack alla som deltog i medborgardialogen om parken.",
    'Läs mer om "Trygg i centrum" på vår webbplats.',
)


def _when(n: int) -> str:
    return (START + datetime.timedelta(minutes=11 * n)).strftime("%Y-%m-%d %H:%M:%S")


def _share_value(lines: list[str]) -> str:
    """LinkedIn's way: each line quoted on its own inside the quoted CSV value."""
    return '"' + '"\n"'.join(lines).replace('"', '""') + '"'


def write_export(directory: Path, count: int) -> Path:
    path = directory / f"Basic_LinkedInDataExport_{count}.zip"
    posts = max(1, count // 21)
    comments = count - posts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("Shares.csv", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            out.write("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n")
            for n in range(posts):
                share = 7000000000000000000 + n
                link = f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A{share}"
                text = _share_value(
                    [PHRASES[n % len(PHRASES)], "", f"Inlägg nummer {n} från Exempla kommun."]
                )
                out.write(f'{_when(n * 21)},{link},{text},"","",PUBLIC\n')
            out.flush()
            out.detach()
        with archive.open("Comments.csv", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            out.write("Date,Link,Message\n")
            for n in range(comments):
                post = 7100000000000000000 + n // 20
                link = f"https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A{post}"
                message = f"Svar {n}: {PHRASES[n % len(PHRASES)]}".replace('"', '\\"')
                if n % 4 == 0:
                    message += "\n\nVänliga hälsningar,\nKommunikationsavdelningen"
                out.write(f'{_when(n)},{link},"{message}"\n')
            out.flush()
            out.detach()
    return path


SHAPES = {"linkedin-export": write_export}
