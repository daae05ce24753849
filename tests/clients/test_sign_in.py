"""Portal sign-in and sign-out: same answer for unknown e-mails, plain words for therapists."""

import pytest
from django.test import Client as HttpClient

from clients.models import AuditEvent
from practice_site.builders import PASSWORD

from .conftest import LOGIN_URL, sign_in

pytestmark = pytest.mark.django_db


def test_client_signs_in_and_lands_on_the_dashboard(client, client_profile):
    response = sign_in(client, "Jordan@Example.org ")
    assert response.status_code == 302
    assert response.url == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_signing_in_gives_a_new_session_id(client, client_profile):
    session = client.session
    session["marker"] = "before"
    session.save()
    before = session.session_key
    assert client.cookies["sessionid"].value == before
    sign_in(client, client_profile.email)
    assert client.cookies["sessionid"].value != before
    assert client.session["marker"] == "before"


def test_sign_in_is_audited(client, client_profile):
    sign_in(client, client_profile.email)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.client == client_profile
    assert event.ip_address == "127.0.0.1"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, client_profile):
    wrong = sign_in(client, client_profile.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    errors = wrong.context["form"].non_field_errors()
    assert errors == unknown.context["form"].non_field_errors()
    assert "don't match" in errors[0]


def test_unknown_email_still_runs_the_password_hasher(client, client_profile, monkeypatch):
    """So the answer takes about as long as for a known e-mail."""
    from django.contrib.auth import base_user

    calls = []
    original = base_user.make_password
    monkeypatch.setattr(
        base_user, "make_password", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    sign_in(client, "nobody@example.org", "a-guess")
    assert calls


def test_failed_sign_in_is_audited_against_the_client_without_the_typed_text(
    client, client_profile
):
    sign_in(client, client_profile.email, "my-secret-guess")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.client == client_profile
    assert "my-secret-guess" not in str(event.__dict__)


def test_therapist_is_told_plainly_to_use_the_admin(client, therapist):
    response = sign_in(client, therapist.email)
    assert "Therapists sign in at /admin/" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_therapist_on_the_portal_is_sent_to_the_admin(therapist_client):
    response = therapist_client.get("/portal/")
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_oversized_email_is_refused_without_signing_in(client, client_profile):
    response = sign_in(client, "a" * 300 + "@example.org")
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


def test_oversized_password_is_refused(client, client_profile):
    response = sign_in(client, client_profile.email, "x" * 5000)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_without_csrf_token_is_refused_kindly(client_profile):
    browser = HttpClient(enforce_csrf_checks=True)
    response = browser.post(LOGIN_URL, {"username": client_profile.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Please send that again" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_csrf_failure_on_a_script_request_answers_json(client_profile):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(client_profile.user)
    response = browser.post("/portal/session/", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.json() == {"error": "csrf"}


def test_sign_out_is_a_post_that_ends_the_session(portal_client, client_profile):
    assert portal_client.get("/portal/logout/").status_code == 405
    response = portal_client.post("/portal/logout/")
    assert response.status_code == 302
    assert response.url == LOGIN_URL + "?signed_out=1"
    assert "_auth_user_id" not in portal_client.session
    assert portal_client.get("/portal/").status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_OUT, client=client_profile
    ).exists()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    for url in ["/portal/", "/portal/profile/", "/portal/data/", "/portal/password/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")


def test_client_session_never_reaches_the_admin(portal_client):
    for url in ["/admin/", "/admin/clients/", "/admin/login/", "/admin/pages/"]:
        response = portal_client.get(url)
        assert response.status_code == 302
        assert response.url == "/portal/"


def test_client_cannot_sign_in_to_the_admin_with_their_password(client, client_profile):
    client.post("/admin/login/", {"username": client_profile.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/clients/").url in ("/portal/", "/admin/login/?next=/admin/clients/")
