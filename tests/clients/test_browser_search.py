"""In a real browser: searching the clients list never sends a name in a URL."""

import re

import pytest

from practice_site.builders import PASSWORD, make_client, make_therapist

pytestmark = pytest.mark.browser


def test_searching_clients_in_the_browser_keeps_the_name_out_of_every_request_url(live_site, page):
    therapist = make_therapist("maya@example.org")
    make_client(therapist, "jordan@example.org", "Jordan Lee")
    make_client(therapist, "alex@example.org", "Alex Rivera")
    page.goto(live_site.url + "/admin/login/")
    page.locator("#id_username").fill(therapist.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(live_site.url + "/admin/clients/")
    page.get_by_label("Search by name or e-mail").fill("Jordan")
    page.locator("#listing-results").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/admin/clients/\?search=[\w-]+$"))

    listing = page.locator("#listing-results table")
    assert "Jordan Lee" in listing.inner_text()
    assert "Alex Rivera" not in listing.inner_text()
    assert page.get_by_label("Search by name or e-mail").input_value() == "Jordan"
    assert not [url for url in requested if "jordan" in url.lower()]

    page.get_by_role("link", name="Show everyone").click()
    page.wait_for_url(re.compile(r"/admin/clients/$"))
    assert "Alex Rivera" in page.locator("#listing-results table").inner_text()
