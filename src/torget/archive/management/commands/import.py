"""torget import --channel SLUG FILE: import a Torget interchange file (JSON Lines)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from torget.channels.models import Channel
from torget.ingest.pipeline import ChannelBusy, ChannelNotArchived, Ingestion
from torget.sources import interchange
from torget.sources.base import SourceError

from ._common import Progress, channel_for


class Command(BaseCommand):
    help = "Import captured items into a channel's archive (Torget interchange JSON Lines)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the .jsonl file ('-' reads standard input)")
        parser.add_argument("--channel", required=True, help="the channel's short name (slug)")
        parser.add_argument("--organisation", help="the organisation's short name, if needed")
        parser.add_argument(
            "--complete",
            action="store_true",
            help="the file lists everything on the channel: what is missing "
            "from it is marked deleted on the platform",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(
        self,
        *args,
        path: str,
        channel: str,
        organisation: str | None,
        complete: bool,
        batch_size: int,
        **options,
    ) -> None:
        target = channel_for(channel, organisation)
        if path == "-":
            stream, size, base = sys.stdin.buffer, None, Path.cwd()
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                stream, size, base = file.open("rb"), file.stat().st_size, file.parent
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        progress = Progress(size, f"{target.slug}:")
        captured_at = timezone.now()
        try:
            with Ingestion(
                channel=target,
                source=f"interchange:{Path(path).name}",
                complete_listing=complete,
                batch_size=batch_size,
                on_batch=lambda _b: progress.update(
                    ingestion.counts.accepted, _tell(stream), ingestion.counts.rejected
                ),
            ) as ingestion:
                lines = interchange.read(stream, captured_at=captured_at)
                for number, value in lines:
                    if isinstance(value, SourceError):
                        ingestion.reject(value.location, value.reason)
                    elif isinstance(value, interchange.Header):
                        if value.complete and not complete:
                            ingestion.complete_listing = True
                            ingestion.run.complete_listing = True
                    else:
                        try:
                            ingestion.add(interchange.resolve_media(value, base))
                        except SourceError as error:
                            ingestion.reject(f"line {number}, {error.location}", error.reason)
                        except OSError as error:  # a media file that cannot be read
                            ingestion.reject(f"line {number}, media", f"cannot be read ({error})")
        except (ChannelBusy, ChannelNotArchived) as refused:
            raise CommandError(str(refused)) from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        progress.update(ingestion.counts.accepted, size, ingestion.counts.rejected, force=True)
        progress.close()
        self._summary(ingestion, target)

    def _summary(self, ingestion: Ingestion, channel: Channel) -> None:
        run, counts = ingestion.run, ingestion.counts
        seconds = run.seconds or 0.0
        self.stdout.write(
            f"Imported into {channel.organisation.slug}/{channel.slug} (run {run.pk}, "
            f"{seconds:.1f} s): {counts.new:,} new, {counts.changed:,} changed, "
            f"{counts.unchanged:,} unchanged, {counts.deleted:,} deleted on the platform, "
            f"{counts.rejected:,} rejected."
        )
        for error in ingestion.errors[:20]:
            self.stdout.write(f"  rejected {error['where']}: {error['reason']}")
        if counts.rejected > 20:
            self.stdout.write(f"  … and {counts.rejected - 20:,} more (see the run's errors).")


def _tell(stream) -> int | None:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return None
