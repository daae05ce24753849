"""The portal's weekly reflection: drafts, submit, refusals, conflicts; nothing typed is lost."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from homework.forms import field_name
from homework.models import Assignment, Reflection, TherapistPreference
from practice_site.builders import answers_for, post_data

from .conftest import IN_WEEK_2

JSON = {"HTTP_ACCEPT": "application/json"}


def url(assignment, week=2):
    return reverse("homework:reflection", args=[assignment.uuid, week])


@pytest.fixture
def immediate(therapist):
    TherapistPreference.objects.create(
        therapist=therapist, notify=TherapistPreference.Notify.IMMEDIATE
    )


def text_name(assignment):
    return field_name(assignment.prompts[3])


def test_draft_is_saved_and_shown_again(portal_client, assignment, in_week_2):
    response = portal_client.post(url(assignment), post_data(assignment, save_draft="1"))
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.status == Reflection.Status.DRAFT
    assert reflection.answers == answers_for(assignment)
    page = portal_client.get(url(assignment)).content.decode()
    assert "Taking a walk." in page
    assert 'name="version" value="1"' in page


def test_autosave_answers_json_with_the_new_version(portal_client, assignment, in_week_2):
    response = portal_client.post(url(assignment), post_data(assignment, autosave="1"), **JSON)
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["version"] == 1
    again = portal_client.post(
        url(assignment), post_data(assignment, text="More words.", version="1"), **JSON
    )
    assert again.json()["version"] == 2
    assert Reflection.objects.get().answers[assignment.prompts[3]["key"]] == "More words."


def test_a_draft_may_leave_required_answers_empty(portal_client, assignment, in_week_2):
    response = portal_client.post(
        url(assignment), post_data(assignment, count="", scale="", save_draft="1")
    )
    assert response.status_code == 302
    assert Reflection.objects.get().answers == {
        assignment.prompts[2]["key"]: True,
        assignment.prompts[3]["key"]: "Taking a walk.",
    }


def test_submit_needs_required_answers_and_keeps_the_rest(portal_client, assignment, in_week_2):
    response = portal_client.post(
        url(assignment), post_data(assignment, scale="", submit_reflection="1")
    )
    assert response.status_code == 400
    assert "Please answer this before you submit" in response.content.decode()
    assert "Taking a walk." in response.content.decode()
    assert not Reflection.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scale", "11", "Choose a number from 1 to 10."),
        ("scale", "0", "Choose a number from 1 to 10."),
        ("count", "-1", "Enter a number from 0 up."),
        ("count", "lots", "Enter a whole number"),
    ],
)
def test_answers_out_of_range_are_refused_kindly(
    portal_client, assignment, in_week_2, field, value, message
):
    data = post_data(assignment, submit_reflection="1", **{field: value})
    response = portal_client.post(url(assignment), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Taking a walk." in response.content.decode()
    assert not Reflection.objects.exists()


def test_a_megabyte_of_text_gets_a_clear_message_and_is_kept(portal_client, assignment, in_week_2):
    huge = "I wrote and wrote. " * 55189  # just over 1 MB
    response = portal_client.post(
        url(assignment), post_data(assignment, text=huge, submit_reflection="1")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 200" in page
    assert "everything you wrote is still here" in page
    assert huge.strip() in page
    assert not Reflection.objects.exists()


def test_too_long_autosave_says_why_in_json(portal_client, assignment, in_week_2):
    response = portal_client.post(url(assignment), post_data(assignment, text="x" * 201), **JSON)
    assert response.status_code == 400
    assert "the limit is 200" in response.json()["message"]


def test_submitting_twice_makes_one_reflection_and_one_notification(
    portal_client, assignment, in_week_2, immediate, django_capture_on_commit_callbacks
):
    data = post_data(assignment, submit_reflection="1")
    with django_capture_on_commit_callbacks(execute=True):
        first = portal_client.post(url(assignment), data)
    with django_capture_on_commit_callbacks(execute=True):
        second = portal_client.post(url(assignment), data)  # double click, back and resubmit
    with django_capture_on_commit_callbacks(execute=True):
        third = portal_client.post(url(assignment), data, **JSON)  # retry, lost response
    assert first.status_code == second.status_code == 302
    assert third.status_code == 200
    reflection = Reflection.objects.get()
    assert reflection.status == Reflection.Status.SUBMITTED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["therapist@example.org"]
    assert "Taking a walk" not in mail.outbox[0].body


def test_stale_tab_is_told_and_nothing_is_overwritten(portal_client, assignment, in_week_2):
    portal_client.post(url(assignment), post_data(assignment, text="From tab one.", save_draft="1"))
    portal_client.post(
        url(assignment), post_data(assignment, text="Tab one again.", version="1", save_draft="1")
    )
    stale = portal_client.post(
        url(assignment), post_data(assignment, text="From tab two.", version="1", save_draft="1")
    )
    page = stale.content.decode()
    assert stale.status_code == 409
    assert "Nothing has been overwritten" in page
    assert "From tab two." in page  # what this tab typed, in the form
    assert "Tab one again." in page  # and the saved version, to compare
    assert 'name="version" value="2"' in page  # saving again is now a deliberate choice
    assert Reflection.objects.get().answers[assignment.prompts[3]["key"]] == "Tab one again."


def test_stale_autosave_gets_409_with_the_saved_text(portal_client, assignment, in_week_2):
    portal_client.post(url(assignment), post_data(assignment, text="Saved first."), **JSON)
    stale = portal_client.post(url(assignment), post_data(assignment, text="Other tab."), **JSON)
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "conflict"
    assert body["saved"][text_name(assignment)] == "Saved first."
    assert body["version"] == 1


def test_a_submitted_reflection_can_be_changed_until_the_week_closes(
    portal_client, assignment, in_week_2, immediate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        portal_client.post(url(assignment), post_data(assignment, submit_reflection="1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            url(assignment),
            post_data(assignment, text="Changed my mind.", version="1", submit_reflection="1"),
        )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.answers[assignment.prompts[3]["key"]] == "Changed my mind."
    assert reflection.status == Reflection.Status.SUBMITTED
    assert len(mail.outbox) == 1  # an edit is not a second notification


def test_a_submitted_reflection_is_autosaved_too(portal_client, assignment, in_week_2):
    portal_client.post(url(assignment), post_data(assignment, submit_reflection="1"))
    page = portal_client.get(url(assignment)).content.decode()
    assert 'data-autosave="true"' in page

    response = portal_client.post(
        url(assignment), post_data(assignment, text="An edit, autosaved.", version="1"), **JSON
    )

    assert response.status_code == 200
    assert response.json()["status"] == Reflection.Status.SUBMITTED
    reflection = Reflection.objects.get()
    assert reflection.status == Reflection.Status.SUBMITTED
    assert reflection.answers[assignment.prompts[3]["key"]] == "An edit, autosaved."


def test_an_autosaved_edit_never_empties_a_required_answer_of_a_submitted_reflection(
    portal_client, assignment, in_week_2
):
    portal_client.post(url(assignment), post_data(assignment, submit_reflection="1"))

    response = portal_client.post(
        url(assignment), post_data(assignment, scale="", version="1"), **JSON
    )

    assert response.status_code == 400
    assert "Please answer this" in response.json()["message"]
    reflection = Reflection.objects.get()
    assert reflection.status == Reflection.Status.SUBMITTED
    assert reflection.answers[assignment.prompts[1]["key"]] == 6


def test_closed_week_refuses_kindly_and_keeps_the_text(portal_client, assignment, in_week_2):
    in_week_2.move_to(datetime.datetime(2026, 3, 19, 12, tzinfo=datetime.UTC))
    response = portal_client.post(
        url(assignment), post_data(assignment, text="Late words.", submit_reflection="1")
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Week 2 could be written until the end of Tuesday 17 March" in page
    assert "Late words." in page
    assert "Everything you wrote is still below" in page
    assert not Reflection.objects.exists()


def test_closed_week_is_read_only(portal_client, assignment, in_week_2):
    portal_client.post(url(assignment), post_data(assignment, submit_reflection="1"))
    in_week_2.move_to(datetime.datetime(2026, 3, 19, 12, tzinfo=datetime.UTC))
    page = portal_client.get(url(assignment)).content.decode()
    assert (
        "<form" not in page.split('id="main"')[1].split("</main>")[0]
        or "reflection-form" not in page
    )
    assert "Taking a walk." in page
    json = portal_client.post(url(assignment), post_data(assignment, version="1"), **JSON)
    assert json.status_code == 409
    assert "can no longer be changed" in json.json()["message"]


def test_week_not_yet_open_is_refused(portal_client, assignment, in_week_2):
    response = portal_client.post(url(assignment, 3), post_data(assignment, save_draft="1"))
    assert response.status_code == 409
    assert "Week 3 opens on Monday 16 March" in response.content.decode()
    assert not Reflection.objects.exists()


def test_paused_assignment_takes_no_answers(portal_client, assignment, in_week_2):
    assignment.change_status("pause")
    response = portal_client.post(url(assignment), post_data(assignment, save_draft="1"))
    assert response.status_code == 409
    assert "paused" in response.content.decode()
    assert not Reflection.objects.exists()


def test_changed_prompt_list_keeps_every_answer(portal_client, assignment, in_week_2):
    data = post_data(assignment, save_draft="1", fingerprint="an-older-list")
    data["q_0000gone"] = "Words for a question that has gone."
    response = portal_client.post(url(assignment), data)
    page = response.content.decode()
    assert response.status_code == 409
    assert "questions for this week changed" in page
    assert "Taking a walk." in page
    assert "Words for a question that has gone." in page
    assert not Reflection.objects.exists()


def test_week_outside_the_assignment_is_404(portal_client, assignment, in_week_2):
    assert portal_client.get(url(assignment, 5)).status_code == 404
    assert portal_client.get(url(assignment, 0)).status_code == 404


def test_another_clients_assignment_is_404(client, assignment, outsider, in_week_2):
    client.force_login(outsider.user)
    assert client.get(reverse("homework:assignment", args=[assignment.uuid])).status_code == 404
    assert client.get(url(assignment)).status_code == 404
    response = client.post(url(assignment), post_data(assignment, save_draft="1"))
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_partner_cannot_open_an_individual_clients_assignment(client, assignment, partner_a):
    client.force_login(partner_a.user)
    assert client.get(reverse("homework:assignment", args=[assignment.uuid])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, assignment):
    response = client.get(url(assignment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_autosave_after_sign_out_gets_401_json(client, assignment, in_week_2):
    response = client.post(url(assignment), post_data(assignment), **JSON)
    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"


def test_reflection_text_is_escaped(portal_client, assignment, in_week_2):
    portal_client.post(
        url(assignment), post_data(assignment, text="<script>alert(1)</script>", save_draft="1")
    )
    page = portal_client.get(reverse("homework:history")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_who_reads_it_is_said_above_the_form(portal_client, assignment, in_week_2):
    page = portal_client.get(url(assignment)).content.decode()
    assert "Only Maya (your therapist) reads this." in page
    assert page.index("Only Maya") < page.index('id="reflection-form"')


def test_prompts_are_copied_and_later_practice_edits_change_nothing(assignment, practice):
    before = [dict(p) for p in assignment.prompts]
    prompt = practice.prompts.get(kind="scale")
    prompt.question = "A different question"
    prompt.flag_at_or_below = 8
    prompt.save()
    practice.prompts.filter(kind="text").delete()
    assignment.refresh_from_db()
    assert assignment.prompts == before
    new = Assignment.objects.create(
        practice=practice, client=assignment.client, start_date=assignment.start_date
    )
    assert [p["question"] for p in new.prompts][1] == "A different question"


def test_flagged_when_a_scale_answer_is_at_or_below_the_threshold(
    portal_client, assignment, in_week_2
):
    portal_client.post(url(assignment), post_data(assignment, scale="3", submit_reflection="1"))
    assert Reflection.objects.get().flagged is True
    with time_machine.travel(IN_WEEK_2 + datetime.timedelta(days=7), tick=False):
        portal_client.post(url(assignment, 3), post_data(assignment, scale="4", save_draft="1"))
    assert Reflection.objects.get(week=3).flagged is False


def test_prompt_wording_is_shown_as_text_never_as_markup_or_template(
    portal_client, practice, client_profile, in_week_2
):
    from practice_site.builders import make_assignment

    prompt = practice.prompts.get(kind="text")
    prompt.question = "<b>Bold?</b> {{ request.user.email }}"
    prompt.help_text = "<i>hint</i>"
    prompt.save()
    assignment = make_assignment(practice, client=client_profile)
    page = portal_client.get(url(assignment)).content.decode()
    assert "&lt;b&gt;Bold?&lt;/b&gt; {{ request.user.email }}" in page
    assert "&lt;i&gt;hint&lt;/i&gt;" in page
    assert "<b>Bold?</b>" not in page
    assert "<i>hint</i>" not in page
