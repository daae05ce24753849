"""Lookups of homework objects, each checked against who is asking (see clients/access.py).

Someone else's object is a 404.
"""

from django.http import Http404

from clients.access import (
    choose_profile,
    get_client_for_therapist,
    get_couple_for_therapist,
    get_own_or_404,
)

from .models import Assignment, Reflection, SessionSummary

# --- Assignments and reflections -------------------------------------------------------------


def get_assignment_for_client(request, uuid):
    """An assignment the signed-in client writes for (their own or their couple's).

    A link to homework from another of the person's therapists (a reminder) switches the
    portal to that therapist, so the page still shows one therapist's work only.
    """
    for profile in sorted(request.client_profiles, key=lambda p: p.pk != request.client.pk):
        found = Assignment.objects.for_client(profile).with_people().filter(uuid=uuid).first()
        if found is not None:
            if profile.pk != request.client.pk:
                choose_profile(request, profile)
                request.client = profile
            return found
    # Not any of theirs: the same 404 as for no such homework, and the refusal recorded.
    return get_own_or_404(
        request, Assignment.objects.for_client(request.client).with_people(), uuid=uuid
    )


def get_week_for_client(request, uuid, number):
    """(assignment, week) for the signed-in client; a week outside the assignment is a 404."""
    assignment = get_assignment_for_client(request, uuid)
    if not 1 <= number <= assignment.weeks:
        raise Http404("No such week.")
    return assignment, assignment.week(number)


def active_assignments_for_therapist(request):
    """The therapist's active assignments, with their people (every therapist's for the owner)."""
    return Assignment.objects.for_therapist(request.user).active().with_people()


def unseen_reflections_for_therapist(request):
    """Reflections submitted or changed since the therapist last looked."""
    return Reflection.objects.for_therapist(request.user).unseen()


def get_assignment_for_therapist(request, pk):
    return get_own_or_404(
        request, Assignment.objects.for_therapist(request.user).with_people(), pk=pk
    )


def get_recipient_for_therapist(request, kind, pk):
    """The therapist's own client or couple (`kind` "client" or "couple"), else a 404."""
    if kind == "couple":
        return get_couple_for_therapist(request, pk)
    if kind == "client":
        return get_client_for_therapist(request, pk)
    raise Http404("No such kind.")


# --- Session summaries --------------------------------------------------------------------------


def get_summary_for_therapist(request, uuid):
    """A summary of one of this therapist's clients or couples. Clients never get one."""
    if not request.user.is_authenticated or not request.user.is_therapist:
        raise Http404("No such summary.")
    return get_own_or_404(
        request,
        SessionSummary.objects.for_therapist(request.user).with_people(),
        uuid=uuid,
    )
