"""System checks for what an operator can get wrong about session summaries."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility)
def check_queue_retry_exceeds_timeout(app_configs, **kwargs):
    """homework.E001: a retry shorter than the timeout hands a slow render to a second worker."""
    cluster = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    if timeout is None or retry is None or retry > timeout:
        return []
    return [
        Error(
            f"The task queue's retry ({retry} s) is not longer than its timeout ({timeout} s).",
            hint="Set TASK_RETRY above TASK_TIMEOUT, e.g. TASK_RETRY = 2 x TASK_TIMEOUT + 30, "
            "or unset TASK_RETRY to get that default.",
            id="homework.E001",
        )
    ]


def _load_weasyprint():
    import weasyprint  # noqa: F401 (loading it loads Pango, HarfBuzz and fontconfig)


@register(Tags.compatibility)
def check_weasyprint_libraries(app_configs, **kwargs):
    """homework.W001: without Pango, every session summary would fail to render."""
    try:
        _load_weasyprint()
    except OSError as error:
        return [
            Warning(
                f"WeasyPrint cannot load its system libraries ({error.__class__.__name__}), "
                "so session summaries cannot be made.",
                hint="On Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                "fonts-dejavu-core. See the README's section on PDFs.",
                id="homework.W001",
            )
        ]
    return []
