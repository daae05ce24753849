"""What homework adds to clients through hooks and signals: the export, the portal, a move."""

import datetime
import json

import pytest
from django.urls import reverse

from homework.models import Assignment, SessionSummary
from practice_site.builders import make_assignment, make_practice, make_summary

pytestmark = pytest.mark.django_db


def test_a_moved_client_takes_their_homework_and_summaries_to_the_new_therapist(
    therapist, other_therapist, client_profile, outsider
):
    mine = make_assignment(make_practice(), client=client_profile)
    theirs = make_assignment(make_practice(title="Breathing"), client=outsider)
    summary = make_summary(
        client=client_profile, since=datetime.date(2026, 3, 2), until=datetime.date(2026, 3, 8)
    )

    client_profile.therapist = other_therapist
    client_profile.save()

    assert Assignment.objects.get(pk=mine.pk).therapist == other_therapist
    assert SessionSummary.objects.get(pk=summary.pk).therapist == other_therapist
    assert Assignment.objects.get(pk=theirs.pk).therapist == other_therapist  # was already hers
    assert not Assignment.objects.filter(therapist=therapist).exists()


def test_a_client_who_stays_keeps_their_homework_with_their_therapist(therapist, client_profile):
    mine = make_assignment(make_practice(), client=client_profile)

    client_profile.full_name = "Jordan Lee-Smith"
    client_profile.save()

    assert Assignment.objects.get(pk=mine.pk).therapist == therapist


def test_the_export_keeps_its_sections_in_order(portal_client, client_profile):
    make_assignment(make_practice(), client=client_profile)

    data = json.loads(portal_client.post(reverse("portal:data")).content)

    assert list(data) == [
        "exported_at",
        "profile",
        "therapist",
        "couple",
        "assignments",
        "sign_ins",
        "other_therapists",
    ]


def test_the_portal_navigation_links_to_past_reflections_after_home(portal_client):
    content = portal_client.get(reverse("portal:dashboard")).content.decode()

    history = f'href="{reverse("homework:history")}"'
    assert history in content
    dashboard = f'href="{reverse("portal:dashboard")}"'
    assert content.index(dashboard) < content.index(history) < content.index("/portal/profile/")


def test_past_reflections_is_the_current_link_on_its_page(portal_client):
    content = portal_client.get(reverse("homework:history")).content.decode()

    assert f'href="{reverse("homework:history")}" aria-current="page"' in content
