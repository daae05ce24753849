"""django-q2 entry points. Tasks take ids, never objects, and no health content."""

# --- Homework: reminders and therapist notices ------------------------------------------------

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.tasks import async_task

from clients.emails import MailFailed, send_reporting_ids
from clients.tasks import send_from_task

from . import emails
from .models import (
    Assignment,
    KeptAnswers,
    Reflection,
    ReminderLog,
    SessionSummary,
    TherapistPreference,
    delete_private_files,
)

logger = logging.getLogger(__name__)


def reminder_due(week, local_now, now):
    """True inside the reminder window: from the reminder hour on the chosen day, until due.

    The window ends when the week is due, so a worker back from downtime sends at most the
    one reminder still useful, never a burst of old ones.
    """
    day = week.ends_on - datetime.timedelta(days=settings.HOMEWORK_REMINDER_DAYS_BEFORE_DUE)
    day = max(day, week.starts_on)
    starts = datetime.datetime.combine(
        day, datetime.time(settings.HOMEWORK_REMINDER_HOUR), tzinfo=local_now.tzinfo
    )
    return week.opens_at <= now and starts <= local_now and now < week.due_at


def send_due_reminders():
    """Every 15 minutes: one reminder per client per week, to those not yet submitted.

    The ReminderLog row is inserted before the e-mail is sent, in its own transaction: a
    second worker, or a re-run, hits the unique constraint and sends nothing. If sending
    fails, the row is removed so that the next run tries again.
    """
    now = timezone.now()
    assignments = list(
        Assignment.objects.active()
        .with_people()
        .filter(start_date__lte=now.date() + datetime.timedelta(days=1))
    )
    submitted = set(
        Reflection.objects.submitted()
        .filter(assignment__in=assignments)
        .values_list("assignment_id", "client_id", "week")
    )
    sent = 0
    for assignment in assignments:
        week = assignment.current_week(now)
        if week is None:
            continue
        for person in assignment.people:
            if person.archived or (assignment.pk, person.pk, week.number) in submitted:
                continue
            if not reminder_due(week, now.astimezone(person.zoneinfo), now):
                continue
            sent += _claim_and_send(assignment, person, week)
    return sent


def _claim_and_send(assignment, person, week):
    """The next run is the retry: a temporary failure releases the claim; a permanent
    refusal keeps it, so a refused address is not tried every quarter of an hour."""
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(assignment=assignment, client=person, week=week.number)
    except IntegrityError:
        return 0  # already sent, or being sent by another worker right now
    ids = {"assignment": assignment.pk, "client": person.pk, "week": week.number}
    try:
        send_reporting_ids(emails.send_reminder, person, assignment, week, ids=ids)
    except Exception as error:
        permanent = isinstance(error, MailFailed) and error.permanent
        if not permanent:
            log.delete()
        # The type only: a mail error's text names the recipient, a client of a therapist.
        logger.error(
            "Reminder for assignment %s week %s not sent (%s)%s",
            assignment.pk,
            week.number,
            getattr(error, "error_type", type(error).__name__),
            "; not retried." if permanent else "; the next run tries again.",
        )
        return 0
    return 1


def notify_therapist(reflection_id, attempt=1):
    """Right after a first submission: an immediate notice, for therapists who chose it.

    A failed send releases the claim, so that a retry (temporary failures) may send it.
    """
    reflection = (
        Reflection.objects.filter(pk=reflection_id).select_related("assignment__therapist").first()
    )
    if reflection is None:
        return
    therapist = reflection.assignment.therapist
    if TherapistPreference.for_user(therapist).notify != TherapistPreference.Notify.IMMEDIATE:
        return  # the daily digest will count it
    stamp = timezone.now()
    claimed = Reflection.objects.filter(
        pk=reflection_id, status=Reflection.Status.SUBMITTED, therapist_notified_at__isnull=True
    ).update(therapist_notified_at=stamp)
    if claimed:
        send_from_task(
            lambda: emails.send_new_reflections(therapist, 1, digest=False),
            task="homework.tasks.notify_therapist",
            task_args=(reflection_id,),
            attempt=attempt,
            ids={"reflection": reflection_id},
            on_failure=lambda: Reflection.objects.filter(
                pk=reflection_id, therapist_notified_at=stamp
            ).update(therapist_notified_at=None),
        )


def send_therapist_digests():
    """Every 15 minutes: once a day, from HOMEWORK_DIGEST_HOUR, tell each therapist (who
    chose the digest) how many reflections arrived since the last one."""
    now = timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.HOMEWORK_DIGEST_HOUR:
        return 0
    waiting = Reflection.objects.submitted().filter(therapist_notified_at__isnull=True)
    sent = 0
    for therapist_id in set(waiting.values_list("assignment__therapist", flat=True)):
        preference = TherapistPreference.objects.get_or_create(therapist_id=therapist_id)[0]
        if preference.notify != TherapistPreference.Notify.DIGEST:
            continue
        claimed_today = (
            TherapistPreference.objects.filter(pk=preference.pk)
            .exclude(digest_sent_on=local.date())
            .update(digest_sent_on=local.date())
        )
        if not claimed_today:
            continue
        count = waiting.filter(assignment__therapist_id=therapist_id).update(
            therapist_notified_at=now
        )
        if count:
            sent += _send_digest(preference, count, now)
    return sent


def _send_digest(preference, count, now):
    """The next run is the retry: a temporary failure releases today's claims."""
    ids = {"therapist": preference.therapist_id}
    try:
        send_reporting_ids(
            emails.send_new_reflections, preference.therapist, count, digest=True, ids=ids
        )
    except MailFailed as error:
        if not error.permanent:
            Reflection.objects.filter(
                assignment__therapist_id=preference.therapist_id, therapist_notified_at=now
            ).update(therapist_notified_at=None)
            TherapistPreference.objects.filter(pk=preference.pk).update(digest_sent_on=None)
        logger.error("%s", error)
        return 0
    return 1


# --- Session summaries: render, sweep, retention ----------------------------------------------
# Their own imports stay inside the functions: WeasyPrint is heavy, and only workers
# need it.

SUMMARY_FAILED_REFUSED = (
    "The document tried to load something from outside the site and was stopped. "
    "Please ask again; if it happens again, tell whoever runs the site."
)
SUMMARY_FAILED_ERROR = (
    "Something went wrong while making the document. Please ask again; if it keeps "
    "failing, tell whoever runs the site."
)
SUMMARY_FAILED_STUCK = (
    "The document could not be made after {attempts} attempts (the background worker "
    "stopped each time). Please ask again later, or tell whoever runs the site."
)


def enqueue_therapist_notice(reflection_id):
    """Tell the therapist of a first submission once the reflection is committed."""
    transaction.on_commit(lambda: async_task("homework.tasks.notify_therapist", reflection_id))


def enqueue_session_summary(summary_id):
    """Hand the render to a worker once the row that names it is committed."""
    transaction.on_commit(
        lambda: async_task(
            "homework.tasks.render_session_summary", summary_id, group="session-summaries"
        )
    )


def _fail_summary(summary_id, started_at, reason):
    SessionSummary.objects.filter(
        pk=summary_id, status=SessionSummary.Status.RENDERING, started_at=started_at
    ).update(status=SessionSummary.Status.FAILED, failure_reason=reason, finished_at=timezone.now())


def render_session_summary(summary_id):
    """Render one summary. Safe to run twice: only the run that claims the row works.

    - The claim is a conditional update from queued to rendering.
    - Any failure marks the summary failed with a reason the therapist can read; the
      reason and the log name no client and quote no answer. WeasyPrint's fatal fetch
      error is not an Exception and is caught too, so the worker survives it.
    - The row turns ready only after the file is completely in place.
    """
    from . import pdf

    started_at = timezone.now()
    claimed = SessionSummary.objects.filter(
        pk=summary_id, status=SessionSummary.Status.QUEUED
    ).update(
        status=SessionSummary.Status.RENDERING,
        started_at=started_at,
        finished_at=None,
        failure_reason="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        logger.info("Session summary %s is not queued; nothing to do.", summary_id)
        return None
    summary = SessionSummary.objects.with_people().filter(pk=summary_id).first()
    if summary is None:
        return None  # deleted (with its client) since it was claimed
    try:
        rendered = pdf.render_summary(summary)
        name = pdf.store(summary, rendered)
    except pdf.FatalURLFetchingError:
        logger.error("Session summary %s: a refused fetch stopped the render.", summary_id)
        _fail_summary(summary_id, started_at, SUMMARY_FAILED_REFUSED)
        return None
    except Exception as error:
        # The type only: an exception's text may quote what a client wrote.
        logger.error("Session summary %s failed: %s", summary_id, type(error).__name__)
        _fail_summary(summary_id, started_at, SUMMARY_FAILED_ERROR)
        return None
    finished = SessionSummary.objects.filter(
        pk=summary_id, status=SessionSummary.Status.RENDERING, started_at=started_at
    ).update(
        status=SessionSummary.Status.READY,
        file=name,
        page_count=rendered.page_count,
        size_bytes=len(rendered.content),
        sha256=rendered.sha256,
        finished_at=timezone.now(),
    )
    if not finished and not SessionSummary.objects.filter(pk=summary_id).exists():
        # Deleted (with its client) while rendering: nothing may outlive it.
        delete_private_files([name])
    return None


def sweep_session_summaries():
    """Every few minutes: rescue summaries a lost task or a killed worker left behind.

    - Rendering for longer than the task timeout: the worker died. Back to queued and
      enqueued again, or failed with a reason once `max_attempts` renders were started.
    - Queued for longer than the timeout: the broker lost the task (Redis keeps no
      receipts). Enqueued again; the claim makes a duplicate harmless.
    Each change is a conditional update, so two sweepers never both act on a row.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"])
    max_attempts = settings.Q_CLUSTER.get("max_attempts", 3)
    Status = SessionSummary.Status
    requeued = failed = 0
    for pk, started_at, attempts in SessionSummary.objects.filter(
        status=Status.RENDERING, started_at__lt=stale
    ).values_list("pk", "started_at", "attempts"):
        row = SessionSummary.objects.filter(pk=pk, status=Status.RENDERING, started_at=started_at)
        if attempts >= max_attempts:
            failed += row.update(
                status=Status.FAILED,
                failure_reason=SUMMARY_FAILED_STUCK.format(attempts=attempts),
                finished_at=now,
            )
        elif row.update(status=Status.QUEUED, queued_at=now):
            enqueue_session_summary(pk)
            requeued += 1
    for pk, queued_at in (
        SessionSummary.objects.filter(status=Status.QUEUED)
        .filter(Q(queued_at__lt=stale) | Q(queued_at__isnull=True))
        .values_list("pk", "queued_at")
    ):
        if SessionSummary.objects.filter(pk=pk, status=Status.QUEUED, queued_at=queued_at).update(
            queued_at=now
        ):
            enqueue_session_summary(pk)
            requeued += 1
    if requeued or failed:
        logger.warning("Session summaries: %s re-queued, %s given up.", requeued, failed)
    return None


def delete_expired_session_summaries():
    """Daily: delete PDFs older than SUMMARY_RETENTION_DAYS; the row stays, marked expired."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.SUMMARY_RETENTION_DAYS)
    expired = 0
    for summary in SessionSummary.objects.filter(
        status=SessionSummary.Status.READY, finished_at__lt=cutoff
    ):
        name = summary.file.name
        if SessionSummary.objects.filter(pk=summary.pk, status=SessionSummary.Status.READY).update(
            status=SessionSummary.Status.EXPIRED, file=""
        ):
            if name:
                summary.file.storage.delete(name)
            expired += 1
    if expired:
        logger.info("Session summaries: %s expired files deleted.", expired)
    return None


def delete_expired_kept_answers():
    """Hourly: answers kept after a failed post are deleted once past KEPT_ANSWERS_HOURS."""
    KeptAnswers.objects.expired().delete()
    return None
