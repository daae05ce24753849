"""The render task, the sweeper and retention, with WeasyPrint stubbed out."""

import datetime
import logging
import pathlib

import pytest
import time_machine
from django.core.files.storage import storages
from django.utils import timezone

from homework import pdf, tasks
from homework.models import SessionSummary
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
FAKE = pdf.RenderedPdf(b"%PDF-1.7\n% a stand-in document\n%%EOF\n", 3)
Status = SessionSummary.Status


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def renders(monkeypatch):
    """Replaces WeasyPrint; lists the summaries it was asked to render."""
    calls = []

    def fake_render(summary, **kwargs):
        calls.append(summary.pk)
        return FAKE

    monkeypatch.setattr(pdf, "render_summary", fake_render)
    return calls


@pytest.fixture
def summary(couple):
    return b.make_summary(
        couple=couple, since=datetime.date(2026, 9, 21), until=datetime.date(2026, 10, 19)
    )


def private_files():
    root = pathlib.Path(storages["private"].location)
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_requested_summary_is_rendered_after_commit_and_becomes_ready(
    couple, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary, created = SessionSummary.request(
            therapist=couple.therapist,
            recipient=couple,
            since=datetime.date(2026, 9, 21),
            until=datetime.date(2026, 10, 19),
        )
        tasks.enqueue_session_summary(summary.pk)
        assert renders == []  # nothing runs before the row is committed

    assert created
    assert len(callbacks) == 1
    summary.refresh_from_db()
    assert summary.status == Status.READY
    assert summary.attempts == 1
    assert summary.page_count == 3
    assert summary.size_bytes == len(FAKE.content)
    assert summary.sha256 == FAKE.sha256
    assert summary.started_at == summary.finished_at == NOW
    assert summary.file.name == f"summaries/{summary.uuid}.pdf"
    with summary.file.open("rb") as handle:
        assert handle.read() == FAKE.content
    assert private_files() == [f"{summary.uuid}.pdf"]  # no partial file left behind


def test_the_queue_is_given_the_summary_id_only(
    summary, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "homework.tasks.async_task", lambda func, *args, **kwargs: queued.append((func, args))
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_session_summary(summary.pk)

    assert queued == [("homework.tasks.render_session_summary", (summary.pk,))]


def test_a_second_run_of_the_same_task_does_nothing(summary, renders):
    assert tasks.render_session_summary(summary.pk) is None
    assert tasks.render_session_summary(summary.pk) is None

    assert renders == [summary.pk]
    summary.refresh_from_db()
    assert summary.status == Status.READY
    assert summary.attempts == 1


@pytest.mark.parametrize("status", [Status.RENDERING, Status.READY, Status.FAILED])
def test_a_summary_that_is_not_queued_is_never_claimed(summary, renders, status):
    SessionSummary.objects.filter(pk=summary.pk).update(status=status)

    tasks.render_session_summary(summary.pk)

    assert renders == []
    summary.refresh_from_db()
    assert summary.status == status
    assert summary.attempts == 0


def test_a_refused_fetch_marks_the_summary_failed_and_the_worker_carries_on(summary, monkeypatch):
    def refused(summary, **kwargs):
        raise pdf.FatalURLFetchingError("Error fetching file:///etc/passwd")

    monkeypatch.setattr(pdf, "render_summary", refused)

    assert tasks.render_session_summary(summary.pk) is None

    summary.refresh_from_db()
    assert summary.status == Status.FAILED
    assert "tried to load something from outside the site" in summary.failure_reason
    assert "passwd" not in summary.failure_reason
    assert summary.finished_at == NOW
    assert not summary.file


def test_an_unexpected_error_fails_with_a_readable_reason_that_quotes_nothing(
    summary, monkeypatch, caplog
):
    def broken(summary, **kwargs):
        raise ValueError("Sam wrote: I could not breathe")

    monkeypatch.setattr(pdf, "render_summary", broken)

    with caplog.at_level(logging.INFO):
        tasks.render_session_summary(summary.pk)

    summary.refresh_from_db()
    assert summary.status == Status.FAILED
    assert summary.failure_reason == tasks.SUMMARY_FAILED_ERROR
    assert "breathe" not in caplog.text
    assert "ValueError" in caplog.text


def test_a_failed_write_leaves_no_partial_file_and_fails_the_summary(summary, renders, monkeypatch):
    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf.os, "replace", full_disk)

    tasks.render_session_summary(summary.pk)

    summary.refresh_from_db()
    assert summary.status == Status.FAILED
    assert private_files() == []


def test_asking_again_for_the_same_range_returns_the_summary_in_progress(summary):
    again, created = SessionSummary.request(
        therapist=summary.therapist,
        recipient=summary.couple,
        since=summary.since,
        until=summary.until,
    )

    assert not created
    assert again == summary
    assert SessionSummary.objects.count() == 1


def test_asking_again_once_ready_makes_a_new_summary(summary, renders):
    tasks.render_session_summary(summary.pk)

    again, created = SessionSummary.request(
        therapist=summary.therapist,
        recipient=summary.couple,
        since=summary.since,
        until=summary.until,
    )

    assert created
    assert again != summary


def stuck(summary, *, status, minutes_ago, attempts):
    at = NOW - datetime.timedelta(minutes=minutes_ago)
    SessionSummary.objects.filter(pk=summary.pk).update(
        status=status, started_at=at, queued_at=at, attempts=attempts
    )


def test_sweeper_requeues_a_render_whose_worker_was_killed(
    summary, renders, django_capture_on_commit_callbacks, settings
):
    assert settings.Q_CLUSTER["timeout"] == 120
    stuck(summary, status=Status.RENDERING, minutes_ago=5, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_session_summaries()

    summary.refresh_from_db()
    assert summary.status == Status.READY
    assert summary.attempts == 2
    assert renders == [summary.pk]


def test_sweeper_gives_up_after_the_last_attempt_with_a_reason(
    summary, renders, django_capture_on_commit_callbacks
):
    stuck(summary, status=Status.RENDERING, minutes_ago=5, attempts=3)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_session_summaries()

    summary.refresh_from_db()
    assert summary.status == Status.FAILED
    assert "after 3 attempts" in summary.failure_reason
    assert renders == []


def test_sweeper_leaves_a_render_within_its_timeout_alone(
    summary, renders, django_capture_on_commit_callbacks
):
    stuck(summary, status=Status.RENDERING, minutes_ago=1, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_session_summaries()

    summary.refresh_from_db()
    assert summary.status == Status.RENDERING
    assert renders == []


def test_sweeper_requeues_a_summary_the_broker_lost(
    summary, renders, django_capture_on_commit_callbacks
):
    stuck(summary, status=Status.QUEUED, minutes_ago=10, attempts=0)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_session_summaries()

    summary.refresh_from_db()
    assert summary.status == Status.READY
    assert renders == [summary.pk]


def test_files_past_the_retention_period_are_deleted_and_the_row_kept(couple, renders, settings):
    settings.SUMMARY_RETENTION_DAYS = 30
    old = b.make_summary(
        couple=couple, since=datetime.date(2026, 8, 1), until=datetime.date(2026, 8, 30)
    )
    recent = b.make_summary(
        couple=couple, since=datetime.date(2026, 9, 1), until=datetime.date(2026, 10, 1)
    )
    tasks.render_session_summary(old.pk)
    tasks.render_session_summary(recent.pk)
    SessionSummary.objects.filter(pk=old.pk).update(finished_at=NOW - datetime.timedelta(days=31))

    tasks.delete_expired_session_summaries()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.EXPIRED
    assert not old.file
    assert recent.status == Status.READY
    assert private_files() == [f"{recent.uuid}.pdf"]


def test_deleting_a_client_deletes_their_summary_files(
    client_profile, renders, django_capture_on_commit_callbacks
):
    summary = b.make_summary(
        client=client_profile, since=datetime.date(2026, 9, 1), until=datetime.date(2026, 10, 1)
    )
    tasks.render_session_summary(summary.pk)
    assert private_files() == [f"{summary.uuid}.pdf"]

    with django_capture_on_commit_callbacks(execute=True):
        client_profile.delete()

    assert not SessionSummary.objects.exists()
    assert private_files() == []


def test_the_default_range_is_the_last_four_weeks_then_since_the_previous_summary(couple):
    today = timezone.localdate()
    assert SessionSummary.default_range(couple) == (
        today - datetime.timedelta(weeks=4),
        today,
    )

    b.make_summary(couple=couple, since=datetime.date(2026, 9, 1), until=datetime.date(2026, 10, 6))
    assert SessionSummary.default_range(couple) == (datetime.date(2026, 10, 7), today)


def test_a_failed_summary_does_not_move_the_default_range(couple):
    b.make_summary(
        couple=couple,
        since=datetime.date(2026, 9, 1),
        until=datetime.date(2026, 10, 6),
        status=Status.FAILED,
    )

    assert SessionSummary.default_range(couple)[0] == timezone.localdate() - datetime.timedelta(
        weeks=4
    )


def test_the_sweeper_and_retention_are_scheduled_once_by_name():
    from django_q.models import Schedule

    from homework.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()  # as after a second migrate

    sweeper = Schedule.objects.get(name="session summaries sweeper")
    assert sweeper.func == "homework.tasks.sweep_session_summaries"
    assert sweeper.schedule_type == Schedule.MINUTES
    retention = Schedule.objects.get(name="session summaries retention")
    assert retention.func == "homework.tasks.delete_expired_session_summaries"
    assert retention.schedule_type == Schedule.DAILY


def test_deleting_one_partner_deletes_the_couples_summary_files(
    couple, renders, django_capture_on_commit_callbacks
):
    summary = b.make_summary(
        couple=couple, since=datetime.date(2026, 9, 1), until=datetime.date(2026, 10, 1)
    )
    tasks.render_session_summary(summary.pk)

    with django_capture_on_commit_callbacks(execute=True):
        couple.partner_a.delete()

    assert not SessionSummary.objects.exists()
    assert private_files() == []
