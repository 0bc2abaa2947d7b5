"""Ingest benchmark: generate N interchange items, import them, compare with raw sqlite3.

    python bench/ingest.py [--quick] [--n 1000000] [--skip-postgres]

Prints one line per step and, last, one JSON object with the figures. Goal (issue 3):
>= 20,000 items/s on SQLite on a 2-core machine, at least a quarter of the raw sqlite3 rate
into a table with an FTS5 index, memory flat however large the file.
"""

import argparse
import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_channel, django_env, fresh_postgres_url, generate, run_child, temp_dir


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(path: Path, batch_size: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_channel("facebook")
    import io

    start = time.perf_counter()
    out = io.StringIO()
    call_command(
        "import",
        str(path),
        "--channel",
        "bench",
        "--organisation",
        "bench",
        "--batch-size",
        str(batch_size),
        stdout=out,
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - start
    lines = sum(1 for _ in path.open("rb"))
    print(
        json.dumps(
            {
                "items": lines,
                "seconds": round(seconds, 2),
                "items_per_s": round(lines / seconds),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "summary": out.getvalue().strip().splitlines()[0],
            }
        )
    )


def child_raw(path: Path, db: Path, batch_size: int) -> None:
    """The same rows into plain tables with an FTS5 index, straight through sqlite3."""
    import orjson

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE record (id INTEGER PRIMARY KEY, platform_id TEXT, kind TEXT, parent TEXT, "
        "author_id TEXT, author_name TEXT, created_at TEXT, text TEXT, permalink TEXT, raw TEXT, "
        "UNIQUE (platform_id))"
    )
    conn.execute("CREATE VIRTUAL TABLE record_fts USING fts5(text)")
    start = time.perf_counter()
    rows, count = [], 0

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT OR REPLACE INTO record (platform_id, kind, parent, author_id, author_name, "
            "created_at, text, permalink, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO record_fts (text) VALUES (?)", [(r[6],) for r in rows])
        conn.execute("COMMIT")
        rows.clear()

    with path.open("rb") as handle:
        for line in handle:
            item = orjson.loads(line)
            author = item.get("author") or {}
            rows.append(
                (
                    item["id"],
                    item["kind"],
                    item.get("parent_id", ""),
                    author.get("id"),
                    author.get("name"),
                    item["created_at"],
                    item["text"],
                    item.get("permalink", ""),
                    line.decode(),
                )
            )
            count += 1
            if len(rows) >= batch_size:
                flush()
    if rows:
        flush()
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "items": count,
                "seconds": round(seconds, 2),
                "items_per_s": round(count / seconds),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 items")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child-import")
    parser.add_argument("--child-raw")
    parser.add_argument("--raw-db")
    args = parser.parse_args()
    if args.child_import:
        return child_import(Path(args.child_import), args.batch_size)
    if args.child_raw:
        return child_raw(Path(args.child_raw), Path(args.raw_db), args.batch_size)

    n = 50_000 if args.quick else args.n
    work = temp_dir()
    small_path, path = work / "small.jsonl", work / "items.jsonl"
    started = time.perf_counter()
    lines = generate(path, n)
    small_lines = generate(small_path, max(n // 10, 1000), seed=8)
    print(
        f"generated {lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    me = str(Path(__file__).resolve())
    result = {"bench": "ingest", "n_items": lines, "batch_size": args.batch_size}

    raw = run_child(
        [
            me,
            "--child-raw",
            str(path),
            "--raw-db",
            str(work / "raw.sqlite3"),
            "--batch-size",
            str(args.batch_size),
        ],
        {},
    )
    print(f"raw sqlite3 + FTS5: {raw['items_per_s']:,} items/s", flush=True)
    small = run_child(
        [me, "--child-import", str(small_path), "--batch-size", str(args.batch_size)],
        django_env(f"sqlite:///{work / 'small.sqlite3'}", work / "small"),
    )
    sqlite = run_child(
        [me, "--child-import", str(path), "--batch-size", str(args.batch_size)],
        django_env(f"sqlite:///{work / 'torget.sqlite3'}", work / "data"),
    )
    print(
        f"torget import, SQLite: {sqlite['items_per_s']:,} items/s, peak "
        f"{sqlite['peak_rss_mb']} MB (at {small_lines:,} items: {small['peak_rss_mb']} MB)",
        flush=True,
    )
    result.update(
        {
            "raw_sqlite_fts5_items_per_s": raw["items_per_s"],
            "sqlite_items_per_s": sqlite["items_per_s"],
            "sqlite_seconds": sqlite["seconds"],
            "sqlite_to_raw_ratio": round(sqlite["items_per_s"] / raw["items_per_s"], 3),
            "sqlite_peak_rss_mb": sqlite["peak_rss_mb"],
            "sqlite_peak_rss_mb_at_tenth": small["peak_rss_mb"],
            "sqlite_summary": sqlite["summary"],
            "goal_met_sqlite": sqlite["items_per_s"] >= 20_000
            and sqlite["items_per_s"] * 4 >= raw["items_per_s"],
        }
    )
    pg_url = None if args.skip_postgres else fresh_postgres_url()
    if pg_url:
        pg = run_child(
            [me, "--child-import", str(path), "--batch-size", str(args.batch_size)],
            django_env(pg_url, work / "pgdata"),
        )
        print(
            f"torget import, PostgreSQL: {pg['items_per_s']:,} items/s, peak "
            f"{pg['peak_rss_mb']} MB",
            flush=True,
        )
        result.update(
            {
                "postgres_items_per_s": pg["items_per_s"],
                "postgres_seconds": pg["seconds"],
                "postgres_peak_rss_mb": pg["peak_rss_mb"],
            }
        )
    else:
        result["postgres"] = "not reachable or skipped"
    result["work_dir"] = str(work)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
