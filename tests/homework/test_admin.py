"""The therapist's side: assigning, status, timeline, adherence, dashboard panel."""

import datetime

import pytest
from django.urls import reverse

from clients.models import AuditEvent
from homework.models import Assignment, Reflection
from practice_site.builders import make_assignment, make_practice, submit

ASSIGN = "homework_admin:assign"


def timeline(kind, pk):
    return reverse(f"homework_admin:{kind}_timeline", args=[pk])


# --- Assigning --------------------------------------------------------------------------------


def test_assign_form_is_prefilled_from_the_practice_and_client(
    therapist_client, practice, client_profile
):
    practice.default_weeks = 6
    practice.save()
    url = reverse(ASSIGN) + f"?practice={practice.pk}&client={client_profile.pk}"
    form = therapist_client.get(url).context["form"]
    assert form.initial["practice"] == practice
    assert form.initial["weeks"] == 6
    assert form.initial["recipient"] == f"client:{client_profile.pk}"


def test_assign_form_offers_only_the_therapists_own_clients(
    therapist_client, practice, client_profile, couple, outsider
):
    page = therapist_client.get(reverse(ASSIGN)).content.decode()
    assert "Jordan Lee" in page
    assert "Alex &amp; Sam" in page
    assert "Robin Outsider" not in page


def test_assigning_to_a_couple_copies_the_prompts(therapist_client, practice, couple, in_week_2):
    response = therapist_client.post(
        reverse(ASSIGN),
        {
            "practice": practice.pk,
            "recipient": f"couple:{couple.pk}",
            "start_date": "2026-03-11",
            "weeks": "4",
            "week_ends_on": "6",
            "note": "Try it twice this week.",
            "partner_visibility": "mutual",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.couple == couple
    assert assignment.partner_visibility == "mutual"
    assert [p["question"] for p in assignment.prompts] == [
        p.question for p in practice.prompts.all()
    ]


def test_another_therapists_client_cannot_be_assigned(therapist_client, practice, outsider):
    url = reverse(ASSIGN) + f"?client={outsider.pk}"
    assert therapist_client.get(url).status_code == 404
    response = therapist_client.post(
        reverse(ASSIGN),
        {
            "practice": practice.pk,
            "recipient": f"client:{outsider.pk}",
            "start_date": "2026-03-11",
            "weeks": "4",
            "week_ends_on": "6",
            "partner_visibility": "therapist_only",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_clients_cannot_reach_the_admin_views(portal_client, client_profile):
    response = portal_client.get(reverse(ASSIGN))
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").endswith(reverse(ASSIGN))


def test_practice_listing_has_an_assign_button(therapist_client, practice):
    page = therapist_client.get(reverse("wagtailsnippets_homework_practice:list")).content.decode()
    assert reverse(ASSIGN) + f"?practice={practice.pk}" in page


# --- Status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [("pause", "paused"), ("finish", "finished"), ("cancel", "cancelled")],
)
def test_status_can_be_changed(therapist_client, assignment, action, expected):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])
    therapist_client.post(url, {"action": action})
    assignment.refresh_from_db()
    assert assignment.status == expected


@pytest.mark.parametrize("first", ["pause", "cancel", "finish"])
def test_a_stopped_assignment_can_be_resumed(therapist_client, assignment, first):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])
    therapist_client.post(url, {"action": first})
    therapist_client.post(url, {"action": "resume"})
    assignment.refresh_from_db()
    assert assignment.status == "active"


def test_a_second_click_changes_nothing_and_says_so(therapist_client, assignment):
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])
    therapist_client.post(url, {"action": "pause"})
    response = therapist_client.post(url, {"action": "pause"}, follow=True)
    assert "already paused" in response.content.decode()


def test_another_therapist_cannot_change_the_status(client, other_therapist, assignment):
    client.force_login(other_therapist)
    url = reverse("homework_admin:assignment_status", args=[assignment.pk])
    assert client.post(url, {"action": "cancel"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "active"


# --- Timeline -------------------------------------------------------------------------------


def test_timeline_shows_both_partners_with_chart_and_flag(
    therapist_client, couple_assignment, couple, partner_a, partner_b, in_week_2
):
    submit(couple_assignment, partner_a, 1, scale=7, text="Alex: the walk helped")
    submit(couple_assignment, partner_b, 1, scale=2, text="Sam: <b>hard</b> week")
    page = therapist_client.get(timeline("couple", couple.pk)).content.decode()
    assert "Alex: the walk helped" in page
    assert "Sam: &lt;b&gt;hard&lt;/b&gt; week" in page
    assert "<svg" in page
    assert "Alex: week 1 7" in page
    assert "Sam: week 1 2" in page
    assert "Flagged" in page
    assert "(at or below 3)" in page


def test_timeline_never_shows_a_draft(therapist_client, assignment, client_profile, in_week_2):
    Reflection.objects.save_answers(
        assignment=assignment,
        client=client_profile,
        week=2,
        answers={assignment.prompts[3]["key"]: "still thinking"},
        version=0,
        submit=False,
    )
    page = therapist_client.get(timeline("client", client_profile.pk)).content.decode()
    assert "still thinking" not in page
    assert "Draft" in page


def test_reading_the_timeline_is_audited(
    therapist_client, therapist, couple_assignment, couple, partner_a, partner_b, in_week_2
):
    submit(couple_assignment, partner_a, 1)
    therapist_client.get(timeline("couple", couple.pk))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=therapist)
    assert {e.client for e in events} == {partner_a, partner_b}


def test_another_therapist_gets_404_on_the_timeline(
    client, other_therapist, client_profile, couple
):
    client.force_login(other_therapist)
    assert client.get(timeline("client", client_profile.pk)).status_code == 404
    assert client.get(timeline("couple", couple.pk)).status_code == 404


def test_timeline_queries_stay_flat(
    therapist_client, practice, client_profile, django_assert_max_num_queries, in_week_2
):
    def load():
        with django_assert_max_num_queries(25) as captured:
            therapist_client.get(timeline("client", client_profile.pk))
        return len(captured)

    first = make_assignment(practice, client=client_profile, weeks=3)
    for week in range(1, 3):
        submit(first, client_profile, week)
    few = load()
    for n in range(4):
        more = make_assignment(
            practice, client=client_profile, weeks=8, start_date=datetime.date(2026, 1, 5 + n)
        )
        for week in range(1, 8):
            submit(more, client_profile, week)
    assert load() <= few


# --- Dashboard panel and adherence ------------------------------------------------------------


def test_dashboard_lists_new_reflections_until_looked_at(
    therapist_client, assignment, client_profile, in_week_2
):
    submit(assignment, client_profile, 1, scale=2)
    home = therapist_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "New reflections" in home
    assert "Jordan Lee" in home
    assert "Needs attention" in home
    therapist_client.get(timeline("client", client_profile.pk))
    home = therapist_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "No new reflections since you last looked." in home


def test_dashboard_does_not_list_other_therapists_reflections(
    client, other_therapist, assignment, client_profile, in_week_2
):
    submit(assignment, client_profile, 1)
    client.force_login(other_therapist)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Jordan Lee" not in home


def test_adherence_shows_each_state_this_week(
    therapist_client, practice, client_profile, couple, partner_a, partner_b, in_week_2
):
    individual = make_assignment(practice, client=client_profile)
    together = make_assignment(practice, couple=couple)
    submit(individual, client_profile, 2)
    Reflection.objects.save_answers(
        assignment=together, client=partner_a, week=2, answers={}, version=0, submit=False
    )
    response = therapist_client.get(reverse("homework_admin:adherence"))
    rows = {(r.person.pk): (r.this_state, r.last_state) for r in response.context["rows"]}
    assert rows[client_profile.pk] == ("submitted", "missed")
    assert rows[partner_a.pk] == ("draft", "missed")
    assert rows[partner_b.pk] == ("not_started", "missed")


def test_adherence_lists_only_the_therapists_own(client, other_therapist, assignment, in_week_2):
    client.force_login(other_therapist)
    response = client.get(reverse("homework_admin:adherence"))
    assert response.context["rows"] == []


def test_adherence_queries_stay_flat(
    therapist_client, therapist, django_assert_max_num_queries, in_week_2
):
    from practice_site.builders import make_client

    practice = make_practice()

    def load():
        with django_assert_max_num_queries(25) as captured:
            therapist_client.get(reverse("homework_admin:adherence"))
        return len(captured)

    for n in range(2):
        person = make_client(therapist, f"few{n}@example.org", f"Few Person{n}")
        submit(make_assignment(practice, client=person), person, 1)
    few = load()
    for n in range(12):
        person = make_client(therapist, f"many{n}@example.org", f"Many Person{n}")
        submit(make_assignment(practice, client=person), person, 1)
    assert load() <= few


def test_client_detail_panel_lists_assignments_with_actions(
    therapist_client, assignment, client_profile
):
    page = therapist_client.get(reverse("clients:detail", args=[client_profile.pk]))
    html = page.content.decode()
    assert "Pausing when it heats up" in html
    assert reverse("homework_admin:assignment_status", args=[assignment.pk]) in html
    assert reverse(ASSIGN) + f"?client={client_profile.pk}" in html


def test_practice_edit_page_offers_to_assign_it(therapist_client, practice):
    url = reverse("wagtailsnippets_homework_practice:edit", args=[practice.pk])
    page = therapist_client.get(url).content.decode()
    assert reverse(ASSIGN) + f"?practice={practice.pk}" in page
    assert "Assign to a client or couple" in page


def test_assign_form_is_prefilled_for_a_couple(therapist_client, couple):
    form = therapist_client.get(reverse(ASSIGN) + f"?couple={couple.pk}").context["form"]
    assert form.initial["recipient"] == f"couple:{couple.pk}"


def test_another_therapists_couple_cannot_be_prefilled(client, other_therapist, couple):
    client.force_login(other_therapist)
    assert client.get(reverse(ASSIGN) + f"?couple={couple.pk}").status_code == 404


def test_couple_detail_panel_links_to_assign_for_the_couple(therapist_client, couple):
    page = therapist_client.get(reverse("couples:detail", args=[couple.pk])).content.decode()
    assert reverse(ASSIGN) + f"?couple={couple.pk}" in page
    assert reverse("homework_admin:couple_timeline", args=[couple.pk]) in page
