"""Preservation: semi-annual snapshots of each channel as e-archive transfer packages
(E-ARK SIP 2.1.0 / FGS Paketstruktur 2.0, wrapped in BagIt, with a WARC of the pages)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreservationConfig(AppConfig):
    name = "torget.preservation"
    label = "preservation"
    verbose_name = _("Preservation")
