"""Brute-force protection: per account and address, ends by itself, behind proxies too."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from clients.lockout import locked_until
from clients.models import AuditEvent
from practice_site.builders import PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def fail(client, email, times, **extra):
    responses = [sign_in(client, email, "wrong-password", **extra) for _ in range(times)]
    return responses[-1]


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_account_is_locked_after_the_limit(client, client_profile):
    fail(client, client_profile.email, LIMIT)
    response = sign_in(client, client_profile.email)  # right password, too late
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not is_signed_in(client)


def test_failures_below_the_limit_do_not_lock(client, client_profile):
    fail(client, client_profile.email, LIMIT - 1)
    assert sign_in(client, client_profile.email).status_code == 302


def test_an_unknown_email_locks_the_same_way(client):
    response = fail(client, "nobody@example.org", LIMIT + 1)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_one_persons_typos_do_not_lock_out_others_behind_the_same_address(
    client, client_profile, partner_a
):
    fail(client, client_profile.email, LIMIT)
    assert sign_in(client, partner_a.email).status_code == 302


def test_the_same_account_from_another_address_is_not_locked(client, client_profile):
    fail(client, client_profile.email, LIMIT, REMOTE_ADDR="10.0.0.1")
    response = sign_in(client, client_profile.email, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_the_lock_ends_by_itself_after_the_cool_off(client, client_profile):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, client_profile.email, LIMIT)
        assert sign_in(client, client_profile.email).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert locked_until(client_profile.email) == start + datetime.timedelta(minutes=15)
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert sign_in(client, client_profile.email).status_code == 302


def test_a_forged_forwarded_for_header_is_ignored_without_a_proxy(client, client_profile, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(LIMIT):
        sign_in(client, client_profile.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = sign_in(client, client_profile.email, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


def test_behind_one_proxy_a_forged_left_part_does_not_reset_the_count(
    client, client_profile, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forges the left part; our proxy appends the real address on the right.
    for n in range(LIMIT):
        forged = f"203.0.113.{n}, 192.0.2.50"
        sign_in(client, client_profile.email, "wrong", HTTP_X_FORWARDED_FOR=forged)
    response = sign_in(
        client, client_profile.email, HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.50"
    )
    assert response.status_code == 429
    # Another real address (another person behind the same proxy) is unaffected.
    other = sign_in(client, client_profile.email, HTTP_X_FORWARDED_FOR="192.0.2.51")
    assert other.status_code == 302


def test_failed_sign_ins_are_recorded_with_the_proxy_given_address(
    client, client_profile, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(client, client_profile.email, "wrong", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.50")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.ip_address == "192.0.2.50"


def test_therapist_unlocks_her_client(client, therapist, client_profile):
    fail(client, client_profile.email, LIMIT)
    client.force_login(therapist)
    detail = client.get(f"/admin/clients/{client_profile.pk}/")
    assert "Signing in is paused" in detail.content.decode()
    response = client.post(f"/admin/clients/{client_profile.pk}/unlock/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOCKOUT_CLEARED, client=client_profile, actor=therapist
    ).exists()
    client.post("/admin/logout/")
    assert sign_in(client, client_profile.email, PASSWORD).status_code == 302


def test_another_therapist_cannot_unlock_her_client(client, other_therapist, client_profile):
    fail(client, client_profile.email, LIMIT)
    client.force_login(other_therapist)
    assert client.post(f"/admin/clients/{client_profile.pk}/unlock/").status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT_CLEARED).exists()


def test_unlock_needs_a_post(therapist_client, client_profile):
    assert therapist_client.get(f"/admin/clients/{client_profile.pk}/unlock/").status_code == 405


def test_therapists_are_throttled_at_the_admin_sign_in_too(client, therapist):
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": therapist.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": therapist.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "axes_reset_username" in response.content.decode()
    assert "_auth_user_id" not in client.session
