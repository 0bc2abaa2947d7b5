"""torget import --channel SLUG PATH: import a platform export, saved API pages, or a Torget
interchange file (JSON Lines) into a channel's archive.

PATH may be a zip (as the platform hands it out), a folder (the zip unpacked) or one file.
The command says what it found ("X archive of @exempla, 4,212 posts, ..."), refuses an
export of another account unless confirmed or --force, shows progress, and ends with a
summary of what was new, changed, unchanged and rejected.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from torget.channels.models import Channel, Platform
from torget.ingest.pipeline import ChannelBusy, ChannelNotArchived, Ingestion
from torget.sources import interchange
from torget.sources.base import SourceError
from torget.sources.bundle import Bundle, BundleError, open_bundle
from torget.sources.formats import (
    Found,
    ReadContext,
    detect,
    normalise_account,
    reader_named,
    readers,
)

from ._common import Progress, channel_for

INTERCHANGE_SUFFIXES = (".jsonl", ".ndjson")


class Command(BaseCommand):
    help = (
        "Import into a channel's archive: a platform's export (zip or folder), saved API "
        "pages, or a Torget interchange file (JSON Lines)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            help="the export: a zip, a folder or a file ('-' reads interchange JSON "
            "Lines from standard input)",
        )
        parser.add_argument("--channel", required=True, help="the channel's short name (slug)")
        parser.add_argument("--organisation", help="the organisation's short name, if needed")
        parser.add_argument(
            "--format",
            dest="format_name",
            choices=["interchange", *sorted(r.name for r in readers())],
            help="the export's format, when detection should not decide",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import even when the export belongs to another account than the channel",
        )
        parser.add_argument(
            "--complete",
            action="store_true",
            help="the export lists everything on the channel: what is missing "
            "from it is marked deleted on the platform",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, path: str, channel: str, organisation: str | None, **options):
        target = channel_for(channel, organisation)
        if options["format_name"] == "interchange" or _is_interchange(path):
            self._interchange(target, path, options["complete"], options["batch_size"])
            return
        try:
            bundle = open_bundle(path)
        except BundleError as error:
            raise CommandError(str(error)) from None
        with bundle:
            reader, found = self._recognise(bundle, target, options["format_name"])
            self.stdout.write(f"Found: {found.summary()}.")
            self._check_account(found, target, options["force"])
            own = frozenset(filter(None, {normalise_account(target.address), *_identifiers(found)}))
            context = ReadContext(captured_at=timezone.now(), own=own)
            self._ingest(
                target,
                source=f"{reader.name}:{Path(path).name}",
                items=reader.read(bundle, found, context),
                total=found.total,
                complete=options["complete"],
                batch_size=options["batch_size"],
            )

    # Recognising the export.

    def _recognise(self, bundle: Bundle, channel: Channel, format_name: str | None):
        if format_name:
            reader = reader_named(format_name)
            try:
                found = reader.detect(bundle)
            except (OSError, ValueError, KeyError) as error:
                raise CommandError(f"{bundle.label} cannot be read: {error}") from None
            if found is None:
                raise CommandError(f"{bundle.label} is not a {reader.label}.")
        else:
            match = detect(bundle, channel.platform)
            if match is None:
                elsewhere = detect(bundle)
                if elsewhere is not None:
                    reader, found = elsewhere
                    raise CommandError(
                        f"{bundle.label} is a {reader.label} ({found.summary()}), but "
                        f"{channel.slug} is a channel on {Platform(channel.platform).label}."
                    )
                raise CommandError(
                    f"Torget does not recognise {bundle.label} as an export or saved API "
                    f"pages of {Platform(channel.platform).label}. The formats it knows are "
                    "listed in docs/platforms/."
                )
            reader, found = match
        if reader.platform != channel.platform:
            raise CommandError(
                f"A {reader.label} cannot go into {channel.slug}, a channel on "
                f"{Platform(channel.platform).label}."
            )
        return reader, found

    def _check_account(self, found: Found, channel: Channel, force: bool) -> None:
        theirs = set(filter(None, _identifiers(found)))
        ours = normalise_account(channel.address)
        if not theirs or not ours or ours in theirs:
            return
        if ours.startswith("did:") != any(i.startswith("did:") for i in theirs):
            # A Bluesky repository names its account by DID only; a handle cannot be
            # compared with it without asking the network.
            self.stderr.write(
                f"The export names its account as {found.account or sorted(theirs)[0]}; "
                f"Torget cannot compare that with {channel.address}, so it trusts the choice "
                "of channel."
            )
            return
        message = (
            f"This export belongs to {found.account or sorted(theirs)[0]}, but the channel "
            f"{channel.slug} is {channel.address}."
        )
        if force:
            self.stderr.write(f"{message} Importing it anyway (--force).")
            return
        if sys.stdin.isatty() and sys.stdout.isatty():
            answer = input(f"{message} Import it into this channel anyway? [y/N] ")
            if answer.strip().lower() in {"y", "yes", "j", "ja"}:
                return
            raise CommandError("Nothing was imported.")
        raise CommandError(f"{message} Nothing was imported; use --force to import it anyway.")

    # Feeding the pipeline.

    def _interchange(self, channel: Channel, path: str, complete: bool, batch_size: int):
        if path == "-":
            # Standard input has no folder: its lines may name no local media at all.
            stream, size, base = sys.stdin.buffer, None, None
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                stream, size, base = file.open("rb"), file.stat().st_size, file.parent
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        header_complete = []

        def items():
            for number, value in interchange.read(stream, captured_at=timezone.now()):
                if isinstance(value, interchange.Header):
                    if value.complete:
                        header_complete.append(True)
                    continue
                if isinstance(value, SourceError):
                    yield value
                    continue
                try:
                    yield interchange.resolve_media(value, base)
                except SourceError as error:
                    yield SourceError(f"line {number}, {error.location}", error.reason)

        try:
            self._ingest(
                channel,
                source=f"interchange:{Path(path).name}",
                items=items(),
                total=None,
                size=size,
                stream=stream,
                complete=complete,
                batch_size=batch_size,
                complete_from_header=header_complete,
            )
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    def _ingest(
        self,
        channel: Channel,
        *,
        source: str,
        items,
        total: int | None,
        complete: bool,
        batch_size: int,
        size: int | None = None,
        stream=None,
        complete_from_header: list | None = None,
    ) -> None:
        by_bytes = size is not None
        progress = Progress(size if by_bytes else total, f"{channel.slug}:", unit_bytes=by_bytes)

        def advance(_batch=None, force=False):
            done = _tell(stream) if by_bytes else ingestion.counts.accepted
            progress.update(ingestion.counts.accepted, done, ingestion.counts.rejected, force=force)

        try:
            with Ingestion(
                channel=channel,
                source=source,
                complete_listing=complete,
                batch_size=batch_size,
                on_batch=advance,
            ) as ingestion:
                for value in _guarded(items):
                    if isinstance(value, SourceError):
                        ingestion.reject(value.location, value.reason)
                        continue
                    try:
                        ingestion.add(value)
                    except OSError as error:  # a media file that cannot be read
                        ingestion.reject(
                            f"item {value.platform_id}, media", f"cannot be read ({error})"
                        )
                    if complete_from_header and not ingestion.complete_listing:
                        ingestion.complete_listing = True
                        ingestion.run.complete_listing = True
        except (ChannelBusy, ChannelNotArchived) as refused:
            raise CommandError(str(refused)) from None
        advance(force=True)
        progress.close()
        self._summary(ingestion, channel)

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


def _guarded(items):
    """The reader's items; a file that breaks off mid-way (a damaged zip member, a disk
    error) ends the reading with one rejection saying so, and what came before is kept."""
    iterator = iter(items)
    while True:
        try:
            value = next(iterator)
        except StopIteration:
            return
        except (OSError, ValueError) as error:
            yield SourceError("export", f"reading stopped: {error}")
            return
        yield value


def _identifiers(found: Found) -> set[str]:
    return {normalise_account(i) for i in {found.account, *found.account_ids} if i}


def _is_interchange(path: str) -> bool:
    if path == "-" or path.lower().endswith(INTERCHANGE_SUFFIXES):
        return True
    file = Path(path)
    if not file.is_file():
        return False
    try:
        with file.open("rb") as probe:
            head = probe.read(4096).lstrip()
    except OSError:
        return False
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"{") and (b'"v":1' in first.replace(b" ", b""))


def _tell(stream) -> int | None:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return None
