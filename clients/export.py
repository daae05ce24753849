"""Everything held about one client, as plain data for the portal's "Your data" download.

- Only the client's own words: a partner's reflections belong to the partner.
- The therapist's private notes are not part of the client record here (there are none yet).
- A client of several therapists gets everything in one file: the profile they are looking
  at on top, each other therapist's under "other_therapists" (it is all the person's own).
"""

from django.db.models import Prefetch, Q
from django.utils import timezone

from .models import AuditEvent


def _iso(value):
    return value.isoformat() if value else None


def _answers(prompts, answers):
    return [
        {
            "question": prompt["question"],
            "kind": prompt["kind"],
            "answer": answers.get(prompt["key"]),
        }
        for prompt in prompts
    ]


def client_export(client, others=()):
    return {
        "exported_at": _iso(timezone.now()),
        **_profile_data(client),
        "other_therapists": [_profile_data(other) for other in others],
    }


def _profile_data(client):
    from homework.models import Assignment, Reflection

    couple = client.couple
    mine = Q(client=client) | Q(couple=couple) if couple else Q(client=client)
    assignments = (
        Assignment.objects.filter(mine)
        .select_related("practice")
        .prefetch_related(
            Prefetch(
                "reflections",
                queryset=Reflection.objects.filter(client=client).order_by("week"),
                to_attr="own_reflections",
            )
        )
        .order_by("start_date", "pk")
    )
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
        "assignments": [
            {
                "practice": assignment.practice.title,
                "for": "couple" if assignment.couple_id else "you",
                "start_date": _iso(assignment.start_date),
                "weeks": assignment.weeks,
                "status": assignment.status,
                "note": assignment.note,
                "prompts": [
                    {"question": p["question"], "kind": p["kind"], "help_text": p.get("help_text")}
                    for p in assignment.prompts
                ],
                "reflections": [
                    {
                        "week": reflection.week,
                        "status": reflection.status,
                        "created_at": _iso(reflection.created_at),
                        "updated_at": _iso(reflection.updated_at),
                        "submitted_at": _iso(reflection.submitted_at),
                        "answers": _answers(assignment.prompts, reflection.answers),
                    }
                    for reflection in assignment.own_reflections
                ],
            }
            for assignment in assignments
        ],
        "sign_ins": [
            {
                "what": event.get_action_display(),
                "at": _iso(event.created_at),
                "address": event.ip_address,
            }
            for event in sign_ins
        ],
    }
