"""Portal pages: dashboard, profile, password change, "Your data", headers, crisis notice."""

import json

import pytest
from wagtail.models import Site

from clients.models import AuditEvent, PortalSettings
from homework.models import Reflection
from practice_site.builders import PASSWORD, answers_for, make_assignment, make_practice

pytestmark = pytest.mark.django_db


def test_dashboard_greets_the_client_and_includes_homework(portal_client, client_profile):
    response = portal_client.get("/portal/")
    assert response.status_code == 200
    assert "Hello, Jordan" in response.content.decode()
    assert "homework/portal/dashboard_panel.html" in [t.name for t in response.templates]


def test_portal_nav_has_a_post_sign_out(portal_client):
    content = portal_client.get("/portal/").content.decode()
    assert 'action="/portal/logout/"' in content
    assert 'href="/portal/profile/"' in content
    assert 'href="/portal/data/"' in content


def test_profile_saves_preferred_name_and_time_zone(portal_client, client_profile):
    response = portal_client.post(
        "/portal/profile/", {"preferred_name": "  Jo  ", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    client_profile.refresh_from_db()
    assert (client_profile.preferred_name, client_profile.timezone) == ("Jo", "Asia/Tokyo")


def test_profile_refuses_a_made_up_time_zone_and_keeps_the_name_typed(
    portal_client, client_profile
):
    response = portal_client.post(
        "/portal/profile/", {"preferred_name": "Jo", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert 'value="Jo"' in response.content.decode()
    client_profile.refresh_from_db()
    assert client_profile.timezone == "Europe/London"


def test_profile_refuses_an_oversized_name(portal_client, client_profile):
    response = portal_client.post(
        "/portal/profile/", {"preferred_name": "x" * 500, "timezone": "UTC"}
    )
    assert response.status_code == 200
    client_profile.refresh_from_db()
    assert client_profile.preferred_name == ""


def test_profile_post_without_csrf_changes_nothing(client_profile):
    from django.test import Client as HttpClient

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(client_profile.user)
    response = browser.post("/portal/profile/", {"preferred_name": "Hacked", "timezone": "UTC"})
    assert response.status_code == 403
    client_profile.refresh_from_db()
    assert client_profile.preferred_name == ""


def test_password_change(portal_client, client_profile):
    response = portal_client.post(
        "/portal/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long phrase 55",
            "new_password2": "another long phrase 55",
        },
    )
    assert response.status_code == 302
    client_profile.user.refresh_from_db()
    assert client_profile.user.check_password("another long phrase 55")
    assert portal_client.get("/portal/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_CHANGED, client=client_profile
    ).exists()


def test_password_change_with_a_wrong_current_password_changes_nothing(
    portal_client, client_profile
):
    response = portal_client.post(
        "/portal/password/",
        {
            "old_password": "nope",
            "new_password1": "abc def 12345",
            "new_password2": "abc def 12345",
        },
    )
    assert response.status_code == 200
    client_profile.user.refresh_from_db()
    assert client_profile.user.check_password(PASSWORD)


@pytest.fixture
def written(client_profile, couple, outsider):
    """Reflections by Jordan, by a couple partner, and by another therapist's client."""
    practice = make_practice()
    mine = make_assignment(practice, client=client_profile)
    Reflection.objects.create(
        assignment=mine, client=client_profile, week=1, answers=answers_for(mine, text="Mine.")
    )
    theirs = make_assignment(practice, client=outsider)
    Reflection.objects.create(
        assignment=theirs, client=outsider, week=1, answers=answers_for(theirs, text="Theirs.")
    )
    shared = make_assignment(practice, couple=couple)
    for partner, text in [(couple.partner_a, "Alex wrote."), (couple.partner_b, "Sam wrote.")]:
        Reflection.objects.create(
            assignment=shared, client=partner, week=1, answers=answers_for(shared, text=text)
        )
    return mine


def download(browser):
    response = browser.post("/portal/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return json.loads(response.content)


def test_export_holds_the_profile_assignments_prompts_and_reflections(
    portal_client, client_profile, written
):
    data = download(portal_client)
    assert data["profile"]["email"] == client_profile.email
    assert data["couple"] is None
    [assignment] = data["assignments"]
    assert assignment["practice"] == "Pausing when it heats up"
    assert assignment["prompts"][0]["question"] == "How many times did you pause?"
    [reflection] = assignment["reflections"]
    assert {"question": "What helped?", "kind": "text", "answer": "Mine."} in reflection["answers"]
    assert "Theirs." not in json.dumps(data)


def test_export_is_audited(portal_client, client_profile):
    download(portal_client)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, client=client_profile
    ).exists()


def test_a_partner_exports_the_couple_but_not_the_other_partners_words(client, partner_a, written):
    client.force_login(partner_a.user)
    data = download(client)
    assert data["couple"]["partner"] == "Sam Rivera"
    text = json.dumps(data)
    assert "Alex wrote." in text
    assert "Sam wrote." not in text
    assert "Mine." not in text


def test_export_needs_a_post_and_a_signed_in_client(client):
    assert client.post("/portal/data/").status_code == 302


def test_portal_pages_are_never_cached(portal_client):
    for url in ["/portal/", "/portal/profile/", "/portal/data/"]:
        cache = portal_client.get(url)["Cache-Control"]
        assert "no-store" in cache
        assert "private" in cache


def test_admin_pages_are_never_cached(therapist_client, client_profile):
    response = therapist_client.get(f"/admin/clients/{client_profile.pk}/")
    assert "no-store" in response["Cache-Control"]


def test_portal_policy_forbids_inline_script(portal_client):
    response = portal_client.get("/portal/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()


def test_admin_may_frame_itself_for_the_preview_panel(therapist_client):
    """The admin's policy in full is tested in tests/clients/test_headers.py."""
    response = therapist_client.get("/admin/")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_crisis_notice_is_on_every_portal_page(portal_client):
    from django.test import Client as HttpClient

    anonymous = HttpClient()
    settings_row = PortalSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.crisis_notice = "<p>Call the Samaritans on 116 123.</p>"
    settings_row.save()
    for browser, url in [
        (portal_client, "/portal/"),
        (portal_client, "/portal/profile/"),
        (anonymous, "/portal/login/"),
        (anonymous, "/portal/password/reset/"),
    ]:
        assert "Call the Samaritans on 116 123." in browser.get(url).content.decode()


def test_the_therapist_edits_the_crisis_notice_in_settings(therapist_client):
    site = Site.objects.get(is_default_site=True)
    response = therapist_client.get(f"/admin/settings/clients/portalsettings/{site.pk}/")
    assert response.status_code == 200
