"""Supervision: finding personal data and content the law asks the organisation to act on,
the review queue, decisions with evidence, and the supervision passes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "torget.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from torget.archive import integrity
        from torget.ingest import pipeline

        from .services import (
            evidence_files_check,
            evidence_in_chain,
            on_new_versions,
            purged_evidence_media,
        )

        if on_new_versions not in pipeline.version_hooks:
            pipeline.version_hooks.append(on_new_versions)
        if "supervision_finding" not in pipeline.ANALYZED_TABLES:
            pipeline.ANALYZED_TABLES.append("supervision_finding")
        integrity.NON_VERSION_EVENTS["evidence"] = evidence_in_chain
        if purged_evidence_media not in integrity.PURGED_MEDIA:
            integrity.PURGED_MEDIA.append(purged_evidence_media)
        if evidence_files_check not in integrity.CHANNEL_CHECKS:
            integrity.CHANNEL_CHECKS.append(evidence_files_check)
