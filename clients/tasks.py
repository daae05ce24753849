"""Background tasks (django-q2). They take ids, never objects or addresses.

django-q keeps a failed task's arguments and exception text: neither may name a person.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from .emails import MailFailed, send_password_reset, send_reporting_ids
from .models import Client

logger = logging.getLogger(__name__)


def send_password_reset_email(client_id, attempt=1):
    """Sends the client a reset link; does nothing for None or an unknown or closed account.

    The portal enqueues this for every request, known e-mail or not, so both paths look alike.
    """
    client = (
        Client.objects.filter(pk=client_id, user__is_active=True)
        .select_related("user", "therapist")
        .first()
    )
    if client is not None:
        send_from_task(
            send_password_reset,
            client,
            task="clients.tasks.send_password_reset_email",
            task_args=(client_id,),
            attempt=attempt,
            ids={"client": client_id},
        )


def send_from_task(send, *send_args, task, task_args, attempt, ids, on_failure=None):
    """Send one e-mail from a task; True once sent.

    - Any mail error becomes MailFailed, whose text names the error type and `ids` only.
    - A permanent refusal (5xx) is logged and not retried.
    - A temporary one (4xx, lost connection, timeout) runs `task(*task_args)` again after
      MAIL_RETRY_DELAY times the attempt; after MAIL_RETRY_ATTEMPTS the MailFailed is
      raised, so the failure row says what failed without saying to whom.
    - `on_failure` runs first on any failure (to release a claim, so a retry may send).
    """
    from django_q.models import Schedule
    from django_q.tasks import schedule

    try:
        send_reporting_ids(send, *send_args, ids=ids)
        return True
    except MailFailed as failed:
        error = failed
    if on_failure is not None:
        on_failure()
    if error.permanent:
        logger.error("%s. Not retried.", error)
        return False
    if attempt >= settings.MAIL_RETRY_ATTEMPTS:
        raise error
    schedule(
        task,
        *task_args,
        attempt=attempt + 1,
        schedule_type=Schedule.ONCE,
        next_run=timezone.now() + settings.MAIL_RETRY_DELAY * attempt,
    )
    logger.warning(
        "%s. Trying again (attempt %s of %s).", error, attempt + 1, settings.MAIL_RETRY_ATTEMPTS
    )
    return False


def prune_task_history():
    """Daily: finished tasks are forgotten, failures after TASK_FAILURE_RETENTION_DAYS.

    A failure row keeps its task's arguments (ids) and error text for as long as it lives.
    """
    from django_q.models import Failure, Success

    now = timezone.now()
    cutoff = now - datetime.timedelta(days=settings.TASK_FAILURE_RETENTION_DAYS)
    failures, _ = Failure.objects.filter(stopped__lt=cutoff).delete()
    successes, _ = Success.objects.filter(stopped__lt=now - datetime.timedelta(days=1)).delete()
    if failures or successes:
        logger.info("Task history: %s failures and %s successes pruned.", failures, successes)
