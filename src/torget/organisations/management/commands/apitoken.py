"""torget apitoken USERNAME --name NAME: make a personal API token and print it once."""

from django.core.management.base import BaseCommand, CommandError

from torget.organisations.models import Person
from torget.organisations.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a person; it is shown once and stored only hashed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="API")

    def handle(self, *args, username: str, name: str, **options) -> None:
        person = Person.objects.filter(user__username=username).first()
        if person is None:
            raise CommandError(f"No person with the user name {username!r}.")
        _token, secret = api_token_create(person=person, name=name)
        self.stdout.write(secret)
