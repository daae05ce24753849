"""Wagtail's admin password reset: therapists only, throttled and audited, one answer for all."""

import pytest
from django.core import mail

from clients.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMIN_RESET_URL = "/admin/password_reset/"
DONE_URL = "/admin/password_reset/done/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def request_admin_reset(client, email, **extra):
    return client.post(ADMIN_RESET_URL, {"email": email}, **extra)


def reset_events():
    return AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET_REQUESTED)


def test_a_therapist_gets_the_admin_reset_mail_and_it_is_audited(client, therapist):
    response = request_admin_reset(client, therapist.email.upper())
    assert response.status_code == 302
    assert response.url == DONE_URL
    assert [message.to for message in mail.outbox] == [[therapist.email]]
    event = reset_events().get()
    assert event.therapist == therapist
    assert event.actor is None
    assert event.client is None


def test_a_client_gets_no_admin_reset_and_no_event(client, client_profile):
    response = request_admin_reset(client, client_profile.email)
    assert response.status_code == 302
    assert response.url == DONE_URL
    assert not mail.outbox
    assert not reset_events().exists()


def test_the_admin_reset_page_points_a_client_to_the_portals_reset(client, db):
    content = client.get("/admin/password_reset/").content.decode()

    assert 'name="email"' in content  # control: Wagtail's own form is still there
    assert 'href="/portal/password/reset/"' in content
    assert "Are you a client?" in content


def test_clients_unknown_and_closed_accounts_get_the_same_answer(client, therapist, outsider):
    therapist.is_active = False
    therapist.save()
    pages = [
        request_admin_reset(client, email)
        for email in (outsider.email, "nobody@example.org", therapist.email)
    ]
    assert {(page.status_code, page.url) for page in pages} == {(302, DONE_URL)}
    assert not mail.outbox
    assert not reset_events().exists()


def test_the_practice_owner_may_reset_from_the_admin(client, superuser):
    request_admin_reset(client, superuser.email)
    assert [message.to for message in mail.outbox] == [[superuser.email]]


def test_fifty_rapid_requests_send_at_most_the_limit(client, therapist, settings):
    answers = [request_admin_reset(client, therapist.email).status_code for _ in range(50)]
    limit = settings.PASSWORD_RESET_LIMIT
    assert len(mail.outbox) == limit
    assert reset_events().count() == limit
    assert answers[:limit] == [302] * limit
    assert set(answers[limit:]) == {429}


def test_the_throttle_answers_kindly_and_the_same_for_unknown_emails(client, therapist, settings):
    settings.PASSWORD_RESET_LIMIT = 1
    request_admin_reset(client, "nobody@example.org")
    page = request_admin_reset(client, "nobody@example.org")
    assert page.status_code == 429
    assert "Please wait a little" in page.content.decode()
    # Another address is not held back by this one.
    assert request_admin_reset(client, therapist.email, REMOTE_ADDR="10.1.1.1").status_code == 302


def _admin_confirm_path(user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/admin/password_reset/confirm/{uid}/{default_token_generator.make_token(user)}/"


def test_a_clients_reset_link_does_not_work_in_the_admin(client, client_profile, therapist):
    new = {"new_password1": "new pass phrase 99", "new_password2": "new pass phrase 99"}
    # Positive control: the therapist's own link opens the form and sets her password.
    form = client.get(_admin_confirm_path(therapist), follow=True)
    assert "new_password1" in form.content.decode()
    client.post(form.redirect_chain[-1][0], new)
    therapist.refresh_from_db()
    assert therapist.check_password(new["new_password1"])

    link = _admin_confirm_path(client_profile.user)
    page = client.get(link, follow=True)
    assert "new_password1" not in page.content.decode()
    client.post(link.rsplit("/", 2)[0] + "/set-password/", new)
    client_profile.user.refresh_from_db()
    assert not client_profile.user.check_password(new["new_password1"])
