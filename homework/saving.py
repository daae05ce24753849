"""Saving a week's reflection: one operation, one outcome.

- `open_reflection` is what a client finds when they open a week: the saved answers, or
  answers kept when they could not be saved, put back to check and save.
- `save_reflection` takes what was posted and returns what came of it: saved, invalid,
  refused (the week is shut), prompts changed, or a conflict with another tab.
- Neither knows about HTML or JSON: `homework.views.portal` renders the outcome.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import tasks
from .forms import ReflectionForm
from .models import KeptAnswers, Reflection
from .weeks import closing_phrase

PROMPTS_CHANGED_MESSAGE = (
    "The questions for this week changed while you were writing. Your answers to the "
    "questions that are still here are kept below; anything you wrote for a question "
    "that has gone is shown underneath so you can copy it."
)
CONFLICT_MESSAGE = (
    "This reflection was saved from somewhere else after this page was opened (another "
    "tab or window, or before you went back a page). Nothing has been overwritten. "
    "Compare the two below: to keep what's on this page, save again; to use the saved "
    "version instead, reload the page."
)
RESTORED_MESSAGE = _(
    "We kept what you wrote when it couldn't be saved (you had been signed out, or "
    "the page was open for a long time). It's back below: please check it and save."
)


def refusal_for(assignment, week, now):
    """Why this week cannot be written now, in kind words; None when it can."""
    if not assignment.is_writable:
        verb = {
            assignment.Status.PAUSED: "paused",
            assignment.Status.FINISHED: "finished",
            assignment.Status.CANCELLED: "stopped",
        }[assignment.status]
        return f"Your therapist has {verb} this homework, so nothing can be saved here for now."
    if week.is_upcoming(now):
        opens = date_format(week.starts_on, "l j F")
        return f"Week {week.number} opens on {opens}. You can write it from then."
    if week.is_closed(now):
        return (
            f"Week {week.number} could be written until {closing_phrase(week)}, so it can "
            "no longer be changed. "
            "If there's something you still want to say, you could bring it to your next "
            "session."
        )
    return None


@dataclass(frozen=True)
class ReflectionOutcome:
    """What came of opening or saving one client's week.

    - `existing`: the reflection as it was before this request (None if never saved).
    - `form`: the form to show again (None for a shut week with nothing kept, or once saved).
    - `saved`: the stored reflection after a save, or the other tab's version in a conflict.
    """

    SHOWN = "shown"
    RESTORED = "restored"
    SAVED = "saved"
    INVALID = "invalid"
    REFUSED = "refused"
    PROMPTS_CHANGED = "prompts_changed"
    CONFLICT = "conflict"

    kind: str
    assignment: object
    week: object
    existing: Reflection | None
    refusal: str | None = None
    form: ReflectionForm | None = None
    message: str = ""
    saved: Reflection | None = None
    submitted: bool = False

    @property
    def status(self):
        """The HTTP status of the page or the JSON answer."""
        stopped = {self.INVALID: 400, self.REFUSED: 409, self.PROMPTS_CHANGED: 409}
        return {**stopped, self.CONFLICT: 409}.get(self.kind, 200)


def _the_week(client, assignment, week, now):
    """What every outcome carries: the week, its saved reflection, and why it is shut."""
    return {
        "assignment": assignment,
        "week": week,
        "existing": Reflection.objects.filter(
            assignment=assignment, client=client, week=week.number
        ).first(),
        "refusal": refusal_for(assignment, week, now or timezone.now()),
    }


def open_reflection(*, client, assignment, week, now=None):
    """The week as the client opens it: kept answers come back once, then are gone."""
    outcome = _the_week(client, assignment, week, now)
    existing, refusal = outcome["existing"], outcome["refusal"]
    kept = KeptAnswers.objects.take(client=client, assignment=assignment, week=week.number)
    if kept:
        data = QueryDict(mutable=True)
        data.update(kept)
        form = ReflectionForm.for_week(assignment, week, existing, data, kept=bool(refusal))
        return ReflectionOutcome(ReflectionOutcome.RESTORED, form=form, **outcome)
    form = None if refusal else ReflectionForm.for_week(assignment, week, existing)
    return ReflectionOutcome(ReflectionOutcome.SHOWN, form=form, **outcome)


SOMEONE_ELSE_MESSAGE = _(
    "You're signed in as someone else now, so this wasn't saved. Your words are still "
    "on this page: sign in as yourself to save them."
)


def _written_by_someone_else(client, data):
    """The page was opened by another client than the one signed in now: on one computer,
    a partner signed in while the other's page was still open (and autosaves)."""
    writer = KeptAnswers.writer_named_by(data.get("keep", ""))
    return writer is not None and writer != str(client.uuid)


def save_reflection(*, client, assignment, week, data, submit, now=None):
    """Save what was posted for a week; nothing is written unless the outcome is SAVED.

    - A shut week (paused, not yet open, closed) refuses, keeping every word in the form.
    - A page made for other prompts (its fingerprint differs) saves nothing.
    - A submitted reflection stays submitted: its edits (autosaved too) answer what is required.
    - The therapist is told once, on the first submission.
    """
    outcome = _the_week(client, assignment, week, now)
    existing, refusal = outcome["existing"], outcome["refusal"]
    submit = submit or (existing is not None and existing.is_submitted)
    if refusal is None and _written_by_someone_else(client, data):
        refusal = outcome["refusal"] = SOMEONE_ELSE_MESSAGE

    if refusal:
        form = ReflectionForm.for_week(assignment, week, existing, data, kept=True)
        return ReflectionOutcome(ReflectionOutcome.REFUSED, form=form, message=refusal, **outcome)
    posted_fingerprint = data.get("fingerprint", "")
    if posted_fingerprint and posted_fingerprint != assignment.prompts_fingerprint:
        form = ReflectionForm.for_week(assignment, week, existing, data)
        return ReflectionOutcome(
            ReflectionOutcome.PROMPTS_CHANGED,
            form=form,
            message=PROMPTS_CHANGED_MESSAGE,
            **outcome,
        )
    form = ReflectionForm.for_week(assignment, week, existing, data, submitting=submit)
    if not form.is_valid():
        return ReflectionOutcome(
            ReflectionOutcome.INVALID, form=form, message=form.first_error(), **outcome
        )

    result = Reflection.objects.save_answers(
        assignment=assignment,
        client=client,
        week=week.number,
        answers=form.answers(),
        version=form.cleaned_data.get("version") or 0,
        submit=submit,
        now=now,
    )
    saved = result.reflection
    if result.is_conflict:
        # Saving again from this page is now a deliberate choice: it names the stored version.
        again = data.copy()
        again["version"] = saved.version
        form = ReflectionForm.for_week(assignment, week, saved, again)
        return ReflectionOutcome(
            ReflectionOutcome.CONFLICT, form=form, message=CONFLICT_MESSAGE, saved=saved, **outcome
        )
    if result.first_submission:
        tasks.enqueue_therapist_notice(saved.pk)
    return ReflectionOutcome(ReflectionOutcome.SAVED, saved=saved, submitted=submit, **outcome)
