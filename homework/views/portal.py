"""The client's side: assignment pages, the weekly reflection form, history.

Every lookup goes through homework.access; someone else's assignment is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_http_methods

from clients import audit
from clients.access import client_required, wants_json
from clients.models import AuditEvent

from ..access import get_assignment_for_client, get_week_for_client
from ..models import KeptAnswers, Reflection
from ..saving import RESTORED_MESSAGE, open_reflection, save_reflection
from ..weeks import closing_phrase, index_reflections, readers_sentence, week_rows


def _clock(request, dt):
    """A time of day as the client reads it, in their own time zone."""
    return date_format(timezone.localtime(dt, request.client.zoneinfo), "H:i")


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
            "wrote for a few hours. Sign in again and it will be waiting for you in the form."
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
    profiles = request.client_profiles
    if request.user.is_authenticated and not profiles:
        return None  # a therapist: the usual page
    kept = KeptAnswers.objects.keep_posted(
        request.POST,
        assignment_uuid=match.kwargs["uuid"],
        week=match.kwargs["number"],
        profiles=profiles or None,
    )
    if kept is None:
        return None
    if not profiles:
        return _sent_to_sign_in(request, kept)
    return redirect("homework:reflection", uuid=kept.assignment.uuid, number=kept.week)


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
    if request.method == "POST":
        outcome = save_reflection(
            client=request.client,
            assignment=assignment,
            week=week,
            data=request.POST,
            submit="submit_reflection" in request.POST,
        )
    else:
        outcome = open_reflection(client=request.client, assignment=assignment, week=week)
    if wants_json(request) and request.method == "POST":
        return _outcome_json(request, outcome)
    return _outcome_page(request, outcome)


def _outcome_json(request, outcome):
    """The autosave's answer: what was saved, or why not."""
    if outcome.kind == outcome.SAVED:
        saved = outcome.saved
        return JsonResponse(
            {
                "ok": True,
                "version": saved.version,
                "status": saved.status,
                "saved_at": _clock(request, saved.updated_at),
            }
        )
    body = {"error": outcome.kind, "message": outcome.message}
    if outcome.kind == outcome.INVALID:
        body["errors"] = {
            name: [str(e) for e in errs] for name, errs in outcome.form.errors.items()
        }
    elif outcome.kind == outcome.CONFLICT:
        body.update(
            version=outcome.saved.version,
            saved=outcome.form.saved_values(outcome.saved),
            saved_at=_clock(request, outcome.saved.updated_at),
        )
    return JsonResponse(body, status=outcome.status)


def _outcome_page(request, outcome):
    """The page for an outcome: the week's form again, or a redirect once saved."""
    assignment, week = outcome.assignment, outcome.week
    if outcome.kind == outcome.SAVED:
        if outcome.submitted:
            messages.success(
                request,
                f"Week {week.number} is submitted. Thank you for taking the time. "
                "You can still change it until the week closes.",
            )
            return redirect("homework:assignment", uuid=assignment.uuid)
        saved_at = _clock(request, outcome.saved.updated_at)
        messages.success(request, f"Your draft is saved (at {saved_at}).")
        return redirect("homework:reflection", uuid=assignment.uuid, number=week.number)
    context = {
        "assignment": assignment,
        "week": week,
        "reflection": outcome.existing,
        "refusal": outcome.refusal,
        "readers": readers_sentence(assignment, request.client, week.number),
        "due": week.ends_on,
        "closing": closing_phrase(week),
        "keep_token": KeptAnswers.token_for(request.client, assignment, week.number),
        "partner_has_read": _partner_has_read(assignment, outcome.existing),
        "form": outcome.form,
    }
    if outcome.refusal and outcome.form is not None:
        context["kept"] = True  # every word on the page to copy; nothing can be saved
    elif outcome.kind == outcome.RESTORED:
        context.update(
            restored=True, notice=RESTORED_MESSAGE, orphans=outcome.form.unknown_answers()
        )
    elif outcome.kind == outcome.PROMPTS_CHANGED:
        context.update(notice=outcome.message, orphans=outcome.form.unknown_answers())
    elif outcome.kind == outcome.CONFLICT:
        context.update(notice=outcome.message, conflict=outcome.saved)
    return render(request, "homework/portal/reflection.html", context, status=outcome.status)
