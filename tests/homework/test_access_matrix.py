"""Who reaches which homework page: the admin's timelines, assigning, status changes and
session summaries, and the portal's assignment, reflection and autosave.

For each: the owner gets it, anonymous is sent to sign in, another therapist or another
client gets a 404. Then what a partner may read, escaping of what clients write, and that
tasks and e-mails carry ids and counts, never words.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from clients.models import AuditEvent
from homework import pdf, tasks
from homework.models import Assignment, Reflection, SessionSummary, TherapistPreference
from practice_site import builders as b
from practice_site.builders import make_assignment, post_data, submit

pytestmark = pytest.mark.django_db

FAKE = pdf.RenderedPdf(b"%PDF-1.7\n% a stand-in document\n%%EOF\n", 2)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def ready_summary(monkeypatch, couple):
    monkeypatch.setattr(pdf, "render_summary", lambda summary, **kwargs: FAKE)
    summary = b.make_summary(
        couple=couple, since=datetime.date(2026, 2, 1), until=datetime.date(2026, 3, 1)
    )
    tasks.render_session_summary(summary.pk)
    summary.refresh_from_db()
    assert summary.status == SessionSummary.Status.READY
    return summary


@pytest.fixture
def admin_urls(client_profile, couple, ready_summary):
    c, cp = client_profile.pk, couple.pk
    return [
        reverse("homework_admin:client_timeline", args=[c]),
        reverse("homework_admin:couple_timeline", args=[cp]),
        reverse("homework_admin:assign") + f"?client={c}",
        reverse("homework_admin:assign") + f"?couple={cp}",
        reverse("homework_admin:summary_request", args=["client", c]),
        reverse("homework_admin:summary_request", args=["couple", cp]),
        reverse("homework_admin:summary_status", args=[ready_summary.uuid]),
        reverse("homework_admin:summary_download", args=[ready_summary.uuid]),
    ]


def test_the_therapist_opens_every_homework_page_of_hers(therapist_client, admin_urls):
    for url in admin_urls:
        assert therapist_client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_the_admin_sign_in(client, admin_urls):
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_another_therapist_gets_404_everywhere(client, other_therapist, admin_urls):
    client.force_login(other_therapist)
    for url in admin_urls:
        assert client.get(url).status_code == 404, url
    assert (
        not AuditEvent.objects.filter(actor=other_therapist)
        .exclude(action__in=[AuditEvent.Action.SIGN_IN, AuditEvent.Action.ACCESS_REFUSED])
        .exists()
    )


def test_each_refusal_is_recorded_once_as_hers_naming_none_of_our_clients(
    client, other_therapist, admin_urls
):
    client.force_login(other_therapist)
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED)
    for url in admin_urls:
        before = refused.count()
        client.get(url)
        assert refused.count() == before + 1, url
    for event in refused:
        assert (event.actor, event.therapist) == (other_therapist, other_therapist)
        assert event.client is None
        assert event.client_label == ""


def test_her_own_homework_pages_write_no_refusal(therapist_client, admin_urls):
    for url in admin_urls:
        therapist_client.get(url)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


def test_clients_never_reach_them_not_even_their_own(client, partner_a, admin_urls):
    client.force_login(partner_a.user)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("portal:dashboard"), url


def test_the_download_is_an_uncached_attachment(therapist_client, ready_summary):
    response = therapist_client.get(
        reverse("homework_admin:summary_download", args=[ready_summary.uuid])
    )

    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == 2


def test_another_therapist_cannot_change_the_status(client, other_therapist, assignment):
    client.force_login(other_therapist)

    response = client.post(
        reverse("homework_admin:assignment_status", args=[assignment.pk]), {"action": "pause"}
    )

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE


@pytest.mark.parametrize("url", ["/admin/", "/admin/homework/this-week/"])
def test_dashboards_never_list_another_therapists_clients(
    client, other_therapist, assignment, client_profile, in_week_2, url
):
    submit(assignment, client_profile, 1)
    client.force_login(assignment.therapist)  # positive control: her own therapist sees Jordan
    assert "Jordan" in client.get(url).content.decode()
    client.force_login(other_therapist)

    assert "Jordan" not in client.get(url).content.decode()


def test_a_shared_practice_never_shows_whom_it_is_assigned_to(
    client, other_therapist, practice, assignment, couple_assignment
):
    """Practices are shared by the practice's therapists; their assignments are not."""
    client.force_login(other_therapist)
    for view in ("edit", "usage", "history"):
        url = reverse(f"wagtailsnippets_homework_practice:{view}", args=[practice.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for name in ("Jordan", "Alex", "Sam"):
            assert name not in body, (url, name)


# --- The portal ---------------------------------------------------------------------------------


def portal_urls(assignment):
    return [
        reverse("homework:assignment", args=[assignment.uuid]),
        reverse("homework:reflection", args=[assignment.uuid, 2]),
    ]


def test_the_client_opens_her_homework(portal_client, assignment, in_week_2):
    for url in portal_urls(assignment):
        assert portal_client.get(url).status_code == 200, url


def test_both_partners_open_the_couples_homework(client, couple_assignment, couple, in_week_2):
    for partner in couple.partners:
        client.force_login(partner.user)
        for url in portal_urls(couple_assignment):
            assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_the_portal_sign_in(client, assignment, in_week_2):
    for url in portal_urls(assignment):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:login")), url


@pytest.mark.parametrize("who", ["outsider", "partner_a"])
def test_another_client_gets_404(client, assignment, in_week_2, request, who):
    client.force_login(request.getfixturevalue(who).user)
    for url in portal_urls(assignment):
        assert client.get(url).status_code == 404, url


def test_another_clients_homework_is_refused_and_shown_to_her_own_therapist(
    client, assignment, outsider, other_therapist, in_week_2
):
    client.force_login(outsider.user)

    response = client.get(reverse("homework:assignment", args=[assignment.uuid]))

    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_REFUSED)
    assert (event.actor, event.client, event.therapist) == (
        outsider.user,
        outsider,
        other_therapist,
    )
    assert (event.object_type, event.object_id) == ("homework.assignment", str(assignment.uuid))


def test_the_client_opening_her_homework_writes_no_refusal(portal_client, assignment, in_week_2):
    for url in portal_urls(assignment):
        assert portal_client.get(url).status_code == 200, url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


def test_the_individual_client_gets_404_on_the_couples_homework(
    portal_client, couple_assignment, in_week_2
):
    for url in portal_urls(couple_assignment):
        assert portal_client.get(url).status_code == 404, url


def test_a_therapist_is_sent_to_the_admin(therapist_client, assignment, in_week_2):
    for url in portal_urls(assignment):
        response = therapist_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url


def test_portal_urls_name_homework_by_uuid_never_by_number(portal_client, assignment):
    assert portal_client.get(f"/portal/homework/{assignment.pk}/").status_code == 404
    assert portal_client.get(f"/portal/homework/{assignment.pk}/week/1/").status_code == 404


JSON = {"HTTP_ACCEPT": "application/json"}


def autosave(client, assignment, week=2, **extra):
    url = reverse("homework:reflection", args=[assignment.uuid, week])
    return client.post(url, post_data(assignment, **extra), **JSON)


def test_autosave_saves_for_the_client(portal_client, assignment, client_profile, in_week_2):
    response = autosave(portal_client, assignment)

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert Reflection.objects.get().client == client_profile


def test_autosave_tells_anonymous_to_sign_in_in_json(client, assignment, in_week_2):
    response = autosave(client, assignment)

    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "partner_a"])
def test_autosave_for_someone_elses_homework_is_404(client, assignment, in_week_2, request, who):
    client.force_login(request.getfixturevalue(who).user)

    response = autosave(client, assignment)

    assert response.status_code == 404
    assert not Reflection.objects.exists()


# --- What a partner may read ----------------------------------------------------------------------


def partner_pages(client, assignment):
    """Every portal page partner B opens, as one text."""
    urls = [
        reverse("portal:dashboard"),
        reverse("homework:history"),
        reverse("homework:assignment", args=[assignment.uuid]),
        *(reverse("homework:reflection", args=[assignment.uuid, n]) for n in (1, 2)),
    ]
    return "".join(client.get(url).content.decode() for url in urls)


def test_therapist_only_visibility_never_shows_the_partners_words(
    client, practice, couple, partner_a, partner_b, in_week_2
):
    assignment = make_assignment(practice, couple=couple)
    submit(assignment, partner_a, 1, text="Alex's private words")
    submit(assignment, partner_b, 1, text="Sam's private words")
    client.force_login(partner_b.user)

    pages = partner_pages(client, assignment)

    assert "private words" in pages  # her own
    assert "Alex&#x27;s private words" not in pages
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


@pytest.mark.parametrize("drafting", ["reader", "writer"])
def test_mutual_reveal_shows_nothing_before_both_have_submitted(
    client, couple_assignment, partner_a, partner_b, in_week_2, drafting
):
    """Partner B reads; whichever of the two has only a draft, A's words stay hidden."""
    url = reverse("homework:reflection", args=[couple_assignment.uuid, 2])
    if drafting == "reader":
        submit(couple_assignment, partner_a, 2, text="Alex wrote this")
        client.force_login(partner_b.user)
        client.post(url, post_data(couple_assignment, text="Sam's draft"))
    else:
        client.force_login(partner_a.user)
        client.post(url, post_data(couple_assignment, text="Alex wrote this"))
        submit(couple_assignment, partner_b, 2, text="Sam submitted this")
        client.force_login(partner_b.user)
    assert Reflection.objects.filter(status=Reflection.Status.DRAFT).count() == 1

    assert "Alex wrote this" not in partner_pages(client, couple_assignment)


# --- Escaping -------------------------------------------------------------------------------------


def test_what_a_client_writes_is_escaped_on_every_page(
    client, therapist, couple_assignment, partner_a, partner_b, in_week_2
):
    submit(couple_assignment, partner_a, 1, text=HOSTILE)
    submit(couple_assignment, partner_b, 1, text="Plain words")
    couple = couple_assignment.couple
    pages = {}
    client.force_login(partner_b.user)
    pages["partner's assignment page"] = partner_pages(client, couple_assignment)
    client.force_login(partner_a.user)
    pages["writer's own pages"] = partner_pages(client, couple_assignment)
    client.force_login(therapist)
    pages["timeline"] = client.get(
        reverse("homework_admin:couple_timeline", args=[couple.pk])
    ).content.decode()

    for where, body in pages.items():
        assert "<script>alert" not in body, where
        assert "<img src=x" not in body, where
        assert "&lt;script&gt;alert" in body, where


# --- Tasks and e-mails carry ids and counts -----------------------------------------------------


def test_submitting_enqueues_an_id_and_mails_no_words(
    portal_client, assignment, therapist, in_week_2, monkeypatch, django_capture_on_commit_callbacks
):
    TherapistPreference.objects.create(
        therapist=therapist, notify=TherapistPreference.Notify.IMMEDIATE
    )
    calls = []
    monkeypatch.setattr(
        "homework.tasks.async_task",
        lambda name, *args, **kwargs: (calls.append((name, args)), tasks.notify_therapist(*args)),
    )
    url = reverse("homework:reflection", args=[assignment.uuid, 2])

    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(
            url, post_data(assignment, text="Words for no e-mail", submit_reflection="1")
        )

    reflection = Reflection.objects.get()
    assert calls == [("homework.tasks.notify_therapist", (reflection.pk,))]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    everything = message.subject + message.body + "".join(c for c, _ in message.alternatives)
    assert "Words for no e-mail" not in everything
    assert "Jordan" not in everything


def test_a_failed_reminder_logs_no_address(assignment, client_profile, monkeypatch, caplog):
    from smtplib import SMTPRecipientsRefused

    import time_machine

    def refused(*args, **kwargs):
        raise SMTPRecipientsRefused({client_profile.email: (550, b"no such user")})

    monkeypatch.setattr("clients.emails.EmailMultiAlternatives.send", refused)

    with time_machine.travel(datetime.datetime(2026, 3, 14, 18, 30, tzinfo=datetime.UTC)):
        assert tasks.send_due_reminders() == 0

    assert "SMTPRecipientsRefused" in caplog.text
    assert client_profile.email not in caplog.text
