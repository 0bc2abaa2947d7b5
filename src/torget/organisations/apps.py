from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "torget.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (login audit receivers)
