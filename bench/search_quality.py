"""Search quality: recall and precision of the index terms on the inflection set, per class,
for the old Snowball-only terms and the current ones; and how fast each computes terms.

    python bench/search_quality.py [--misses]

Reads tests/archive/data/inflections.tsv (query-record pairs with the expected answer). A
query finds a record when each query word shares a term with the record, exactly as the
search does on both databases (tests/archive/test_search_inflections.py runs the same set
through the real search). The last line is one JSON object.
"""

import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import comment_text  # noqa: E402

from torget.archive import text  # noqa: E402

DATA = ROOT / "tests" / "archive" / "data" / "inflections.tsv"


def snowball_match(query: str, record: str) -> bool:
    return set(text.stems(query)) <= set(text.stems(record))


def lemma_match(query: str, record: str) -> bool:
    held = set(text.terms(record))
    return all(set(group) & held for group in text.query_terms(query))


CANDIDATES = {"snowball": (snowball_match, text.stems), "lemmas": (lemma_match, text.terms)}


def evaluate(match, rows) -> dict:
    by_class = collections.defaultdict(lambda: [0, 0])
    tp = fp = pos = 0
    misses = []
    for lang, cls, query, record, expected in rows:
        found = match(query, record)
        by_class[f"{lang} {cls}"][0] += found
        by_class[f"{lang} {cls}"][1] += 1
        pos += expected
        tp += found and expected
        fp += found and not expected
        if found != expected:
            misses.append(f"{lang} {cls}: {query} -> {record}")
    return {
        "recall": round(tp / pos, 3),
        "precision": round(tp / max(tp + fp, 1), 3),
        "classes": {k: round(f / n, 2) for k, (f, n) in sorted(by_class.items())},
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, cls, query, record, expected = line.split("\t")
            rows.append((lang, cls, query, record, expected == "1"))
    rng = random.Random(7)
    texts = [comment_text(rng) for _ in range(20_000)]
    result = {"pairs": len(rows)}
    for name, (match, index) in CANDIDATES.items():
        started = time.perf_counter()
        figures = evaluate(match, rows)
        first = time.perf_counter() - started  # includes loading the lexicons, once
        started = time.perf_counter()
        for value in texts:
            index(value)
        rate = len(texts) / (time.perf_counter() - started)
        misses = figures.pop("misses")
        print(f"{name}: recall {figures['recall']}, precision {figures['precision']}")
        for cls, share in figures["classes"].items():
            print(f"  {cls:<16} {share:.0%}")
        if args.misses:
            for miss in misses:
                print("  miss: " + miss)
        print(f"  terms of {len(texts):,} comments: {rate:,.0f}/s (first use {first:.1f} s)")
        result[name] = {**figures, "texts_per_s": round(rate)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
