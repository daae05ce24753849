"""One open-redirect guard and one test for "a script is asking", the stricter of two."""

import pytest
from django.urls import reverse

from practice_site.builders import post_data

pytestmark = pytest.mark.django_db


def test_a_status_change_over_https_never_sends_on_to_plain_http(therapist_client, assignment):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])

    response = therapist_client.post(
        url, {"action": "pause", "next": "http://testserver/admin/"}, secure=True
    )

    assert response.url == assignment.recipient_timeline_url


def test_a_status_change_sends_on_to_a_page_of_the_site(therapist_client, assignment):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])

    response = therapist_client.post(
        url, {"action": "pause", "next": "https://testserver/admin/"}, secure=True
    )

    assert response.url == "https://testserver/admin/"


def test_a_status_change_never_sends_on_to_another_site(therapist_client, assignment):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])

    response = therapist_client.post(url, {"action": "pause", "next": "https://evil.example/"})

    assert response.url == assignment.recipient_timeline_url


def test_a_signed_out_script_asking_for_json_gets_a_json_answer(client):
    response = client.get(reverse("portal:dashboard"), headers={"accept": "application/json"})

    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"


def test_a_signed_out_browser_is_sent_to_sign_in(client):
    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


@pytest.mark.parametrize(
    "headers",
    [{"accept": "application/json"}, {"x-requested-with": "fetch"}],
    ids=["accept", "requested-with"],
)
def test_a_script_saving_a_reflection_gets_json_whichever_marker_it_sends(
    portal_client, assignment, in_week_2, headers
):
    url = reverse("homework:reflection", args=[assignment.uuid, 2])

    response = portal_client.post(url, post_data(assignment, autosave="1"), headers=headers)

    assert response.status_code == 200
    assert response.json()["ok"] is True
