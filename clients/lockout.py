"""Brute-force protection around django-axes and the password-reset throttle.

- Failures are counted per e-mail *and* address together (AXES_LOCKOUT_PARAMETERS), so a
  typo-prone client cannot lock out everyone behind the same proxy.
- The address is ours (`audit.client_ip`), trusting X-Forwarded-For only as far as our
  own proxies: a forged header changes nothing.
- A lock ends by itself after AXES_COOLOFF_TIME; a therapist may end it sooner.
"""

import hashlib

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from .audit import client_ip


def client_ip_for_axes(request):
    return client_ip(request) or "0.0.0.0"  # noqa: S104  (a placeholder, never bound)


def normalise_email(value):
    return (value or "").strip().lower()


def username_for_axes(request, credentials):
    """The e-mail as the account key, whatever its case or stray spaces.

    Sign-in forms post it as `username`; axes' backend passes it under the user model's
    USERNAME_FIELD (`email`) when `authenticate` is called outside a sign-in form.
    """
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return normalise_email(value)


def lockout_response(request, original_response=None, credentials=None):
    """The same kind page for every locked e-mail, known or not (status 429)."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    template = (
        "clients/admin/locked_out.html"
        if request.path.startswith("/admin/")
        else "clients/portal/locked_out.html"
    )
    return render(request, template, {"minutes": minutes}, status=429)


def locked_until(email):
    """When the lock on this account ends (the latest of its addresses), or None."""
    attempts = AccessAttempt.objects.filter(
        username=normalise_email(email), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cooloff = settings.AXES_COOLOFF_TIME
    ends = [attempt.attempt_time + cooloff for attempt in attempts]
    ends = [end for end in ends if end > timezone.now()]
    return max(ends) if ends else None


def unlock(email):
    """Forget every failed attempt for this account, from every address."""
    return reset(username=normalise_email(email))


def reset_request_allowed(request, email):
    """Count a password-reset request for this address and e-mail; False once over the limit.

    Counted whether or not the e-mail is known, so the answer reveals nothing.
    """
    raw = f"{client_ip(request)}|{normalise_email(email)}"
    key = "password-reset:" + hashlib.sha256(raw.encode()).hexdigest()
    window = int(settings.PASSWORD_RESET_WINDOW.total_seconds())
    if cache.add(key, 0, timeout=window):
        # Remember this counter under the e-mail alone, so erasing the account finds it.
        index = _reset_counters_key(email)
        cache.set(index, [*cache.get(index, []), key], timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.PASSWORD_RESET_LIMIT


def _reset_counters_key(email):
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    return "password-reset-counters:" + digest


def forget_account(email):
    """Everything the sign-in guards keep about an erased account: failed attempts from
    every address, and its password-reset counters."""
    unlock(email)
    index = _reset_counters_key(email)
    cache.delete_many([*cache.get(index, []), index])
