"""Assigning the same practice twice to the same people: warn first, and tell copies apart."""

import datetime

import pytest
from django.urls import reverse

from homework import pdf
from homework.models import Assignment, SessionSummary
from practice_site.builders import make_assignment, make_practice, submit

ASSIGN = "homework_admin:assign"
CONFIRM = "Assign it again anyway"


def assign(therapist_client, practice, recipient, start="2026-03-11", weeks="4", **extra):
    data = {
        "practice": practice.pk,
        "recipient": recipient,
        "start_date": start,
        "weeks": weeks,
        "week_ends_on": "6",
        "note": "",
        "partner_visibility": "therapist_only",
        **extra,
    }
    return therapist_client.post(reverse(ASSIGN), data)


# --- The rule ----------------------------------------------------------------------------------


def test_overlapping_finds_an_open_assignment_of_the_same_practice_whose_weeks_meet(
    practice, client_profile, couple
):
    existing = make_assignment(practice, client=client_profile)  # 2 to 29 March
    other_practice = make_assignment(make_practice("Another"), client=client_profile)
    make_assignment(practice, couple=couple)

    def overlapping(start, weeks=4, **recipient):
        candidate = Assignment(
            practice=practice,
            start_date=start,
            weeks=weeks,
            week_ends_on=Assignment.Weekday.SUNDAY,
            **(recipient or {"client": client_profile}),
        )
        return list(Assignment.objects.overlapping(candidate))

    assert overlapping(datetime.date(2026, 3, 29)) == [existing]
    assert overlapping(datetime.date(2026, 2, 16), weeks=3) == [existing]  # to 8 March
    assert overlapping(datetime.date(2026, 2, 16), weeks=2) == []  # to 1 March
    assert overlapping(datetime.date(2026, 3, 30)) == []
    assert other_practice not in overlapping(datetime.date(2026, 3, 2))


@pytest.mark.parametrize("status", ["finished", "cancelled"])
def test_a_finished_or_cancelled_assignment_is_no_duplicate(practice, client_profile, status):
    existing = make_assignment(practice, client=client_profile)
    existing.status = status
    existing.save()
    candidate = Assignment(practice=practice, client=client_profile, start_date=existing.start_date)
    assert not Assignment.objects.overlapping(candidate).exists()


def test_a_paused_assignment_still_counts(practice, client_profile):
    existing = make_assignment(practice, client=client_profile, status="paused")
    candidate = Assignment(practice=practice, client=client_profile, start_date=existing.start_date)
    assert list(Assignment.objects.overlapping(candidate)) == [existing]


# --- The form ------------------------------------------------------------------------------------


def test_assigning_it_again_warns_and_saves_nothing_without_confirmation(
    therapist_client, practice, client_profile, in_week_2
):
    make_assignment(practice, client=client_profile)
    response = assign(therapist_client, practice, f"client:{client_profile.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "already assigned" in html
    assert "from 2 March 2026 for 4 weeks" in html
    assert CONFIRM in html
    assert Assignment.objects.count() == 1


def test_assigning_it_again_with_confirmation_saves_it(
    therapist_client, practice, client_profile, in_week_2
):
    make_assignment(practice, client=client_profile)
    response = assign(therapist_client, practice, f"client:{client_profile.pk}", assign_again="on")
    assert response.status_code == 302
    assert Assignment.objects.count() == 2


def test_no_warning_for_weeks_that_do_not_meet_or_another_practice(
    therapist_client, practice, client_profile, in_week_2
):
    make_assignment(practice, client=client_profile)  # 2 to 29 March
    page = therapist_client.get(reverse(ASSIGN)).content.decode()
    assert CONFIRM not in page  # the box appears only with a warning
    response = assign(therapist_client, practice, f"client:{client_profile.pk}", start="2026-03-30")
    assert response.status_code == 302
    response = assign(therapist_client, make_practice("Another"), f"client:{client_profile.pk}")
    assert response.status_code == 302
    assert Assignment.objects.count() == 3


def test_assigning_to_a_couple_warns_about_a_partners_own_copy(
    therapist_client, practice, couple, partner_b, in_week_2
):
    make_assignment(practice, client=partner_b)
    response = assign(therapist_client, practice, f"couple:{couple.pk}")
    assert response.status_code == 200
    assert "Sam Rivera" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_assigning_to_a_partner_warns_about_the_couples_copy(
    therapist_client, practice, couple, partner_a, in_week_2
):
    make_assignment(practice, couple=couple)
    response = assign(therapist_client, practice, f"client:{partner_a.pk}")
    assert response.status_code == 200
    assert "already assigned" in response.content.decode()
    assert Assignment.objects.count() == 1


# --- Telling copies apart -----------------------------------------------------------------------


@pytest.fixture
def two_copies(practice, client_profile):
    first = make_assignment(practice, client=client_profile)
    second = make_assignment(practice, client=client_profile)
    return first, second


def test_the_label_tells_copies_apart_and_leaves_single_ones_alone(
    practice, client_profile, two_copies
):
    single = make_assignment(make_practice("Another"), client=client_profile)
    first, second = two_copies
    # Numbered in the order they were made, whatever order they are listed in.
    Assignment.label_repeats([single, second, first])
    assert single.repeat_label == ""
    assert first.repeat_label == "from 2 March 2026 for 4 weeks, 1 of 2"
    assert second.repeat_label == "from 2 March 2026 for 4 weeks, 2 of 2"
    other = make_assignment(practice, client=client_profile, start_date=datetime.date(2026, 3, 9))
    labels = [a.repeat_label for a in Assignment.label_repeats([first, other])]
    assert labels == ["from 2 March 2026 for 4 weeks", "from 9 March 2026 for 4 weeks"]


def test_the_portal_cards_say_which_copy_is_which(portal_client, two_copies, in_week_2):
    html = portal_client.get(reverse("portal:dashboard")).content.decode()
    assert html.count("Pausing when it heats up") == 2
    assert "1 of 2" in html
    assert "2 of 2" in html


def test_the_adherence_rows_say_which_copy_is_which(therapist_client, two_copies, in_week_2):
    html = therapist_client.get(reverse("homework_admin:adherence")).content.decode()
    assert html.count("Pausing when it heats up") == 2
    assert "1 of 2" in html
    assert "2 of 2" in html


def test_the_client_page_panel_says_which_copy_is_which(
    therapist_client, client_profile, two_copies, in_week_2
):
    url = reverse("clients:detail", args=[client_profile.pk])
    html = therapist_client.get(url).content.decode()
    assert "1 of 2" in html
    assert "2 of 2" in html


def test_the_timeline_headings_say_which_copy_is_which(
    therapist_client, client_profile, two_copies, in_week_2
):
    url = reverse("homework_admin:client_timeline", args=[client_profile.pk])
    html = therapist_client.get(url).content.decode()
    assert "1 of 2" in html
    assert "2 of 2" in html


def test_the_summary_week_headings_say_which_copy_is_which(
    therapist, client_profile, two_copies, in_week_2
):
    first, second = two_copies
    submit(first, client_profile, 1)
    submit(second, client_profile, 1)
    summary = SessionSummary.objects.create(
        therapist=therapist,
        client=client_profile,
        since=datetime.date(2026, 3, 2),
        until=datetime.date(2026, 3, 8),
    )
    html = pdf.summary_html(summary)
    assert html.count("Week 1 ") == 2
    assert "1 of 2" in html
    assert "2 of 2" in html
