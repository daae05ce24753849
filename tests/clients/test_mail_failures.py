"""When the mail server refuses a recipient: no failure row or log line keeps the address;
a temporary refusal is tried again later, a permanent one is not; task history is pruned."""

import datetime
import logging
import queue
import uuid
from multiprocessing import Value

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_q.models import Failure, Schedule, Success, Task

from tests.smtp import smtp_server, use_smtp_server

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
RESET_TASK = "clients.tasks.send_password_reset_email"


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def run_like_a_worker(func, *args, **kwargs):
    """Runs one task as a qcluster worker does, and saves its row as the monitor does."""
    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.worker import worker

    tasks_in, results = queue.Queue(), queue.Queue()
    tasks_in.put(
        {
            "id": uuid.uuid4().hex,
            "name": "test-task",
            "func": func,
            "args": args,
            "kwargs": kwargs,
            "started": timezone.now(),
        }
    )
    tasks_in.put("STOP")
    worker(tasks_in, results, Value("f", -1), timeout=-1)
    results.put("STOP")
    monitor(results, broker=get_broker())


def everything_kept(caplog):
    """The text of every task row, schedule and log record."""
    rows = [f"{t.func} {t.args} {t.kwargs} {t.result}" for t in Task.objects.all()]
    schedules = [f"{s.func} {s.args} {s.kwargs}" for s in Schedule.objects.all()]
    logs = [r.getMessage() for r in caplog.records]
    return "\n".join(rows + schedules + logs)


def test_a_refused_recipient_is_logged_by_type_and_id_and_not_retried(
    settings, caplog, client_profile
):
    caplog.set_level(logging.INFO)
    with smtp_server("550 5.1.1 <jordan@example.org>: no such mailbox") as server:
        use_smtp_server(settings, server)
        run_like_a_worker(RESET_TASK, client_profile.pk)

    assert server.accepted == 0
    assert "SMTPRecipientsRefused" in everything_kept(caplog)
    assert f"client {client_profile.pk}" in everything_kept(caplog)
    assert "jordan@example.org" not in everything_kept(caplog)
    assert not Schedule.objects.filter(func=RESET_TASK).exists()


def test_a_temporary_refusal_is_tried_again_later_with_the_ids_only(
    settings, caplog, client_profile
):
    caplog.set_level(logging.INFO)
    with smtp_server("451 4.3.0 <jordan@example.org>: try again later") as server:
        use_smtp_server(settings, server)
        run_like_a_worker(RESET_TASK, client_profile.pk)

    retry = Schedule.objects.get(func=RESET_TASK)
    assert retry.schedule_type == Schedule.ONCE
    assert retry.next_run == NOW + settings.MAIL_RETRY_DELAY
    assert "attempt" in retry.kwargs
    assert "jordan@example.org" not in everything_kept(caplog)


def test_the_retry_sends_once_the_server_takes_mail_again(settings, client_profile):
    with smtp_server("250 ok") as server:
        use_smtp_server(settings, server)
        run_like_a_worker(RESET_TASK, client_profile.pk, attempt=2)
    assert server.accepted == 1


def test_the_last_temporary_failure_leaves_a_failure_row_naming_no_one(
    settings, caplog, client_profile
):
    caplog.set_level(logging.INFO)
    with smtp_server("451 4.3.0 <jordan@example.org>: try again later") as server:
        use_smtp_server(settings, server)
        run_like_a_worker(RESET_TASK, client_profile.pk, attempt=settings.MAIL_RETRY_ATTEMPTS)

    failure = Failure.objects.get(func=RESET_TASK)
    assert "SMTPRecipientsRefused" in failure.result
    assert f"client {client_profile.pk}" in failure.result
    assert "jordan@example.org" not in everything_kept(caplog)
    assert not Schedule.objects.filter(func=RESET_TASK).exists()


def test_a_server_that_cannot_be_reached_counts_as_temporary(settings, caplog, client_profile):
    with smtp_server("250 ok") as server:
        port = server.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    run_like_a_worker(RESET_TASK, client_profile.pk)
    assert Schedule.objects.filter(func=RESET_TASK).exists()


def test_a_sent_reset_email_needs_no_retry(client_profile):
    run_like_a_worker(RESET_TASK, client_profile.pk)
    assert len(mail.outbox) == 1
    assert not Schedule.objects.filter(func=RESET_TASK).exists()


# --- Pruning the task history ----------------------------------------------------------------


def make_task(*, success, age):
    stopped = timezone.now() - age
    return Task.objects.create(
        id=uuid.uuid4().hex,
        name=uuid.uuid4().hex[:20],
        func=RESET_TASK,
        args=(1,),
        kwargs={},
        result=None,
        started=stopped,
        stopped=stopped,
        success=success,
    )


def test_failures_are_pruned_after_the_retention_period_and_successes_after_a_day(settings):
    from clients.tasks import prune_task_history

    settings.TASK_FAILURE_RETENTION_DAYS = 14
    old_failure = make_task(success=False, age=datetime.timedelta(days=15))
    recent_failure = make_task(success=False, age=datetime.timedelta(days=13))
    old_success = make_task(success=True, age=datetime.timedelta(days=2))
    recent_success = make_task(success=True, age=datetime.timedelta(hours=2))

    prune_task_history()

    assert list(Failure.objects.values_list("pk", flat=True)) == [recent_failure.pk]
    assert list(Success.objects.values_list("pk", flat=True)) == [recent_success.pk]
    assert not Task.objects.filter(pk__in=[old_failure.pk, old_success.pk]).exists()


def test_the_pruning_is_scheduled_once_by_name():
    from homework.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()  # as after a second migrate

    pruning = Schedule.objects.get(name="task history pruning")
    assert pruning.func == "clients.tasks.prune_task_history"
    assert pruning.schedule_type == Schedule.DAILY
