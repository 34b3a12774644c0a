from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research: frozen result sets"
    default_auto_field = "django.db.models.BigAutoField"
