"""torget verify [--channel SLUG]: recompute every version hash and every hash chain."""

from django.core.management.base import BaseCommand, CommandError

from torget.archive.integrity import verify_channel
from torget.channels.models import Channel

from ._common import channel_for


class Command(BaseCommand):
    help = "Check that no archived record, version or chain entry has been changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--channel", help="only this channel (short name)")
        parser.add_argument("--organisation", help="the organisation's short name, if needed")

    def handle(self, *args, channel: str | None, organisation: str | None, **options) -> None:
        if channel:
            channels = [channel_for(channel, organisation)]
        else:
            channels = Channel.objects.select_related("organisation").order_by("pk")
            if organisation:
                channels = channels.filter(organisation__slug=organisation)
        problems = 0
        checked = 0
        for target in channels:
            checked += 1
            for problem in verify_channel(target):
                problems += 1
                self.stdout.write(f"BROKEN {problem}")
        if problems:
            raise CommandError(f"{problems} problem(s) found in {checked} channel(s).")
        self.stdout.write(f"OK: {checked} channel(s) verified, no problems.")
