"""System checks for security settings an operator can get wrong."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def therapist_two_factor(app_configs, **kwargs):
    if settings.DEBUG or settings.THERAPIST_2FA_REQUIRED:
        return []
    return [
        Warning(
            "Two-step sign-in for therapists is off.",
            hint="Set THERAPIST_2FA_REQUIRED=true (the production default) so a stolen "
            "password alone cannot open clients' records.",
            id="clients.W001",
        )
    ]


@register(Tags.security, deploy=True)
def idle_timeouts(app_configs, **kwargs):
    if settings.THERAPIST_IDLE_TIMEOUT <= settings.SESSION_MAX_AGE_ABSOLUTE:
        return []
    return [
        Warning(
            "THERAPIST_IDLE_TIMEOUT is longer than SESSION_MAX_AGE_ABSOLUTE.",
            hint="Sessions end at the absolute lifetime anyway; make the idle timeout shorter.",
            id="clients.W002",
        )
    ]
