"""Demo people for seed_demo. Idempotent: looks people up by e-mail before creating."""

import os

from django.utils import timezone

from .groups import ensure_therapists_group
from .models import Client, Couple, User

# Documented in the README; DEMO_PASSWORD overrides it.
DEFAULT_DEMO_PASSWORD = "practice-demo-2026"  # noqa: S105
THERAPIST_EMAIL = "therapist@example.com"
CLIENT_LABELS = {
    "alex@example.com": "couple",
    "sam@example.com": "couple",
    "jordan@example.com": "individual",
}


def demo_password():
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _user(email, first, last, **extra):
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created or not user.has_usable_password():
        user.set_password(demo_password())
        user.save()
    return user


def seed():
    """Returns a dict of the demo people by short name."""
    therapist = _user(THERAPIST_EMAIL, "Maya", "Okafor")
    therapist.groups.add(ensure_therapists_group())

    people = {"therapist": therapist}
    for key, email, full_name, tz in [
        ("alex", "alex@example.com", "Alex Rivera", "America/New_York"),
        ("sam", "sam@example.com", "Sam Rivera", "America/New_York"),
        ("jordan", "jordan@example.com", "Jordan Lee", "Europe/London"),
    ]:
        first, last = full_name.split(" ")
        user = _user(email, first, last)
        client, _ = Client.objects.get_or_create(
            user=user,
            therapist=therapist,
            defaults={"full_name": full_name, "timezone": tz, "accepted_at": timezone.now()},
        )
        people[key] = client

    couple = Couple.objects.filter(partner_a=people["alex"]).first()
    if couple is None:
        couple = Couple.objects.create(
            therapist=therapist, partner_a=people["alex"], partner_b=people["sam"]
        )
    people["couple"] = couple
    return people
