"""Who may see what. Every lookup of a client's data goes through a helper here.

- A client sees only their own data; a therapist only their own clients' (the practice
  owner, a superuser, sees every therapist's).
- Someone else's object is a 404, so its existence is never revealed.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from wagtail.permission_policies import ModelPermissionPolicy

from .models import AuditEvent, Client, Couple


def wants_json(request):
    """Requests from the portal's scripts (autosave, session keep-alive)."""
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.headers.get("X-Requested-With", "").lower() == "fetch"
    )


def signed_out_json():
    login_url = f"{reverse('portal:login')}?next={reverse('portal:signed_in')}"
    return JsonResponse({"error": "signed_out", "login_url": login_url}, status=401)


def client_required(view):
    """Portal views: a signed-in client; sets `request.client`.

    - Anonymous: sent to sign in, or a 401 JSON answer for scripts (never a redirect).
    - A therapist is sent to the admin; any other account without a client profile gets 404.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if wants_json(request):
                return signed_out_json()
            return redirect_to_login(request.get_full_path())
        client = Client.objects.filter(user=request.user).select_related("therapist").first()
        if client is None:
            if request.user.is_therapist:
                return redirect("wagtailadmin_home")
            raise Http404("No client account.")
        request.client = client
        return view(request, *args, **kwargs)

    return wrapper


def get_client_for_therapist(request, pk):
    return get_object_or_404(
        Client.objects.for_therapist(request.user).select_related("user", "therapist"), pk=pk
    )


def get_couple_for_therapist(request, pk):
    return get_object_or_404(
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
