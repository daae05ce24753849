"""Shared personas and browser set-up.

Personas, named once:
- `therapist` and her clients: `client_user`'s `client` (individual) and `couple`
  (`partner_a`, `partner_b`).
- `other_therapist` and her client `outsider`, who must see nothing of the above, and whom
  `therapist` must never see.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from clients.models import Couple
from practice_site.builders import PASSWORD, make_client, make_therapist

# Playwright's sync API runs an event loop in this thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def therapist(db):
    return make_therapist("therapist@example.org")


@pytest.fixture
def other_therapist(db):
    return make_therapist("other.therapist@example.org", first_name="Ines", last_name="Duval")


@pytest.fixture
def client_profile(therapist):
    """An individual client of `therapist`."""
    return make_client(therapist, "jordan@example.org", "Jordan Lee")


@pytest.fixture
def couple(therapist):
    alex = make_client(therapist, "alex@example.org", "Alex Rivera", "America/New_York")
    sam = make_client(therapist, "sam@example.org", "Sam Rivera", "America/New_York")
    return Couple.objects.create(therapist=therapist, partner_a=alex, partner_b=sam)


@pytest.fixture
def partner_a(couple):
    return couple.partner_a


@pytest.fixture
def partner_b(couple):
    return couple.partner_b


@pytest.fixture
def outsider(other_therapist):
    """Another therapist's client: must see nothing of ours, and we nothing of theirs."""
    return make_client(other_therapist, "outsider@example.org", "Robin Outsider")


@pytest.fixture
def therapist_client(client, therapist):
    """Django's test client signed in as `therapist` (force_login: axes stays out of it)."""
    client.force_login(therapist)
    return client


@pytest.fixture
def portal_client(client, client_profile):
    """Django's test client signed in as the individual client."""
    client.force_login(client_profile.user)
    return client


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploaded and private files go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


# --- Browser tests ----------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Browser tests skip where Chromium is missing, but fail under CI."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        return  # let them run and fail loudly: CI must have Chromium
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def browser_sign_in(page, email, *, base_url=None, where="portal", password=PASSWORD, lands=None):
    """Sign in through the real form; `base_url` opens the sign-in page first.

    Waits until the browser lands on `lands` (a regular expression), by default the home of
    the portal or the admin.
    """
    if base_url is not None:
        page.goto(f"{base_url}/{where}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(lands or rf"/{where}/$"))


def check_axe(page, name, failures):
    """Record axe-core's violations on the page under `name`; nothing may scroll sideways."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        failures[name] = results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{name} scrolls sideways at {page.viewport_size['width']} px"


@pytest.fixture
def live_site(live_server, transactional_db):
    """The live server with Wagtail's locale, root collection, root and home page and Site.

    The live server's database is flushed between tests, which removes what data
    migrations made; this puts it back.
    """
    from wagtail.models import Collection, Locale, Page, Site

    from blog.models import HomePage

    Locale.objects.get_or_create(language_code="en")
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    root = Page.objects.get(depth=1)
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Practice"},
    )
    from clients.groups import ensure_therapists_group

    ensure_therapists_group()
    return live_server
