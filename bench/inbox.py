"""Inbox benchmark: 100,000 open questions across 50 channels; time to render the inbox's
first page with filters, over HTTP against the running server (gunicorn, as `torget run`).

    python bench/inbox.py [--quick] [--n 100000] [--postgres] [--requests 300]

The questions come in the way they do in production: received comments imported through the
pipeline, found by the question detector. Prints p50/p95 per filter and overall, and, last,
one JSON object with the figures. Goal (issue 6): p95 <= 300 ms.
"""

import argparse
import datetime
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_channel, django_env, fresh_postgres_url, temp_dir

QUESTIONS = [
    "När öppnar {}?",
    "Hur söker man till {}?",
    "Varför är {} stängd i veckan?",
    "Kan ni berätta mer om {}?",
    "Vem ska jag kontakta om {}?",
]
PLACES = ["simhallen", "biblioteket", "förskolan", "återvinningscentralen", "kulturskolan"]
CHANNELS = 50


def setup(n: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from torget.dialogue.models import Question
    from torget.ingest.pipeline import Ingestion
    from torget.organisations.models import Person, RoleAssignment
    from torget.sources.base import CapturedItem

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    now = timezone.now()
    per_channel = n // CHANNELS
    started = time.perf_counter()
    for c in range(CHANNELS):
        channel = bench_channel("facebook", slug=f"kanal-{c:02d}")
        with Ingestion(channel=channel, source="bench", batch_size=5000) as ingestion:
            for i in range(per_channel):
                text = rng.choice(QUESTIONS).format(rng.choice(PLACES))
                at = now - datetime.timedelta(minutes=rng.randrange(1, 13 * 24 * 60))
                ingestion.add(
                    CapturedItem(
                        platform_id=f"c{c}-{i}",
                        kind="comment",
                        text=text,
                        created_at=at,
                        captured_at=now,
                        raw=json.dumps({"id": f"c{c}-{i}", "text": text}),
                        author_id=f"u{rng.randrange(5000)}",
                        author_name=f"Person {rng.randrange(5000)}",
                        parent_id=f"post-{c}-{i // 40}",
                    )
                )
    questions = Question.objects.count()
    person = Person.objects.get(user__username="bench")
    RoleAssignment.objects.get_or_create(person=person, role="communicator")
    user = get_user_model().objects.get(username="bench")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    print(
        json.dumps(
            {
                "questions": questions,
                "seconds": round(time.perf_counter() - started, 1),
                "session": session.session_key,
            }
        )
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 questions")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--setup", action="store_true")
    args = parser.parse_args()
    if args.setup:
        return setup(args.n)
    import httpx

    n = 10_000 if args.quick else args.n
    work = temp_dir()
    url = fresh_postgres_url() if args.postgres else f"sqlite:///{work / 'inbox.sqlite3'}"
    if url is None:
        raise SystemExit("PostgreSQL is not reachable")
    env = django_env(url, work)
    made = subprocess.run(
        [sys.executable, __file__, "--setup", "--n", str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise SystemExit(made.stdout + made.stderr)
    facts = json.loads(made.stdout.strip().splitlines()[-1])
    print(f"{facts['questions']:,} questions imported in {facts['seconds']} s", flush=True)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "torget.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
        ],
        env={**env, "TORGET_ALLOWED_HOSTS": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    filters = {
        "no filter": "/dialog/",
        "one channel": "/dialog/?channel=kanal-17",
        "overdue": "/dialog/?show=overdue",
        "unassigned, one channel": "/dialog/?channel=kanal-42&assigned=unassigned",
        "answered": "/dialog/?show=answered",
    }
    timings: dict[str, list[float]] = {name: [] for name in filters}
    try:
        with httpx.Client(
            base_url=base, cookies={"sessionid": facts["session"]}, timeout=30
        ) as client:
            for _ in range(100):
                try:
                    if client.get("/kanaler/").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            names = list(filters)
            for i in range(10):  # warm-up
                client.get(filters[names[i % len(names)]])
            for i in range(args.requests):
                name = names[i % len(names)]
                start = time.perf_counter()
                response = client.get(filters[name])
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200 or "inbox" not in response.text:
                    raise SystemExit(f"{filters[name]} gave {response.status_code}")
                timings[name].append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=15)

    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    everything = [t for values in timings.values() for t in values]
    result = {
        "bench": "inbox",
        "questions": facts["questions"],
        "database": "postgresql" if args.postgres else "sqlite",
        "per_filter": {},
    }
    for name, values in timings.items():
        result["per_filter"][name] = {
            "p50_ms": round(p(values, 0.5), 1),
            "p95_ms": round(p(values, 0.95), 1),
        }
        print(f"{name:<26} p50 {p(values, 0.5):6.1f} ms   p95 {p(values, 0.95):6.1f} ms")
    result["p50_ms"] = round(statistics.median(everything), 1)
    result["p95_ms"] = round(p(everything, 0.95), 1)
    result["goal_met"] = result["p95_ms"] <= 300
    print(f"{'all':<26} p50 {result['p50_ms']:6.1f} ms   p95 {result['p95_ms']:6.1f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
    main()
