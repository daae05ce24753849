"""One owner-scoped queryset: every model a therapist owns narrows with the same rule."""

import pytest

from clients.models import AuditEvent, Client, ClientLogEntry, Couple, TherapistOwnedQuerySet
from homework.models import Assignment, Reflection, SessionSummary
from practice_site.builders import make_assignment, make_practice

pytestmark = pytest.mark.django_db

OWNED = [Client, Couple, ClientLogEntry, AuditEvent, Assignment, Reflection, SessionSummary]


@pytest.mark.parametrize("model", OWNED, ids=lambda m: m.__name__)
def test_every_owned_model_narrows_with_the_one_owner_queryset(model):
    queryset = model.objects.all()

    assert isinstance(queryset, TherapistOwnedQuerySet)
    assert "for_therapist" not in vars(type(queryset))


def test_each_therapist_sees_only_her_own_reflections_and_the_owner_sees_all(
    therapist, other_therapist, couple, outsider, superuser
):
    practice = make_practice()
    ours = make_assignment(practice, couple=couple)
    theirs = make_assignment(practice, client=outsider)
    mine = Reflection.objects.create(assignment=ours, client=couple.partner_a, week=1)
    other = Reflection.objects.create(assignment=theirs, client=outsider, week=1)

    assert list(Reflection.objects.for_therapist(therapist)) == [mine]
    assert list(Reflection.objects.for_therapist(other_therapist)) == [other]
    assert set(Reflection.objects.for_therapist(superuser)) == {mine, other}


@pytest.fixture
def superuser(db):
    from clients.models import User

    return User.objects.create_superuser(email="owner@example.org", password="x-long-pass-1")
