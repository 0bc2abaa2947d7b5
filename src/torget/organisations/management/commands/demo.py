"""torget demo: load the demo organisation, Exempla kommun."""

from django.core.management.base import BaseCommand, CommandError

from torget.demo import demo_exists, demo_load, demo_logins


class Command(BaseCommand):
    help = "Create the demo organisation Exempla kommun with people in every role and channels."

    def handle(self, *args, **options) -> None:
        if demo_exists():
            raise CommandError("The demo organisation Exempla kommun is already loaded.")
        demo_load()
        self.stdout.write(self.style.SUCCESS("Loaded the demo organisation Exempla kommun."))
        print_logins(self.stdout)


def print_logins(out) -> None:
    out.write("Demo logins (user name / password: role):")
    for username, password, roles in demo_logins():
        out.write(f"  {username:<14} / {password}: {roles}")
