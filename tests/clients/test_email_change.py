"""Changing the sign-in e-mail on the admin's account page needs the current password (and a
fresh code when there is an authenticator app); it is audited and the old address is told."""

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.models import AuditEvent
from practice_site.builders import PASSWORD

from .test_two_factor import admin_sign_in, current_code

pytestmark = pytest.mark.django_db

ACCOUNT_URL = "/admin/account/"
NEW_EMAIL = "maya.new@example.org"


def account_form_data(client, **changes):
    """Every panel's fields as the page shows them, then `changes` (keyed by html name)."""
    page = client.get(ACCOUNT_URL)
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            for field in panel.get_form():
                value = field.value()
                if value not in (None, "") or field.field.required:
                    data[field.html_name] = value
    data.update(changes)
    return data


def change_email(client, email=NEW_EMAIL, **credentials):
    extra = {f"sign_in_email-{name}": value for name, value in credentials.items()}
    return client.post(
        ACCOUNT_URL, account_form_data(client, **{"sign_in_email-email": email}, **extra)
    )


def email_changes():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED)


def assert_unchanged(therapist, old_email):
    therapist.refresh_from_db()
    assert therapist.email == old_email
    assert not email_changes().exists()
    assert not mail.outbox


def test_wagtails_own_email_field_is_gone_from_the_name_panel(therapist_client):
    page = therapist_client.get(ACCOUNT_URL).content.decode()
    assert 'name="name_email-email"' not in page
    assert 'name="sign_in_email-email"' in page
    assert 'name="sign_in_email-password"' in page


def test_without_the_password_the_email_is_not_changed(therapist_client, therapist):
    old_email = therapist.email
    for password in ("", "not-my-password"):
        page = change_email(therapist_client, password=password)
        assert page.status_code == 200
        assert "your current password" in page.content.decode()
    assert_unchanged(therapist, old_email)


def test_the_name_panel_alone_does_not_write_the_email(therapist_client, therapist):
    old_email = therapist.email
    data = account_form_data(therapist_client, **{"name_email-email": NEW_EMAIL})
    therapist_client.post(ACCOUNT_URL, data)
    assert_unchanged(therapist, old_email)


def test_with_the_password_the_email_changes_is_audited_and_the_old_address_told(
    therapist_client, therapist
):
    old_email = therapist.email
    response = change_email(therapist_client, email=" Maya.New@Example.org ", password=PASSWORD)
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.email == NEW_EMAIL
    event = email_changes().get()
    assert (event.actor, event.therapist) == (therapist, therapist)
    [message] = mail.outbox
    assert message.to == [old_email]
    assert NEW_EMAIL in message.body
    assert "If this wasn't you" in message.body


def test_changing_only_the_name_needs_no_password(therapist_client, therapist):
    data = account_form_data(therapist_client, **{"name_email-first_name": "Maia"})
    assert therapist_client.post(ACCOUNT_URL, data).status_code == 302
    therapist.refresh_from_db()
    assert therapist.first_name == "Maia"
    assert not email_changes().exists()
    assert not mail.outbox


def test_an_address_someone_else_uses_is_refused(therapist_client, therapist, other_therapist):
    old_email = therapist.email
    page = change_email(therapist_client, email=other_therapist.email.upper(), password=PASSWORD)
    assert page.status_code == 200
    assert_unchanged(therapist, old_email)


def test_with_an_authenticator_a_fresh_code_is_needed_too(client, therapist):
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    old_email = therapist.email
    with time_machine.travel(timezone.now(), tick=False) as clock:
        admin_sign_in(client, therapist)
        client.post("/admin/two-step/verify/", {"code": current_code(device), "next": "/admin/"})
        clock.shift(31)
        page = change_email(client, password=PASSWORD)
        assert page.status_code == 200
        assert_unchanged(therapist, old_email)
        response = change_email(client, password=PASSWORD, code=current_code(device))
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.email == NEW_EMAIL
    assert email_changes().count() == 1
    assert [message.to for message in mail.outbox] == [[old_email]]


def test_wrong_passwords_count_towards_the_sign_in_lock(therapist_client, therapist, settings):
    """Guessing the password from an unattended session locks it like guessing at sign-in."""
    settings.AXES_FAILURE_LIMIT = 3
    old_email = therapist.email
    answers = [change_email(therapist_client, password=f"guess {n}").status_code for n in range(3)]
    assert answers[-1] == 429
    assert change_email(therapist_client, password=PASSWORD).status_code == 429
    assert_unchanged(therapist, old_email)
    # Axes keeps the attempts' form data, never the guesses.
    from axes.models import AccessAttempt

    assert "guess" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


def test_without_the_password_nothing_tells_whether_an_address_is_a_client_here(
    other_therapist_client, other_therapist, client_profile
):
    unknown = change_email(other_therapist_client, email="nobody.here@example.org").content
    jordans = change_email(other_therapist_client, email=client_profile.email).content.decode()
    assert "your current password" in jordans
    assert "already" not in jordans
    assert jordans.count("errorlist") == unknown.decode().count("errorlist")
    # Positive control: with her password she is told the address is taken.
    taken = change_email(other_therapist_client, email=client_profile.email, password=PASSWORD)
    assert "already uses this e-mail" in taken.content.decode()
    assert_unchanged(other_therapist, "other.therapist@example.org")


def test_a_notice_that_cannot_be_sent_is_reported_and_the_change_kept(
    therapist_client, therapist, monkeypatch
):
    import smtplib

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", mail_server_down)

    response = change_email(therapist_client, password=PASSWORD)

    assert response.status_code in (200, 302)
    therapist.refresh_from_db()
    assert therapist.email == NEW_EMAIL
    assert email_changes().exists()
    page = therapist_client.get(ACCOUNT_URL).content.decode()
    assert "couldn&#x27;t send" in page
