"""Invitations: sent when a client is added, single-use, expiring, never revealing."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from clients.models import AuditEvent, Client
from clients.tokens import invitation_tokens

from .conftest import link_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a quiet walk by the river 7"


def add_client(therapist_client, **overrides):
    data = {
        "full_name": "Casey  Morgan ",
        "preferred_name": "Casey",
        "email": "Casey@Example.org",
        "timezone": "Europe/Paris",
        **overrides,
    }
    return therapist_client.post("/admin/clients/new/", data)


def link_from(message):
    return re.search(r"http://testserver(/portal/welcome/\S+/)", message.body).group(1)


def accept(client, path, password=NEW_PASSWORD):
    response = client.get(path)  # Django moves the token into the session, then redirects
    assert response.status_code == 302
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_adding_a_client_sends_the_invitation(therapist_client, therapist):
    response = add_client(therapist_client)
    client = Client.objects.get(user__email="casey@example.org")
    assert response.status_code == 302
    assert response.url == f"/admin/clients/{client.pk}/"
    assert client.therapist == therapist
    assert client.full_name == "Casey Morgan"
    assert not client.user.has_usable_password()
    assert client.invited_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["casey@example.org"]
    assert "/portal/welcome/" in mail.outbox[0].body
    html, _ = mail.outbox[0].alternatives[0]
    assert 'href="http://testserver/portal/welcome/' in html
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.INVITATION_SENT, client=client, actor=therapist
    ).exists()


def test_adding_a_client_says_so_and_that_the_invitation_is_on_its_way(therapist_client):
    response = add_client(therapist_client)

    page = therapist_client.get(response.url).content.decode()

    assert "Casey Morgan has been added." in page
    assert "An invitation is on its way to casey@example.org." in page


def test_her_own_clients_email_is_refused_and_nothing_typed_is_lost(
    therapist_client, client_profile
):
    response = add_client(therapist_client, email=client_profile.email)
    assert response.status_code == 200
    content = response.content.decode()
    assert "You already have a client with this e-mail address" in content
    assert "Casey Morgan" in content or "Casey  Morgan" in content
    assert not mail.outbox


def test_oversized_name_is_refused(therapist_client):
    response = add_client(therapist_client, full_name="x" * 500)
    assert response.status_code == 200
    assert not Client.objects.filter(user__email="casey@example.org").exists()


def test_the_link_sets_a_password_and_lands_signed_in_on_the_dashboard(client, therapist_client):
    add_client(therapist_client)
    therapist_client.logout()
    response = accept(client, link_from(mail.outbox[0]))
    assert response.status_code == 302
    assert response.url == "/portal/"
    assert client.get("/portal/").status_code == 200
    casey = Client.objects.get(user__email="casey@example.org")
    assert casey.user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.INVITATION_USED, client=casey
    ).exists()


def test_the_link_works_only_once(client, client_profile):
    path = link_path("portal:invitation", client_profile, invitation_tokens)
    accept(client, path)
    client.post("/portal/logout/")
    response = client.get(path)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_a_tampered_link_is_refused(client, client_profile):
    path = link_path("portal:invitation", client_profile, invitation_tokens)
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    response = client.get(tampered)
    assert "This link no longer works" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_link_explains_and_offers_a_new_one_without_naming_anyone(
    client, client_profile, settings
):
    settings.CLIENT_INVITATION_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = link_path("portal:invitation", client_profile, invitation_tokens)
    with time_machine.travel(start + datetime.timedelta(days=6, hours=23), tick=False):
        assert client.get(path).status_code == 302  # still valid
    client.cookies.clear()
    with time_machine.travel(start + datetime.timedelta(days=7, hours=1), tick=False):
        response = client.get(path)
    content = response.content.decode()
    assert "This link no longer works" in content
    assert 'action="/portal/password/reset/"' in content
    assert client_profile.email not in content
    assert client_profile.full_name not in content


def test_a_therapist_account_cannot_be_opened_by_an_invitation_link(client, therapist):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(therapist.pk))
    path = f"/portal/welcome/{uid}/{invitation_tokens.make_token(therapist)}/"
    assert "This link no longer works" in client.get(path).content.decode()


@pytest.fixture
def invited(client_profile):
    """A client who has not chosen a password yet."""
    client_profile.user.set_unusable_password()
    client_profile.user.save()
    return client_profile


def test_links_name_the_client_by_uuid_not_by_a_number(therapist_client, invited):
    therapist_client.post(f"/admin/clients/{invited.pk}/invite/")
    assert f"/portal/welcome/{invited.uuid}/" in mail.outbox[0].body


def test_a_password_reset_link_is_not_an_invitation(client, client_profile):
    from clients.tokens import password_reset_tokens

    path = link_path("portal:invitation", client_profile, password_reset_tokens)
    assert "This link no longer works" in client.get(path).content.decode()


def test_therapist_resends_the_invitation(therapist_client, invited):
    response = therapist_client.post(f"/admin/clients/{invited.pk}/invite/")
    assert response.status_code == 302
    assert mail.outbox[0].to == [invited.email]
    assert "/portal/welcome/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.INVITATION_SENT, client=invited
    ).exists()


def test_another_therapist_cannot_resend_her_invitation(other_therapist_client, client_profile):
    response = other_therapist_client.post(f"/admin/clients/{client_profile.pk}/invite/")
    assert response.status_code == 404
    assert not mail.outbox


def test_a_failing_mail_server_is_reported_not_a_crash(therapist_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("clients.emails.EmailMultiAlternatives.send", broken)
    response = add_client(therapist_client)
    assert response.status_code == 302
    page = therapist_client.get(response.url)
    assert "could not be sent" in page.content.decode()


def test_a_client_who_already_has_a_password_gets_a_new_password_link(
    therapist_client, client_profile
):
    therapist_client.post(f"/admin/clients/{client_profile.pk}/invite/")
    assert "/portal/password/reset/" in mail.outbox[0].body
    assert "/portal/welcome/" not in mail.outbox[0].body
