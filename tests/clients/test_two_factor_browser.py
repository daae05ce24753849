"""In a real browser: the two-step pages get the admin's icons, not a copy of themselves."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from practice_site.builders import PASSWORD, make_therapist
from tests.conftest import check_axe

pytestmark = pytest.mark.browser

SPRITE_LOADED = "() => document.querySelector('[data-sprite] svg symbol') !== null"
# Every icon the page draws points at a symbol the sprite brought.
ICONS_DRAWN = """() => {
  const uses = [...document.querySelectorAll("svg.icon use")];
  return uses.length > 0 && uses.every((use) => document.querySelector(use.getAttribute("href")));
}"""


def admin_sign_in(page, live_site, user, lands_on):
    page.goto(live_site.url + "/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(lands_on))
    page.wait_for_function(SPRITE_LOADED)


def test_the_two_step_pages_show_icons_one_form_and_keep_no_secret(live_site, page, settings):
    settings.THERAPIST_2FA_REQUIRED = True
    failures = {}

    admin_sign_in(page, live_site, make_therapist("maya@example.org"), r"/two-step/setup/")
    secret = page.locator("code").inner_text()
    assert len(secret) >= 16
    assert page.locator("input[name=code]").count() == 1
    assert page.locator("[data-sprite] form").count() == 0
    stored = page.evaluate("JSON.stringify(Object.assign({}, window.localStorage))")
    assert secret not in stored
    assert "two-step" not in stored
    assert page.evaluate(ICONS_DRAWN)
    check_axe(page, "set-up", failures)

    page.context.clear_cookies()
    ines = make_therapist("ines@example.org", first_name="Ines", last_name="Duval")
    TOTPDevice.objects.create(user=ines, name="phone", confirmed=True)
    admin_sign_in(page, live_site, ines, r"/two-step/verify/")
    assert page.locator("input[name=code]").count() == 1
    assert page.locator("[data-sprite] form").count() == 0
    assert page.evaluate(ICONS_DRAWN)
    check_axe(page, "verify", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())
