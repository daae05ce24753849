"""Everything held about one client, as plain data for the portal's "Your data" download.

- Other apps add what they keep of the client through the `client_export_sections` hook
  (fn(client) -> dict of sections, placed after the profile and couple); each gives only the
  client's own words.
- The therapist's private notes are not part of the client record here (there are none yet).
- A client of several therapists gets everything in one file: the profile they are looking
  at on top, each other therapist's under "other_therapists" (it is all the person's own).
"""

from django.utils import timezone
from wagtail import hooks

from .models import AuditEvent


def _iso(value):
    return value.isoformat() if value else None


def client_export(client, others=()):
    return {
        "exported_at": _iso(timezone.now()),
        **_profile_data(client),
        "other_therapists": [_profile_data(other) for other in others],
    }


def _sections_from_other_apps(client):
    """What other apps keep of this client (hook `client_export_sections`: fn(client) -> dict)."""
    sections = {}
    for fn in hooks.get_hooks("client_export_sections"):
        sections.update(fn(client) or {})
    return sections


def _profile_data(client):
    couple = client.couple
    sign_ins = AuditEvent.objects.filter(
        client=client,
        action__in=[AuditEvent.Action.SIGN_IN, AuditEvent.Action.SIGN_OUT],
    ).order_by("created_at")
    return {
        "profile": {
            "full_name": client.full_name,
            "preferred_name": client.preferred_name,
            "email": client.email,
            "timezone": client.timezone,
            "archived": client.archived,
            "invited_at": _iso(client.invited_at),
            "created_at": _iso(client.created_at),
        },
        "therapist": client.therapist.get_full_name() or client.therapist.email,
        "couple": (
            {"partner": couple.partner_of(client).full_name, "created_at": _iso(couple.created_at)}
            if couple
            else None
        ),
        **_sections_from_other_apps(client),
        "sign_ins": [
            {
                "what": event.get_action_display(),
                "at": _iso(event.created_at),
                "address": event.ip_address,
            }
            for event in sign_ins
        ],
    }
