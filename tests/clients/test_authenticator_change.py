"""Replacing the authenticator app needs the current password and a code from the current app."""

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.models import AuditEvent
from practice_site.builders import PASSWORD

from .test_two_factor import admin_sign_in, current_code

pytestmark = pytest.mark.django_db

SETUP_URL = "/admin/two-step/setup/"
CONFIRM_URL = "/admin/two-step/confirm/"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def old_device(therapist):
    return TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)


@pytest.fixture
def verified(client, therapist, old_device, clock):
    """A therapist signed in with her code, as after a real sign-in; the clock has moved on."""
    admin_sign_in(client, therapist)
    client.post("/admin/two-step/verify/", {"code": current_code(old_device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200
    clock.shift(31)  # a fresh code, not the one used to sign in
    return client


def changes():
    return AuditEvent.objects.filter(action=AuditEvent.Action.AUTHENTICATOR_CHANGED)


def assert_nothing_changed(therapist, old_device):
    assert list(TOTPDevice.objects.filter(user=therapist, confirmed=True)) == [old_device]
    assert not TOTPDevice.objects.filter(user=therapist, confirmed=False).exists()
    assert not changes().exists()
    assert not mail.outbox


def test_a_verified_session_alone_sees_no_new_qr_code(verified, therapist, old_device):
    response = verified.get(SETUP_URL)
    assert response.status_code == 302
    assert response.url.startswith(CONFIRM_URL)
    assert_nothing_changed(therapist, old_device)


def test_without_the_password_the_authenticator_is_not_replaced(
    verified, therapist, old_device, clock
):
    for password in ("", "not-my-password"):
        page = verified.post(CONFIRM_URL, {"password": password, "code": current_code(old_device)})
        assert page.status_code == 200
        assert "qr-code" not in page.content.decode()
        assert verified.get(SETUP_URL).status_code == 302
        clock.shift(31)
    assert_nothing_changed(therapist, old_device)


def test_without_a_code_from_the_current_app_the_authenticator_is_not_replaced(
    verified, therapist, old_device
):
    page = verified.post(CONFIRM_URL, {"password": PASSWORD, "code": "000000"})
    assert page.status_code == 200
    assert verified.get(SETUP_URL).status_code == 302
    assert_nothing_changed(therapist, old_device)


def test_with_password_and_code_the_app_is_replaced_audited_and_mailed(
    verified, therapist, old_device, clock
):
    response = verified.post(CONFIRM_URL, {"password": PASSWORD, "code": current_code(old_device)})
    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)
    assert "qr-code" in verified.get(SETUP_URL).content.decode()
    new_device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    response = verified.post(SETUP_URL, {"code": current_code(new_device), "next": "/admin/"})
    assert response.url == "/admin/"
    assert list(TOTPDevice.objects.filter(user=therapist)) == [new_device]
    new_device.refresh_from_db()
    assert new_device.confirmed
    event = changes().get()
    assert (event.actor, event.therapist) == (therapist, therapist)
    [message] = mail.outbox
    assert message.to == [therapist.email]
    assert "authenticator app was changed" in message.body
    assert "If this wasn't you" in message.body
    # The permission to replace is used up.
    assert verified.get(SETUP_URL).status_code == 302


def test_replacing_the_app_is_worded_as_a_replacement_not_a_first_set_up(
    verified, therapist, old_device, clock
):
    verified.post(CONFIRM_URL, {"password": PASSWORD, "code": current_code(old_device)})

    page = verified.get(SETUP_URL).content.decode()

    assert "Use this app from now on" in page
    assert "Your current app keeps working until the new one is confirmed here." in page
    assert "Turn on two-step sign-in" not in page
    new_device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    response = verified.post(
        SETUP_URL, {"code": current_code(new_device), "next": "/admin/"}, follow=True
    )
    assert "Your new authenticator app is ready." in response.content.decode()


def test_the_permission_to_replace_runs_out(verified, therapist, old_device, clock):
    verified.post(CONFIRM_URL, {"password": PASSWORD, "code": current_code(old_device)})
    clock.shift(11 * 60)
    assert verified.get(SETUP_URL).url.startswith(CONFIRM_URL)


def test_first_set_up_asks_no_password_and_is_recorded(client, therapist, clock):
    admin_sign_in(client, therapist)
    page = client.get(SETUP_URL).content.decode()
    assert 'class="qr-code"' in page
    assert "Turn on two-step sign-in" in page
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    response = client.post(SETUP_URL, {"code": current_code(device), "next": "/admin/"})
    assert response.url == "/admin/"
    assert changes().get().therapist == therapist
    assert [message.to for message in mail.outbox] == [[therapist.email]]


def test_the_confirm_page_needs_a_signed_in_verified_therapist(client, therapist, old_device):
    assert client.get(CONFIRM_URL).url.startswith("/admin/login/")
    admin_sign_in(client, therapist)
    assert client.get(CONFIRM_URL).url.startswith("/admin/two-step/verify/")


def test_a_notice_that_cannot_be_sent_is_reported_and_the_new_app_still_works(
    verified, therapist, old_device, clock, monkeypatch
):
    import smtplib

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", mail_server_down)
    verified.post(CONFIRM_URL, {"password": PASSWORD, "code": current_code(old_device)})
    verified.get(SETUP_URL)
    new_device = TOTPDevice.objects.get(user=therapist, confirmed=False)

    response = verified.post(SETUP_URL, {"code": current_code(new_device), "next": "/admin/"})

    assert response.status_code == 302
    assert changes().exists()
    page = verified.get("/admin/").content.decode()
    assert "couldn&#x27;t send" in page
