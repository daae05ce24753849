"""Asking for session summaries is limited per therapist, kindly; accepted requests are audited."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from clients.models import AuditEvent
from homework import tasks
from homework.models import SessionSummary
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
Status = SessionSummary.Status
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    """Requests stay queued: nothing renders in these tests."""
    monkeypatch.setattr(tasks, "enqueue_session_summary", lambda summary_id: None)


@pytest.fixture
def limits(settings):
    settings.SUMMARY_MAX_PENDING = 3
    settings.SUMMARY_REQUESTS_PER_HOUR = 20
    return settings


def ask(http, days_back, kind="client", pk=None):
    """Ask for the summary of the `days_back` days up to today."""
    since = TODAY - datetime.timedelta(days=days_back)
    return http.post(
        reverse("homework_admin:summary_request", args=[kind, pk]),
        {"summary-since": since.isoformat(), "summary-until": TODAY.isoformat()},
        follow=True,
    )


def test_the_defaults_are_three_waiting_and_twenty_an_hour():
    from django.conf import settings

    assert settings.SUMMARY_MAX_PENDING == 3
    assert settings.SUMMARY_REQUESTS_PER_HOUR == 20


def test_a_fourth_summary_waits_while_three_are_being_prepared(
    therapist_client, client_profile, limits
):
    for days in (7, 14, 21):
        ask(therapist_client, days, pk=client_profile.pk)
    assert SessionSummary.objects.filter(status=Status.QUEUED).count() == 3

    response = ask(therapist_client, 28, pk=client_profile.pk)

    assert SessionSummary.objects.count() == 3
    assert "3 summaries are still being prepared" in response.content.decode()
    # Once one is ready, there is room again.
    SessionSummary.objects.filter(since=TODAY - datetime.timedelta(days=7)).update(
        status=Status.READY
    )
    ask(therapist_client, 28, pk=client_profile.pk)
    assert SessionSummary.objects.count() == 4


def test_a_refused_summary_says_why_beside_the_form_and_keeps_the_dates_chosen(
    therapist_client, client_profile, limits
):
    for days in (7, 14, 21):
        ask(therapist_client, days, pk=client_profile.pk)

    response = ask(therapist_client, 28, pk=client_profile.pk)

    assert response.redirect_chain == []  # not sent back to a page scrolled past the banner
    form = response.content.decode().split('class="session-summary-form"')[1].split("</form>")[0]
    assert "3 summaries are still being prepared" in form
    assert f'value="{(TODAY - datetime.timedelta(days=28)).isoformat()}"' in form
    assert "Please check the dates below" not in response.content.decode()


def test_asking_again_for_dates_being_prepared_is_not_refused(
    therapist_client, client_profile, limits
):
    for days in (7, 14, 21):
        ask(therapist_client, days, pk=client_profile.pk)
    response = ask(therapist_client, 7, pk=client_profile.pk)
    assert "already being prepared" in response.content.decode()
    assert SessionSummary.objects.count() == 3


def test_requests_are_limited_per_hour(therapist_client, therapist, client_profile, limits, clock):
    limits.SUMMARY_REQUESTS_PER_HOUR = 2
    for days in (7, 14):
        ask(therapist_client, days, pk=client_profile.pk)
    SessionSummary.objects.update(status=Status.READY)

    response = ask(therapist_client, 21, pk=client_profile.pk)

    assert SessionSummary.objects.count() == 2
    assert "in the last hour" in response.content.decode()
    clock.shift(datetime.timedelta(minutes=61))
    therapist_client.force_login(therapist)  # the idle session ended meanwhile
    ask(therapist_client, 21, pk=client_profile.pk)
    assert SessionSummary.objects.count() == 3


def test_another_therapists_requests_do_not_count(
    therapist_client, client_profile, other_therapist, outsider, limits
):
    for days in (7, 14, 21):
        b.make_summary(client=outsider, since=TODAY - datetime.timedelta(days=days), until=TODAY)
    ask(therapist_client, 7, pk=client_profile.pk)
    assert SessionSummary.objects.filter(client=client_profile).count() == 1


def test_an_accepted_request_is_audited_for_each_partner(therapist_client, therapist, couple):
    ask(therapist_client, 7, kind="couple", pk=couple.pk)
    summary = SessionSummary.objects.get()
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SUMMARY_REQUESTED)
    assert {e.client for e in events} == set(couple.partners)
    assert {(e.actor, e.therapist, e.object_id) for e in events} == {
        (therapist, therapist, str(summary.uuid))
    }


def test_a_refused_or_repeated_request_is_not_audited_again(
    therapist_client, client_profile, limits
):
    limits.SUMMARY_MAX_PENDING = 1
    ask(therapist_client, 7, pk=client_profile.pk)
    ask(therapist_client, 7, pk=client_profile.pk)  # the same dates: already being prepared
    ask(therapist_client, 14, pk=client_profile.pk)  # refused
    assert SessionSummary.objects.count() == 1
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SUMMARY_REQUESTED)
    assert [e.client for e in events] == [client_profile]
