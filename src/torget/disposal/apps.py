"""Disposal (gallring): rules citing disposal decisions, legal holds, dry runs, approved runs
in batches, tombstones, and an undo window before anything is gone for good."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisposalConfig(AppConfig):
    name = "torget.disposal"
    label = "disposal"
    verbose_name = _("Disposal")

    def ready(self) -> None:
        from torget.archive import integrity

        from .selectors import disposed_evidence, tombstoned_hashes

        if tombstoned_hashes not in integrity.TOMBSTONES:
            integrity.TOMBSTONES.append(tombstoned_hashes)
        if disposed_evidence not in integrity.DISPOSED_EVIDENCE:
            integrity.DISPOSED_EVIDENCE.append(disposed_evidence)
