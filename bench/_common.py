"""Shared by the benchmarks: realistic Swedish comments, fresh databases, and timing."""

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "TORGET_BENCH_POSTGRES_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_BENCH_DB = os.environ.get("TORGET_BENCH_POSTGRES_DB", "torget_bench")

OPENINGS = [
    "Hej!",
    "Hej kommunen,",
    "Tack för infon.",
    "Bra initiativ!",
    "Varför",
    "Hallå,",
    "Jag undrar",
    "Snälla ni,",
    "Äntligen!",
    "Fråga:",
    "Hmm.",
    "Kan någon svara?",
]
SUBJECTS = [
    "bygglovet",
    "förskolan",
    "skolan",
    "biblioteket",
    "simhallen",
    "vägen vid torget",
    "snöröjningen",
    "sophämtningen",
    "äldreboendet",
    "busstrafiken",
    "parkeringen",
    "detaljplanen",
    "kommunfullmäktige",
    "återvinningscentralen",
    "fritidsgården",
    "bredbandet",
    "cykelbanan",
    "vattenledningen",
    "hemtjänsten",
    "idrottshallen",
]
PREDICATES = [
    "tar alldeles för lång tid",
    "är stängd igen",
    "fungerar inte alls",
    "har blivit mycket bättre",
    "borde få mer pengar",
    "kostar för mycket",
    "öppnar när",
    "ligger fel",
    "behöver rustas upp",
    "har fått nya öppettider",
    "var fantastisk i helgen",
    "är full av hål",
    "saknar information på webben",
]
ENDINGS = [
    "Tack på förhand.",
    "Hälsningar en orolig förälder.",
    "Vad tänker ni göra?",
    "Svara gärna här.",
    "Det är inte okej.",
    "Bra jobbat!",
    "",
    "",
    "",
    "Ring mig gärna.",
    "Mvh Anna",
    "Någon mer som märkt detta?",
]
NAMES = [
    "Anna Andersson",
    "Bertil Berg",
    "Cecilia Ek",
    "David Lind",
    "Eva Nord",
    "Fredrik Sjö",
    "Greta Holm",
    "Hassan Ali",
    "Ida Öberg",
    "Johan Dahl",
    "Karin Åberg",
    "Lars Nyström",
]


def comment_text(rng: random.Random) -> str:
    parts = [rng.choice(OPENINGS), rng.choice(SUBJECTS).capitalize(), rng.choice(PREDICATES)]
    if rng.random() < 0.4:
        parts += ["och", rng.choice(SUBJECTS), rng.choice(PREDICATES)]
    parts.append(rng.choice(ENDINGS))
    return " ".join(p for p in parts if p).replace(" .", ".")


def generate(path: Path, n: int, seed: int = 7, edit_share: float = 0.03) -> int:
    """Write n items (posts, comments, replies; a share edited later) as interchange lines."""
    rng = random.Random(seed)
    lines = 0
    post, comment = "", ""
    edits = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            day = 1 + (i * 700 // max(n, 1))
            stamp = (
                f"2024-{1 + (day // 60) % 12:02d}-{1 + day % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            )
            if i % 50 == 0:
                kind, parent, own = "post", "", True
                post = str(i)
                text = "Information från kommunen: " + comment_text(rng)
            elif rng.random() < 0.25 and comment:
                kind, parent, own = "reply", comment, rng.random() < 0.5
                text = comment_text(rng) + (" Hälsningar Sara, kommunikatör" if own else "")
            else:
                kind, parent, own = "comment", post, False
                comment = str(i)
                text = comment_text(rng)
            author = (
                {"id": "org", "name": "Exempla kommun"}
                if own
                else {"id": f"u{rng.randrange(50_000)}", "name": rng.choice(NAMES)}
            )
            item = {
                "v": 1,
                "id": str(i),
                "kind": kind,
                "text": text,
                "created_at": stamp,
                "author": author,
                "author_is_organisation": own,
                "permalink": f"https://www.facebook.com/exempla/posts/{i}",
            }
            if parent:
                item["parent_id"] = parent
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            lines += 1
            if rng.random() < edit_share:
                edits.append({**item, "text": item["text"] + " (redigerad)", "edited_at": stamp})
        for item in edits:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            lines += 1
    return lines


def fresh_postgres_url() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    except psycopg.Error:
        return None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def django_env(database_url: str, data_dir: Path) -> dict:
    return {
        **os.environ,
        "TORGET_DATABASE_URL": database_url,
        "TORGET_DATA_DIR": str(data_dir),
        "TORGET_SECRET_KEY": "bench",
        "TORGET_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "torget.settings",
    }


def run_child(args: list[str], env: dict) -> dict:
    """Run this benchmark's child step in its own process; return its JSON line."""
    result = subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="torget-bench-"))


def bench_channel(platform: str, slug: str = "bench"):
    """The benchmark organisation's active channel on `platform` (created on first use)."""
    from django.contrib.auth import get_user_model

    from torget.channels.models import Channel
    from torget.organisations.models import Organisation, Person, Unit

    org, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench kommun"})
    unit, _ = Unit.objects.get_or_create(organisation=org, name="Kommunledningskontoret")
    channel = Channel.objects.filter(organisation=org, slug=slug).first()
    if channel is not None:
        return channel
    person = Person.objects.filter(organisation=org).first()
    if person is None:
        user = get_user_model().objects.create_user("bench", password=None)
        person = Person.objects.create(user=user, organisation=org, name="Bench")
    return Channel.objects.create(
        organisation=org,
        slug=slug,
        platform=platform,
        name="Bench",
        address=f"https://{platform}.example/bench",
        unit=unit,
        responsible_manager=person,
        proposed_by=person,
        need="-",
        organisation_goal="-",
        purpose="-",
        target_groups="-",
        content_plan="-",
        desired_effects="-",
        complements_website="-",
        hours_per_week=1,
        status="active",
        launched_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        next_review_due=datetime.date(2099, 1, 1),
    )


def load_interchange(path: Path) -> None:
    """Child step: a fresh database with the bench channel, filled from an interchange file
    through `torget import`; prints the number of records as a JSON line."""
    import io

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_channel("facebook")
    call_command(
        "import",
        str(path),
        "--channel",
        "bench",
        "--organisation",
        "bench",
        "--force",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    from torget.archive.models import Record

    print(json.dumps({"records": Record.objects.count()}))
