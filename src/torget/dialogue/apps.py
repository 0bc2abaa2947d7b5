from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "torget.dialogue"
    label = "dialogue"
    verbose_name = _("Dialogue")

    def ready(self) -> None:
        from torget.ingest import pipeline

        from .services import on_new_versions

        if on_new_versions not in pipeline.version_hooks:
            pipeline.version_hooks.append(on_new_versions)
        if "dialogue_question" not in pipeline.ANALYZED_TABLES:
            pipeline.ANALYZED_TABLES.append("dialogue_question")
