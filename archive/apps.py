from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the model receivers)
        from .processes import children_die_with_parent

        children_die_with_parent()
