"""torget import --channel SLUG PATH: import a platform export, saved API pages, or a Torget
interchange file (JSON Lines) into a channel's archive.

PATH may be a zip (as the platform hands it out), a folder (the zip unpacked) or one file.
The command says what it found ("X archive of @exempla, 4,212 posts, ..."), refuses an
export of another account unless confirmed or --force, shows progress, and ends with a
summary of what was new, changed, unchanged and rejected.

Exit status: 0 when everything read was imported; 0 with a "Warning:" line on standard error
when some items were rejected and the rest imported; 1 (an error) when nothing could be
imported because every item was rejected, or the export was refused.
"""

import sys
from pathlib import Path

import orjson
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from torget.channels.models import Channel, Platform
from torget.ingest.pipeline import ChannelBusy, ChannelNotArchived, Ingestion
from torget.sources import interchange
from torget.sources.base import SourceError, SourceNotice
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
        "pages, or a Torget interchange file (JSON Lines). Exit status: 0 when everything "
        "was imported; 0 with a 'Warning:' line on standard error when some items were "
        "rejected; 1 when every item was rejected or the export was refused."
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
        format_name = options["format_name"]
        # An explicit --format always wins; without it, the content decides (a .jsonl file may
        # be Torget's interchange format or API pages a harvester saved one per line).
        interchange_file = _is_interchange(path) if format_name is None else None
        if format_name == "interchange" or interchange_file is True:
            self._interchange(target, path, options["complete"], options["batch_size"])
            return
        try:
            bundle = open_bundle(path)
        except BundleError as error:
            raise CommandError(str(error)) from None
        with bundle:
            if interchange_file is None and format_name is None and detect(bundle) is None:
                # JSON Lines that no platform reader knows: read as interchange, which says
                # line by line what is wrong.
                bundle.close()
                self._interchange(target, path, options["complete"], options["batch_size"])
                return
            reader, found = self._recognise(bundle, target, format_name)
            self.stdout.write(f"Found: {found.summary()}.")
            self._check_account(found, target, options["force"])
            own = frozenset(filter(None, {normalise_account(target.address), *_identifiers(found)}))
            context = ReadContext(
                captured_at=timezone.now(),
                own=own,
                account=normalise_account(target.address),
                account_name=target.name,
            )
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
                raise CommandError(
                    f"{bundle.label} is not {reader.described()}. The format "
                    f"{reader.name} reads {reader.expects}. Check the file, or leave out "
                    "--format to let Torget recognise it."
                )
        else:
            match = detect(bundle, channel.platform)
            if match is None:
                elsewhere = detect(bundle)
                if elsewhere is not None:
                    reader, found = elsewhere
                    raise CommandError(
                        f"{bundle.label} is {reader.described()} ({found.summary()}), but "
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
                f"{reader.described()[0].upper()}{reader.described()[1:]} cannot go into "
                f"{channel.slug}, a channel on "
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
        notices: list[dict] = []
        progress = Progress(size if by_bytes else total, f"{channel.slug}:", unit_bytes=by_bytes)

        def advance(_batch=None, force=False, finished=False):
            counts = ingestion.counts
            if by_bytes:
                done = _tell(stream)
            else:  # every item handled counts, imported or rejected; the end is 100 %
                done = progress.total if finished else counts.accepted + counts.rejected
            progress.update(counts.accepted, done, counts.rejected, force=force)

        try:
            with Ingestion(
                channel=channel,
                source=source,
                complete_listing=complete,
                batch_size=batch_size,
                on_batch=advance,
            ) as ingestion:
                for value in _guarded(items):
                    if isinstance(value, SourceNotice):  # the item itself was imported
                        notices.append({"where": value.location, "reason": value.reason})
                        if len(ingestion.errors) < 10_000:
                            ingestion.errors.append(notices[-1])
                        continue
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
        advance(force=True, finished=True)
        progress.close()
        self._summary(ingestion, channel, notices)
        self._verdict(ingestion)

    def _verdict(self, ingestion: Ingestion) -> None:
        """The exit status a script can test: an error when every item was rejected, a
        warning line (status 0) when only some were."""
        counts = ingestion.counts
        if not counts.rejected:
            return
        if not counts.accepted:
            items = "item was" if counts.rejected == 1 else f"{counts.rejected:,} items were"
            raise CommandError(
                f"Nothing was imported: {'the only' if counts.rejected == 1 else 'all'} "
                f"{items} rejected. Correct the export as the lines above say, or check "
                "that --format names its format, and import it again."
            )
        self.stderr.write(
            f"Warning: {counts.rejected:,} of {counts.accepted + counts.rejected:,} items "
            "were rejected; the rest were imported. The lines above say what to correct."
        )

    def _summary(self, ingestion: Ingestion, channel: Channel, notices: list[dict]) -> None:
        run, counts = ingestion.run, ingestion.counts
        seconds = run.seconds or 0.0
        self.stdout.write(
            f"Imported into {channel.organisation.slug}/{channel.slug} (run {run.pk}, "
            f"{seconds:.1f} s): {counts.new:,} new, {counts.changed:,} changed, "
            f"{counts.unchanged:,} unchanged, {counts.deleted:,} deleted on the platform, "
            f"{counts.rejected:,} rejected."
        )
        noted = {id(n) for n in notices}
        for error in [e for e in ingestion.errors if id(e) not in noted][:20]:
            self.stdout.write(f"  rejected {error['where']}: {error['reason']}")
        for notice in notices[:20]:
            self.stdout.write(f"  note, {notice['where']}: {notice['reason']}")
        if len(notices) > 20:
            self.stdout.write(f"  … and {len(notices) - 20:,} more notes (see the run's errors).")
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


def _is_interchange(path: str) -> bool | None:
    """True for standard input and for a file whose first line is an interchange line (it has
    `"v": 1` or is the header); None for other JSON Lines (a platform reader may know them,
    or else the interchange reader says what is wrong); False for anything else."""
    if path == "-":
        return True
    file = Path(path)
    if not file.is_file():
        return False
    try:
        with file.open("rb") as probe:
            head = probe.read(64 * 1024)
    except OSError:
        return False
    lines = [line.strip() for line in head.lstrip(b"\xef\xbb\xbf").split(b"\n")]
    first = next((line for line in lines if line), b"")
    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        obj = None
    if isinstance(obj, dict) and (obj.get("torget") == "capture" or obj.get("v") == 1):
        return True
    if obj is None and first.startswith(b"{") and b'"v":1' in first.replace(b" ", b""):
        return True  # an interchange line cut short or damaged: its reader says so
    return None if path.lower().endswith(INTERCHANGE_SUFFIXES) else False


def _tell(stream) -> int | None:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return None
