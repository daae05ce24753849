from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .groups import ensure_therapists_group

        post_migrate.connect(ensure_therapists_group, sender=self)
