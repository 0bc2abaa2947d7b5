"""torget verify [--channel SLUG]: recompute every version hash, compare every record with its
latest version and chain event, walk every hash chain and the audit log's, check the files on
disk, and hold the chains to their sealed heads (docs/integrity.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from torget.archive import seals as seal_keys
from torget.archive.integrity import (
    database_seal_lines,
    seal_lines,
    seal_log_problems,
    sealed_heads,
    verify_audit,
    verify_channel,
)
from torget.archive.models import IntegrityEntry, Seal
from torget.channels.models import Channel

from ._common import channel_for


class Command(BaseCommand):
    help = "Check that no archived record, version, chain entry, file or audit event was changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--channel", help="only this channel (short name)")
        parser.add_argument("--organisation", help="the organisation's short name, if needed")
        parser.add_argument(
            "--seals", type=Path, help="a seal log to hold the chains to (default: the data dir's)"
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            action="append",
            help="trust only seals signed by this public key (PEM; may be given more than once)",
        )
        parser.add_argument(
            "--tsa-ca", type=Path, help="the time-stamping authority's CA certificate (PEM)"
        )

    def handle(
        self,
        *args,
        channel: str | None,
        organisation: str | None,
        seals: Path | None,
        public_key: list[Path] | None,
        tsa_ca: Path | None,
        **options,
    ) -> None:
        if channel:
            channels = [channel_for(channel, organisation)]
        else:
            channels = Channel.objects.select_related("organisation").order_by("pk")
            if organisation:
                channels = channels.filter(organisation__slug=organisation)
        cache_size = None
        if connection.vendor == "sqlite":
            # Verify reads each page once: a small page cache keeps its memory flat.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                cache_size = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size=-8192")
        try:
            self._verify(channels, channel, organisation, seals, public_key, tsa_ca)
        finally:
            if cache_size is not None:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size={int(cache_size)}")

    def _verify(self, channels, channel, organisation, seals, public_key, tsa_ca) -> None:
        log = seals or seal_keys.log_path()
        try:
            if public_key:
                keys = {}
                for path in public_key:
                    key = seal_keys.load_public_key(path.read_bytes())
                    keys[seal_keys.key_id(key)] = key
            else:
                keys = seal_keys.known_public_keys()
        except (OSError, seal_keys.SealError) as error:
            raise CommandError(f"The seal keys cannot be read: {error}") from None
        notes = []
        if log.exists():
            lines, signatures = seal_lines(log), True
        elif seals is not None:
            raise CommandError(f"There is no seal log at {log}.")
        else:
            # A database without its data directory: hold it to the database's own copies of
            # the seals, checked where their keys are known.
            lines, signatures = database_seal_lines(), bool(keys)
            if Seal.objects.exists():
                notes.append(
                    f"NOTE: the seal log {log} is not there; the chains are held to the "
                    "database's copies of the seals"
                    + ("." if keys else ", whose signatures cannot be checked without a key.")
                )
        sealed, audit_seal, problems_found = sealed_heads(
            lines, keys, tsa_ca=tsa_ca.read_bytes() if tsa_ca else None, signatures=signatures
        )
        problems = 0
        for problem in problems_found:
            problems += 1
            self.stdout.write(f"BROKEN {problem}")
        checked = 0
        for target in channels:
            checked += 1
            for problem in verify_channel(target, seals=sealed):
                problems += 1
                self.stdout.write(f"BROKEN {problem}")
        whole = not channel and not organisation
        if whole:
            for problem in verify_audit(audit_seal):
                problems += 1
                self.stdout.write(f"BROKEN {problem}")
            if seals is None:
                for problem in seal_log_problems(log):
                    problems += 1
                    self.stdout.write(f"BROKEN {problem}")
            known = {c.pk for c in channels}
            for cid in sorted(set(sealed) - known):
                problems += 1
                self.stdout.write(
                    f"BROKEN channel id {cid}: sealed chain head: expected the channel, "
                    f"found no such channel (deleted or rebuilt) [seal_truncated]"
                )
        for note in notes:
            self.stdout.write(note)
        if not sealed and IntegrityEntry.objects.exists():
            self.stdout.write(
                "NOTE: no sealed chain heads yet (run `torget seal`): until then a rewrite of "
                "the whole database would not be noticed."
            )
        if problems:
            raise CommandError(f"{problems} problem(s) found in {checked} channel(s).")
        self.stdout.write(f"OK: {checked} channel(s) verified, no problems.")
