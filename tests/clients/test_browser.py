"""In a real browser: a client invited from the admin accepts, sets a password and lands on
the dashboard; axe-core on every portal page type at phone width."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from clients.models import Client
from clients.tokens import password_reset_tokens
from practice_site.builders import PASSWORD, make_client, make_therapist
from tests.conftest import browser_sign_in, check_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 800}
NEW_PASSWORD = "walking by the river 42"


def test_an_invited_client_accepts_and_sees_the_dashboard(live_site, page):
    therapist = make_therapist("maya@example.org")
    page.goto(live_site.url + "/admin/login/")
    page.locator("#id_username").fill(therapist.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(live_site.url + "/admin/clients/new/")
    page.locator("#id_full_name").fill("Casey Morgan")
    page.locator("#id_email").fill("casey@example.org")
    page.locator("#id_timezone").select_option("Europe/Paris")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/admin/clients/\d+/$"))
    assert "invitation is on its way" in page.content()

    [message] = mail.outbox
    path = re.search(r"http://[^/\s]+(/portal/welcome/\S+/)", message.body).group(1)

    client_context = page.context.browser.new_context(viewport=PHONE)
    visitor = client_context.new_page()
    visitor.goto(live_site.url + path)
    failures = {}
    check_axe(visitor, "set password", failures)
    visitor.get_by_label("Choose a password").fill(NEW_PASSWORD)
    visitor.get_by_label("Type it again").fill(NEW_PASSWORD)
    visitor.get_by_role("button", name="Save my password").click()
    visitor.wait_for_url(re.compile(r"/portal/$"))
    assert visitor.locator("h1").inner_text() == "Hello, Casey"
    assert "If you need help now" in visitor.content()
    client_context.close()
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_portal_pages_pass_axe_at_phone_width(live_site, page):
    therapist = make_therapist("maya@example.org")
    jordan = make_client(therapist, "jordan@example.org", "Jordan Lee")
    page.set_viewport_size(PHONE)
    failures = {}

    reset_link = reverse(
        "portal:password_reset_confirm",
        args=[jordan.uuid, password_reset_tokens.make_token(jordan.user)],
    )
    for name, url in {
        "sign in": "/portal/login/",
        "password reset": "/portal/password/reset/",
        "password reset sent": "/portal/password/reset/sent/",
        "set a new password": reset_link,
        "expired link": "/portal/welcome/MQ/abc-123/",
    }.items():
        page.goto(live_site.url + url)
        check_axe(page, name, failures)
    page.goto(live_site.url + reset_link)
    assert page.locator("h1").inner_text() == "Choose a new password"

    # A form sent without its CSRF cookie gets the kind refusal page, not a bare 403.
    page.goto(live_site.url + "/portal/login/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_label("E-mail address").fill(jordan.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Please send that again").wait_for()
    check_axe(page, "CSRF refusal", failures)

    browser_sign_in(page, jordan.email, base_url=live_site.url)

    for name, url in {
        "dashboard": "/portal/",
        "profile": "/portal/profile/",
        "your data": "/portal/data/",
        "change password": "/portal/password/",
        "signed in again": "/portal/signed-in/",
    }.items():
        page.goto(live_site.url + url)
        check_axe(page, name, failures)

    # A form with errors, as someone upset and in a hurry might see it.
    page.goto(live_site.url + "/portal/password/")
    page.get_by_role("button", name="Change my password").click()
    check_axe(page, "change password with errors", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_the_session_dialog_offers_to_stay_signed_in(live_site, page, settings):
    settings.CLIENT_IDLE_TIMEOUT = 125  # the warning shows two minutes before the end
    therapist = make_therapist("maya@example.org")
    jordan = make_client(therapist, "jordan@example.org", "Jordan Lee")
    page.set_viewport_size(PHONE)
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=15000)
    assert "signed out soon for your privacy" in dialog.inner_text()
    failures = {}
    check_axe(page, "session dialog", failures)
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_a_client_of_two_therapists_switches_between_them(live_site, page):
    maya = make_therapist("maya@example.org")
    ines = make_therapist("ines@example.org", first_name="Ines", last_name="Duval")
    jordan = make_client(maya, "jordan@example.org", "Jordan Lee")
    Client.objects.create(  # as Ines's admin makes it: invited at once
        user=jordan.user, therapist=ines, full_name="Jordan Lee", invited_at=jordan.accepted_at
    )
    page.set_viewport_size(PHONE)
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    failures = {}
    check_axe(page, "dashboard with two therapists", failures)
    page.get_by_role("button", name="Switch to Ines Duval").click()
    page.wait_for_url(re.compile(r"/portal/$"))
    assert "now looking at your work with Ines Duval" in page.content()
    page.goto(live_site.url + "/portal/therapists/")
    check_axe(page, "your therapists", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_signed_out_while_typing_any_portal_form_a_notice_shows_and_focus_stays(live_site, page):
    from django.contrib.sessions.models import Session

    therapist = make_therapist("maya@example.org")
    jordan = make_client(therapist, "jordan@example.org", "Jordan Lee")
    page.set_viewport_size(PHONE)
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.goto(live_site.url + "/portal/profile/")

    Session.objects.all().delete()  # the session ends on the server
    name = page.get_by_label("What should we call you?")
    name.press_sequentially("Jo, typed after the session ended", delay=15)
    notice = page.get_by_role("alert").filter(has_text="signed out")
    notice.wait_for()

    assert name.input_value() == "Jo, typed after the session ended"
    assert name.evaluate("el => el === document.activeElement")
    assert not page.locator("#session-dialog").evaluate("d => d.open")
    assert (
        notice.get_by_role("link", name=re.compile("Sign in again")).get_attribute("target")
        == "_blank"
    )
    failures = {}
    check_axe(page, "profile, signed out", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())
