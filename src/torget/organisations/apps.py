from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "torget.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from torget import checks  # noqa: F401  (Torget's deployment checks)

        from . import signals  # noqa: F401  (login audit receivers)
