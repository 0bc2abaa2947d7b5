"""Swedish and Norwegian inflections through the real search, on both backends (issue 17).

tests/archive/data/inflections.tsv holds query-record pairs: definite, plural and genitive
forms, verb tenses, umlaut plurals, compounds, the reverse direction, and hard negatives
(bok/bokning, väg/vägg, hus/husera, mat/matta, ord/order). Each record is imported through the
pipeline and each query goes through records_search(); the figures per class are printed
(pytest -s) and must stay above the thresholds. bench/search_quality.py compares the same set
under the old Snowball-only index.
"""

import collections
import datetime
from pathlib import Path

import pytest

from tests.factories import captured, channel_in
from torget.archive.search import records_search
from torget.ingest.pipeline import Ingestion

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "inflections.tsv"
MIN_RECALL = 0.97
MIN_PRECISION = 0.97


def pairs() -> list[tuple[str, str, str, str, bool]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        lang, cls, query, record, expected = line.split("\t")
        rows.append((lang, cls, query, record, expected == "1"))
    return rows


def test_the_set_is_wide():
    rows = pairs()
    assert len(rows) >= 200
    assert {lang for lang, *_ in rows} == {"sv", "nb"}
    assert sum(1 for *_, expected in rows if not expected) >= 40


def test_inflections_are_found_and_look_alikes_are_not(world, capsys):
    channel = channel_in(world, "active")
    rows = pairs()
    at = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)
    with Ingestion(channel=channel, source="inflections") as ingestion:
        for i, (_lang, _cls, _query, record, _expected) in enumerate(rows):
            ingestion.add(captured(str(i), record, created_at=at))
    found_by: dict[str, set[str]] = {}
    for query in {query for _lang, _cls, query, _record, _expected in rows}:
        page = records_search(person=world.communicator, query=query, limit=1000)
        found_by[query] = {hit.record.platform_id for hit in page.hits}
    figures: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    misses = []
    true_pos = false_pos = positives = 0
    for i, (lang, cls, query, record, expected) in enumerate(rows):
        found = str(i) in found_by[query]
        figures[lang, cls][0] += found
        figures[lang, cls][1] += 1
        if found != expected:
            misses.append(f"{lang} {cls}: {query!r} {'missed' if expected else 'found'} {record!r}")
        positives += expected
        true_pos += found and expected
        false_pos += found and not expected
    recall = true_pos / positives
    precision = true_pos / (true_pos + false_pos)
    with capsys.disabled():
        print("\nclass                 pairs  found")
        for (lang, cls), (found, total) in sorted(figures.items()):
            print(f"{lang} {cls:<18} {total:>5}  {found / total:5.0%}")
        print(f"recall {recall:.3f}  precision {precision:.3f}")
        for miss in misses:
            print("  " + miss)
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, misses
