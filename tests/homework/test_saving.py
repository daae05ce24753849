"""Saving a reflection is one operation that returns one outcome, HTML or JSON aside."""

from django.http import QueryDict

from homework.models import Assignment, Reflection
from homework.saving import ReflectionOutcome, open_reflection, save_reflection
from practice_site.builders import post_data, submit


def posted(assignment, **kwargs):
    data = QueryDict(mutable=True)
    data.update(post_data(assignment, **kwargs))
    return data


def save(assignment, client, *, week=2, submit=False, **kwargs):
    return save_reflection(
        client=client,
        assignment=assignment,
        week=assignment.week(week),
        data=posted(assignment, **kwargs),
        submit=submit,
    )


def test_a_valid_draft_comes_back_saved_with_the_stored_reflection(
    assignment, client_profile, in_week_2
):
    outcome = save(assignment, client_profile)

    assert outcome.kind == ReflectionOutcome.SAVED
    assert outcome.status == 200
    assert outcome.saved == Reflection.objects.get()
    assert outcome.saved.status == Reflection.Status.DRAFT
    assert not outcome.submitted


def test_an_answer_out_of_range_comes_back_invalid_with_its_form_and_saves_nothing(
    assignment, client_profile, in_week_2
):
    outcome = save(assignment, client_profile, submit=True, scale="11")

    assert outcome.kind == ReflectionOutcome.INVALID
    assert outcome.status == 400
    assert outcome.form.errors
    assert outcome.message.startswith("How safe did you feel?")
    assert not Reflection.objects.exists()


def test_a_paused_assignment_comes_back_refused_with_every_word_kept(
    assignment, client_profile, in_week_2
):
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.PAUSED)
    assignment.refresh_from_db()

    outcome = save(assignment, client_profile, text="Still here")

    assert outcome.kind == ReflectionOutcome.REFUSED
    assert outcome.status == 409
    assert "paused" in outcome.message
    assert "Still here" in outcome.form.data.values()
    assert not Reflection.objects.exists()


def test_a_page_made_for_other_prompts_comes_back_prompts_changed(
    assignment, client_profile, in_week_2
):
    outcome = save(assignment, client_profile, fingerprint="an-older-list")

    assert outcome.kind == ReflectionOutcome.PROMPTS_CHANGED
    assert outcome.form["fingerprint"].value() == assignment.prompts_fingerprint
    assert not Reflection.objects.exists()


def test_a_stale_version_comes_back_as_a_conflict_naming_the_saved_version(
    assignment, client_profile, in_week_2
):
    stored = submit(assignment, client_profile, 2)
    save(assignment, client_profile, version=str(stored.version), text="From tab one")

    outcome = save(assignment, client_profile, version=str(stored.version), text="From tab two")

    assert outcome.kind == ReflectionOutcome.CONFLICT
    assert outcome.saved.answers[assignment.prompts[3]["key"]] == "From tab one"
    assert outcome.form["version"].value() == outcome.saved.version


def test_opening_a_week_shows_the_saved_answers_in_the_one_form(
    assignment, client_profile, in_week_2
):
    submit(assignment, client_profile, 2, text="Said before")

    outcome = open_reflection(client=client_profile, assignment=assignment, week=assignment.week(2))

    assert outcome.kind == ReflectionOutcome.SHOWN
    assert "Said before" in outcome.form.initial.values()
