"""Who is a therapist: the Therapists group or the practice owner, never the staff flag."""

import pytest

from clients.models import User
from practice_site.builders import PASSWORD

pytestmark = pytest.mark.django_db


def test_therapists_are_the_group_and_the_owner_and_never_clients(
    therapist, other_therapist, client_profile, superuser
):
    staff_only = User.objects.create_user(email="staff@example.org", is_staff=True)

    therapists = set(User.objects.therapists())

    assert therapists == {therapist, other_therapist, superuser}
    assert client_profile.user not in therapists
    assert staff_only not in therapists


def test_is_therapist_follows_the_same_rule(therapist, client_profile, superuser):
    staff_only = User.objects.create_user(email="staff@example.org", is_staff=True)

    assert therapist.is_therapist
    assert superuser.is_therapist
    assert not client_profile.user.is_therapist
    assert not staff_only.is_therapist
    assert not User(email="unsaved@example.org", password=PASSWORD).is_therapist
