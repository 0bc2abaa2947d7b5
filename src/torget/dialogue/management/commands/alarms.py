"""torget alarms [--every SECONDS]: mail the channel administrators about overdue questions
and about supervision passes missed (fewer than required, or too long a gap); purge the
disposal runs whose undo window has closed; schedule the half-yearly and closing snapshots
(the background worker builds them); seal every chain head that moved (docs/integrity.md).

Run once from cron, or with --every as a long-running clock; `torget run` starts it with
--every 300 beside the web server and the worker. Each question is alarmed once.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from torget.archive.seals import SealError, seal_heads
from torget.dialogue.services import overdue_alarms
from torget.disposal.services import purge_due
from torget.preservation.services import schedule_due
from torget.supervision.services import supervision_alarms


class Command(BaseCommand):
    help = "Send the overdue-question and supervision alarms (once, or every N seconds)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, every: int, **options) -> None:
        while True:
            close_old_connections()
            sent = overdue_alarms()
            raised = supervision_alarms()
            purged = purge_due()
            scheduled = schedule_due()
            try:
                sealed = len(seal_heads())
            except SealError as error:
                sealed = 0
                self.stderr.write(f"The chain heads could not be sealed: {error}")
            if sent or raised or purged or scheduled or sealed or not every:
                self.stdout.write(
                    f"Overdue-question alarms sent: {sent}. Supervision alarms raised: {raised}. "
                    f"Disposed records purged for good: {purged}. "
                    f"Snapshots scheduled: {scheduled}. Chain heads sealed: {sealed}."
                )
            if not every:
                return
            time.sleep(every)
