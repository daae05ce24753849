"""Session lifetimes and the autosave's session contract (GET/POST /portal/session/)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from practice_site.builders import PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.django_db

SESSION_URL = "/portal/session/"
JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def _timeouts(settings):
    settings.CLIENT_IDLE_TIMEOUT = 30 * 60
    settings.THERAPIST_IDLE_TIMEOUT = 15 * 60
    settings.SESSION_MAX_AGE_ABSOLUTE = 12 * 60 * 60


@pytest.fixture
def start():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_anonymous_session_status_is_json_with_a_csrf_cookie(client):
    response = client.get(SESSION_URL)
    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "seconds_left": 0, "idle_timeout": 1800}
    assert "csrftoken" in response.cookies


def test_signed_in_client_sees_the_time_left(client, client_profile, start):
    sign_in(client, client_profile.email)
    start.shift(datetime.timedelta(minutes=10))
    assert client.get(SESSION_URL).json() == {
        "authenticated": True,
        "seconds_left": 20 * 60,
        "idle_timeout": 30 * 60,
    }


def test_reading_the_status_is_not_activity(client, client_profile, start):
    sign_in(client, client_profile.email)
    for _ in range(4):
        start.shift(datetime.timedelta(minutes=8))
        client.get(SESSION_URL)
    assert client.get(SESSION_URL).json()["authenticated"] is False


def test_posting_extends_the_session(client, client_profile, start):
    sign_in(client, client_profile.email)
    start.shift(datetime.timedelta(minutes=25))
    response = client.post(SESSION_URL, headers=JSON)
    assert response.json()["seconds_left"] == 30 * 60
    start.shift(datetime.timedelta(minutes=25))
    assert client.get("/portal/").status_code == 200


def test_idle_client_is_signed_out_server_side(client, client_profile, start):
    sign_in(client, client_profile.email)
    start.shift(datetime.timedelta(minutes=31))
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response.url.startswith("/portal/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "signed out after 30 minutes" in page.content.decode()


def test_every_page_counts_as_activity(client, client_profile, start):
    sign_in(client, client_profile.email)
    for _ in range(3):
        start.shift(datetime.timedelta(minutes=20))
        assert client.get("/portal/profile/").status_code == 200


def test_the_absolute_lifetime_ends_even_a_busy_session(client, client_profile, start, settings):
    settings.SESSION_MAX_AGE_ABSOLUTE = 60 * 60
    sign_in(client, client_profile.email)
    for _ in range(3):
        start.shift(datetime.timedelta(minutes=20))
        client.get("/portal/profile/")
    start.shift(datetime.timedelta(minutes=1))
    assert client.get("/portal/profile/").status_code == 302


def test_therapists_time_out_sooner(client, therapist, start):
    client.post("/admin/login/", {"username": therapist.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    start.shift(datetime.timedelta(minutes=16))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_expired_script_request_gets_401_json_not_a_redirect(client, client_profile, start):
    sign_in(client, client_profile.email)
    start.shift(datetime.timedelta(minutes=31))
    for headers in (JSON, {"X-Requested-With": "fetch"}):
        response = client.get("/portal/profile/", headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "error": "signed_out",
            "login_url": "/portal/login/?next=/portal/signed-in/",
        }


def test_signing_in_again_in_a_new_tab_lands_on_the_signed_in_page(client, client_profile):
    response = client.post(
        "/portal/login/?next=/portal/signed-in/",
        {"username": client_profile.email, "password": PASSWORD},
    )
    assert response.url == "/portal/signed-in/"
    page = client.get(response.url)
    assert "You can close this tab" in page.content.decode()


def test_portal_pages_load_the_session_script(portal_client):
    content = portal_client.get("/portal/").content.decode()
    assert "clients/portal-session.js" in content
    assert 'data-session-url="/portal/session/"' in content


def test_the_admins_background_pings_do_not_keep_a_therapist_signed_in(client, therapist, start):
    client.post("/admin/login/", {"username": therapist.email, "password": PASSWORD})
    for _ in range(4):
        start.shift(datetime.timedelta(minutes=5))
        client.post("/admin/editing-sessions/ping/clients.client/1/")
    assert client.get("/admin/").status_code == 302
