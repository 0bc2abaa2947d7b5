"""Snapshot rendering benchmark: the PDF/A volumes, contents and WARC of a channel's period
(render_period alone, without the rest of the package).

    python bench/render.py [--n 20000] [--workers 2] [--postgres]

The records are imported first (not timed); the rendering runs in its own process so that
its peak memory is its own (the PDF/A workers' peak is printed as the children's). Prints
one line and, last, one JSON object with records/s and pages/s. The issue's whole package
has 10 minutes for 200,000 records, so this step should manage about 700 records/s.
"""

import argparse
import datetime
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_env, fresh_postgres_url, generate, load_interchange, run_child, temp_dir


def render(out: Path, workers: int) -> None:
    import django

    django.setup()
    from zoneinfo import ZoneInfo

    from torget.channels.models import Channel
    from torget.preservation.render import render_period

    zone = ZoneInfo("Europe/Stockholm")
    channel = Channel.objects.select_related("organisation").get(slug="bench")
    started = time.perf_counter()
    result = render_period(
        channel,
        datetime.datetime(2024, 1, 1, tzinfo=zone),
        datetime.datetime(2025, 1, 1, tzinfo=zone),
        out / "pdf",
        out / "snapshot.warc.gz",
        title="Ögonblicksbild 2024",
        workers=workers,
    )
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in result.pdf_files)
    print(
        json.dumps(
            {
                "records": result.records,
                "threads": result.threads,
                "pages": result.pages,
                "files": len(result.pdf_files),
                "html_pages": result.html_pages,
                "pdf_mb": round(size / 1e6, 1),
                "warc_mb": round((out / "snapshot.warc.gz").stat().st_size / 1e6, 1),
                "seconds": round(seconds, 1),
                "records_per_s": round(result.records / seconds, 1),
                "pages_per_s": round(result.pages / seconds, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "peak_rss_children_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                ),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--load")
    parser.add_argument("--render")
    args = parser.parse_args()
    if args.load:
        return load_interchange(Path(args.load))
    if args.render:
        return render(Path(args.render), args.workers)

    work = temp_dir()
    me = str(Path(__file__).resolve())
    if args.postgres:
        url = fresh_postgres_url()
        if url is None:
            raise SystemExit("PostgreSQL is not reachable")
    else:
        url = f"sqlite:///{work / 'render.sqlite3'}"
    env = django_env(url, work / "data")
    source = work / "items.jsonl"
    generate(source, args.n, seed=11)
    run_child([me, "--load", str(source)], env)
    result = run_child([me, "--render", str(work / "out"), "--workers", str(args.workers)], env)
    print(
        f"{result['records']:,} records, {result['threads']:,} threads, "
        f"{result['pages']:,} pages in {result['files']} files, {result['seconds']} s: "
        f"{result['records_per_s']:,.0f} records/s, {result['pages_per_s']:,.1f} pages/s, "
        f"peak {result['peak_rss_mb']} MB (workers {result['peak_rss_children_mb']} MB)",
        flush=True,
    )
    print(
        json.dumps(
            {
                "bench": "render",
                "n_records": args.n,
                "database": "postgresql" if args.postgres else "sqlite",
                "workers": args.workers,
                **result,
                "work_dir": str(work),
            }
        )
    )


if __name__ == "__main__":
    main()
