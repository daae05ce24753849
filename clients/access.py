"""Who may see what. Every lookup of a client's data goes through a helper here.

- A client sees only their own data; a therapist only their own clients' (the practice
  owner, a superuser, sees every therapist's).
- Someone else's object is a 404, so its existence is never revealed.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Client, Couple


def client_required(view):
    """Portal views: a signed-in client with an active account; sets `request.client`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        client = Client.objects.filter(user=request.user).select_related("therapist").first()
        if client is None:
            raise Http404("No client account.")
        request.client = client
        return view(request, *args, **kwargs)

    return wrapper


def get_client_for_therapist(request, pk):
    return get_object_or_404(Client.objects.for_therapist(request.user), pk=pk)


def get_couple_for_therapist(request, pk):
    return get_object_or_404(
        Couple.objects.for_therapist(request.user).select_related("partner_a", "partner_b"), pk=pk
    )
