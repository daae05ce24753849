from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeworkConfig(AppConfig):
    name = "homework"
    verbose_name = "Homework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401 (registers checks, connects receivers)
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
