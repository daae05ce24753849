"""Password reset: one answer for every e-mail, throttled per address and e-mail."""

import re

import pytest
from django.core import mail

from clients.models import AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.django_db

RESET_URL = "/portal/password/reset/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def request_reset(client, email, **extra):
    return client.post(RESET_URL, {"email": email}, **extra)


def test_known_and_unknown_emails_get_the_same_answer(client, client_profile):
    known = request_reset(client, client_profile.email)
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/portal/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [client_profile.email]


def test_the_reset_link_sets_a_new_password_once(client, client_profile):
    request_reset(client, client_profile.email.upper())
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(path)
    response = client.post(
        form_page.url,
        {"new_password1": "new pass phrase 99", "new_password2": "new pass phrase 99"},
    )
    assert response.url == "/portal/"
    client_profile.user.refresh_from_db()
    assert client_profile.user.check_password("new pass phrase 99")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET, client=client_profile
    ).exists()
    client.post("/portal/logout/")
    assert "This link no longer works" in client.get(path).content.decode()


def test_someone_never_signed_in_gets_a_fresh_invitation(client, therapist):
    from practice_site.builders import make_client

    casey = make_client(therapist, "casey@example.org", "Casey Morgan")
    casey.user.set_unusable_password()
    casey.user.save()
    request_reset(client, casey.email)
    assert "/portal/welcome/" in mail.outbox[0].body


def test_therapists_get_no_portal_reset(client, therapist):
    response = request_reset(client, therapist.email)
    assert response.url == "/portal/password/reset/sent/"
    assert not mail.outbox


def test_requests_are_throttled_per_address_and_email(client, client_profile, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for _ in range(3):
        assert request_reset(client, client_profile.email).status_code == 302
    throttled = request_reset(client, client_profile.email)
    assert throttled.status_code == 429
    assert len(mail.outbox) == 3
    # The same for an unknown e-mail: the throttle reveals nothing.
    for _ in range(3):
        request_reset(client, "nobody@example.org")
    assert request_reset(client, "nobody@example.org").status_code == 429
    # Another address is not held back by this one.
    other = request_reset(client, client_profile.email, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 302


def test_a_reset_clears_the_sign_in_lock(client, client_profile, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, client_profile.email, "wrong")
    assert sign_in(client, client_profile.email).status_code == 429
    request_reset(client, client_profile.email)
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form = client.get(path)
    client.post(
        form.url, {"new_password1": "fresh phrase 123", "new_password2": "fresh phrase 123"}
    )
    client.post("/portal/logout/")
    assert sign_in(client, client_profile.email, "fresh phrase 123").status_code == 302


def _shape(queries):
    """The SQL of each query with its values blanked: what was asked, not of whom."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]


def test_known_and_unknown_emails_do_the_same_work_in_the_request(client, client_profile):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = {}
    for label, email in (("known", client_profile.email), ("unknown", "nobody@example.org")):
        with (
            mock.patch("clients.views.portal.async_task") as enqueue,
            CaptureQueriesContext(connection) as queries,
        ):
            request_reset(client, email)
        runs[label] = (_shape(queries.captured_queries), enqueue.call_args_list)
    known_sql, known_calls = runs["known"]
    unknown_sql, unknown_calls = runs["unknown"]
    assert known_sql == unknown_sql
    assert len(known_calls) == len(unknown_calls) == 1
    assert known_calls[0].args[0] == unknown_calls[0].args[0]
    assert len(known_calls[0].args) == len(unknown_calls[0].args)
    assert known_calls[0].kwargs == unknown_calls[0].kwargs


def test_the_task_mails_a_known_client_and_nobody_else(client, client_profile, outsider):
    from clients.tasks import send_password_reset_email

    send_password_reset_email(None)
    assert not mail.outbox
    request_reset(client, "nobody@example.org")
    assert not mail.outbox
    request_reset(client, f"  {client_profile.email.upper()} ")
    assert [message.to for message in mail.outbox] == [[client_profile.email]]
