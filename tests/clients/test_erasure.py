"""Deleting a client erases them: no table, file, session or cache entry still holds
anything of theirs; the audit trail keeps only a pseudonym."""

import datetime
import pathlib
import pickle
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from picklefield import PickledObjectField

from clients.models import AuditEvent, Client, Couple, User
from homework import pdf, tasks
from homework.models import Reflection, SessionSummary
from practice_site import builders as b
from practice_site.builders import make_client
from tests.clients.conftest import sign_in

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"
THERAPIST_IP = "198.51.100.5"
SEARCHED_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.GenericIPAddressField,
    PickledObjectField,
)


def rows_holding(*needles):
    """Every (model, field) whose stored value mentions one of the needles."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, SEARCHED_FIELDS)]
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                text = str(value)
                if any(needle in text for needle in needles):
                    found.append(f"{model._meta.label}.{field.name}")
    return sorted(set(found))


def files_holding(*needles):
    found = []
    for root in (settings.PRIVATE_ROOT, settings.MEDIA_ROOT):
        for path in pathlib.Path(root).rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                if any(needle.encode() in content for needle in needles):
                    found.append(path.name)
    return found


def cache_holding(*needles):
    """The local-memory cache's keys and values (the test settings' cache)."""
    found = []
    for key, value in cache._cache.items():
        text = f"{key} {pickle.loads(value)!r}"  # noqa: S301 (our own test cache)
        if any(needle in text for needle in needles):
            found.append(key)
    return found


def sessions_of(user_pk):
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_pk)
    ]


@pytest.fixture
def marker():
    return f"zq{uuid.uuid4().hex[:12]}"


@pytest.fixture
def stub_render(monkeypatch, marker):
    """A stand-in for WeasyPrint whose file carries the marker, as a real summary would."""
    monkeypatch.setattr(
        pdf, "render_summary", lambda summary, **kw: pdf.RenderedPdf(f"%PDF {marker}".encode(), 1)
    )


@pytest.fixture
def marked_couple(therapist, marker, stub_render, django_capture_on_commit_callbacks):
    """A couple whose partner A holds the marker in every field a client and their homework
    can hold, and has signed in, failed to sign in and asked for a password reset."""
    email = f"{marker}@example.org"
    alex = make_client(therapist, email, f"Alex {marker}", preferred_name=f"Al {marker}")
    sam = make_client(therapist, "sam@example.org", "Sam Rivera")
    couple = Couple.objects.create(therapist=therapist, partner_a=alex, partner_b=sam)
    start = datetime.date(2026, 3, 2)
    shared = b.make_assignment(couple=couple, start_date=start, note=f"Together {marker}")
    own = b.make_assignment(client=alex, start_date=start, note=f"Alone {marker}")
    sams_own = b.make_assignment(client=sam, start_date=start, note="Sam's own practice")
    b.make_reflection(shared, alex, 1, text=f"Submitted {marker}")
    b.make_reflection(shared, sam, 1, text="Sam on the shared practice")
    b.make_reflection(
        own, alex, 1, text=f"Draft {marker}", status=Reflection.Status.DRAFT, submitted_at=None
    )
    b.make_reflection(sams_own, sam, 1, text="Sam's own words")
    for subject in ({"client": alex}, {"couple": couple}):
        summary = b.make_summary(
            since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31), **subject
        )
        tasks.render_session_summary(summary.pk)

    admin = HttpClient(REMOTE_ADDR=THERAPIST_IP)
    admin.force_login(therapist)
    admin.post(  # leaves an admin log line naming them
        f"/admin/clients/edit/{alex.pk}/",
        {
            "full_name": alex.full_name,
            "preferred_name": alex.preferred_name,
            "email": email,
            "timezone": "UTC",
        },
    )

    portal = HttpClient(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=f"Browser {marker}")
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_in(portal, email).status_code == 302
        portal.get("/portal/data/")
        portal.post("/portal/password/reset/", {"email": email})
        sign_in(HttpClient(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=f"Phone {marker}"), email, "no")

    from django_q.models import Task

    now = timezone.now()
    Task.objects.create(
        id=uuid.uuid4().hex,
        name="failed-reset",
        func="clients.tasks.send_password_reset_email",
        args=(alex.pk,),
        kwargs={},
        result=f"{{'{email}': (550, b'5.1.1 {email}: no such user')}} : Traceback ...",
        started=now,
        stopped=now,
        success=False,
    )
    return couple


def test_a_deleted_client_leaves_nothing_of_theirs_anywhere(
    therapist, marked_couple, marker, django_capture_on_commit_callbacks
):
    alex, sam = marked_couple.partner_a, marked_couple.partner_b
    email = alex.email
    needles = (marker, email, CLIENT_IP)
    # Positive control: the same searches find them before the delete.
    assert {
        "clients.AuditEvent.actor_label",
        "clients.AuditEvent.ip_address",
        "homework.Reflection.answers",
        "django_q.Task.result",
        "axes.AccessAttempt.username",
        "clients.ClientLogEntry.label",
    } <= set(rows_holding(*needles))
    assert len(files_holding(*needles)) == 2
    assert sessions_of(alex.user_id)
    assert cache.get(f"password-reset-counters:{_sha(email)}")
    assert AuditEvent.objects.filter(client=alex, user_agent__contains=marker).count() >= 2

    browser = HttpClient(REMOTE_ADDR=THERAPIST_IP)
    browser.force_login(therapist)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/admin/clients/delete/{alex.pk}/", {"confirmation": alex.full_name}
        )
    assert response.status_code == 302

    assert rows_holding(*needles) == []
    assert files_holding(*needles) == []
    assert not [p for p in pathlib.Path(settings.PRIVATE_ROOT).rglob("*") if p.is_file()]
    assert cache_holding(*needles) == []
    assert not cache.get(f"password-reset-counters:{_sha(email)}")
    assert sessions_of(alex.user_id) == []
    # The audit trail stays, naming them by pseudonym.
    pseudonym = f"deleted client {alex.uuid.hex[:8]}"
    assert AuditEvent.objects.filter(actor_label=pseudonym, client_label=str(alex.uuid)).exists()
    # The partner and their own work stay.
    assert Client.objects.filter(pk=sam.pk).exists()
    assert User.objects.filter(pk=sam.user_id).exists()
    assert [r.answers[b.TEXT_KEY] for r in Reflection.objects.filter(client=sam)] == [
        "Sam's own words"
    ]


def _sha(email):
    import hashlib

    return hashlib.sha256(email.encode()).hexdigest()


def test_the_audit_trail_refuses_any_other_rewrite(client_profile):
    from clients.audit import record

    record(None, AuditEvent.Action.VIEW, client=client_profile)
    events = AuditEvent.objects.filter(client=client_profile)
    for change in [
        {"actor_label": "someone else", "ip_address": None, "user_agent": ""},
        {"actor_label": "deleted client 1234", "ip_address": "10.0.0.1", "user_agent": ""},
        {"actor_label": "deleted client 1234"},
        {"action": AuditEvent.Action.SIGN_IN},
    ]:
        with pytest.raises(PermissionError):
            events.update(**change)
    assert events.pseudonymise("deleted client 1234") == 1


def test_the_therapists_own_trail_about_the_deleted_client_keeps_her_name(
    therapist_client, therapist, client_profile
):
    therapist_client.get(f"/admin/clients/{client_profile.pk}/")
    therapist_client.post(
        f"/admin/clients/delete/{client_profile.pk}/", {"confirmation": "Jordan Lee"}
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CLIENT_DELETED, actor_label=therapist.email
    ).exists()


# --- A render still running when its client is deleted ------------------------------------


def private_files():
    return [p for p in pathlib.Path(settings.PRIVATE_ROOT).rglob("*") if p.is_file()]


def test_a_render_that_ends_after_its_client_was_deleted_leaves_no_file(
    client_profile, monkeypatch, django_capture_on_commit_callbacks
):
    summary = b.make_summary(
        client=client_profile, since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31)
    )

    def render_while_the_client_is_deleted(summary, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            Client.objects.get(pk=client_profile.pk).erase()
        return pdf.RenderedPdf(b"%PDF a stand-in", 1)

    monkeypatch.setattr(pdf, "render_summary", render_while_the_client_is_deleted)
    tasks.render_session_summary(summary.pk)

    assert not SessionSummary.objects.exists()
    assert private_files() == []


def test_a_file_written_before_its_row_says_so_goes_with_the_client(
    client_profile, django_capture_on_commit_callbacks
):
    summary = b.make_summary(
        client=client_profile,
        since=datetime.date(2026, 3, 1),
        until=datetime.date(2026, 3, 31),
        status=SessionSummary.Status.RENDERING,
    )
    # The render has put its file in place but not yet marked the row ready.
    pdf.store(summary, pdf.RenderedPdf(b"%PDF a stand-in", 1))
    assert len(private_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        client_profile.erase()

    assert private_files() == []


def test_task_rows_naming_their_homework_go_and_the_partners_stay(
    therapist, couple, partner_a, partner_b
):
    from django_q.models import Task

    start = datetime.date(2026, 3, 2)
    shared = b.make_assignment(couple=couple, start_date=start)
    sams_own = b.make_assignment(client=partner_b, start_date=start)
    alexs = b.make_reflection(shared, partner_a, 1)
    sams = b.make_reflection(sams_own, partner_b, 1)
    couples_summary = b.make_summary(couple=couple, since=start, until=start)

    def task_row(func, *args):
        now = timezone.now()
        return Task.objects.create(
            id=uuid.uuid4().hex,
            name=uuid.uuid4().hex[:20],
            func=func,
            args=args,
            kwargs={},
            started=now,
            stopped=now,
            success=False,
        )

    task_row("homework.tasks.notify_therapist", alexs.pk)
    task_row("homework.tasks.render_session_summary", couples_summary.pk)
    task_row("clients.tasks.send_password_reset_email", partner_a.pk)
    kept = [
        task_row("homework.tasks.notify_therapist", sams.pk),
        task_row("clients.tasks.send_password_reset_email", partner_b.pk),
    ]

    partner_a.erase()

    assert sorted(Task.objects.values_list("pk", flat=True)) == sorted(t.pk for t in kept)


def test_mail_retries_waiting_for_their_homework_go_and_the_partners_stay(
    therapist, couple, partner_a, partner_b
):
    from django_q.models import Schedule
    from django_q.tasks import schedule

    start = datetime.date(2026, 3, 2)
    shared = b.make_assignment(couple=couple, start_date=start)
    sams_own = b.make_assignment(client=partner_b, start_date=start)
    alexs = b.make_reflection(shared, partner_a, 1)
    sams = b.make_reflection(sams_own, partner_b, 1)

    def retry(func, *args):  # as clients.tasks.send_from_task schedules one
        return schedule(
            func,
            *args,
            attempt=2,
            schedule_type=Schedule.ONCE,
            next_run=timezone.now() + datetime.timedelta(minutes=10),
        )

    retry("homework.tasks.notify_therapist", alexs.pk)
    retry("clients.tasks.send_password_reset_email", partner_a.pk)
    kept = [
        retry("homework.tasks.notify_therapist", sams.pk),
        retry("clients.tasks.send_password_reset_email", partner_b.pk),
    ]

    partner_a.erase()

    retries = Schedule.objects.filter(func__in=[s.func for s in kept])
    assert sorted(retries.values_list("pk", flat=True)) == sorted(s.pk for s in kept)


def test_cached_sessions_of_the_deleted_client_leave_the_cache_too(
    settings, client_profile, partner_a
):
    from importlib import import_module

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs, partners = HttpClient(), HttpClient()
    theirs.force_login(client_profile.user)
    partners.force_login(partner_a.user)
    their_key = theirs.cookies[settings.SESSION_COOKIE_NAME].value
    partners_key = partners.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(store.cache_key_prefix + their_key)  # positive control

    client_profile.erase()

    assert cache.get(store.cache_key_prefix + their_key) is None
    assert not Session.objects.filter(session_key=their_key).exists()
    assert cache.get(store.cache_key_prefix + partners_key)


def test_summary_files_are_deleted_wherever_the_private_storage_keeps_them(
    monkeypatch, client_profile, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import InMemoryStorage, storages

    # Another kind of storage behind the same alias, as an object store would be; the
    # alias is loaded first, so the field's own storage is the one put back afterwards.
    storages["private"]
    monkeypatch.setitem(storages._storages, "private", InMemoryStorage())
    summary = b.make_summary(
        client=client_profile, since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31)
    )
    name = storages["private"].save(f"summaries/{summary.uuid}.pdf", ContentFile(b"%PDF"))
    SessionSummary.objects.filter(pk=summary.pk).update(
        status=SessionSummary.Status.READY, file=name
    )

    with django_capture_on_commit_callbacks(execute=True):
        client_profile.erase()

    assert not storages["private"].exists(name)


def test_the_words_therapists_searched_for_leave_their_sessions_with_the_client(
    therapist, superuser, marker, django_capture_on_commit_callbacks
):
    gone = make_client(therapist, f"{marker}@example.org", f"Alex {marker}")
    owner = HttpClient()
    owner.force_login(superuser)
    browser = HttpClient()
    browser.force_login(therapist)
    for session in (owner, browser):
        session.post(reverse("clients:search"), {"q": marker})
    # Positive control: the listing searches are kept in both sessions.
    assert len(sessions_holding(marker)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/admin/clients/delete/{gone.pk}/", {"confirmation": gone.full_name}
        )
    assert response.status_code == 302

    assert sessions_holding(marker) == []
    assert browser.get(reverse("clients:index")).status_code == 200  # still signed in


def sessions_holding(needle):
    return [s.session_key for s in Session.objects.all() if needle in repr(s.get_decoded())]


def test_a_storage_that_fails_to_delete_is_logged_not_an_error_page(
    monkeypatch, client_profile, django_capture_on_commit_callbacks, caplog
):
    from django.core.files.storage import InMemoryStorage, storages

    class Unreachable(InMemoryStorage):
        def delete(self, name):
            raise ConnectionError("object store at 10.0.0.9 is down")

    storages["private"]
    monkeypatch.setitem(storages._storages, "private", Unreachable())
    summary = b.make_summary(
        client=client_profile, since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31)
    )

    with django_capture_on_commit_callbacks(execute=True):
        client_profile.erase()

    assert not SessionSummary.objects.filter(pk=summary.pk).exists()
    assert f"summaries/{summary.uuid}.pdf" in caplog.text
    assert "ConnectionError" in caplog.text
    assert "10.0.0.9" not in caplog.text
