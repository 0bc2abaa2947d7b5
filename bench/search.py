"""Search benchmark: 50 realistic queries, with and without filters, over a large archive.

    python bench/search.py [--quick] [--n 1000000] [--skip-postgres]

Builds the archive with the real import (bench/ingest.py's generator), then times each query
through records_search(), the function the search page and the API call. Prints p50/p95 per
backend; the last line is one JSON object. Goal (issue 3): p95 <= 100 ms on SQLite and on
PostgreSQL at 1,000,000 records.
"""

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_env, fresh_postgres_url, generate, run_child, temp_dir

HERE = str(Path(__file__).resolve().parent / "ingest.py")

TEXT_QUERIES = [
    "bygglov",
    "bygglovet",
    "förskolan",
    "förskola",
    "snöröjningen",
    "sophämtning",
    "biblioteket",
    "simhallen",
    "kommunen",
    "kommunfullmäktige",
    "detaljplanen",
    "busstrafiken",
    "parkeringen",
    "hemtjänsten",
    "cykelbanan",
    "vattenledningen",
    "äldreboendet",
    "fritidsgården",
    "idrottshallen",
    "bredbandet",
    "stängd",
    "öppettider",
    "fantastisk",
    "hål",
    "pengar",
    "information webben",
    "bygglov tid",
    "förskolan stängd",
    "snöröjningen fungerar",
    "Hälsningar Sara",
]
FILTERED = [
    ("bygglov", {"kind": "comment"}),
    ("förskolan", {"direction": "drawn_up"}),
    ("kommunen", {"direction": "received"}),
    ("biblioteket", {"kind": "reply"}),
    ("", {"kind": "post"}),
    ("", {"direction": "drawn_up"}),
    ("", {"author": "Anna Andersson"}),
    ("simhallen", {"author": "Bertil Berg"}),
    ("", {"since": datetime.date(2024, 3, 1), "until": datetime.date(2024, 3, 31)}),
    ("snöröjningen", {"since": datetime.date(2024, 6, 1), "until": datetime.date(2024, 8, 31)}),
    ("parkeringen", {"state": "edited"}),
    ("", {"state": "edited"}),
    ("cykelbanan", {"has_media": False}),
    ("", {"channel": True}),
    ("hemtjänsten", {"channel": True, "kind": "comment"}),
    ("äldreboendet", {"kind": "comment", "direction": "received"}),
    ("detaljplanen", {"since": datetime.date(2024, 1, 1)}),
    ("", {"author": "Exempla kommun", "kind": "reply"}),
    ("Hälsningar", {"direction": "drawn_up", "kind": "reply"}),
    ("kommunfullmäktige", {"until": datetime.date(2024, 6, 30)}),
]


def child_queries(repeat: int) -> None:
    import django

    django.setup()
    from torget.archive.models import Record
    from torget.archive.search import Filters, records_search
    from torget.channels.models import Channel
    from torget.organisations.models import Person

    person = Person.objects.get(user__username="bench")
    channel = Channel.objects.get(slug="bench")
    records = Record.objects.filter(channel=channel).count()
    queries = [(q, {}) for q in TEXT_QUERIES] + FILTERED
    timings: dict[str, list[float]] = {"text": [], "filtered": []}
    hits = 0
    for rep in range(repeat + 1):  # the first round warms the caches and is not counted
        for query, spec in queries:
            spec = dict(spec)
            if spec.pop("channel", False):
                spec["channel_id"] = channel.pk
            started = time.perf_counter()
            page = records_search(person=person, query=query, filters=Filters(**spec))
            elapsed = (time.perf_counter() - started) * 1000
            if rep:
                timings["filtered" if spec else "text"].append(elapsed)
                hits += len(page.hits)
    every = timings["text"] + timings["filtered"]

    def pct(values, q):
        return round(statistics.quantiles(values, n=100)[q - 1], 1)

    print(
        json.dumps(
            {
                "records": records,
                "queries": len(queries),
                "timed_runs": len(every),
                "p50_ms": pct(every, 50),
                "p95_ms": pct(every, 95),
                "max_ms": round(max(every), 1),
                "text_p95_ms": pct(timings["text"], 95),
                "filtered_p95_ms": pct(timings["filtered"], 95),
                "mean_hits_per_page": round(hits / len(every), 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 records")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child-queries", action="store_true")
    args = parser.parse_args()
    if args.child_queries:
        return child_queries(args.repeat)
    n = 100_000 if args.quick else args.n
    work = temp_dir()
    path = work / "items.jsonl"
    lines = generate(path, n)
    print(f"generated {lines:,} lines", flush=True)
    me = str(Path(__file__).resolve())
    result = {"bench": "search", "n_items": lines}
    backends = [("sqlite", f"sqlite:///{work / 'torget.sqlite3'}")]
    if not args.skip_postgres and (pg := fresh_postgres_url()):
        backends.append(("postgres", pg))
    for name, url in backends:
        env = django_env(url, work / f"data-{name}")
        imported = run_child([HERE, "--child-import", str(path)], env)
        figures = run_child([me, "--child-queries", "--repeat", str(args.repeat)], env)
        print(
            f"{name}: {figures['records']:,} records (imported at "
            f"{imported['items_per_s']:,}/s); p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms",
            flush=True,
        )
        result[name] = figures
        result[f"{name}_goal_met"] = figures["p95_ms"] <= 100
    if len(backends) == 1:
        result["postgres"] = "not reachable or skipped"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
