"""Who may see what. Every lookup of a client's data goes through a helper here.

- A client sees only their own data; a therapist only their own clients' (the practice
  owner, a superuser, sees every therapist's).
- Someone else's object is a 404, so its existence is never revealed; the refusal is
  audited (see `get_own_or_404`).
"""

import uuid
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.permission_policies import ModelPermissionPolicy

from .audit import record
from .models import AuditEvent, Client, Couple


def wants_json(request):
    """Requests from the site's scripts (autosave, session keep-alive, summary status).

    Either marker counts, so a script is never answered with a redirect to an HTML page
    (a sign-in page it cannot show, a saved-draft page it would take for success).
    """
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With", "").lower() == "fetch"
    )


def safe_next_url(request, fallback):
    """The `next` address of the request if it stays on this site, else `fallback`.

    Over HTTPS, a plain-HTTP address is refused too.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def signed_out_json():
    login_url = f"{reverse('portal:login')}?next={reverse('portal:signed_in')}"
    return JsonResponse({"error": "signed_out", "login_url": login_url}, status=401)


# The profile (therapist) a person with several is looking at; validated on every request.
CURRENT_PROFILE = "clients:current_profile"


def choose_profile(request, profile):
    request.session[CURRENT_PROFILE] = str(profile.uuid)


def profiles_of(user):
    """The person's client profiles, oldest first (none for anyone else).

    - Only those they were invited to or came into (`ClientQuerySet.introduced`): an address
      typed on another record shows that record's homework to nobody before an invitation.
    - Asked once per user object, so once per request: the middleware, the idle timeout and
      every view share the answer.
    """
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_client_profiles"):
        user._client_profiles = list(
            Client.objects.of_person(user)
            .introduced()
            .select_related("therapist")
            .order_by("created_at", "pk")
        )
    return user._client_profiles


def chosen_profile(request, profiles):
    """The profile chosen in this session if it is still theirs, else the first; or None."""
    if not profiles:
        return None
    chosen = request.session.get(CURRENT_PROFILE)
    return next((p for p in profiles if str(p.uuid) == chosen), profiles[0])


def resolve_asker(request):
    """Sets `request.client_profiles` (the person's profiles, none for anyone but a client)
    and `request.client` (the one chosen in this session, or None). See AskerMiddleware."""
    request.client_profiles = profiles_of(request.user)
    request.client = chosen_profile(request, request.client_profiles)


def client_required(view):
    """Portal views: a signed-in client (`request.client`, set by AskerMiddleware).

    - Anonymous: sent to sign in, or a 401 JSON answer for scripts (never a redirect).
    - A therapist is sent to the admin; any other account without a client profile gets 404.
    - A person who is the client of several therapists sees one profile at a time: the one
      chosen in this session if it is still theirs, else the first.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if wants_json(request):
                return signed_out_json()
            return redirect_to_login(request.get_full_path())
        if request.client is None:
            if request.user.is_therapist:
                return redirect("wagtailadmin_home")
            raise Http404("No client account.")
        if request.client.accepted_at is None:
            # Added while this person was signed in: they have now come in for this therapist.
            Client.objects.filter(pk=request.client.pk).accept()
        return view(request, *args, **kwargs)

    return wrapper


def get_profile_for_client(request, key):
    """One of the signed-in person's own profiles, by uuid; anyone else's is a 404."""
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        raise Http404("No such profile.") from None
    for profile in request.client_profiles:
        if profile.uuid == key:
            return profile
    raise Http404("No such profile.")


def get_own_or_404(request, queryset, **lookup):
    """The one object of `queryset` (the asker's own) matching `lookup`, or a 404.

    - When the object exists but is someone else's, an ACCESS_REFUSED event is written,
      and the answer is the same 404 as for an id that does not exist.
    - The event belongs to the asker: their own trail (or, for a client, their
      therapist's) shows it, naming only what they asked for, never the other's client.
      The practice owner sees every therapist's trail, so every refusal.
    """
    try:
        return get_object_or_404(queryset, **lookup)
    except Http404:
        if queryset.model._base_manager.filter(**lookup).exists():
            record_refusal(request, queryset.model, lookup)
        raise


def record_refusal(request, model, lookup):
    asking_client = getattr(request, "client", None)  # None outside a request's middleware
    asker = request.user if request.user.is_authenticated else None
    record(
        request,
        AuditEvent.Action.ACCESS_REFUSED,
        client=asking_client,
        therapist=None if asking_client else asker,
        object_type=model._meta.label_lower,
        object_id=",".join(str(value) for value in lookup.values()),
    )


def owned_by_therapist(request, model):
    """The rows of `model` (a therapist-owned model, see TherapistOwnedQuerySet) the signed-in
    therapist may see: her own, every therapist's for the practice owner, none for anyone
    else."""
    if request is None or not request.user.is_authenticated:
        return model.objects.none()
    return model.objects.for_therapist(request.user)


def get_owned_by_therapist(request, model, pk):
    """One of `owned_by_therapist`, or a 404 (the refusal recorded)."""
    return get_own_or_404(request, owned_by_therapist(request, model), pk=pk)


def get_client_for_therapist(request, pk):
    return get_own_or_404(
        request,
        Client.objects.for_therapist(request.user).select_related("user", "therapist"),
        pk=pk,
    )


def get_couple_for_therapist(request, pk):
    return get_own_or_404(
        request,
        Couple.objects.for_therapist(request.user).select_related(
            "partner_a__user", "partner_b__user", "therapist"
        ),
        pk=pk,
    )


def audit_events_for_therapist(request):
    return AuditEvent.objects.for_therapist(request.user).select_related("client")


class TherapistOwnedPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions, narrowed to the therapist's own clients or couples.

    Wagtail's own views that take any object id (editing-session pings, choosers, bulk
    actions) ask the registered policy about the instance: someone else's is refused.
    """

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            user.is_superuser or instance.therapist_id == user.pk
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return instances.for_therapist(user)
