"""Searching the therapist's listings never puts a client's name in a URL.

Names in URLs end up in access logs, browser history and Referer headers. The clients
listing is searched by POST; the listing then shows the words' matches at an opaque token.
"""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("clients:search")


def forms_in(content):
    """(method, the form's own markup) for each <form> of the page."""
    return [
        (method.lower(), body)
        for method, body in re.findall(
            r'<form[^>]*?method="(\w+)"[^>]*>(.*?)</form>', content, flags=re.S | re.I
        )
    ]


def urls_in(response):
    content = response.content.decode()
    urls = re.findall(r'(?:href|src|action|data-[\w-]+-value)="([^"]*)"', content)
    return [response.get("Location", ""), *urls]


@pytest.mark.parametrize(
    "url",
    [
        "clients:index",
        "clients:index_results",
        "couples:index",
        "audit:index",
        "client_chooser:choose",
    ],
)
def test_no_listing_searches_by_get(therapist_client, client_profile, url):
    response = therapist_client.get(reverse(url))
    content = response.json()["html"] if url.startswith("client_chooser") else None
    content = content or response.content.decode()

    for method, body in forms_in(content):
        assert method == "post" or 'name="q"' not in body


def test_the_clients_listing_offers_a_search_that_posts(therapist_client, client_profile):
    content = therapist_client.get(reverse("clients:index")).content.decode()

    posted = [body for method, body in forms_in(content) if method == "post"]
    assert any('name="q"' in body for body in posted)
    assert f'action="{SEARCH_URL}"' in content


def test_searching_finds_her_client_without_the_name_in_any_url(
    therapist_client, client_profile, couple, outsider
):
    response = therapist_client.post(SEARCH_URL, {"q": "Jordan"})

    assert response.status_code == 302
    assert "jordan" not in response["Location"].lower()
    listing = therapist_client.get(response["Location"])
    content = listing.content.decode()
    assert "Jordan Lee" in content
    assert "Alex Rivera" not in content
    assert not [url for url in urls_in(listing) if "jordan" in url.lower()]


def test_searching_by_email_finds_her_client(therapist_client, client_profile, couple):
    response = therapist_client.post(SEARCH_URL, {"q": "alex@"}, follow=True)

    content = response.content.decode()
    assert "Alex Rivera" in content
    assert "Jordan Lee" not in content


def test_searching_never_finds_another_therapists_client(therapist_client, outsider):
    response = therapist_client.post(SEARCH_URL, {"q": "Robin"}, follow=True)

    assert "Robin Outsider" not in response.content.decode()


def test_the_other_therapist_finds_her_own_client(client, other_therapist, outsider):
    client.force_login(other_therapist)

    response = client.post(SEARCH_URL, {"q": "Robin"}, follow=True)

    assert "Robin Outsider" in response.content.decode()


def test_a_name_in_the_url_filters_nothing(therapist_client, client_profile, couple):
    content = therapist_client.get(reverse("clients:index"), {"q": "Jordan"}).content.decode()

    assert "Jordan Lee" in content
    assert "Alex Rivera" in content


def test_a_search_token_is_worthless_in_another_session(
    therapist_client, client, therapist, client_profile, couple
):
    location = therapist_client.post(SEARCH_URL, {"q": "Jordan"})["Location"]
    therapist_client.logout()
    client.force_login(therapist)

    content = client.get(location).content.decode()

    assert "Alex Rivera" in content


def test_an_empty_search_shows_everyone(therapist_client, client_profile, couple):
    response = therapist_client.post(SEARCH_URL, {"q": "  "})

    assert response["Location"] == reverse("clients:index")


def test_searching_needs_post(therapist_client):
    assert therapist_client.get(SEARCH_URL, {"q": "Jordan"}).status_code == 405


def test_anonymous_cannot_search(client, client_profile):
    response = client.post(SEARCH_URL, {"q": "Jordan"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
