"""Evidence benchmark: time to produce one removal-evidence PDF/A-2b (rendered, checked with
pikepdf, hashed) for a comment in a thread of 50 comments.

    python bench/evidence.py [--runs 40]

Prints p50/p95 and, last, one JSON line. Goal (issue 5): p95 <= 1 s.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_channel, comment_text, temp_dir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--thread", type=int, default=50)
    args = parser.parse_args()
    work = temp_dir()
    os.environ.update(
        {
            "TORGET_DATABASE_URL": f"sqlite:///{work / 'evidence.sqlite3'}",
            "TORGET_DATA_DIR": str(work),
            "TORGET_SECRET_KEY": "bench",
            "DJANGO_SETTINGS_MODULE": "torget.settings",
        }
    )
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from torget.archive.models import Record
    from torget.documents.pdfa import problems
    from torget.ingest.pipeline import Ingestion
    from torget.sources.base import CapturedItem
    from torget.supervision import evidence

    call_command("migrate", verbosity=0)
    channel = bench_channel("facebook")
    rng = random.Random(5)
    now = timezone.now()
    items = [
        CapturedItem(
            platform_id="post",
            kind="post",
            text="Samråd om detaljplanen för Torget.",
            created_at=now - datetime.timedelta(days=1),
            captured_at=now,
            raw="{}",
            author_is_organisation=True,
            author_name="Exempla kommun",
        )
    ]
    for i in range(args.thread):
        items.append(
            CapturedItem(
                platform_id=f"c{i}",
                kind="comment",
                text=comment_text(rng),
                created_at=now - datetime.timedelta(hours=20 - i * 0.3),
                captured_at=now,
                raw="{}",
                author_name=f"Person {i}",
                parent_id="post",
            )
        )
    with Ingestion(channel=channel, source="bench") as ingestion:
        for item in items:
            ingestion.add(item)
    record = Record.objects.select_related("channel__organisation").get(platform_id="c25")
    evidence.keep(record, reason_label="Personuppgifter", by_name="Bench")  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        facts = evidence.keep(record, reason_label="Personuppgifter", by_name="Bench")
        times.append(time.perf_counter() - start)
    last = work / facts["path"]
    ok = problems(last) == []
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    result = {
        "bench": "evidence",
        "thread_comments": args.thread,
        "runs": args.runs,
        "p50_s": round(statistics.median(times), 3),
        "p95_s": round(p95, 3),
        "pdf_bytes": facts["size"],
        "pdfa_checks_pass": ok,
        "goal_met": p95 <= 1.0,
    }
    print(
        f"evidence PDF/A for a thread of {args.thread}: p50 {result['p50_s']:.3f} s, "
        f"p95 {result['p95_s']:.3f} s, {facts['size']:,} bytes, checks pass: {ok}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
