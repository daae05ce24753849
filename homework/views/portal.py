"""The client's side: assignment pages, the weekly reflection form, history.

Every lookup goes through homework.access; someone else's assignment is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods
from django_q.tasks import async_task

from clients import audit
from clients.access import client_required, wants_json
from clients.models import AuditEvent

from ..access import get_assignment_for_client, get_week_for_client
from ..forms import ReflectionForm, field_name, initial_value
from ..models import KeptAnswers, Reflection
from ..weeks import closing_phrase, index_reflections, readers_sentence, week_rows


def _clock(request, dt):
    """A time of day as the client reads it, in their own time zone."""
    return date_format(timezone.localtime(dt, request.client.zoneinfo), "H:i")


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


@client_required
def assignment_detail(request, uuid):
    assignment = get_assignment_for_client(request, uuid)
    partner = assignment.partner_of(request.client)
    people = [request.client] + ([partner] if partner else [])
    reflections = index_reflections(
        Reflection.objects.filter(assignment=assignment, client__in=people)
    )
    rows = week_rows(assignment, request.client, reflections)
    if partner and any(row.partner_visible for row in rows):
        audit.record(request, AuditEvent.Action.VIEW, client=partner, obj=assignment)
    return render(
        request,
        "homework/portal/assignment.html",
        {
            "assignment": assignment,
            "rows": rows,
            "partner": partner,
            "article": assignment.practice.source_article,
        },
    )


@client_required
def history(request):
    reflections = (
        Reflection.objects.filter(client=request.client)
        .select_related("assignment__practice")
        .order_by("-assignment__start_date", "assignment_id", "-week")
    )
    return render(request, "homework/portal/history.html", {"reflections": reflections})


# --- Answers that could not be saved: kept, then put back in the form --------------------------


def _sent_to_sign_in(request, kept):
    """Signed out: the answers are kept, and signing in again leads back to them."""
    messages.info(
        request,
        _(
            "You were signed out, so your reflection wasn't saved yet, but we kept what you "
            "wrote for a few hours. Sign in again and you'll find it back in the form."
        ),
    )
    return redirect_to_login(reverse("homework:reflection", args=[kept.assignment.uuid, kept.week]))


def keeps_answers_when_signed_out(view):
    """A plain post that arrives signed out keeps its answers for the client its form names."""

    @wraps(view)
    def wrapper(request, uuid, number):
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not wants_json(request)
        ):
            kept = KeptAnswers.objects.keep_posted(request.POST, assignment_uuid=uuid, week=number)
            if kept is not None:
                return _sent_to_sign_in(request, kept)
        return view(request, uuid=uuid, number=number)

    return wrapper


def keep_answers_after_csrf_failure(request):
    """A reflection posted with a stale token: keep it, and show it in the form to save again.

    Registered as the `portal_csrf_failure` hook. Nothing is saved as a reflection here.
    """
    match = request.resolver_match
    if (
        request.method != "POST"
        or match is None
        or match.view_name != "homework:reflection"
        or wants_json(request)  # the autosave fetches a fresh token and tries again
    ):
        return None
    client = request.client
    if request.user.is_authenticated and client is None:
        return None  # a therapist: the usual page
    kept = KeptAnswers.objects.keep_posted(
        request.POST,
        assignment_uuid=match.kwargs["uuid"],
        week=match.kwargs["number"],
        client=client,
    )
    if kept is None:
        return None
    if client is None:
        return _sent_to_sign_in(request, kept)
    return redirect("homework:reflection", uuid=kept.assignment.uuid, number=kept.week)


def _restore(request, assignment, week, existing, refusal, kept, context):
    """Put kept answers back in the form for the client to check and save."""
    data = QueryDict(mutable=True)
    data.update(kept)
    data["fingerprint"] = assignment.prompts_fingerprint
    if refusal:
        context["kept"] = True
        context["form"] = ReflectionForm(
            data, prompts=assignment.prompts, week_number=week.number, actions=False
        )
        return render(request, "homework/portal/reflection.html", context)
    form = ReflectionForm(
        data,
        prompts=assignment.prompts,
        week_number=week.number,
        is_submitted=existing is not None and existing.is_submitted,
    )
    context.update(
        form=form,
        restored=True,
        orphans=form.unknown_answers(),
        notice=_(
            "We kept what you wrote when it couldn't be saved (you had been signed out, or "
            "the page was open for a long time). It's back below: please check it and save."
        ),
    )
    return render(request, "homework/portal/reflection.html", context)


def bad_request(request, exception=None):
    """handler400: a post too large to read gets a kind page (the browser still has the text)."""
    if isinstance(exception, RequestDataTooBig):
        return render(request, "homework/portal/too_large.html", status=413)
    return defaults.bad_request(request, exception)


# --- The weekly reflection ---------------------------------------------------------------------


def _partner_has_read(assignment, existing):
    """The partner's name when they could already read this reflection (mutual reveal)."""
    if existing is None or existing.revealed_at is None:
        return None
    return assignment.partner_of(existing.client).display_name


@keeps_answers_when_signed_out
@client_required
@require_http_methods(["GET", "POST"])
def reflection(request, uuid, number):
    assignment, week = get_week_for_client(request, uuid, number)
    now = timezone.now()
    existing = Reflection.objects.filter(
        assignment=assignment, client=request.client, week=number
    ).first()
    refusal = refusal_for(assignment, week, now)
    context = {
        "assignment": assignment,
        "week": week,
        "reflection": existing,
        "refusal": refusal,
        "readers": readers_sentence(assignment, request.client, number),
        "due": week.ends_on,
        "closing": closing_phrase(week),
        "keep_token": KeptAnswers.token_for(request.client, assignment, number),
        "partner_has_read": _partner_has_read(assignment, existing),
    }
    if request.method == "POST":
        return _save(request, assignment, week, existing, refusal, context)
    kept = KeptAnswers.objects.take(client=request.client, assignment=assignment, week=number)
    if kept:
        return _restore(request, assignment, week, existing, refusal, kept, context)
    if refusal:
        context["form"] = None  # the page shows what was written, read-only
    else:
        context["form"] = ReflectionForm(
            initial={
                **ReflectionForm.initial_for(assignment.prompts, existing),
                "fingerprint": assignment.prompts_fingerprint,
            },
            prompts=assignment.prompts,
            week_number=number,
            is_submitted=existing is not None and existing.is_submitted,
        )
    return render(request, "homework/portal/reflection.html", context)


def _save(request, assignment, week, existing, refusal, context):
    # A submitted reflection stays submitted: its edits (autosaved too) answer what is required.
    submit = "submit_reflection" in request.POST or (existing is not None and existing.is_submitted)
    form = ReflectionForm(
        request.POST,
        prompts=assignment.prompts,
        submitting=submit,
        week_number=week.number,
        is_submitted=existing is not None and existing.is_submitted,
    )
    context["form"] = form
    json_answer = wants_json(request)

    if refusal:
        return _refused(request, assignment, week, refusal, context, json_answer)
    posted_fingerprint = request.POST.get("fingerprint", "")
    if posted_fingerprint and posted_fingerprint != assignment.prompts_fingerprint:
        return _prompts_changed(request, assignment, week, context, json_answer)

    if not form.is_valid():
        if json_answer:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse(
                {"error": "invalid", "errors": errors, "message": _first_error(form)},
                status=400,
            )
        return render(request, "homework/portal/reflection.html", context, status=400)

    outcome = Reflection.objects.save_answers(
        assignment=assignment,
        client=request.client,
        week=week.number,
        answers=form.answers(),
        version=form.cleaned_data.get("version") or 0,
        submit=submit,
    )
    saved = outcome.reflection
    if outcome.is_conflict:
        return _conflict(request, assignment, form, saved, context, json_answer)
    if outcome.first_submission:
        transaction.on_commit(lambda: async_task("homework.tasks.notify_therapist", saved.pk))

    saved_at = _clock(request, saved.updated_at)
    if json_answer:
        return JsonResponse(
            {"ok": True, "version": saved.version, "status": saved.status, "saved_at": saved_at}
        )
    if submit:
        messages.success(
            request,
            f"Week {week.number} is submitted. Thank you for taking the time. "
            "You can still change it until the week closes.",
        )
        return redirect("homework:assignment", uuid=assignment.uuid)
    messages.success(request, f"Your draft is saved (at {saved_at}).")
    return redirect("homework:reflection", uuid=assignment.uuid, number=week.number)


def _refused(request, assignment, week, refusal, context, wants_json):
    """Closed, not yet open, or paused: say so, save nothing, keep every word on the page."""
    if wants_json:
        return JsonResponse({"error": "refused", "message": refusal}, status=409)
    context["kept"] = True
    context["form"] = ReflectionForm(
        request.POST, prompts=assignment.prompts, week_number=week.number, actions=False
    )
    return render(request, "homework/portal/reflection.html", context, status=409)


def _prompts_changed(request, assignment, week, context, wants_json):
    """The page was made for another list of questions: keep what matches, show the rest."""
    message = (
        "The questions for this week changed while you were writing. Your answers to the "
        "questions that are still here are kept below; anything you wrote for a question "
        "that has gone is shown underneath so you can copy it."
    )
    if wants_json:
        return JsonResponse({"error": "prompts_changed", "message": message}, status=409)
    data = request.POST.copy()
    data["fingerprint"] = assignment.prompts_fingerprint
    form = ReflectionForm(data, prompts=assignment.prompts, week_number=week.number)
    context.update(form=form, notice=message, orphans=form.unknown_answers())
    return render(request, "homework/portal/reflection.html", context, status=409)


def _first_error(form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return ""


def _conflict(request, assignment, form, saved, context, wants_json):
    """Another tab saved first: show both versions, overwrite nothing, let the client choose."""
    message = (
        "This reflection was saved from somewhere else after this page was opened (another "
        "tab or window, or before you went back a page). Nothing has been overwritten. "
        "Compare the two below: to keep what's on this page, save again; to use the saved "
        "version instead, reload the page."
    )
    saved_values = {
        field_name(prompt): initial_value(prompt, saved.answers.get(prompt["key"]))
        for prompt in assignment.prompts
    }
    if wants_json:
        return JsonResponse(
            {
                "error": "conflict",
                "message": message,
                "version": saved.version,
                "saved": saved_values,
                "saved_at": _clock(request, saved.updated_at),
            },
            status=409,
        )
    data = request.POST.copy()
    data["version"] = saved.version  # saving again now is a deliberate choice
    form = ReflectionForm(
        data,
        prompts=assignment.prompts,
        week_number=context["week"].number,
        is_submitted=saved.is_submitted,
    )
    context.update(form=form, notice=message, conflict=saved)
    return render(request, "homework/portal/reflection.html", context, status=409)
