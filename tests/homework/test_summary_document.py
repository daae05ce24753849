"""What a session summary says, before any layout: weeks, ratings, flags, escaping."""

import datetime
import re

import pytest
import time_machine

from homework import pdf
from homework.charts import scale_chart_svg
from homework.models import Assignment, Reflection
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 3, 12, 0, tzinfo=datetime.UTC)  # in week 4
START = datetime.date(2026, 9, 1)  # weeks end 13, 20, 27 Sep and 4 Oct


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def story(couple):
    alex, sam = couple.partners
    assignment = b.make_assignment(couple=couple, start_date=START, weeks=4)
    b.make_reflection(assignment, alex, 1, safety=4)
    b.make_reflection(assignment, alex, 2, safety=8)
    b.make_reflection(assignment, alex, 3, safety=6)
    b.make_reflection(assignment, sam, 1, safety=2)  # flagged: at or below 3
    b.make_reflection(assignment, sam, 3, safety=5)  # sam missed week 2
    b.make_reflection(assignment, sam, 4, safety=9, status=Reflection.Status.DRAFT)
    return assignment


def summary_of(couple, since=START, until=datetime.date(2026, 10, 3)):
    return b.make_summary(couple=couple, since=since, until=until)


def test_weeks_are_counted_per_partner_as_submitted_missed_or_still_open(couple, story):
    doc = pdf.build_document(summary_of(couple))

    alex, sam = doc.tallies
    assert (alex.assigned, alex.submitted, alex.missed, alex.open) == (4, 3, 0, 1)
    assert (sam.assigned, sam.submitted, sam.missed, sam.open) == (4, 2, 1, 1)


def test_each_rating_has_first_last_and_average_per_partner(couple, story):
    doc = pdf.build_document(summary_of(couple))

    safety = next(s for s in doc.scales if s.question.startswith("How safe"))
    alex, sam = safety.stats
    assert (alex.first, alex.last, alex.average, alex.count) == (4, 6, 6.0, 3)
    assert (sam.first, sam.last, sam.average, sam.count) == (2, 5, 3.5, 2)
    assert len(doc.scales) == 3
    assert "<svg" in safety.chart


def test_flagged_answers_are_listed_and_drafts_never_shown(couple, story):
    doc = pdf.build_document(summary_of(couple))

    flagged = [
        (week.number, person.display_name, answer.display) for week, person, answer in doc.flagged
    ]
    assert flagged == [(1, "Sam", "2 of 10")]
    week_4 = doc.weeks[3]
    assert [e.state for e in week_4.entries] == ["open", "open"]  # Sam's draft stays private


def test_only_weeks_overlapping_the_range_are_included(couple, story):
    doc = pdf.build_document(
        summary_of(couple, since=datetime.date(2026, 9, 15), until=datetime.date(2026, 9, 22))
    )

    assert [block.week.number for block in doc.weeks] == [2, 3]


def test_a_cancelled_assignment_without_reflections_is_left_out(couple, story):
    b.make_assignment(
        couple=couple,
        start_date=START,
        weeks=4,
        practice=b.make_practice("Never started"),
        status=Assignment.Status.CANCELLED,
    )

    doc = pdf.build_document(summary_of(couple))

    assert doc.practice_titles == ["The soft start-up"]


def test_client_text_reaches_the_html_escaped(client_profile):
    assignment = b.make_assignment(client=client_profile, start_date=START, weeks=1)
    b.make_reflection(assignment, client_profile, 1, text='<img src="file:///etc/passwd">')
    summary = b.make_summary(client=client_profile, since=START, until=datetime.date(2026, 9, 13))

    html = pdf.summary_html(summary)

    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "<title>Session preparation, 2026-09-01 to 2026-09-13</title>" in html
    assert 'href="pdf-asset:homework/pdf/summary.css"' in html


def test_the_document_reads_the_database_a_fixed_number_of_times(
    couple, django_assert_max_num_queries
):
    b.make_couple_story(couple, start_date=datetime.date(2026, 3, 2), weeks=26)
    summary = summary_of(couple, since=datetime.date(2026, 3, 2), until=datetime.date(2026, 10, 3))

    with django_assert_max_num_queries(6):
        doc = pdf.build_document(summary)

    assert len(doc.weeks) == 26


def test_a_long_chart_labels_every_few_weeks_so_labels_never_overlap():
    weeks = list(range(1, 53))

    svg = scale_chart_svg("How safe?", weeks, {"Alex": {1: 3, 52: 7}})

    labels = [int(n) for n in re.findall(r">W(\d+)<", svg)]
    assert labels[0] == 1
    assert labels[-1] == 52
    assert len(labels) <= 14
    assert "week 52 7" in svg  # the description still lists every answer


def test_a_couples_answer_rewritten_after_the_reveal_shows_both_versions(couple):
    alex, sam = couple.partners
    assignment = b.make_assignment(
        couple=couple,
        start_date=START,
        weeks=4,
        partner_visibility=Assignment.PartnerVisibility.MUTUAL,
    )
    answers = {b.TEXT_KEY: "What Alex first shared", b.SAFETY_KEY: 5}
    for person in (alex, sam):
        Reflection.objects.save_answers(
            assignment=assignment, client=person, week=1, answers=answers, version=0, submit=True
        )
    Reflection.objects.save_answers(
        assignment=assignment,
        client=alex,
        week=1,
        answers={**answers, b.TEXT_KEY: "What Alex says now"},
        version=1,
        submit=True,
    )

    html = pdf.summary_html(summary_of(couple))

    assert "What Alex says now" in html
    assert "Changed after their partner could read it. As first shared: What Alex first" in html
    assert html.count("Changed after their partner could read it") == 1  # Sam's is unchanged
