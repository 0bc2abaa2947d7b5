"""Verify benchmark: an archive of N records (generated, imported), then `torget verify`.

    python bench/verify.py [--quick] [--n 200000] [--postgres]

`torget verify` reads the archive in bounded batches in id and seq order, so its memory must
not grow with the archive: the peak is also measured at a tenth of N. Prints one line per
step and, last, one JSON object with the figures. Goal (issue 15): >= 50,000 records/s and
<= 200 MB at 1,000,000 records.
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_verify() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from torget.archive.models import IntegrityEntry, Record, RecordVersion

    records = Record.objects.count()
    versions = RecordVersion.objects.count()
    entries = IntegrityEntry.objects.count()
    before = peak_rss_mb()
    out = io.StringIO()
    start = time.perf_counter()
    call_command("verify", stdout=out)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "records": records,
                "versions": versions,
                "chain_entries": entries,
                "seconds": round(seconds, 2),
                "records_per_s": round(records / seconds),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "rss_before_verify_mb": round(before, 1),
                "result": out.getvalue().strip().splitlines()[-1],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 records")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--child-load")
    parser.add_argument("--child-verify", action="store_true")
    args = parser.parse_args()
    if args.child_load:
        return load_interchange(Path(args.child_load))
    if args.child_verify:
        return child_verify()

    n = 20_000 if args.quick else args.n
    work = temp_dir()
    me = str(Path(__file__).resolve())
    result = {"bench": "verify", "n_items": n}
    targets = [("sqlite", lambda name: f"sqlite:///{work / (name + '.sqlite3')}")]
    if args.postgres:
        targets.append(("postgres", lambda name: fresh_postgres_url()))
    for vendor, url_for in targets:
        for label, size in (("tenth", max(n // 10, 1000)), ("full", n)):
            path = work / f"{label}.jsonl"
            if not path.exists():
                generate(path, size, seed=7 if label == "full" else 8)
            env = django_env(url_for(f"{vendor}-{label}"), work / f"{vendor}-{label}")
            started = time.perf_counter()
            run_child([me, "--child-load", str(path)], env)
            loaded = time.perf_counter() - started
            figures = run_child([me, "--child-verify"], env)
            print(
                f"{vendor}, {figures['records']:,} records (loaded in {loaded:.0f} s): verify "
                f"{figures['records_per_s']:,} records/s, peak {figures['peak_rss_mb']} MB",
                flush=True,
            )
            result[f"{vendor}_{label}"] = figures
    full, tenth = result["sqlite_full"], result["sqlite_tenth"]
    result["sqlite_records_per_s"] = full["records_per_s"]
    result["sqlite_peak_rss_mb"] = full["peak_rss_mb"]
    result["sqlite_peak_growth_mb"] = round(full["peak_rss_mb"] - tenth["peak_rss_mb"], 1)
    result["goal_met_sqlite"] = full["records_per_s"] >= 50_000 and full["peak_rss_mb"] <= 200
    print(json.dumps(result))


if __name__ == "__main__":
    main()
