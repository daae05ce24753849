"""Without JavaScript, nothing a client writes is lost: a reflection posted signed out, with a
stale CSRF token or too large to read is kept (encrypted, for its writer only) or left in the
browser with a kind page."""

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django.urls import reverse

from clients.access import CURRENT_PROFILE
from clients.models import Client
from homework.models import KeptAnswers, Reflection
from practice_site.builders import make_assignment, post_data

from .conftest import IN_WEEK_2

WORDS = "Walking together after dinner helped more than I expected."


def url(assignment, week=2):
    return reverse("homework:reflection", args=[assignment.uuid, week])


def keep_token(page):
    return re.search(r'name="keep" value="([^"]+)"', page).group(1)


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def opened_form(assignment, client_profile, in_week_2):
    """A browser that opened week 2's form while signed in, with its CSRF check on."""
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(client_profile.user)
    page = browser.get(url(assignment)).content.decode()
    return browser, page


def post_from(browser, page, assignment, **extra):
    extra = {"keep": keep_token(page), "csrfmiddlewaretoken": csrf_token(page), **extra}
    data = post_data(assignment, text=WORDS, save_draft="1", **extra)
    return browser.post(url(assignment), data)


def sign_in_again(browser, client_profile):
    browser.force_login(client_profile.user)
    return browser.get(url(client_profile.assignments.get())).content.decode()


# --- Signed out: the session ended before the post ---------------------------------------------


def test_a_post_after_the_session_ended_is_kept_and_sent_to_sign_in(
    opened_form, assignment, client_profile
):
    browser, page = opened_form
    Session.objects.all().delete()  # the session ends on the server while they write

    response = post_from(browser, page, assignment)

    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))
    assert response.url.endswith(f"next={url(assignment)}")
    assert not Reflection.objects.exists()
    assert KeptAnswers.objects.get().client == client_profile


def test_a_post_from_a_form_left_open_overnight_is_kept_too(
    opened_form, assignment, client_profile
):
    browser, page = opened_form
    Session.objects.all().delete()

    with time_machine.travel(IN_WEEK_2 + datetime.timedelta(hours=14), tick=False):
        response = post_from(browser, page, assignment)
        assert response.url.startswith(reverse("portal:login"))
        page = sign_in_again(browser, client_profile)

    assert WORDS in page


def test_the_sign_in_page_says_plainly_that_the_words_will_be_waiting(opened_form, assignment):
    browser, page = opened_form
    Session.objects.all().delete()

    response = browser.get(post_from(browser, page, assignment).url)

    assert "it will be waiting for you in the form" in response.content.decode()


def test_the_signed_out_notice_sits_above_the_form_so_it_is_seen_while_typing(opened_form):
    _, page = opened_form

    assert page.index('id="signed-out-notice"') < page.index('id="reflection-form"')
    assert "session-signed-out" in page.split('id="signed-out-notice"')[1].split(">")[0]


def test_signing_in_again_puts_the_kept_answers_back_in_the_form_once(
    opened_form, assignment, client_profile
):
    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)

    page = sign_in_again(browser, client_profile)

    assert WORDS in page
    assert "We kept what you wrote" in page
    assert "please check it and save" in page
    assert not Reflection.objects.exists()  # kept for the client to save, never saved for them
    assert not KeptAnswers.objects.exists()
    assert WORDS not in browser.get(url(assignment)).content.decode()


def test_the_restored_form_saves_as_usual(opened_form, assignment, client_profile):
    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)
    page = sign_in_again(browser, client_profile)

    response = post_from(browser, page, assignment)

    assert response.status_code == 302
    assert Reflection.objects.get().answers[assignment.prompts[3]["key"]] == WORDS


def test_someone_else_signing_in_never_sees_the_kept_answers(
    opened_form, assignment, client_profile, outsider
):
    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)

    browser.force_login(outsider.user)
    assert browser.get(url(assignment)).status_code == 404
    assert WORDS not in browser.get(reverse("portal:dashboard")).content.decode()
    assert KeptAnswers.objects.filter(client=client_profile).exists()
    # Positive control: the writer still finds them.
    assert WORDS in sign_in_again(browser, client_profile)


def test_a_partner_on_the_same_week_never_sees_the_other_partners_kept_answers(
    couple_assignment, partner_a, partner_b, in_week_2
):
    week_2 = url(couple_assignment)
    alex = Browser(enforce_csrf_checks=True)
    alex.force_login(partner_a.user)
    page = alex.get(week_2).content.decode()
    Session.objects.all().delete()
    post_from(alex, page, couple_assignment)

    sam = Browser()
    sam.force_login(partner_b.user)
    assert sam.get(week_2).status_code == 200
    assert WORDS not in sam.get(week_2).content.decode()
    alex.force_login(partner_a.user)
    assert WORDS in alex.get(week_2).content.decode()  # control: the writer finds them


def test_an_autosave_from_a_partners_page_never_saves_as_the_one_now_signed_in(
    couple_assignment, partner_a, partner_b, in_week_2
):
    # One laptop: Alex's page stays open after an idle sign-out; Sam signs in in another tab,
    # and Alex's page, seeing a session again, autosaves what Alex typed.
    browser = Browser()
    browser.force_login(partner_a.user)
    page = browser.get(url(couple_assignment)).content.decode()
    browser.force_login(partner_b.user)

    response = browser.post(
        url(couple_assignment),
        post_data(couple_assignment, text=WORDS, keep=keep_token(page), autosave="1"),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 409
    assert response.json()["error"] == "refused"
    assert not Reflection.objects.exists()
    # Positive control: Sam's own page saves as usual.
    own = browser.get(url(couple_assignment)).content.decode()
    response = browser.post(
        url(couple_assignment),
        post_data(couple_assignment, text="Sam's words", keep=keep_token(own), autosave="1"),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert Reflection.objects.get().client == partner_b


def test_a_post_without_a_valid_form_token_keeps_nothing(opened_form, assignment):
    browser, page = opened_form
    Session.objects.all().delete()

    response = post_from(browser, page, assignment, keep=keep_token(page)[:-2] + "xx")

    assert response.status_code == 302
    assert not KeptAnswers.objects.exists()


def test_a_form_token_for_another_week_keeps_nothing(opened_form, assignment, client_profile):
    browser, page = opened_form
    token = KeptAnswers.token_for(client_profile, assignment, 1)
    Session.objects.all().delete()

    post_from(browser, page, assignment, keep=token)

    assert not KeptAnswers.objects.exists()


def test_kept_answers_are_encrypted_at_rest(opened_form, assignment):
    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)

    assert not KeptAnswers.objects.filter(sealed__contains="Walking").exists()
    sealed = KeptAnswers.objects.values_list("sealed", flat=True).get()  # the column as stored
    assert "Walking" not in sealed
    assert KeptAnswers.objects.get().data[post_data_name(assignment)] == WORDS


def post_data_name(assignment):
    from homework.forms import field_name

    return field_name(assignment.prompts[3])


def test_kept_answers_expire_after_a_few_hours(opened_form, assignment, client_profile):
    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)

    with time_machine.travel(IN_WEEK_2 + datetime.timedelta(hours=13), tick=False):
        page = sign_in_again(browser, client_profile)

    assert WORDS not in page


def test_expired_kept_answers_are_pruned_by_the_hourly_task(opened_form, assignment):
    from django_q.models import Schedule

    from homework.schedules import ensure_schedules
    from homework.tasks import delete_expired_kept_answers

    browser, page = opened_form
    Session.objects.all().delete()
    post_from(browser, page, assignment)
    delete_expired_kept_answers()
    assert KeptAnswers.objects.exists()  # control: still within its hours

    with time_machine.travel(IN_WEEK_2 + datetime.timedelta(hours=13), tick=False):
        delete_expired_kept_answers()

    assert not KeptAnswers.objects.exists()
    ensure_schedules()
    assert Schedule.objects.get(name="homework kept answers pruning").schedule_type == "H"


# --- A stale CSRF token: signed in, but the form's token has rotated ---------------------------


def test_a_post_with_a_stale_csrf_token_is_kept_and_shown_again_unsaved(
    opened_form, assignment, client_profile
):
    browser, page = opened_form
    browser.force_login(client_profile.user)  # signed in again elsewhere: the token rotates
    browser.cookies["csrftoken"] = "x" * 32

    response = post_from(browser, page, assignment)

    assert response.status_code == 302
    assert response.url == url(assignment)
    assert not Reflection.objects.exists()
    page = browser.get(response.url).content.decode()
    assert WORDS in page
    assert "We kept what you wrote" in page
    assert not Reflection.objects.exists()


def test_a_stale_csrf_token_keeps_the_answers_written_for_another_of_their_therapists(
    client_profile, other_therapist, practice, in_week_2
):
    for_b = Client.objects.create(
        user=client_profile.user,
        therapist=other_therapist,
        full_name="Jordan Lee",
        accepted_at=client_profile.accepted_at,
    )
    with_b = make_assignment(practice, client=for_b)
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(client_profile.user)
    page = browser.get(url(with_b)).content.decode()  # the portal switches to B
    # Meanwhile, in another tab: signed in again (the token rotates), back with A.
    browser.force_login(client_profile.user)
    session = browser.session
    session[CURRENT_PROFILE] = str(client_profile.uuid)
    session.save()
    browser.cookies["csrftoken"] = "x" * 32

    response = post_from(browser, page, with_b)

    assert response.status_code == 302
    assert response.url == url(with_b)
    assert KeptAnswers.objects.get().client == for_b
    assert WORDS in browser.get(response.url).content.decode()


def test_a_stale_csrf_token_on_another_form_still_gets_the_kind_page(client_profile):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(client_profile.user)
    response = browser.post(reverse("portal:profile"), {"full_name": "Jo"})
    assert response.status_code == 403
    assert "Please send that again" in response.content.decode()


def test_an_autosave_with_a_stale_token_still_answers_json(opened_form, assignment):
    browser, page = opened_form
    browser.cookies["csrftoken"] = "x" * 32
    response = browser.post(
        url(assignment),
        post_data(assignment, text=WORDS, keep=keep_token(page), csrfmiddlewaretoken="y" * 32),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"error": "csrf"}
    assert not KeptAnswers.objects.exists()


# --- Too large to read -------------------------------------------------------------------------


def test_the_upload_limit_fits_the_longest_reflection(settings):
    from homework.models import MAX_ANSWER_LENGTH, MAX_PROMPTS

    # Every prompt at its longest, every character four bytes of UTF-8, percent-encoded.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= MAX_PROMPTS * MAX_ANSWER_LENGTH * 4 * 3


def test_another_bad_request_still_gets_the_plain_400(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/portal/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "too long" not in response.content.decode()


def test_a_post_too_large_to_read_gets_the_portals_kind_page(portal_client, assignment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = portal_client.post(url(assignment), post_data(assignment, text="word " * 400))

    assert response.status_code == 413
    page = response.content.decode().replace("&#x27;", "'")
    assert "That was too long to send" in page
    assert "your browser keeps what you typed" in page
    assert "shorten it" in page
    assert not Reflection.objects.exists()
