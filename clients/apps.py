from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401  (registers checks, connects receivers)
        from .groups import ensure_therapists_group

        # After every app's migrate, not only ours: permissions of apps listed after this
        # one (and Wagtail's) exist only once their own post_migrate has run.
        post_migrate.connect(ensure_therapists_group, dispatch_uid="ensure_therapists_group")
