"""A real `qcluster` renders a real summary: the queue, the worker and WeasyPrint together."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.worker

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")

ENQUEUE = """
import datetime
import django
django.setup()
from django.db import transaction
from clients.models import Couple
from homework import tasks
from homework.models import SessionSummary
from practice_site.builders import make_client, make_therapist
from practice_site import builders as b

therapist = make_therapist("worker.therapist@example.org")
alex = make_client(therapist, "worker.alex@example.org", "Alex Rivera", "America/New_York")
sam = make_client(therapist, "worker.sam@example.org", "Sam Rivera", "America/New_York")
couple = Couple.objects.create(therapist=therapist, partner_a=alex, partner_b=sam)
today = datetime.date.today()
b.make_couple_story(couple, start_date=today - datetime.timedelta(weeks=3), weeks=2)
with transaction.atomic():
    since = today - datetime.timedelta(weeks=3)
    summary, _ = SessionSummary.request(
        therapist=therapist, recipient=couple, since=since, until=today
    )
    tasks.enqueue_session_summary(summary.pk)
print(summary.pk)
"""


def run(args, env, **kwargs):
    return subprocess.run(
        args, env=env, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True,
        timeout=180, **kwargs,
    )  # fmt: skip


def read_status(db_path, pk):
    with sqlite3.connect(db_path, timeout=5) as db:
        row = db.execute(
            "SELECT status, file, page_count FROM homework_sessionsummary WHERE id = ?", (pk,)
        ).fetchone()
    return row


def test_a_real_worker_renders_a_queued_summary(tmp_path):
    db_path = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.homework.summary_worker_settings",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SUMMARY_WORKER_DIR": str(tmp_path),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    run([sys.executable, MANAGE, "migrate", "--no-input", "-v", "0"], env)
    pk = int(run([sys.executable, "-c", ENQUEUE], env).stdout.strip().splitlines()[-1])
    assert read_status(db_path, pk)[0] == "queued"

    worker = subprocess.Popen(
        [sys.executable, MANAGE, "qcluster"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            status, name, pages = read_status(db_path, pk)
            if status in ("ready", "failed"):
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()

    assert status == "ready"
    assert pages >= 2
    document = tmp_path / "private" / name
    assert document.read_bytes().startswith(b"%PDF-")
    assert not list((tmp_path / "private").rglob(".partial-*"))
