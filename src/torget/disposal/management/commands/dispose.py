"""torget dispose: plan a disposal (a dry run), execute an approved one, purge what is due.

torget dispose --plan --as USERNAME [--rule ID ...]   print the dry-run report
torget dispose --execute RUN                          dispose of an approved run
torget dispose --purge                                delete for good what is past undo
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from torget.disposal import selectors, services
from torget.disposal.models import DisposalRule, DisposalRun, RecordClass
from torget.organisations.models import Person


class Command(BaseCommand):
    help = "Plan (dry run), execute or purge disposal (gallring) under the disposal rules."

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--plan", action="store_true", help="make a dry run and print it")
        action.add_argument("--execute", type=int, metavar="RUN", help="execute an approved run")
        action.add_argument("--purge", action="store_true", help="purge runs past their undo")
        parser.add_argument("--rule", type=int, action="append", help="only this rule (repeat)")
        parser.add_argument("--as", dest="username", help="the archivist planning (username)")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)

    def handle(self, *args, plan, execute, purge, rule, username, batch_size, **options) -> None:
        translation.activate("en")
        try:
            if plan:
                self._plan(username, rule)
            elif execute is not None:
                self._execute(execute, batch_size)
            else:
                purged = services.purge_due(batch_size=batch_size)
                self.stdout.write(f"Purged for good: {purged} disposed record(s) or file(s).")
        except services.DisposalRefused as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error) or "Not allowed.") from None

    def _plan(self, username: str | None, rule_ids: list[int] | None) -> None:
        if not username:
            raise CommandError("Say who plans the disposal: --as USERNAME (an archivist).")
        person = Person.objects.select_related("organisation").filter(user__username=username)
        person = person.first()
        if person is None:
            raise CommandError(f"No person with the username {username!r}.")
        rules = None
        if rule_ids:
            rules = list(
                DisposalRule.objects.filter(organisation_id=person.organisation_id, pk__in=rule_ids)
            )
            missing = sorted(set(rule_ids) - {r.pk for r in rules})
            if missing:
                raise CommandError(f"No rule {', '.join(map(str, missing))} in your organisation.")
        run = services.run_plan(person=person, rules=rules)
        self._report(run)

    def _report(self, run: DisposalRun) -> None:
        report = run.report
        self.stdout.write(f"Dry run {run.pk} for {run.organisation.name} ({report['planned_at']})")
        for rule in report["rules"]:
            where = rule["channel"] or "all channels"
            self.stdout.write(
                f"  rule {rule['id']}: {RecordClass(rule['record_class']).label}, {where}, "
                f"{rule['keep_years']} years, {rule['decision_reference']} "
                f"({rule['decision_date']})"
            )
        self.stdout.write(f"{'channel':30} {'class':12} {'dispose':>8} {'held':>6} {'kept':>6}")
        for row in report["rows"]:
            self.stdout.write(
                f"{row['channel_name'][:30]:30} {row['record_class']:12} {row['count']:>8} "
                f"{row['held']:>6} {row['excluded']:>6}"
            )
        for held in report["held"]:
            self.stdout.write(f"Held back by {held['label']}: {held['count']}")
        for name, count in report["excluded"].items():
            self.stdout.write(f"Kept ({selectors.EXCLUSIONS.get(name, name)}): {count}")
        self.stdout.write(
            f"Total to dispose: {report['total']}. Nothing is disposed until an archivist "
            f"approves run {run.pk}."
        )

    def _execute(self, run_id: int, batch_size: int) -> None:
        if not DisposalRun.objects.filter(pk=run_id).exists():
            raise CommandError(f"No disposal run {run_id}.")
        run = services.run_execute(run_id=run_id, batch_size=batch_size)
        self.stdout.write(
            f"Run {run.pk}: {run.done} disposed, {run.held_back} held back, {run.skipped} kept; "
            f"status {run.get_status_display().lower()}"
            + (
                f", undo possible until {run.undo_until:%Y-%m-%d %H:%M} UTC."
                if run.undo_until
                else "."
            )
        )
