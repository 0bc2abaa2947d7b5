"""The personal identity number scanner on a labelled set of realistic comments.

tests/samples/personal_id/labelled.jsonl (written by make_labelled.py beside it): Skatteverket's
test personnummer and samordningsnummer, generated Norwegian, Finnish and Danish test-style
numbers, in every written form, inside Swedish, Norwegian, Finnish, Danish and English
sentences, with hard negatives (order, case, phone, invoice, account and organisation
numbers, dates, timestamps, IBANs, numbers with a wrong check digit or an impossible date).
Prints precision and recall per class (`pytest -s`); every class of numbers must be found
with recall and precision of at least 0.99, and the set as a whole too.
"""

import json
from collections import defaultdict
from pathlib import Path

from torget.personal_data.scanners import scan

LABELLED = Path(__file__).resolve().parent.parent / "samples" / "personal_id" / "labelled.jsonl"
GOAL = 0.99


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def figures_by_class() -> dict[str, dict]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        want = [(start, end) for start, end, _subtype in row["spans"]]
        got = [(f.start, f.end) for f in scan(row["text"]) if f.category == "personal_id"]
        c = counts[row["class"]]
        c[0] += len(want)
        c[1] += len(got)
        c[2] += sum(any(_overlaps(w, g) for g in got) for w in want)
        c[3] += sum(any(_overlaps(g, w) for w in want) for g in got)
    figures = {}
    for name, (labels, findings, found, correct) in sorted(counts.items()):
        figures[name] = {
            "lines_labels": labels,
            "findings": findings,
            "recall": found / labels if labels else None,
            "precision": correct / findings if findings else None,
            "false_positives": findings - correct,
        }
    return figures


def test_the_labelled_set_is_wide_enough():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 1000
    classes = {row["class"] for row in rows}
    assert {"se_short_dash_other_words", "fi_digit_control", "se_samordningsnummer"} <= classes
    assert sum(1 for row in rows if not row["spans"]) >= 300  # hard negatives
    assert {row["lang"] for row in rows} >= {"sv", "no", "fi", "da", "en"}


def test_precision_and_recall_by_class():
    figures = figures_by_class()
    print()
    for name, f in figures.items():
        print(
            f"{name:30} labels {f['lines_labels']:4}  findings {f['findings']:4}  "
            f"recall {f['recall'] if f['recall'] is None else round(f['recall'], 3)}  "
            f"precision {f['precision'] if f['precision'] is None else round(f['precision'], 3)}"
        )
    labels = sum(f["lines_labels"] for f in figures.values())
    findings = sum(f["findings"] for f in figures.values())
    found = sum((f["recall"] or 0) * f["lines_labels"] for f in figures.values())
    wrong = sum(f["false_positives"] for f in figures.values())
    recall, precision = found / labels, (findings - wrong) / findings
    print(
        f"{'all':30} labels {labels:4}  findings {findings:4}  recall {recall:.4f}  "
        f"precision {precision:.4f}"
    )
    assert recall >= GOAL and precision >= GOAL
    for name, f in figures.items():
        if f["lines_labels"]:  # a class of numbers: found, and nothing else found with it
            assert f["recall"] >= GOAL, name
            assert f["precision"] >= GOAL, name
