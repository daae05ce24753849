"""In a real browser: Wagtail's admin works under its Content-Security-Policy with no
violation, and a sign-out clears the browser's copy of the site yet still says goodbye."""

import re

import pytest

from blog import demo
from clients import demo as clients_demo
from homework.models import Practice
from practice_site.builders import PASSWORD, make_client, make_therapist
from tests.conftest import browser_sign_in

pytestmark = pytest.mark.browser

# Every Content-Security-Policy violation, as the page sees it.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def admin_sign_in(page, live_site, user):
    page.goto(live_site.url + "/admin/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_the_admins_editors_work_under_the_policy_without_a_violation(live_site, page):
    practice = Practice.objects.create(title="Noticing", instructions="<p>Each evening.</p>")
    content = demo.seed(clients_demo.seed(), {"emotional_safety": practice})
    therapist = make_therapist("maya@example.org")
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(RECORD_VIOLATIONS)
    admin_sign_in(page, live_site, therapist)

    violations = {}
    for name, url in {
        "dashboard": "/admin/",
        "page listing": f"/admin/pages/{content['index'].pk}/",
        "article editor": f"/admin/pages/{content['practice_article'].pk}/edit/",
        "new article": f"/admin/pages/add/blog/articlepage/{content['index'].pk}/",
        "series editor": f"/admin/pages/{content['series'].pk}/edit/",
        "author snippet": f"/admin/snippets/blog/author/edit/{content['author'].pk}/",
        "site history": "/admin/reports/site-history/",
        "clients": "/admin/clients/",
        "assign": "/admin/homework/assign/",
        "practice snippet": f"/admin/snippets/homework/practice/edit/{practice.pk}/",
        "new practice": "/admin/snippets/homework/practice/add/",
    }.items():
        page.goto(live_site.url + url)
        page.wait_for_load_state("networkidle")
        if found := page.evaluate("window.cspViolations"):
            violations[name] = found

    # Scripts that run later: a second prompt from the inline panel, the page chooser's modal.
    page.get_by_role("button", name="Add Prompt").click()
    page.locator("#id_prompts-1-question").fill("What did you notice?")
    page.get_by_role("button", name="Choose a page").click()
    page.get_by_role("dialog").get_by_text('Only pages of type "Article page"').wait_for()
    page.wait_for_load_state("networkidle")
    if found := page.evaluate("window.cspViolations"):
        violations["new practice, later"] = found

    assert not violations, violations
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not [line for line in console if "Permissions-Policy" in line], console


def test_signing_out_clears_the_site_and_still_says_goodbye(live_site, page):
    jordan = make_client(make_therapist("maya@example.org"), "jordan@example.org", "Jordan Lee")
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.evaluate("localStorage.setItem('left-behind', 'a note')")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/portal/login/"))
    assert "signed out. See you next time" in page.content()
    assert "sessionid" not in {cookie["name"] for cookie in page.context.cookies()}
    assert page.evaluate("localStorage.getItem('left-behind')") is None
