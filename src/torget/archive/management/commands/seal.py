"""torget seal [--force] [--new-key]: sign every chain head that changed since its last seal
(each channel's and the audit log's) and append the seals to the log on disk."""

from django.core.management.base import BaseCommand, CommandError

from torget.archive import seals


class Command(BaseCommand):
    help = "Seal the chain heads: sign them with the seal key and log them on disk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="seal every head, changed or not")
        parser.add_argument(
            "--new-key", action="store_true", help="make a new seal key first; it signs from now"
        )
        parser.add_argument(
            "--public-key", action="store_true", help="print the signing key's public key (PEM)"
        )

    def handle(self, *args, force: bool, new_key: bool, public_key: bool, **options) -> None:
        try:
            if new_key:
                self.stdout.write(f"New seal key {seals.new_key()}: it signs from now on.")
            if public_key:
                _kid, key = seals.signing_key()
                self.stdout.write(seals.public_pem(key.public_key()).decode(), ending="")
                return
            made = seals.seal_heads(force=force)
        except seals.SealError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sealed {len(made)} chain head(s) in {seals.log_path()}.")
