from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Only a home for the site-wide `seed_demo` command: no models, templates or files."""

    name = "practice_site.demo"
    label = "demo"
    verbose_name = "Demo content"
