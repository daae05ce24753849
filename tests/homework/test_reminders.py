"""Weekly reminders: once per client per week, at the reminder hour in their time zone."""

import datetime

import pytest
import time_machine
from django.core import mail
from django_q.models import Schedule

from homework import emails, tasks
from homework.models import ReminderLog, TherapistPreference
from practice_site.builders import link_source_article, make_assignment, submit

UTC = datetime.UTC
# Week 2 ends Sunday 15 March; reminders go the day before, from 18:00 local.
SATURDAY_1830_LONDON = datetime.datetime(2026, 3, 14, 18, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(SATURDAY_1830_LONDON, tick=False) as traveller:
        yield traveller


def test_reminder_is_sent_once_at_the_reminder_hour(assignment, clock):
    clock.move_to(SATURDAY_1830_LONDON - datetime.timedelta(hours=1))
    assert tasks.send_due_reminders() == 0
    clock.move_to(SATURDAY_1830_LONDON)
    assert tasks.send_due_reminders() == 1
    assert tasks.send_due_reminders() == 0  # a re-run
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jordan@example.org"]
    assert ReminderLog.objects.get().week == 2


def test_reminder_hour_follows_the_clients_time_zone(practice, couple, clock):
    make_assignment(practice, couple=couple)  # New York: 14:30 on Saturday
    assert tasks.send_due_reminders() == 0
    clock.move_to(datetime.datetime(2026, 3, 14, 22, 30, tzinfo=UTC))  # 18:30 in New York
    assert tasks.send_due_reminders() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@example.org", "sam@example.org"]


def test_two_concurrent_runs_send_one_reminder(assignment, clock, monkeypatch):
    """The second run starts while the first holds the log row and is still sending."""
    sent = []
    real_send = emails.send_reminder

    def slow_send(client, assignment, week):
        if not sent:
            sent.append("second run")
            assert tasks.send_due_reminders() == 0
        real_send(client, assignment, week)

    monkeypatch.setattr(emails, "send_reminder", slow_send)
    assert tasks.send_due_reminders() == 1
    assert sent == ["second run"]
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again_next_run(assignment, clock, monkeypatch):
    def broken(*args):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(emails, "send_reminder", broken)
    assert tasks.send_due_reminders() == 0
    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    assert tasks.send_due_reminders() == 1


def test_no_reminder_once_submitted(assignment, client_profile, clock):
    submit(assignment, client_profile, 2)
    assert tasks.send_due_reminders() == 0


@pytest.mark.parametrize("action", ["pause", "cancel", "finish"])
def test_paused_or_stopped_assignments_get_no_reminder(assignment, clock, action):
    assignment.change_status(action)
    assert tasks.send_due_reminders() == 0
    assert mail.outbox == []


def test_no_burst_after_downtime(assignment, clock):
    # Back after the week was due: that week's reminder is no use any more.
    clock.move_to(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=UTC))
    assert tasks.send_due_reminders() == 0


def _whole(message):
    """Subject, plain body and HTML body of one e-mail, as one string."""
    return message.subject + message.body + "".join(body for body, _ in message.alternatives)


def test_reminder_names_neither_practice_nor_article_but_links_to_the_portal(
    assignment, client_profile, clock
):
    # The article's title states the therapy topic; so may the practice's.
    article = link_source_article(assignment.practice, title="Living with panic attacks")
    submit(assignment, client_profile, 1, text="My private words")
    assert assignment.practice.title == "Pausing when it heats up"
    assert article.url == "/blog/heats-up/"
    tasks.send_due_reminders()
    message = mail.outbox[0]
    assert message.alternatives, "the reminder has an HTML body too"
    whole = _whole(message)
    assert f"/portal/homework/{assignment.uuid}/week/2/" in message.body
    assert f"/portal/homework/{assignment.uuid}/week/2/" in message.alternatives[0][0]
    assert "Living with panic attacks" not in whole
    assert "panic" not in whole.lower()
    assert "/blog/heats-up/" not in whole
    assert "Pausing when it heats up" not in whole
    assert "heats up" not in whole.lower()
    assert "My private words" not in whole
    assert "How safe" not in whole


def test_reminder_schedule_exists_once_by_name(db):
    from homework.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name="homework reminders")
    assert schedule.func == "homework.tasks.send_due_reminders"
    assert schedule.minutes == 15
    assert Schedule.objects.filter(func="homework.tasks.send_due_reminders").count() == 1


# --- Therapist notices -------------------------------------------------------------------------


def test_digest_goes_once_a_day_with_a_count_only(assignment, client_profile, clock, settings):
    settings.HOMEWORK_DIGEST_HOUR = 7
    submit(assignment, client_profile, 1, text="Secret words")
    submit(assignment, client_profile, 2, text="More secret words")
    clock.move_to(datetime.datetime(2026, 3, 15, 6, 0, tzinfo=UTC))
    assert tasks.send_therapist_digests() == 0
    clock.move_to(datetime.datetime(2026, 3, 15, 7, 15, tzinfo=UTC))
    assert tasks.send_therapist_digests() == 1
    assert tasks.send_therapist_digests() == 0
    assert len(mail.outbox) == 1
    assert "2 new reflections" in mail.outbox[0].subject
    assert "Secret" not in mail.outbox[0].body
    assert "Jordan" not in mail.outbox[0].body


def test_therapist_who_chose_no_emails_gets_none(assignment, client_profile, therapist, clock):
    TherapistPreference.objects.create(therapist=therapist, notify=TherapistPreference.Notify.NEVER)
    reflection = submit(assignment, client_profile, 2)
    tasks.notify_therapist(reflection.pk)
    clock.move_to(datetime.datetime(2026, 3, 15, 9, 0, tzinfo=UTC))
    tasks.send_therapist_digests()
    assert mail.outbox == []


@pytest.mark.parametrize("notify", ["immediate", "digest"])
def test_therapist_notices_carry_no_health_content(
    assignment, client_profile, therapist, clock, settings, notify
):
    settings.HOMEWORK_DIGEST_HOUR = 7
    link_source_article(assignment.practice, title="Living with panic attacks")
    TherapistPreference.objects.create(therapist=therapist, notify=notify)
    reflection = submit(assignment, client_profile, 2, text="Secret words")
    tasks.notify_therapist(reflection.pk)
    clock.move_to(datetime.datetime(2026, 3, 15, 9, 0, tzinfo=UTC))
    tasks.send_therapist_digests()
    assert len(mail.outbox) == 1
    whole = _whole(mail.outbox[0])
    assert "new reflection" in whole  # positive control: it is the notice
    for private in ("Secret words", "Jordan", "Lee", "panic", "Pausing", "How safe"):
        assert private not in whole


@pytest.mark.django_db(transaction=True)
def test_two_workers_in_threads_send_one_reminder(practice, client_profile, monkeypatch):
    """Two real database connections: the second run happens while the first is sending."""
    import threading

    from django.db import connection

    assignment = make_assignment(practice, client=client_profile)
    claimed, second_done = threading.Event(), threading.Event()
    results = {}
    real_send = emails.send_reminder

    def slow_send(*args):
        claimed.set()
        second_done.wait(timeout=10)  # hold the claimed row until the other run is over
        real_send(*args)

    monkeypatch.setattr(emails, "send_reminder", slow_send)

    def run(name):
        try:
            results[name] = tasks.send_due_reminders()
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    with time_machine.travel(SATURDAY_1830_LONDON, tick=False):
        first = threading.Thread(target=run, args=("first",))
        first.start()
        # Wait on an event, not by polling the table: SQLite's shared in-memory test
        # database would refuse a read that overlaps the first run's write.
        assert claimed.wait(timeout=10), "the first run never claimed its reminder"
        second = threading.Thread(target=run, args=("second",))
        second.start()
        second.join(timeout=20)
        first.join(timeout=20)

    assert results == {"first": 1, "second": 0}
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(assignment=assignment).count() == 1
