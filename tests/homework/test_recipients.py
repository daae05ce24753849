"""One recipient: an assignment and a session summary are each for one client or one couple."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from homework.models import Assignment, ForOneRecipient, SessionSummary
from homework.recipients import recipient_admin_url, recipient_timeline_url
from practice_site.builders import make_assignment, make_practice

DAY = datetime.date(2026, 3, 2)


def make_summary(recipient, **extra):
    return SessionSummary.objects.create(
        therapist=recipient.therapist, since=DAY, until=DAY, **{recipient_key(recipient): recipient}
    )


def recipient_key(recipient):
    return "couple" if hasattr(recipient, "partners") else "client"


@pytest.fixture
def practice(db):
    return make_practice()


def test_assignments_and_summaries_share_one_recipient_model():
    assert issubclass(Assignment, ForOneRecipient)
    assert issubclass(SessionSummary, ForOneRecipient)
    assert ForOneRecipient._meta.abstract


def test_the_recipient_is_the_client_or_the_couple(practice, client_profile, couple):
    for recipient in (client_profile, couple):
        assignment = make_assignment(practice, **{recipient_key(recipient): recipient})
        summary = make_summary(recipient)
        assert assignment.recipient == recipient
        assert summary.recipient == recipient


def test_people_are_the_client_alone_or_both_partners(practice, client_profile, couple):
    assert make_summary(client_profile).people == [client_profile]
    assert make_summary(couple).people == [couple.partner_a, couple.partner_b]
    assert make_assignment(practice, couple=couple).people == couple.partners


def test_a_couples_time_zone_is_the_first_partners(practice, client_profile, couple):
    assert make_summary(couple).zoneinfo == zoneinfo.ZoneInfo("America/New_York")
    assert make_assignment(practice, client=client_profile).zoneinfo == zoneinfo.ZoneInfo(
        "Europe/London"
    )


def test_the_admin_url_is_the_recipients_page(practice, client_profile, couple):
    assert recipient_admin_url(client_profile) == reverse(
        "clients:detail", args=[client_profile.pk]
    )
    assert make_summary(couple).recipient_admin_url == reverse("couples:detail", args=[couple.pk])
    assignment = make_assignment(practice, client=client_profile)
    assert assignment.recipient_admin_url == reverse("clients:detail", args=[client_profile.pk])


def test_the_timeline_url_is_the_recipients_homework(practice, client_profile, couple):
    assignment = make_assignment(practice, couple=couple)
    assert assignment.recipient_timeline_url == reverse(
        "homework_admin:couple_timeline", args=[couple.pk]
    )
    assert recipient_timeline_url(couple) == reverse(
        "homework_admin:couple_timeline", args=[couple.pk]
    )
    assert recipient_timeline_url(client_profile) == reverse(
        "homework_admin:client_timeline", args=[client_profile.pk]
    )


def test_for_recipient_keeps_only_that_client_or_couple(practice, client_profile, couple):
    own = make_assignment(practice, client=client_profile)
    theirs = make_assignment(practice, couple=couple)
    own_summary, their_summary = make_summary(client_profile), make_summary(couple)

    assert list(Assignment.objects.for_recipient(client_profile)) == [own]
    assert list(Assignment.objects.for_recipient(couple)) == [theirs]
    assert list(SessionSummary.objects.for_recipient(client_profile)) == [own_summary]
    assert list(SessionSummary.objects.for_recipient(couple)) == [their_summary]


def test_another_therapist_never_gets_a_recipients_rows(
    practice, therapist, other_therapist, client_profile, couple
):
    make_assignment(practice, client=client_profile)
    make_summary(couple)

    for model in (Assignment, SessionSummary):
        assert model.objects.for_therapist(therapist).count() == 1  # the positive control
        assert not model.objects.for_therapist(other_therapist).exists()


@pytest.mark.parametrize("model", [Assignment, SessionSummary])
def test_exactly_one_of_client_and_couple_is_set(model, practice, client_profile, couple):
    fields = {"practice": practice} if model is Assignment else {"since": DAY, "until": DAY}
    for both_or_none in ({"client": client_profile, "couple": couple}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(therapist=client_profile.therapist, **fields, **both_or_none)


def test_the_recipients_therapist_is_kept_when_none_is_given(practice, therapist, couple):
    assert make_assignment(practice, couple=couple).therapist == therapist
    summary = SessionSummary.objects.create(couple=couple, since=DAY, until=DAY)
    assert summary.therapist == therapist


def test_setting_the_recipient_sets_one_key_and_clears_the_other(client_profile, couple):
    summary = SessionSummary(recipient=client_profile, since=DAY, until=DAY)
    assert (summary.client, summary.couple) == (client_profile, None)

    summary.recipient = couple

    assert (summary.client, summary.couple) == (None, couple)
