"""Homework e-mails. None carries health content: no answers, no scores, no flags.

A reminder names the week, its due date and the article to reread, with a link; the
therapist's notices say only how many reflections are waiting, with a link to the admin.
"""

from django.conf import settings
from django.urls import reverse

from clients.emails import send_templated


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_reminder(client, assignment, week):
    article = assignment.practice.source_article
    send_templated(
        "homework_reminder",
        client.email,
        {
            "client": client,
            "week": week,
            "weeks": assignment.weeks,
            "url": _absolute(reverse("homework:reflection", args=[assignment.uuid, week.number])),
            "article_title": article.title if article is not None else "",
            "article_url": _absolute(article.url) if article is not None and article.url else "",
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
