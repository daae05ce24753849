"""The scheduled tasks, created once by name after every migrate.

A schedule is looked up by its name, so a deploy or a restart never adds a second one,
and catch-up is off, so downtime is never followed by a burst of missed runs.
"""

from django.conf import settings
from django_q.models import Schedule

# name -> (dotted task path, schedule type, minutes between runs for MINUTES)
SCHEDULES: dict[str, dict] = {}


def ensure_schedules(**kwargs):
    for name, spec in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults=spec)


# --- Homework: reminders and the therapist's digest ---------------------------------------------

SCHEDULES["homework reminders"] = {
    "func": "homework.tasks.send_due_reminders",
    "schedule_type": Schedule.MINUTES,
    "minutes": 15,
    "repeats": -1,
}
SCHEDULES["homework therapist digest"] = {
    "func": "homework.tasks.send_therapist_digests",
    "schedule_type": Schedule.MINUTES,
    "minutes": 15,
    "repeats": -1,
}

# Answers kept after a failed post live a few hours; expired ones go within the hour.
SCHEDULES["homework kept answers pruning"] = {
    "func": "homework.tasks.delete_expired_kept_answers",
    "schedule_type": Schedule.HOURLY,
    "repeats": -1,
}


# --- Session summaries: the sweeper and the retention of files -------------------------------


def _session_summary_schedules():
    return {
        "session summaries sweeper": {
            "func": "homework.tasks.sweep_session_summaries",
            "schedule_type": Schedule.MINUTES,
            "minutes": settings.SUMMARY_SWEEP_MINUTES,
            "repeats": -1,
        },
        "session summaries retention": {
            "func": "homework.tasks.delete_expired_session_summaries",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    }


SCHEDULES.update(_session_summary_schedules())


# --- Task history: failures keep ids and error types only, and not for long ----------------

SCHEDULES["task history pruning"] = {
    "func": "clients.tasks.prune_task_history",
    "schedule_type": Schedule.DAILY,
    "repeats": -1,
}
