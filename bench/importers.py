"""Importer benchmark: for each platform format, generate an export of N items in that exact
shape and import it with `torget import`; compare with the interchange format.

    python bench/importers.py [--quick] [--n 200000] [--formats x-archive,feed] [--postgres]

Each import runs in its own process, on a fresh database, so its peak memory is its own. To
show that memory is flat, every format is also imported at a tenth of the size and both peaks
are printed. Prints one line per format and, last, one JSON object with the figures.
Goal (issue 4): every format within a factor of two of the interchange format's rate, memory
flat (streaming parsers wherever the format allows).
"""

import argparse
import importlib
import io
import json
import pkgutil
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_channel, django_env, fresh_postgres_url, generate, run_child, temp_dir

SUMMARY = re.compile(
    r"([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged, [\d,]+ deleted on the platform, "
    r"([\d,]+) rejected"
)


def shapes() -> dict:
    """Every generator in bench/shapes/: reader name -> (platform, write(directory, n))."""
    import shapes as package

    found = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"shapes.{module_info.name}")
        for name, write in getattr(module, "SHAPES", {}).items():
            found[name] = write
    return found


def child(path: Path, platform: str, format_name: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bench_channel(platform)
    out = io.StringIO()
    start = time.perf_counter()
    call_command(
        "import",
        str(path),
        "--channel",
        "bench",
        "--organisation",
        "bench",
        "--format",
        format_name,
        "--force",
        stdout=out,
        stderr=io.StringIO(),
    )
    seconds = time.perf_counter() - start
    text = out.getvalue()
    match = SUMMARY.search(text)
    if match is None:
        raise SystemExit(f"no summary in:\n{text}")
    new, changed, unchanged, rejected = (int(g.replace(",", "")) for g in match.groups())
    items = new + changed + unchanged
    print(
        json.dumps(
            {
                "items": items,
                "rejected": rejected,
                "seconds": round(seconds, 2),
                "items_per_s": round(items / seconds),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "found": next((ln for ln in text.splitlines() if ln.startswith("Found")), ""),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 items per format")
    parser.add_argument("--formats", help="comma-separated reader names (default: all)")
    parser.add_argument("--postgres", action="store_true", help="import into PostgreSQL")
    parser.add_argument("--child")
    parser.add_argument("--platform")
    parser.add_argument("--format-name")
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child), args.platform, args.format_name)

    from torget.sources.formats import reader_named

    n = 20_000 if args.quick else args.n
    generators = shapes()
    chosen = args.formats.split(",") if args.formats else sorted(generators)
    work = temp_dir()
    me = str(Path(__file__).resolve())

    def database(label: str) -> str:
        if args.postgres:
            url = fresh_postgres_url()
            if url is None:
                raise SystemExit("PostgreSQL is not reachable")
            return url
        return f"sqlite:///{work / (label + '.sqlite3')}"

    def run(path: Path, platform: str, format_name: str, label: str) -> dict:
        return run_child(
            [me, "--child", str(path), "--platform", platform, "--format-name", format_name],
            django_env(database(label), work / label),
        )

    results = {}
    base_path = work / "interchange.jsonl"
    generate(base_path, n)
    generate(work / "interchange-small.jsonl", n // 10, seed=8)
    base = run(base_path, "facebook", "interchange", "interchange")
    base_small = run(work / "interchange-small.jsonl", "facebook", "interchange", "interchange-s")
    print(
        f"{'interchange':<18} {base['items']:>8,} items {base['items_per_s']:>7,}/s  "
        f"peak {base['peak_rss_mb']:6.1f} MB (at a tenth: {base_small['peak_rss_mb']:.1f} MB)",
        flush=True,
    )
    results["interchange"] = {**base, "peak_rss_mb_at_tenth": base_small["peak_rss_mb"]}
    for name in chosen:
        platform = reader_named(name).platform
        folder = work / name
        folder.mkdir()
        started = time.perf_counter()
        path = generators[name](folder, n)
        (work / f"{name}-small").mkdir()
        small = generators[name](work / f"{name}-small", n // 10)
        generated = time.perf_counter() - started
        full = run(path, platform, name, name)
        tenth = run(small, platform, name, f"{name}-s")
        ratio = full["items_per_s"] / base["items_per_s"]
        results[name] = {
            **full,
            "peak_rss_mb_at_tenth": tenth["peak_rss_mb"],
            "rate_vs_interchange": round(ratio, 2),
            "within_factor_two": ratio >= 0.5,
            "generated_s": round(generated, 1),
        }
        print(
            f"{name:<18} {full['items']:>8,} items {full['items_per_s']:>7,}/s  "
            f"peak {full['peak_rss_mb']:6.1f} MB (at a tenth: {tenth['peak_rss_mb']:.1f} MB)  "
            f"{ratio:.2f}x interchange, {full['rejected']:,} rejected",
            flush=True,
        )
    print(
        json.dumps(
            {
                "bench": "importers",
                "n_items": n,
                "database": "postgresql" if args.postgres else "sqlite",
                "formats": results,
                "all_within_factor_two": all(
                    r.get("within_factor_two", True) for r in results.values()
                ),
                "work_dir": str(work),
            }
        )
    )


if __name__ == "__main__":
    main()
