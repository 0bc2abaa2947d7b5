"""torget verify-seal PACKAGE-OR-LOG --public-key KEY.pem [--tsa-ca CA.pem]: check seals
offline, with only the public key and a snapshot package (or a seal log): every seal's
signature and time-stamp, and each sealed head against the chain entries the package holds.
No database is read."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from torget.archive.seals import SealError, check_seal_files


class Command(BaseCommand):
    help = "Check sealed chain heads offline against a public key and a snapshot package."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="a snapshot package folder, or a seal log")
        parser.add_argument("--public-key", type=Path, action="append", required=True)
        parser.add_argument("--tsa-ca", type=Path, help="the time-stamping authority's CA (PEM)")

    def handle(self, *args, path: Path, public_key: list[Path], tsa_ca: Path | None, **options):
        try:
            report = check_seal_files(
                path,
                [p.read_bytes() for p in public_key],
                tsa_ca=tsa_ca.read_bytes() if tsa_ca else None,
            )
        except (OSError, SealError) as error:
            raise CommandError(str(error)) from None
        for line in report.lines:
            self.stdout.write(line)
        if report.problems:
            raise CommandError(f"{report.problems} problem(s) with the seals.")
        self.stdout.write(
            f"OK: {report.seals} seal(s) verified, {report.matched} sealed head(s) found in the "
            f"package's chain."
        )
