"""Every platform writes time its own way; every captured item ends timezone-aware in UTC.

The rule for times written without a zone (TikTok and LinkedIn exports, WordPress's `date_gmt`,
some feeds) is that they are UTC: that is what those platforms write in practice, and the
rule is the same for every source so that a re-import always gives the same instant. A source
that knows better (a WordPress site's own zone, for example) converts before calling `utc`.
"""

import datetime
import email.utils
import re

from .base import SourceError

__all__ = ["from_epoch", "parse_time", "utc"]

UTC = datetime.UTC
# Twitter's classic format: "Sun Oct 07 07:39:51 +0000 2012".
_TWITTER = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$")
# ISO 8601 with a "+0000" style offset (Graph API) or a space between date and time.
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=UTC)
# "2017/06/08 08:15:44 UTC" (LinkedIn's exports around 2018), and a zone name after an ISO
# time ("2024-03-01 08:00:00 UTC"): the named zone is UTC.
_SLASHED = re.compile(r"^(\d{4})/(\d{2})/(\d{2})(?=[ T]|$)")
_ZONE_NAME = re.compile(r"\s*(?:UTC|GMT)$")


def _strict_iso(value, key: str) -> datetime.datetime:
    if value is None:
        raise SourceError(key, "missing")
    if not isinstance(value, str):
        raise SourceError(key, "expected a date and time as text (ISO 8601)")
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(key, f"not a date and time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        raise SourceError(key, "the time has no zone; write Z or an offset such as +01:00")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise SourceError(key, f"out of range: {value[:40]!r}") from None


def utc(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime in UTC; a naive one is taken to be UTC (the rule above)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def from_epoch(value, key: str = "time") -> datetime.datetime:
    """Seconds since 1970 (int, float or digits); milliseconds are recognised by size."""
    if isinstance(value, bool):
        raise SourceError(key, "expected a number of seconds, found true/false")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise SourceError(key, f"not a number of seconds: {value[:40]!r}") from None
    if not isinstance(value, int | float):
        raise SourceError(key, f"expected a number of seconds, found {type(value).__name__}")
    if value > 10**11:  # milliseconds (10**11 seconds is the year 5138)
        value = value / 1000
    try:
        return datetime.datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise SourceError(key, f"out of range: {value!r}") from None


def parse_time(value, key: str = "time", *, strict: bool = False) -> datetime.datetime:
    """Any of the written forms the platforms use, to aware UTC; SourceError if unusable.

    Accepts ISO 8601 with `Z`, an offset (`+01:00` or `+0000`) or no zone; a space instead of
    `T`; "2017/06/08 08:15:44 UTC"; Twitter's "Sun Oct 07 07:39:51 +0000 2012"; RFC 2822
    (feeds, e-mail); epoch numbers. With `strict` (Torget's own interchange format) only
    ISO 8601 text with a zone is accepted: a file Torget defines says exactly what it means.
    """
    if strict:
        return _strict_iso(value, key)
    if value is None or value == "":
        raise SourceError(key, "missing")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_epoch(value, key)
    if not isinstance(value, str):
        raise SourceError(key, f"expected a date and time, found {type(value).__name__}")
    text = value.strip()
    if len(text) > 64:
        raise SourceError(key, f"not a date and time: {text[:40]!r}…")
    if len(text) >= 10 and text[4] == "-" and text[:4].isdecimal():
        try:  # the common case first: ISO 8601 as Python reads it (Z, +01:00, +0000)
            return utc(datetime.datetime.fromisoformat(text))
        except ValueError:
            pass
        except OverflowError:
            raise SourceError(key, f"out of range: {text[:40]!r}") from None
    if text[:4].isdecimal() and len(text) >= 10:
        text = _SLASHED.sub(r"\1-\2-\3", text)
        if text[4] == "-" and _ZONE_NAME.search(text):
            text = _ZONE_NAME.sub("", text) + "+00:00"
    try:
        if _TWITTER.match(text):
            return utc(datetime.datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y"))
        if text[:4].isdecimal() and len(text) >= 10 and text[4] == "-":
            iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
            iso = _COMPACT_OFFSET.sub(r"\1:\2", iso) if "T" in iso or " " in iso else iso
            return utc(datetime.datetime.fromisoformat(iso))
        if text.isdecimal():
            return from_epoch(int(text), key)
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed is None:
            raise ValueError(text)
        return utc(parsed)
    except (ValueError, TypeError, IndexError):
        raise SourceError(key, f"not a date and time: {text[:40]!r}") from None
    except OverflowError:
        raise SourceError(key, f"out of range: {text[:40]!r}") from None
