"""In a real browser: writing a reflection that survives a reload and a sign-out, and the
therapist's path from assigning to reading, with axe-core on every homework page at 320 px."""

import datetime
import re

import pytest

from clients import demo as clients_demo
from homework import demo as homework_demo
from homework.models import Assignment, PracticePrompt, Reflection
from practice_site.builders import make_client, make_practice, make_therapist
from tests.conftest import browser_sign_in, check_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 800}
LONG_TEXT = (
    "This week we paused twice. The first time I was the one who said it, which surprised "
    "me, because usually I push on until one of us walks out. "
) * 20


def open_in_week_2(practice, client):
    """Started a week ago in the client's time zone, so week 2 is open today."""
    today = client.local_now().date()
    start = today - datetime.timedelta(days=7)
    return Assignment.objects.create(
        practice=practice,
        client=client,
        start_date=start,
        weeks=4,
        week_ends_on=(start + datetime.timedelta(days=6)).weekday(),
    )


@pytest.fixture
def jordan_week_2(live_site):
    therapist = make_therapist("maya@example.org")
    jordan = make_client(therapist, "jordan@example.org", "Jordan Lee")
    practice = make_practice()
    PracticePrompt.objects.filter(practice=practice, kind="text").update(max_length=5000)
    assignment = open_in_week_2(practice, jordan)
    return jordan, assignment


def fill_answers(page, count, scale, text):
    page.get_by_label("How many times did you pause?").fill(str(count))
    page.get_by_role("group", name="How safe did you feel?").get_by_label(
        str(scale), exact=True
    ).check()
    page.get_by_label("What helped?").fill(text)


def test_a_draft_survives_a_reload_and_is_then_submitted(jordan_week_2, live_site, page):
    jordan, assignment = jordan_week_2
    page.set_viewport_size(PHONE)
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    failures = {}
    check_axe(page, "dashboard", failures)

    page.get_by_role("link", name="Write week 2").click()
    page.wait_for_url(re.compile(r"/week/2/$"))
    check_axe(page, "reflection form", failures)
    fill_answers(page, 2, 6, LONG_TEXT)
    assert "5,000 characters" in page.locator(".char-count").inner_text()
    page.get_by_role("status").filter(has_text="Saved at").wait_for()

    page.reload()
    assert page.get_by_label("What helped?").input_value() == LONG_TEXT.strip()
    assert page.get_by_label("How many times did you pause?").input_value() == "2"

    page.get_by_role("button", name="Submit week 2").click()
    page.wait_for_url(re.compile(r"/portal/homework/[0-9a-f-]+/$"))
    assert "Week 2 is submitted" in page.content()
    check_axe(page, "assignment page", failures)
    reflection = Reflection.objects.get(assignment=assignment, client=jordan, week=2)
    assert reflection.status == Reflection.Status.SUBMITTED
    assert reflection.answers[assignment.prompts[3]["key"]] == LONG_TEXT.strip()

    page.goto(live_site.url + "/portal/history/")
    check_axe(page, "history", failures)
    assert "This week we paused twice." in page.content()
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_signed_out_mid_sentence_every_keystroke_stays_and_is_saved_after_signing_in_elsewhere(
    jordan_week_2, live_site, page
):
    from django.contrib.sessions.models import Session

    jordan, assignment = jordan_week_2
    text_key = assignment.prompts[3]["key"]
    # Already submitted: edits to it are autosaved too, and it stays submitted.
    Reflection.objects.save_answers(
        assignment=assignment,
        client=jordan,
        week=2,
        answers={assignment.prompts[0]["key"]: 1, assignment.prompts[1]["key"]: 5},
        version=0,
        submit=True,
    )
    page.set_viewport_size(PHONE)
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.goto(live_site.url + f"/portal/homework/{assignment.uuid}/week/2/")
    page.evaluate("window.notReloaded = true")
    answer = page.get_by_label("What helped?")
    answer.fill("First thoughts.")  # no keystrokes yet: the next one is the first
    page.get_by_role("status").filter(has_text="Saved at").wait_for()
    saved = Reflection.objects.get(assignment=assignment, client=jordan, week=2)
    assert saved.answers[text_key] == "First thoughts."
    assert saved.status == Reflection.Status.SUBMITTED

    Session.objects.all().delete()  # the session ends on the server while they type
    sentence = " And then the rest of the sentence, typed after the session had ended."
    answer.press_sequentially(sentence, delay=15)
    notice = page.locator("#signed-out-notice")
    notice.wait_for(state="visible")
    answer.press_sequentially(" Still typing.", delay=15)

    expected = "First thoughts." + sentence + " Still typing."
    assert answer.input_value() == expected
    assert answer.evaluate("el => el === document.activeElement")
    assert not page.locator("#session-dialog").evaluate("d => d.open")
    assert "your words are still here" in notice.inner_text()
    failures = {}
    check_axe(page, "reflection form, signed out", failures)

    with page.context.expect_page() as new_tab:
        notice.get_by_role("link", name=re.compile("Sign in again")).click()
    login = new_tab.value
    browser_sign_in(login, jordan.email, lands=r"/portal/signed-in/$")
    login.close()

    page.bring_to_front()
    page.get_by_role("status").filter(has_text="Saved at").wait_for(timeout=20000)
    assert notice.is_hidden()
    assert page.evaluate("window.notReloaded === true")
    saved.refresh_from_db()
    assert saved.answers[text_key] == expected
    assert saved.status == Reflection.Status.SUBMITTED
    stored = page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )
    assert "Still typing" not in stored
    assert "First thoughts" not in stored
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_therapist_assigns_to_the_couple_both_submit_and_the_timeline_shows_both(
    live_site, page, browser
):
    people = clients_demo.seed()
    homework_demo.seed_practices()
    password = clients_demo.demo_password()
    couple = people["couple"]

    browser_sign_in(
        page, clients_demo.THERAPIST_EMAIL, base_url=live_site.url, where="admin", password=password
    )

    page.goto(live_site.url + "/admin/snippets/homework/practice/")
    page.get_by_role("link", name=re.compile("Assign “Pausing when it heats up”")).click()
    page.wait_for_url(re.compile(r"/admin/homework/assign/\?practice=\d+"))
    page.get_by_label("Who").select_option(label="Alex & Sam")
    # The couple's weeks follow New York time: start on their yesterday so week 1 is open.
    start = couple.partner_a.local_now().date() - datetime.timedelta(days=1)
    page.locator("#id_start_date").fill(start.isoformat())
    page.keyboard.press("Escape")
    page.get_by_label("Partners read each other's once both have submitted that week").check()
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(re.compile(r"/admin/(couples|homework)/"))
    assignment = Assignment.objects.get(couple=couple)

    for person, count, scale, text in [
        (couple.partner_a, 3, 7, "Walking round the block helped."),
        (couple.partner_b, 1, 2, "I froze again; talking about it felt impossible."),
    ]:
        context = browser.new_context(viewport=PHONE)
        tab = context.new_page()
        browser_sign_in(tab, person.email, base_url=live_site.url, password=password)
        tab.get_by_role("link", name="Write week 1").click()
        readers = tab.locator("#readers").inner_text()
        assert "once you've both submitted week 1" in readers
        tab.get_by_label("How many times did you pause this week?").fill(str(count))
        tab.get_by_role(
            "group", name="How safe did you feel in hard conversations this week?"
        ).get_by_label(str(scale), exact=True).check()
        tab.get_by_label("What helped?").fill(text)
        tab.get_by_role("button", name="Submit week 1").click()
        tab.wait_for_url(re.compile(rf"/portal/homework/{assignment.uuid}/$"))
        context.close()

    page.goto(live_site.url + f"/admin/homework/couples/{couple.pk}/")
    content = page.content()
    assert "Walking round the block helped." in content
    assert "I froze again" in content
    chart = page.locator("svg.scale-chart").first
    assert "Alex: week 1 7" in chart.inner_html()
    assert "Sam: week 1 2" in chart.inner_html()
    assert page.locator(".homework-flag").count() == 1


def test_a_lost_csrf_cookie_is_renewed_and_the_save_retried(jordan_week_2, live_site, page):
    jordan, assignment = jordan_week_2
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.goto(live_site.url + f"/portal/homework/{assignment.uuid}/week/2/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_label("What helped?").fill("Written after the token went away.")
    page.get_by_role("status").filter(has_text="Saved at").wait_for()
    reflection = Reflection.objects.get(assignment=assignment, client=jordan, week=2)
    assert reflection.answers[assignment.prompts[3]["key"]] == "Written after the token went away."


def test_two_tabs_the_stale_one_is_told_and_chooses(jordan_week_2, live_site, page):
    jordan, assignment = jordan_week_2
    url = live_site.url + f"/portal/homework/{assignment.uuid}/week/2/"
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_label("What helped?").fill("Written in the first tab.")
    page.get_by_role("status").filter(has_text="Saved at").wait_for()
    other.get_by_label("What helped?").fill("Written in the second tab.")
    conflict = other.locator("#conflict-notice")
    conflict.wait_for(state="visible")
    assert "Written in the first tab." in conflict.inner_text()
    assert other.get_by_label("What helped?").input_value() == "Written in the second tab."
    reflection = Reflection.objects.get(assignment=assignment, client=jordan, week=2)
    assert reflection.answers[assignment.prompts[3]["key"]] == "Written in the first tab."
    failures = {}
    check_axe(other, "two tabs, the stale one", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())

    conflict.get_by_role("button", name="Keep what's on this page").click()
    other.get_by_role("status").filter(has_text="Saved at").wait_for()
    reflection.refresh_from_db()
    assert reflection.answers[assignment.prompts[3]["key"]] == "Written in the second tab."


def test_a_closed_week_and_a_form_with_problems_pass_axe_and_say_what_to_do(live_site, page):
    people = clients_demo.seed()
    assignments = homework_demo.seed(people, homework_demo.seed_practices(), None)
    jordan, assignment = people["jordan"], assignments["jordan"]
    page.set_viewport_size(PHONE)
    browser_sign_in(
        page, jordan.email, base_url=live_site.url, password=clients_demo.demo_password()
    )
    failures = {}

    page.goto(live_site.url + f"/portal/homework/{assignment.uuid}/week/1/")
    assert "can no longer be changed" in page.content()
    assert "you can still write" not in page.content()
    check_axe(page, "closed week", failures)

    page.goto(live_site.url + "/portal/")
    page.get_by_role("link", name=re.compile(r"^Write week")).click()
    page.get_by_role("button", name=re.compile(r"^Submit week")).click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link", name="What helped?").click()
    assert page.evaluate("document.activeElement.id") == page.get_by_label(
        "What helped?"
    ).get_attribute("id")
    check_axe(page, "reflection form with problems", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_the_therapists_homework_pages_pass_axe(live_site, page):
    people = clients_demo.seed()
    practices = homework_demo.seed_practices()
    homework_demo.seed(people, practices, None)
    page.goto(live_site.url + "/admin/login/")
    page.get_by_label("E-mail address").fill(clients_demo.THERAPIST_EMAIL)
    page.get_by_label("Password").fill(clients_demo.demo_password())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    failures = {}
    for name, url in {
        "client timeline": f"/admin/homework/clients/{people['jordan'].pk}/",
        "couple timeline": f"/admin/homework/couples/{people['couple'].pk}/",
        "homework this week": "/admin/homework/this-week/",
        "assign form": f"/admin/homework/assign/?practice={practices['emotional_safety'].pk}",
    }.items():
        page.goto(live_site.url + url)
        check_axe(page, name, failures)
    page.get_by_role("button", name="Assign").click()  # nothing chosen: errors on the form
    page.locator(".error-message, .help-critical, [aria-invalid=true]").first.wait_for()
    check_axe(page, "assign form with errors", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_an_idle_sign_out_clears_the_cookies_yet_keeps_the_text_to_save(
    jordan_week_2, live_site, page
):
    """The idle sign-out answers with Clear-Site-Data; the words stay on the page and are
    saved once the client signs in again."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from clients.middleware import LAST_ACTIVITY

    jordan, assignment = jordan_week_2
    browser_sign_in(page, jordan.email, base_url=live_site.url)
    page.goto(live_site.url + f"/portal/homework/{assignment.uuid}/week/2/")
    page.get_by_label("What helped?").fill("First thoughts.")
    page.get_by_role("status").filter(has_text="Saved at").wait_for()

    for row in Session.objects.all():  # long idle, as the server sees it
        session = SessionStore(session_key=row.session_key)
        session[LAST_ACTIVITY] = 0
        session.save()
    page.get_by_label("What helped?").fill("First thoughts. And then a great deal more.")
    notice = page.locator("#signed-out-notice")
    notice.wait_for(state="visible")
    assert page.context.cookies() == []

    with page.context.expect_page() as new_tab:
        notice.get_by_role("link", name="Sign in again in a new tab").click()
    login = new_tab.value
    browser_sign_in(login, jordan.email, lands=r"/portal/signed-in/$")
    login.close()

    page.bring_to_front()
    page.get_by_role("status").filter(has_text="Saved at").wait_for(timeout=20000)
    reflection = Reflection.objects.get(assignment=assignment, client=jordan, week=2)
    assert reflection.answers[assignment.prompts[3]["key"]].endswith("a great deal more.")
