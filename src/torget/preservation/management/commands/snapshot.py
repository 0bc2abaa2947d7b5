"""torget snapshot --channel SLUG (--period 2025H2 | --from DATE --to DATE) --out DIR [--force]

Writes the channel's snapshot for the period as an e-archive transfer package (E-ARK SIP
2.1.0 / FGS Paketstruktur 2.0 in a BagIt bag, with PDF/A and WARC), validates it, and lists it
for the archivists. `--due` instead creates and builds every snapshot the schedule asks for.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from torget.archive.management.commands._common import Progress, channel_for
from torget.preservation.models import SnapshotReason
from torget.preservation.package import PackageError, Period
from torget.preservation.services import due_snapshots, request_snapshot, take_snapshot


class Command(BaseCommand):
    help = "Take a channel's snapshot for a period as an e-archive transfer package."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--channel", help="the channel's short name")
        parser.add_argument("--organisation", help="the organisation's short name, if needed")
        parser.add_argument("--period", help="a half year, such as 2025H2")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (included)")
        parser.add_argument("--out", help="the folder to write (must not exist)")
        parser.add_argument("--force", action="store_true", help="replace an earlier snapshot")
        parser.add_argument("--workers", type=int, default=2, help="processes for the PDF/A")
        parser.add_argument(
            "--no-check", action="store_true", help="skip validation (not for deposits)"
        )
        parser.add_argument(
            "--due", action="store_true", help="take every snapshot the schedule asks for"
        )

    def handle(self, *args, **options) -> None:
        if options["due"]:
            self._due(options)
            return
        if not options["channel"]:
            raise CommandError("Name the channel: --channel SLUG (or use --due).")
        channel = channel_for(options["channel"], options["organisation"])
        try:
            period = self._period(options)
        except PackageError as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"]) if options["out"] else None
        if out is not None and out.exists() and not options["force"]:
            raise CommandError(
                f"The folder {out} already exists. Choose another folder, or add --force to "
                "replace it."
            )
        snapshot = request_snapshot(
            person=None, channel=channel, period=period, reason=SnapshotReason.MANUAL
        )
        self._take(snapshot, out, options)

    def _period(self, options) -> Period:
        if options["period"]:
            if options["start"] or options["end"]:
                raise PackageError("Give either --period or --from and --to, not both.")
            return Period.parse(options["period"])
        if not (options["start"] and options["end"]):
            raise PackageError("Give the period: --period 2025H2, or --from DATE --to DATE.")
        return Period.of(options["start"], options["end"])

    def _take(self, snapshot, out, options) -> None:
        bars = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = Progress(total, f"{stage:>8}", stream=sys.stderr, unit_bytes=False)
            bars[stage].update(done, done, 0, force=done >= total)

        self.stdout.write(
            f"Snapshot of {snapshot.channel.slug}, {snapshot.period_start} – {snapshot.period_end}"
        )
        try:
            snapshot = take_snapshot(
                snapshot,
                out=out,
                force=options["force"],
                workers=options["workers"],
                progress=progress,
                check=not options["no_check"],
            )
        except PackageError as error:
            raise CommandError(str(error)) from None
        finally:
            for bar in bars.values():
                bar.close()
        self.stdout.write(
            f"Written: {snapshot.path}\n  OBJID {snapshot.objid}\n"
            f"  {snapshot.record_count:,} records, {snapshot.version_count:,} versions, "
            f"{snapshot.pdf_pages:,} PDF pages, {snapshot.file_count:,} files, "
            f"{snapshot.size_bytes / 1e6:,.1f} MB"
        )
        for check in snapshot.validation:
            mark = "OK  " if check["ok"] else "FAIL"
            self.stdout.write(
                f"  {mark} {check['check']}: {len(check['errors'])} error(s), "
                f"{len(check['warnings'])} warning(s), {check['seconds']} s"
            )
            for error in check["errors"][:20]:
                self.stdout.write(f"       {error}")
        if snapshot.status != "valid" and snapshot.validation:
            raise CommandError("The package was written but is NOT valid: see above.")

    def _due(self, options) -> None:
        created = due_snapshots()
        self.stdout.write(f"{len(created)} snapshot(s) due.")
        for snapshot in created:
            self._take(snapshot, None, {**options, "force": True})
