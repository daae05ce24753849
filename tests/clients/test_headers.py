"""Response headers: Permissions-Policy everywhere, Clear-Site-Data on sign-out, and the
admin's Content-Security-Policy."""

import base64
import datetime
import hashlib
import re

import pytest
import time_machine
from django.utils import timezone

from practice_site.builders import PASSWORD
from tests.clients.conftest import sign_in

pytestmark = pytest.mark.django_db

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def directives(header):
    """A policy header as {directive: [values]}."""
    parsed = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        parsed[name] = value
    return parsed


def csp(response):
    return {
        name: rest.split()
        for name, _, rest in (
            d.strip().partition(" ") for d in response.headers["Content-Security-Policy"].split(";")
        )
    }


# --- Permissions-Policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/portal/login/", "/admin/login/", "/health/", "/portal/no-such-page/"]
)
def test_every_response_denies_the_browser_features_the_site_never_uses(client, url):
    policy = directives(client.get(url).headers["Permissions-Policy"])
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert policy[feature] == "()"
    for feature in ("midi", "display-capture", "browsing-topics", "hid", "idle-detection"):
        assert policy[feature] == "()"


def test_the_portal_and_the_admin_carry_the_same_permissions_policy(portal_client, client):
    portal = portal_client.get("/portal/").headers["Permissions-Policy"]
    assert client.get("/admin/login/").headers["Permissions-Policy"] == portal


def test_video_embeds_may_still_go_full_screen(client):
    """Articles embed YouTube and Vimeo players; fullscreen is left to the browser's default."""
    policy = directives(client.get("/portal/login/").headers["Permissions-Policy"])
    assert "fullscreen" not in policy


# --- Clear-Site-Data ------------------------------------------------------------------------


def test_portal_sign_out_clears_the_browsers_copy_of_the_site(portal_client):
    response = portal_client.post("/portal/logout/")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == CLEAR_SITE_DATA


def test_the_goodbye_survives_the_cleared_cookies_in_the_address(portal_client):
    """The browser drops the messages' cookie with the others: the sign-in page says it."""
    response = portal_client.post("/portal/logout/", follow=True)
    assert response.redirect_chain == [("/portal/login/?signed_out=1", 302)]
    assert response.content.decode().count("signed out. See you next time") == 1


def test_the_address_chooses_among_fixed_words_only(client):
    page = client.get("/portal/login/?signed_out=<b>Call+this+number</b>").content.decode()
    assert "Call this number" not in page
    assert "signed out" not in page


def test_a_sign_out_without_a_session_clears_nothing(client):
    response = client.post("/portal/logout/")
    assert "Clear-Site-Data" not in response.headers


def test_ordinary_pages_clear_nothing(portal_client):
    assert "Clear-Site-Data" not in portal_client.get("/portal/").headers


def test_admin_sign_out_clears_the_browsers_copy_of_the_site(therapist_client):
    response = therapist_client.post("/admin/logout/")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == CLEAR_SITE_DATA
    assert therapist_client.get("/admin/").status_code == 302
    page = therapist_client.get(response.url).content.decode()
    assert page.count("signed out. See you next time") == 1


def test_idle_sign_out_clears_the_browsers_copy_of_the_site(client, client_profile):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, client_profile.email)
        assert "Clear-Site-Data" not in client.get("/portal/").headers
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/portal/")
    assert response.url == "/portal/login/?next=/portal/&signed_out=idle"
    assert response.headers["Clear-Site-Data"] == CLEAR_SITE_DATA
    page = client.get(response.url).content.decode()
    assert page.count("signed out after 30 minutes without activity") == 1


def test_idle_therapist_sign_out_clears_the_browsers_copy_of_the_site(client, therapist):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post("/admin/login/", {"username": therapist.email, "password": PASSWORD})
        clock.shift(datetime.timedelta(minutes=16))
        response = client.get("/admin/")
    assert response.url == "/admin/login/?next=/admin/&signed_out=idle"
    assert response.headers["Clear-Site-Data"] == CLEAR_SITE_DATA
    page = client.get(response.url).content.decode()
    assert page.count("signed out after 15 minutes without activity") == 1


# --- Content-Security-Policy ----------------------------------------------------------------


def inline_script_hashes(response):
    return [s for s in csp(response)["script-src"] if s.startswith("'sha256-")]


def test_portal_and_public_pages_allow_no_inline_script_or_style(portal_client, client):
    for response in (portal_client.get("/portal/"), client.get("/portal/login/")):
        policy = csp(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]


def test_the_admin_allows_no_inline_script_or_style_outside_editors(therapist_client):
    policy = csp(therapist_client.get("/admin/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_an_editor_allows_inline_style_for_the_rich_text_editor_only(therapist_client):
    response = therapist_client.get("/admin/snippets/homework/practice/add/")
    policy = csp(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_wagtails_widget_scripts_are_allowed_by_their_hash(therapist_client):
    """The practice editor's page chooser and its prompts' inline panel start from inline
    scripts; each is allowed by its own hash, and nothing else is."""
    response = therapist_client.get("/admin/snippets/homework/practice/add/")
    html = response.content.decode()
    scripts = re.findall(r"<script>([^<]*)</script>", html)
    assert any("new PageChooser(" in s for s in scripts)
    assert any("new InlinePanel(" in s for s in scripts)
    digests = (base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts)
    expected = {f"'sha256-{digest}'" for digest in digests}
    assert set(inline_script_hashes(response)) == expected


def test_an_injected_script_gets_no_hash():
    """Only exactly Wagtail's initialisers, called with JSON, are hashed."""
    from clients.middleware import allowed_inline_script_hashes

    allowed = 'initDateChooser("id_date", {"format": "Y-m-d"});'
    injected = [
        "alert(document.cookie)",
        'initDateChooser("id_date", {"format": "Y-m-d"}); alert(1);',
        'initDateChooser("id_date", {"format": fetch("/x")});',
        'new PageChooser("id_x", {}); fetch("//evil.example")',
        '(function() { var panel = new InlinePanel(JSON.parse("{}" + alert(1))); })();',
    ]
    html = "".join(f"<script>{body}</script>" for body in [allowed, *injected])
    assert len(allowed_inline_script_hashes(html)) == 1
