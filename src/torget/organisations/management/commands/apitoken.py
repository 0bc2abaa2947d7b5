"""torget apitoken: make a personal API token and print it once (USERNAME --name NAME), list a
person's tokens (USERNAME --list), or revoke one (--revoke PREFIX); revocation is audited."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from torget.organisations.models import ApiToken, Person
from torget.organisations.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "Create a personal API token for a person (shown once, stored only hashed), list a "
        "person's tokens with --list, or revoke a token for good with --revoke PREFIX (the "
        "part after tg_ and before the next _, as --list shows it)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="API")
        parser.add_argument("--list", action="store_true", help="list the person's tokens")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with PREFIX")

    def handle(self, *args, username: str | None, name: str, list: bool, revoke: str | None, **o):
        if revoke is not None:
            self._revoke(revoke.removeprefix("tg_").split("_", 1)[0], username)
            return
        if not username:
            raise CommandError("Give a user name (or --revoke PREFIX).")
        person = Person.objects.filter(user__username=username).first()
        if person is None:
            raise CommandError(f"No person with the user name {username!r}.")
        if list:
            for token in ApiToken.objects.filter(person=person).order_by("created_at", "id"):
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                state = (
                    f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
                )
                self.stdout.write(
                    f"{token.prefix}\t{token.name}\tcreated {token.created_at:%Y-%m-%d %H:%M}"
                    f"\tlast used {used}\t{state}"
                )
            return
        _token, secret = api_token_create(person=person, name=name)
        self.stdout.write(secret)

    def _revoke(self, prefix: str, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("person").filter(prefix=prefix)
        if username:
            tokens = tokens.filter(person__user__username=username)
        token = tokens.first()
        if token is None:
            raise CommandError(f"No API token begins with {prefix!r}.")
        try:
            with translation.override("en"):
                api_token_revoke(actor=None, token=token, note="torget apitoken --revoke")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Revoked {token.prefix} ({token.name}) of {token.person.name}.")
