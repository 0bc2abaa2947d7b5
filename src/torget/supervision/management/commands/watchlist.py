"""torget watchlist USERNAME [--add VALUE [--channel SLUG] [--note TEXT]]: the organisation's
watch list, listed or added to as that person (their role decides what they may do)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from torget.organisations.models import Person
from torget.supervision import services
from torget.supervision.models import WatchEntry


class Command(BaseCommand):
    help = (
        "List the watch list of USERNAME's organisation, or add a term to it as USERNAME: "
        "for one channel with --channel SLUG (an unknown channel is refused), else for all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--add", metavar="VALUE", help="a term, a phrase, or re: and a pattern")
        parser.add_argument("--channel", default="", help="the channel's slug; default all")
        parser.add_argument("--note", default="", help="why it is watched")

    def handle(self, *args, username: str, add: str | None, channel: str, note: str, **options):
        person = (
            Person.objects.select_related("organisation").filter(user__username=username).first()
        )
        if person is None:
            raise CommandError(f"No person with the user name {username!r}.")
        if add is not None:
            try:
                with translation.override("en"):
                    entry = services.watch_add(
                        person=person, value=add, channel_slug=channel, note=note
                    )
            except services.SupervisionRefused as error:
                raise CommandError(" ".join(error.messages)) from None
            except PermissionDenied as error:
                raise CommandError(str(error) or "Not allowed.") from None
            where = entry.channel.slug if entry.channel else "all channels"
            self.stdout.write(f"Added {entry.value!r} ({where}).")
            return
        if channel:
            raise CommandError("--channel only goes with --add.")
        for entry in WatchEntry.objects.filter(organisation=person.organisation).select_related(
            "channel"
        ):
            where = entry.channel.slug if entry.channel else "*"
            self.stdout.write(f"{entry.pk}\t{where}\t{entry.value}\t{entry.note}")
