"""The question detector measured on labelled comments (Swedish, Norwegian, English).

`labelled.tsv` was used while writing the rules; `holdout.tsv` was written afterwards and
never used to tune them, so its figures are the honest ones. Both are printed (-s shows them).
"""

from pathlib import Path

import pytest

from torget.dialogue.detector import question_reason

HERE = Path(__file__).parent


def labelled(name: str) -> list[tuple[bool, str, str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, language, text = line.split("\t")
            rows.append((label == "q", language, text))
    return rows


def measure(rows) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for want, _language, text in rows:
        got = bool(question_reason(text))
        tp += got and want
        fp += got and not want
        fn += want and not got
        if got != want:
            wrong.append(f"{'missed' if want else 'false alarm'}: {text}")
    return tp / (tp + fp), tp / (tp + fn), wrong


@pytest.mark.parametrize(("name", "least"), [("labelled.tsv", 0.97), ("holdout.tsv", 0.85)])
def test_precision_and_recall(name, least):
    rows = labelled(name)
    precision, recall, wrong = measure(rows)
    print(f"\n{name}: {len(rows)} comments, precision {precision:.3f}, recall {recall:.3f}")
    for line in wrong:
        print("  " + line)
    assert precision >= least and recall >= least, wrong


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Läs mer på https://exempla.se/sida?id=3", ""),
        ("Hur kul!", ""),
        ("Vad fint det blev!", ""),
        ("Hej kommunen, får jag ställa en container på gatan", "interrogative word order"),
        ("Kan inte fatta det.", ""),
        ("När då.", ""),  # too short to tell: two words, no question mark
        ("När öppnar ni igen", "interrogative word"),
        ("Jeg lurer på noe med barnehagen.", "request"),
        ("", ""),
    ],
)
def test_the_reason_is_given_and_edge_cases_hold(text, reason):
    assert question_reason(text) == reason
