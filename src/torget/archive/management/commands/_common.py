"""Shared by the archive's commands: finding the channel, and a progress line."""

import sys
import time

from django.core.management.base import CommandError

from torget.channels.models import Channel


class Progress:
    def __init__(
        self, total: int | None, label: str, stream=None, unit_bytes: bool = True
    ) -> None:
        """`total` is the size in bytes (unit_bytes) or the number of items expected; the
        line goes to standard error as it is when the command runs."""
        self.total = total
        self.unit_bytes = unit_bytes
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.last_print = 0.0
        self.tty = self.stream.isatty()

    def update(self, done_items: int, done: int | None, rejected: int, force=False) -> None:
        """`done` counts bytes read or items handled, in the unit of `total`."""
        now = time.monotonic()
        if now - self.last_print < (0.05 if force else 0.2 if self.tty else 5.0):
            return
        self.last_print = now
        elapsed = max(now - self.start, 1e-6)
        parts = [self.label]
        if self.total and done is not None:
            share = min(done / self.total, 1.0)
            bar = "#" * int(share * 30)
            parts.append(f"[{bar:<30}] {share:6.1%}")
        parts.append(f"{done_items:,} items")
        parts.append(f"{done_items / elapsed:,.0f}/s")
        if rejected:
            parts.append(f"{rejected:,} rejected")
        line = "  ".join(parts)
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def channel_for(slug: str, organisation: str | None) -> Channel:
    channels = Channel.objects.select_related("organisation").filter(slug=slug)
    if organisation:
        channels = channels.filter(organisation__slug=organisation)
    found = list(channels[:2])
    if not found:
        raise CommandError(
            f"No channel {slug!r}"
            + (f" in {organisation!r}." if organisation else ". See the channel register.")
        )
    if len(found) > 1:
        raise CommandError(f"Several organisations have a channel {slug!r}: add --organisation.")
    return found[0]
