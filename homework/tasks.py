"""django-q2 entry points. Tasks take ids, never objects, and no health content."""

# --- Homework: reminders and therapist notices ------------------------------------------------

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import emails
from .models import Assignment, Reflection, ReminderLog, TherapistPreference

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
            if not reminder_due(week, now.astimezone(zoneinfo.ZoneInfo(person.timezone)), now):
                continue
            sent += _claim_and_send(assignment, person, week)
    return sent


def _claim_and_send(assignment, person, week):
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(assignment=assignment, client=person, week=week.number)
    except IntegrityError:
        return 0  # already sent, or being sent by another worker right now
    try:
        emails.send_reminder(person, assignment, week)
    except Exception:
        log.delete()
        logger.exception("Reminder for assignment %s week %s not sent", assignment.pk, week.number)
        return 0
    return 1


def notify_therapist(reflection_id):
    """Right after a first submission: an immediate notice, for therapists who chose it."""
    reflection = (
        Reflection.objects.filter(pk=reflection_id).select_related("assignment__therapist").first()
    )
    if reflection is None:
        return
    therapist = reflection.assignment.therapist
    if TherapistPreference.for_user(therapist).notify != TherapistPreference.Notify.IMMEDIATE:
        return  # the daily digest will count it
    claimed = Reflection.objects.filter(
        pk=reflection_id, status=Reflection.Status.SUBMITTED, therapist_notified_at__isnull=True
    ).update(therapist_notified_at=timezone.now())
    if claimed:
        emails.send_new_reflections(therapist, 1, digest=False)


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
            emails.send_new_reflections(preference.therapist, count, digest=True)
            sent += 1
    return sent
