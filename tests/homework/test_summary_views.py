"""Asking for a session summary in the admin, following it, and downloading it."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import AuditEvent
from homework import pdf, tasks
from homework.models import SessionSummary
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)
FAKE = pdf.RenderedPdf(b"%PDF-1.7\n% a stand-in document\n%%EOF\n", 2)
Status = SessionSummary.Status


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _stub_renderer(monkeypatch):
    monkeypatch.setattr(pdf, "render_summary", lambda summary, **kwargs: FAKE)


@pytest.fixture
def ready_summary(couple):
    summary = b.make_summary(
        couple=couple, since=datetime.date(2026, 9, 21), until=datetime.date(2026, 10, 19)
    )
    tasks.render_session_summary(summary.pk)
    summary.refresh_from_db()
    assert summary.status == Status.READY
    return summary


def request_url(kind, pk):
    return reverse("homework_admin:summary_request", args=[kind, pk])


def test_therapist_asks_for_the_couples_summary_and_it_becomes_ready(
    therapist_client, couple, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist_client.post(
            request_url("couple", couple.pk),
            {"summary-since": "2026-09-21", "summary-until": "2026-10-19"},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("couples:detail", args=[couple.pk]) + (
        "#session-summaries-section"
    )
    summary = SessionSummary.objects.get()
    assert summary.couple == couple
    assert (summary.since, summary.until) == (
        datetime.date(2026, 9, 21),
        NOW.date() - datetime.timedelta(days=1),
    )
    assert summary.status == Status.READY


def test_asking_twice_for_the_same_dates_keeps_one_summary(therapist_client, couple):
    data = {"summary-since": "2026-09-21", "summary-until": "2026-10-19"}
    therapist_client.post(request_url("couple", couple.pk), data)  # not committed: stays queued

    response = therapist_client.post(request_url("couple", couple.pk), data, follow=True)

    assert SessionSummary.objects.count() == 1
    assert "already being prepared" in response.content.decode()


def test_dates_in_the_wrong_order_are_explained_and_kept(therapist_client, couple):
    response = therapist_client.post(
        request_url("couple", couple.pk),
        {"summary-since": "2026-10-19", "summary-until": "2026-09-21"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<p class="error-message" id="id_summary-since_error">'
        "The start date must be on or before the end date.</p>" in page
    )
    assert 'aria-describedby="id_summary-since_error"' in page
    assert 'value="2026-10-19"' in page
    assert 'value="2026-09-21"' in page
    assert not SessionSummary.objects.exists()


def test_a_range_reaching_into_the_future_is_refused(therapist_client, client_profile):
    response = therapist_client.post(
        request_url("client", client_profile.pk),
        {"summary-since": "2026-10-01", "summary-until": "2026-11-01"},
    )

    assert response.status_code == 400
    assert "can only reach up to today" in response.content.decode()
    assert not SessionSummary.objects.exists()


def test_download_is_an_uncached_attachment_without_a_name_and_is_audited(
    therapist_client, ready_summary
):
    response = therapist_client.get(
        reverse("homework_admin:summary_download", args=[ready_summary.uuid])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="session-prep-2026-10-19.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)
    assert {e.client for e in events} == set(ready_summary.couple.partners)
    assert {e.object_id for e in events} == {str(ready_summary.uuid)}


def test_status_reports_state_and_download_link_uncached(therapist_client, ready_summary):
    response = therapist_client.get(
        reverse("homework_admin:summary_status", args=[ready_summary.uuid])
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["status"] == "ready"
    assert data["in_progress"] is False
    assert data["download_url"] == reverse(
        "homework_admin:summary_download", args=[ready_summary.uuid]
    )
    assert data["page_count"] == 2


def test_a_failed_summary_reports_its_reason(therapist_client, couple):
    summary = b.make_summary(
        couple=couple,
        since=datetime.date(2026, 9, 21),
        until=datetime.date(2026, 10, 19),
        status=Status.FAILED,
        failure_reason=tasks.SUMMARY_FAILED_ERROR,
    )

    data = therapist_client.get(
        reverse("homework_admin:summary_status", args=[summary.uuid])
    ).json()

    assert data["failure_reason"] == tasks.SUMMARY_FAILED_ERROR
    assert data["download_url"] is None
    download = therapist_client.get(reverse("homework_admin:summary_download", args=[summary.uuid]))
    assert download.status_code == 404


@pytest.mark.parametrize(
    "name", ["homework_admin:summary_download", "homework_admin:summary_status"]
)
def test_another_therapist_gets_404(client, other_therapist, ready_summary, name):
    client.force_login(other_therapist)

    response = client.get(reverse(name, args=[ready_summary.uuid]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_another_therapist_cannot_ask_for_a_summary_of_our_couple(client, other_therapist, couple):
    client.force_login(other_therapist)

    response = client.post(
        request_url("couple", couple.pk),
        {"summary-since": "2026-09-21", "summary-until": "2026-10-19"},
    )

    assert response.status_code == 404
    assert not SessionSummary.objects.exists()


@pytest.mark.parametrize(
    "name", ["homework_admin:summary_download", "homework_admin:summary_status"]
)
def test_anonymous_is_sent_to_sign_in(client, ready_summary, name):
    response = client.get(reverse(name, args=[ready_summary.uuid]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_client_can_never_download_even_their_own_summary(client, ready_summary):
    partner = ready_summary.couple.partner_a
    client.force_login(partner.user)

    response = client.get(reverse("homework_admin:summary_download", args=[ready_summary.uuid]))

    assert response.status_code in (302, 403, 404)
    assert FAKE.content not in b"".join(getattr(response, "streaming_content", [response.content]))
    admin_access = Permission.objects.get(codename="access_admin")
    partner.user.user_permissions.add(admin_access)  # even an account that reaches the admin
    response = client.get(reverse("homework_admin:summary_download", args=[ready_summary.uuid]))
    assert response.status_code in (302, 403, 404)


def test_no_pdf_is_reachable_under_the_public_media_url(client, therapist, ready_summary, settings):
    path = ready_summary.file.path

    assert not path.startswith(str(settings.MEDIA_ROOT))
    client.force_login(therapist)
    for url in (
        f"{settings.MEDIA_URL}{ready_summary.file.name}",
        f"{settings.MEDIA_URL}summaries/",
        f"/private/{ready_summary.file.name}",
    ):
        assert client.get(url).status_code == 404


def test_an_expired_summary_cannot_be_downloaded(therapist_client, ready_summary, settings):
    settings.SUMMARY_RETENTION_DAYS = 1
    SessionSummary.objects.filter(pk=ready_summary.pk).update(
        finished_at=NOW - datetime.timedelta(days=2)
    )
    tasks.delete_expired_session_summaries()

    response = therapist_client.get(
        reverse("homework_admin:summary_download", args=[ready_summary.uuid])
    )

    assert response.status_code == 404


def test_couple_page_offers_the_form_with_the_default_range_and_lists_summaries(
    therapist_client, ready_summary
):
    couple = ready_summary.couple

    response = therapist_client.get(reverse("couples:detail", args=[couple.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="session-summaries-section"' in page
    assert 'value="2026-10-20"' in page  # since the day after the previous summary
    assert reverse("homework_admin:summary_download", args=[ready_summary.uuid]) in page
    assert "homework/admin/summaries.js" in page
    assert "<script>" not in page.split('id="session-summaries-section"')[1]


def test_an_unfinished_summary_is_listed_with_its_status_url_for_polling(therapist_client, couple):
    summary = b.make_summary(
        couple=couple, since=datetime.date(2026, 9, 21), until=datetime.date(2026, 10, 19)
    )

    page = therapist_client.get(reverse("couples:detail", args=[couple.pk])).content.decode()

    assert (
        f'data-summary-status-url="{reverse("homework_admin:summary_status", args=[summary.uuid])}"'
        in page
    )
    assert "Preparing…" in page


def test_a_partners_own_page_points_to_the_couple_summary(therapist_client, couple):
    response = therapist_client.get(reverse("clients:detail", args=[couple.partner_a.pk]))

    page = response.content.decode()
    assert f'href="{reverse("couples:detail", args=[couple.pk])}"' in page
    assert "also seen as a couple" in page


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_summary_list_costs_the_same_queries_for_3_or_30_summaries(therapist_client, couple):
    url = reverse("homework_admin:summary_request", args=["couple", couple.pk])
    for day in range(3):
        b.make_summary(
            couple=couple, since=datetime.date(2026, 9, 1), until=datetime.date(2026, 9, 2 + day)
        )
    few = count_queries(therapist_client, url)
    for day in range(27):
        b.make_summary(
            couple=couple, since=datetime.date(2026, 8, 1), until=datetime.date(2026, 8, 2 + day)
        )

    assert count_queries(therapist_client, url) == few
