"""Builders for the clients tests."""

import pytest
from django.urls import reverse

from practice_site.builders import PASSWORD

LOGIN_URL = "/portal/login/"


def sign_in(client, email, password=PASSWORD, **extra):
    """Post the portal's sign-in form (the way a person does; axes sees it)."""
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


def link_path(url_name, client, tokens):
    return reverse(url_name, args=[client.uuid, tokens.make_token(client.user)])


@pytest.fixture
def superuser(db):
    from clients.models import User

    return User.objects.create_superuser(email="owner@example.org", password=PASSWORD)


@pytest.fixture
def other_therapist_client(client, other_therapist):
    client.force_login(other_therapist)
    return client
