"""Receivers: audit events and session clocks around signing in and out."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .access import profiles_of
from .audit import record
from .lockout import normalise_email
from .middleware import mark_signed_in
from .models import AuditEvent, Client, User


def _therapist_trail(user):
    """Where an event goes without a profile to show it: the account's own trail, unless
    it is a client's (then the owner's view alone shows it)."""
    return None if Client.objects.of_person(user).exists() else user


def _record_for(request, action, user):
    # A client of several therapists: each therapist's trail has its own line.
    profiles = profiles_of(user)
    for client in profiles:
        record(request, action, client=client, actor=user)
    if not profiles:
        record(request, action, therapist=_therapist_trail(user), actor=user)


@receiver(user_logged_in)
def on_signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    mark_signed_in(request)
    Client.objects.of_person(user).introduced().accept()
    _record_for(request, AuditEvent.Action.SIGN_IN, user)


@receiver(user_logged_out)
def on_signed_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    _record_for(request, AuditEvent.Action.SIGN_OUT, user)


@receiver(user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs):
    """Recorded against the client when the e-mail is theirs; the typed text is never kept."""
    if request is None:
        return
    email = normalise_email(credentials.get("username"))
    user = User.objects.filter(email__iexact=email).first() if email else None
    profiles = profiles_of(user) if user else []
    for client in profiles:
        record(request, AuditEvent.Action.SIGN_IN_FAILED, client=client, actor=None)
    if not profiles:
        therapist = _therapist_trail(user) if user else None
        record(request, AuditEvent.Action.SIGN_IN_FAILED, therapist=therapist, actor=None)
