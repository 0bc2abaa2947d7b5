"""torget reindex: compute every record's search terms again (after a change of how words
are indexed; migration 0005 does it once by itself)."""

from django.core.management.base import BaseCommand

from torget.archive.search import reindex

from ._common import Progress


class Command(BaseCommand):
    help = "Index every archived record for search again. Safe to run at any time, and again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size: int, **options) -> None:
        progress = Progress(None, "reindex", stream=self.stderr, unit_bytes=False)

        def report(done: int, total: int) -> None:
            progress.total = total
            progress.update(done, done, 0)

        done = reindex(batch_size=max(batch_size, 1), progress=report)
        progress.close()
        self.stdout.write(f"Search index rebuilt: {done:,} records.")
