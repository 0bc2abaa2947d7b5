"""JSON Lines in, JSON Lines out: `{"id", "text"}` becomes `{"id", "findings": [...]}`."""

from collections.abc import Iterable
from typing import TextIO

import orjson

from .engine import scan
from .watchlist import Watchlist


def scan_json_lines(
    lines: Iterable[str], *, out: TextIO, err: TextIO, watchlist: Watchlist | None = None
) -> tuple[int, int]:
    """Scan every line, write one result line per good input line in input order, and one
    message per bad line to `err`. Returns (lines scanned, bad lines)."""
    scanned = bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            bad += 1
            err.write(f"line {number}: not JSON ({error})\n")
            continue
        if not isinstance(item, dict) or "id" not in item:
            bad += 1
            err.write(f'line {number}: not an object with "id" and "text"\n')
            continue
        text = item.get("text")
        if not isinstance(text, str):
            bad += 1
            err.write(f'line {number}: "text" is missing or not a string\n')
            continue
        findings = [finding.as_dict() for finding in scan(text, watchlist)]
        out.write(orjson.dumps({"id": item["id"], "findings": findings}).decode() + "\n")
        scanned += 1
    return scanned, bad
