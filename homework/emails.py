"""Homework e-mails. None carries health content: no answers, no scores, no flags.

- A reminder names the week, its due date and a link to the portal; never the practice or
  its source article, whose titles can state the therapy topic to anyone who sees the inbox.
- The therapist's notices say only how many reflections are waiting, with a link to the admin.
"""

from django.conf import settings
from django.urls import reverse

from clients.emails import send_templated


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_reminder(client, assignment, week):
    send_templated(
        "homework_reminder",
        client.email,
        {
            "client": client,
            "week": week,
            "weeks": assignment.weeks,
            "url": _absolute(reverse("homework:reflection", args=[assignment.uuid, week.number])),
        },
    )


def send_new_reflections(therapist, count, *, digest):
    send_templated(
        "homework_new_reflections",
        therapist.email,
        {
            "therapist": therapist,
            "count": count,
            "digest": digest,
            "url": _absolute(reverse("wagtailadmin_home")),
            "settings_url": _absolute(reverse("homework_admin:notifications")),
        },
    )
