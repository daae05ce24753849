"""The portal's homework pages: dashboard panel, assignment page, history; query counts."""

import datetime

from django.urls import reverse

from homework.models import Assignment
from practice_site.builders import link_source_article, make_assignment, post_data, submit


def test_dashboard_lists_this_weeks_state_and_due_date(portal_client, assignment, in_week_2):
    page = portal_client.get(reverse("portal:dashboard")).content.decode()
    assert "Pausing when it heats up" in page
    assert "Week 2 of 4:" in page
    assert "Not started" in page
    assert "due Sunday 15 March" in page
    assert reverse("homework:reflection", args=[assignment.uuid, 2]) in page


def test_dashboard_shows_draft_then_submitted(portal_client, assignment, in_week_2):
    url = reverse("homework:reflection", args=[assignment.uuid, 2])
    portal_client.post(url, post_data(assignment, save_draft="1"))
    assert "Carry on with week 2" in portal_client.get(reverse("portal:dashboard")).content.decode()
    portal_client.post(url, post_data(assignment, version="1", submit_reflection="1"))
    page = portal_client.get(reverse("portal:dashboard")).content.decode()
    assert "Submitted" in page
    assert "Read or change week 2" in page


def test_dashboard_hides_finished_and_cancelled(portal_client, assignment, in_week_2):
    assignment.change_status("cancel")
    page = portal_client.get(reverse("portal:dashboard")).content.decode()
    assert "You have no homework at the moment." in page


def test_dashboard_due_date_is_in_the_clients_time_zone(
    client, practice, couple, partner_a, in_week_2
):
    # 04:00 UTC on Monday 16 March is still Sunday 15 March in New York: week 2 is due today.
    in_week_2.move_to(datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC))
    make_assignment(practice, couple=couple)
    client.force_login(partner_a.user)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "Week 2 of 4:" in page
    assert "due Sunday 15 March" in page


def test_assignment_page_shows_instructions_article_and_every_week(
    portal_client, assignment, in_week_2
):
    page = portal_client.get(reverse("homework:assignment", args=[assignment.uuid])).content
    page = page.decode()
    assert "Pause and ask each other." in page
    for number in range(1, 5):
        assert f"Week {number} " in page
    assert "Missed" in page
    assert "Not started" in page
    assert "Opens on Monday 16 March" in page


def test_assignment_page_links_the_source_article(portal_client, assignment, in_week_2):
    link_source_article(assignment.practice)
    page = portal_client.get(reverse("homework:assignment", args=[assignment.uuid])).content
    assert 'href="/blog/heats-up/">When a talk heats up</a>' in page.decode()


def test_history_lists_past_reflections(portal_client, assignment, client_profile, in_week_2):
    submit(assignment, client_profile, 1, text="Week one words")
    page = portal_client.get(reverse("homework:history")).content.decode()
    assert "Week one words" in page
    assert "7 of 10" not in page
    assert "6 of 10" in page


def test_history_needs_sign_in(client):
    response = client.get(reverse("homework:history"))
    assert response.status_code == 302


def test_history_shows_only_the_clients_own(client, assignment, client_profile, outsider):
    submit(assignment, client_profile, 1, text="Jordan's private words")
    client.force_login(outsider.user)
    assert "private words" not in client.get(reverse("homework:history")).content.decode()


def _fill(practice, client_profile, assignments, weeks):
    for n in range(assignments):
        a = make_assignment(
            practice, client=client_profile, weeks=weeks, start_date=datetime.date(2026, 2, 2 + n)
        )
        for week in range(1, min(weeks, 4) + 1):
            submit(a, client_profile, week)
    return Assignment.objects.filter(client=client_profile).first()


def _count(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_portal_queries_stay_flat(
    portal_client, practice, client_profile, django_assert_max_num_queries, in_week_2
):
    first = _fill(practice, client_profile, 1, 3)
    urls = [
        reverse("portal:dashboard"),
        reverse("homework:assignment", args=[first.uuid]),
        reverse("homework:history"),
    ]
    for url in urls:
        portal_client.get(url)  # warm the per-process caches (site root, content types)
    few = [_count(portal_client, u, django_assert_max_num_queries) for u in urls]
    _fill(practice, client_profile, 6, 10)
    many = [_count(portal_client, u, django_assert_max_num_queries) for u in urls]
    assert many == few


def test_dashboard_shows_this_week_before_last_week_in_its_grace_period(
    portal_client, assignment, in_week_2
):
    in_week_2.move_to(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC))  # Monday
    page = portal_client.get(reverse("portal:dashboard")).content.decode()
    assert page.index("Week 3 of 4:") < page.index("Week 2 of 4:")
