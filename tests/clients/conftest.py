"""Builders for the clients tests."""

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import PASSWORD

LOGIN_URL = "/portal/login/"


def sign_in(client, email, password=PASSWORD, **extra):
    """Post the portal's sign-in form (the way a person does; axes sees it)."""
    return client.post(LOGIN_URL, {"username": email, "password": password}, **extra)


def link_path(url_name, user, tokens):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(url_name, args=[uid, tokens.make_token(user)])


@pytest.fixture
def superuser(db):
    from clients.models import User

    return User.objects.create_superuser(email="owner@example.org", password=PASSWORD)


@pytest.fixture
def other_therapist_client(client, other_therapist):
    client.force_login(other_therapist)
    return client
