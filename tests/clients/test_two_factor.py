"""Two-step sign-in for therapists (TOTP), required when THERAPIST_2FA_REQUIRED is on."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from practice_site.builders import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def admin_sign_in(client, user):
    return client.post("/admin/login/", {"username": user.email, "password": PASSWORD})


@pytest.fixture
def required(settings):
    settings.THERAPIST_2FA_REQUIRED = True


def test_without_the_setting_and_without_a_device_the_admin_opens(client, therapist):
    admin_sign_in(client, therapist)
    assert client.get("/admin/").status_code == 200


def test_when_required_a_therapist_is_sent_to_set_up_first(client, therapist, required):
    admin_sign_in(client, therapist)
    response = client.get("/admin/clients/")
    assert response.status_code == 302
    assert response.url == "/admin/two-step/setup/?next=/admin/clients/"


def test_set_up_shows_a_qr_code_and_confirms_with_a_code(client, therapist, required):
    admin_sign_in(client, therapist)
    page = client.get("/admin/two-step/setup/?next=/admin/clients/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post("/admin/two-step/setup/", {"code": "000000", "next": "/admin/clients/"})
        assert "didn&#x27;t match" in wrong.content.decode()
        clock.shift(3)  # django-otp slows down guessing after a wrong code
        response = client.post(
            "/admin/two-step/setup/", {"code": current_code(device), "next": "/admin/clients/"}
        )
    assert response.url == "/admin/clients/"
    assert client.get("/admin/clients/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_after_signing_in_again_a_code_is_asked(client, therapist):
    """Once set up, the code is asked even where the setting is off."""
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    admin_sign_in(client, therapist)
    response = client.get("/admin/")
    assert response.url == "/admin/two-step/verify/?next=/admin/"
    assert client.get("/admin/two-step/setup/").status_code == 302  # no second device unverified
    response = client.post("/admin/two-step/verify/", {"code": current_code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_the_door_shut(client, therapist):
    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    admin_sign_in(client, therapist)
    response = client.post("/admin/two-step/verify/", {"code": "12345x"})
    assert response.status_code == 200
    assert client.get("/admin/clients/").status_code == 302


def test_next_never_leaves_the_site(client, therapist):
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    admin_sign_in(client, therapist)
    response = client.post(
        "/admin/two-step/verify/", {"code": current_code(device), "next": "https://evil.example"}
    )
    assert response.url == "/admin/"


def test_a_lost_phone_is_reset_from_the_shell(therapist):
    from io import StringIO

    from django.core.management import call_command

    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    out = StringIO()
    call_command("reset_two_factor", therapist.email.upper(), stdout=out)
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    assert "Removed 1 device" in out.getvalue()


def test_deploy_check_warns_when_two_step_sign_in_is_off(settings):
    from clients.checks import therapist_two_factor

    settings.DEBUG = False
    settings.THERAPIST_2FA_REQUIRED = False
    assert [w.id for w in therapist_two_factor(None)] == ["clients.W001"]
    settings.THERAPIST_2FA_REQUIRED = True
    assert therapist_two_factor(None) == []


def test_an_unverified_session_gets_the_admins_icon_sprite(client, therapist):
    """Wagtail fetches its icons on every admin page, the two-step pages included."""
    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    admin_sign_in(client, therapist)
    response = client.get(reverse("wagtailadmin_sprite"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<symbol" in response.content
    assert client.get("/admin/clients/").url.startswith("/admin/two-step/verify/")
