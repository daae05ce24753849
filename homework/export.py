"""A client's homework, as plain data for the portal's "Your data" download.

- Only the client's own words: a partner's reflections belong to the partner.
- Assignments to the client and to their couple, each with the prompts as they were given.
"""

from django.db.models import Prefetch, Q

from .models import Assignment, Reflection


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


def homework_export(client):
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
    return {
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
    }
