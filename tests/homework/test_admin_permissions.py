"""The homework pages check the permissions the Therapists group grants (Settings → Groups).

Each permission taken from the group takes its pages away (Wagtail's refusal) and the
links to them;
with it, the same therapist reaches the same pages (positive control).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from clients.models import THERAPISTS_GROUP
from homework.models import SessionSummary

pytestmark = pytest.mark.django_db


def take_from_therapists(codename):
    permission = Permission.objects.get(content_type__app_label="homework", codename=codename)
    Group.objects.get(name=THERAPISTS_GROUP).permissions.remove(permission)


@pytest.fixture
def summary(therapist, client_profile):
    return SessionSummary.objects.create(
        therapist=therapist,
        client=client_profile,
        since="2026-03-01",
        until="2026-03-20",
        status=SessionSummary.Status.READY,
    )


def refused(response):
    """A 403, or Wagtail's own refusal: back to the dashboard, saying why."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


PAGES = [
    ("add_assignment", "get", lambda c, a, s: reverse("homework_admin:assign")),
    (
        "change_assignment",
        "post",
        lambda c, a, s: reverse("homework_admin:assignment_status", args=[a.pk]),
    ),
    (
        "view_reflection",
        "get",
        lambda c, a, s: reverse("homework_admin:client_timeline", args=[c.pk]),
    ),
    ("view_reflection", "get", lambda c, a, s: reverse("homework_admin:adherence")),
    (
        "add_sessionsummary",
        "get",
        lambda c, a, s: reverse("homework_admin:summary_request", args=["client", c.pk]),
    ),
    (
        "view_sessionsummary",
        "get",
        lambda c, a, s: reverse("homework_admin:summary_status", args=[s.uuid]),
    ),
]
IDS = ["assign", "status", "timeline", "this-week", "summary-request", "summary-status"]


@pytest.mark.parametrize(("codename", "method", "url"), PAGES, ids=IDS)
def test_a_page_is_open_with_its_permission(
    therapist_client, client_profile, assignment, summary, codename, method, url
):
    response = getattr(therapist_client, method)(url(client_profile, assignment, summary))

    assert response.status_code in (200, 302)
    assert not refused(response)


@pytest.mark.parametrize(("codename", "method", "url"), PAGES, ids=IDS)
def test_a_page_is_closed_without_its_permission(
    therapist_client, client_profile, assignment, summary, codename, method, url
):
    take_from_therapists(codename)

    response = getattr(therapist_client, method)(url(client_profile, assignment, summary))

    assert refused(response)


LINKS = [
    ("add_assignment", "homework_admin:assign"),
    ("view_reflection", "homework_admin:client_timeline"),
    ("add_sessionsummary", "homework_admin:summary_request"),
]


def link_for(name, client_profile):
    if name == "homework_admin:assign":
        return f"{reverse(name)}?client={client_profile.pk}"
    if name == "homework_admin:summary_request":
        return reverse(name, args=["client", client_profile.pk])
    return reverse(name, args=[client_profile.pk])


@pytest.mark.parametrize(("codename", "name"), LINKS, ids=[n for _, n in LINKS])
def test_the_clients_page_links_to_a_homework_page_only_with_its_permission(
    therapist_client, client_profile, assignment, codename, name
):
    page_url = reverse("clients:detail", args=[client_profile.pk])
    link = link_for(name, client_profile)

    assert link in therapist_client.get(page_url).content.decode()
    take_from_therapists(codename)
    assert link not in therapist_client.get(page_url).content.decode()


def test_the_menu_offers_this_weeks_homework_only_with_the_permission(therapist_client):
    link = reverse("homework_admin:adherence")

    assert link in therapist_client.get(reverse("wagtailadmin_home")).content.decode()
    take_from_therapists("view_reflection")
    assert link not in therapist_client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_practice_page_offers_to_assign_only_with_the_permission(therapist_client, practice):
    page_url = reverse("wagtailsnippets_homework_practice:edit", args=[practice.pk])
    link = f"{reverse('homework_admin:assign')}?practice={practice.pk}"

    assert link in therapist_client.get(page_url).content.decode()
    take_from_therapists("add_assignment")
    assert link not in therapist_client.get(page_url).content.decode()
