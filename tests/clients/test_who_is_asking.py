"""Who is asking is resolved once per request, by the middleware, for every view to read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client

pytestmark = pytest.mark.django_db


def profile_lookups(queries):
    """Queries that ask which client profiles a sign-in has."""
    table = f'"{Client._meta.db_table}"'
    return [
        q["sql"]
        for q in queries
        if f"FROM {table}" in q["sql"] and f'{table}."user_id" =' in q["sql"]
    ]


def test_a_client_is_known_on_every_request_even_outside_the_portal(portal_client, client_profile):
    request = portal_client.get("/").wsgi_request

    assert request.client == client_profile
    assert request.client_profiles == [client_profile]


def test_a_therapist_and_a_stranger_are_nobodys_client(therapist_client, client):
    therapist_request = therapist_client.get("/").wsgi_request
    therapist_client.logout()
    anonymous_request = client.get("/").wsgi_request

    assert therapist_request.client is None
    assert therapist_request.client_profiles == []
    assert anonymous_request.client is None
    assert anonymous_request.client_profiles == []


def test_a_portal_page_asks_which_client_only_once(portal_client):
    with CaptureQueriesContext(connection) as queries:
        response = portal_client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert len(profile_lookups(queries.captured_queries)) == 1


def test_a_client_of_two_therapists_sees_the_one_chosen(
    portal_client, client_profile, other_therapist
):
    second = Client.objects.create(  # as the admin makes it: added, then invited
        user=client_profile.user,
        therapist=other_therapist,
        full_name="Jordan Lee",
        invited_at=timezone.now(),
    )
    portal_client.post(reverse("portal:therapists"), {"profile": str(second.uuid)})

    request = portal_client.get(reverse("portal:dashboard")).wsgi_request

    assert request.client == second
    assert request.client_profiles == [client_profile, second]


def test_whether_someone_is_a_therapist_is_asked_once_per_user(
    therapist, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert therapist.is_therapist
        assert therapist.is_therapist
