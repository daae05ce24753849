"""Homework mail refused by the server: the address is never logged; a temporary refusal
is tried again, a permanent one is not."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django_q.models import Schedule

from homework import tasks
from homework.models import Reflection, ReminderLog, TherapistPreference
from practice_site.builders import submit
from tests.smtp import smtp_server, use_smtp_server

pytestmark = pytest.mark.django_db

SATURDAY_1830_LONDON = datetime.datetime(2026, 3, 14, 18, 30, tzinfo=datetime.UTC)
PERMANENT = "550 5.1.1 <jordan@example.org>: no such mailbox"
TEMPORARY = "451 4.3.0 <jordan@example.org>: try again later"


@pytest.fixture
def clock():
    with time_machine.travel(SATURDAY_1830_LONDON, tick=False) as traveller:
        yield traveller


def logged(caplog):
    return "\n".join(record.getMessage() for record in caplog.records)


def test_a_refused_reminder_is_logged_without_the_address_and_not_retried(
    assignment, clock, settings, caplog
):
    caplog.set_level(logging.INFO)
    with smtp_server(PERMANENT) as server:
        use_smtp_server(settings, server)
        assert tasks.send_due_reminders() == 0
        assert tasks.send_due_reminders() == 0  # the next run does not knock again
    assert ReminderLog.objects.exists()
    assert "SMTPRecipientsRefused" in logged(caplog)
    assert "jordan@example.org" not in logged(caplog)


def test_a_reminder_refused_for_now_is_tried_again_next_run(assignment, clock, settings, caplog):
    caplog.set_level(logging.INFO)
    with smtp_server(TEMPORARY) as server:
        use_smtp_server(settings, server)
        assert tasks.send_due_reminders() == 0
    assert not ReminderLog.objects.exists()
    assert "jordan@example.org" not in logged(caplog)
    with smtp_server("250 ok") as server:
        use_smtp_server(settings, server)
        assert tasks.send_due_reminders() == 1
    assert server.accepted == 1


def test_a_notice_refused_for_now_is_released_and_scheduled_again(
    assignment, client_profile, therapist, clock, settings, caplog
):
    caplog.set_level(logging.INFO)
    preference = TherapistPreference.for_user(therapist)
    preference.notify = TherapistPreference.Notify.IMMEDIATE
    preference.save()
    reflection = submit(assignment, client_profile, 2)
    mail.outbox.clear()
    with smtp_server("451 4.3.0 <therapist@example.org>: try again later") as server:
        use_smtp_server(settings, server)
        tasks.notify_therapist(reflection.pk)

    reflection.refresh_from_db()
    assert reflection.therapist_notified_at is None
    retry = Schedule.objects.get(func="homework.tasks.notify_therapist")
    assert retry.args == f"({reflection.pk},)"
    assert "therapist@example.org" not in logged(caplog)

    with smtp_server("250 ok") as server:
        use_smtp_server(settings, server)
        tasks.notify_therapist(reflection.pk, attempt=2)
    assert server.accepted == 1
    assert Reflection.objects.get(pk=reflection.pk).therapist_notified_at is not None


def test_a_digest_refused_for_now_goes_at_the_next_run(
    assignment, client_profile, clock, settings, caplog
):
    settings.HOMEWORK_DIGEST_HOUR = 7
    submit(assignment, client_profile, 1)
    clock.move_to(datetime.datetime(2026, 3, 15, 7, 15, tzinfo=datetime.UTC))
    with smtp_server("421 4.7.0 <therapist@example.org>: busy") as server:
        use_smtp_server(settings, server)
        assert tasks.send_therapist_digests() == 0
    assert "therapist@example.org" not in logged(caplog)
    with smtp_server("250 ok") as server:
        use_smtp_server(settings, server)
        assert tasks.send_therapist_digests() == 1
    assert server.accepted == 1
