"""Snapshot benchmark: a channel with N records in the period (default 200,000) is packaged
as an e-archive transfer package and validated, as `torget snapshot` does.

    python bench/snapshot.py [--n 200000] [--quick] [--postgres] [--workers 2]

The records are imported first (not timed). The snapshot then runs in its own process, so
its peak memory is its own; the PDF/A workers and the validators run as its children and
their peak is printed too. To show that memory does not grow with the period, the same is
done at a tenth of the size. Prints a line per size and, last, one JSON object.
Goal (issue 7): build and validate 200,000 records in at most 10 minutes and 1 GB on this
2-core machine, memory independent of the period's size.
"""

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_env, fresh_postgres_url, generate, load_interchange, run_child, temp_dir

GOAL_SECONDS = 600
GOAL_MB = 1024


def snapshot(out: Path, workers: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from torget.preservation.models import Snapshot

    started = time.perf_counter()
    call_command(
        "snapshot",
        "--channel",
        "bench",
        "--organisation",
        "bench",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        str(out),
        "--workers",
        str(workers),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    made = Snapshot.objects.latest("pk")
    checks = {c["check"]: c["seconds"] for c in made.validation}
    validate_s = sum(checks.values())
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "status": made.status,
                "records": made.record_count,
                "versions": made.version_count,
                "pdf_pages": made.pdf_pages,
                "files": made.file_count,
                "size_mb": round(made.size_bytes / 1e6, 1),
                "seconds": round(seconds, 1),
                "build_s": round(seconds - validate_s, 1),
                "validate_s": round(validate_s, 1),
                "checks_s": checks,
                "build_steps_s": made.timings,
                "pdf_pages_per_s": round(made.pdf_pages / max(made.timings.get("pdf", 0), 1e-9), 1),
                "errors": {c["check"]: c["errors"][:3] for c in made.validation if c["errors"]},
                "peak_rss_mb": round(self_mb, 1),
                "peak_rss_children_mb": round(children_mb, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 records")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--load")
    parser.add_argument("--snapshot")
    args = parser.parse_args()
    if args.load:
        return load_interchange(Path(args.load))
    if args.snapshot:
        return snapshot(Path(args.snapshot), args.workers)

    n = 20_000 if args.quick else args.n
    work = temp_dir()
    me = str(Path(__file__).resolve())
    results = {}
    for label, size in (("tenth", n // 10), ("full", n)):
        if args.postgres:
            url = fresh_postgres_url()
            if url is None:
                raise SystemExit("PostgreSQL is not reachable")
        else:
            url = f"sqlite:///{work / (label + '.sqlite3')}"
        env = django_env(url, work / label)
        source = work / f"{label}.jsonl"
        generate(source, size, seed=11)
        loaded = run_child([me, "--load", str(source)], env)
        result = run_child(
            [me, "--snapshot", str(work / f"{label}-package"), "--workers", str(args.workers)],
            env,
        )
        results[label] = {**result, "loaded": loaded["records"]}
        print(
            f"{label:>5}: {result['records']:>8,} records, {result['pdf_pages']:>6,} PDF pages, "
            f"({result['pdf_pages_per_s']:,.0f}/s), {result['size_mb']:>8,.1f} MB, "
            f"{result['seconds']:>6.1f} s "
            f"(build {result['build_s']:.1f} s, validate {result['validate_s']:.1f} s), "
            f"peak {result['peak_rss_mb']:.0f} MB (children {result['peak_rss_children_mb']:.0f}"
            f" MB), {result['status']}",
            flush=True,
        )
    full = results["full"]
    print(
        json.dumps(
            {
                "bench": "snapshot",
                "n_records": n,
                "database": "postgresql" if args.postgres else "sqlite",
                "results": results,
                "within_time": full["seconds"] <= GOAL_SECONDS,
                "within_memory": max(full["peak_rss_mb"], full["peak_rss_children_mb"]) <= GOAL_MB,
                "work_dir": str(work),
            }
        )
    )


if __name__ == "__main__":
    main()
