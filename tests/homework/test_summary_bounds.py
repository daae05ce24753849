"""A session summary is bounded: long answers are shortened, and says so, so a render always
finishes well inside the task timeout."""

import datetime
import uuid

import pytest
import time_machine

from homework import pdf
from homework.models import MAX_ANSWER_LENGTH
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 3, 12, 0, tzinfo=datetime.UTC)
START = datetime.date(2026, 9, 1)  # weeks end 13, 20, 27 Sep and 4 Oct
UNTIL = datetime.date(2026, 10, 3)
LONG = (b.story(4000) + " ") * 2


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def long_text(length=MAX_ANSWER_LENGTH, seed=0):
    return LONG[seed : seed + length]


def text_answers(doc):
    return [a for block in doc.weeks for e in block.entries for a in e.answers if a.kind == "text"]


def test_a_long_answer_is_shown_up_to_the_cap_and_says_how_much_more_there_is(client_profile):
    assignment = b.make_assignment(client=client_profile, start_date=START, weeks=1)
    b.make_reflection(assignment, client_profile, 1, text=long_text())
    b.make_reflection(
        b.make_assignment(client=client_profile, start_date=START, weeks=1),
        client_profile,
        1,
        text="A short answer.",
    )
    doc = pdf.build_document(b.make_summary(client=client_profile, since=START, until=UNTIL))

    long, short = text_answers(doc)
    assert len(long.display) <= pdf.ANSWER_CHARS
    assert long.display == long_text()[: len(long.display)].rstrip()
    assert long.more_chars == MAX_ANSWER_LENGTH - len(long.display)
    assert (short.display, short.more_chars) == ("A short answer.", 0)


def test_the_newest_weeks_keep_their_words_when_the_document_is_full(couple, monkeypatch):
    monkeypatch.setattr(pdf, "TEXT_BUDGET_CHARS", 3 * pdf.ANSWER_CHARS)
    assignment = b.make_assignment(couple=couple, start_date=START, weeks=4)
    for week in (1, 2, 3):
        for person in couple.partners:
            b.make_reflection(assignment, person, week, text=long_text())
    doc = pdf.build_document(b.make_summary(couple=couple, since=START, until=UNTIL))

    shown = {
        (block.week.number, e.person.pk): e.answers[0]
        for block in doc.weeks
        for e in block.entries
        if e.answers
    }
    alex, sam = couple.partners
    assert len(shown[(3, alex.pk)].display) > pdf.ANSWER_CHARS - 100
    assert len(shown[(3, sam.pk)].display) > pdf.ANSWER_CHARS - 100
    assert shown[(1, alex.pk)].display == ""
    assert shown[(1, alex.pk)].more_chars == MAX_ANSWER_LENGTH
    assert doc.shortened == 6


def test_the_oldest_weeks_are_left_out_beyond_the_answer_cap(couple, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_ANSWERS", 2 * len(b.PROMPTS) * 2)  # two weeks of a couple
    assignment = b.make_assignment(couple=couple, start_date=START, weeks=4)
    for week in (1, 2, 3, 4):
        for person in couple.partners:
            b.make_reflection(assignment, person, week)
    doc = pdf.build_document(b.make_summary(couple=couple, since=START, until=UNTIL))

    assert [block.week.number for block in doc.weeks] == [3, 4]
    assert doc.weeks_left_out == 2
    assert [t.submitted for t in doc.tallies] == [4, 4]  # the counts still cover every week


def test_many_text_prompts_still_fit_the_text_budget(client_profile):
    prompts = [
        dict(b.PROMPTS[0], key=str(uuid.UUID(int=100 + i)), question=f"Question {i}")
        for i in range(12)
    ]
    assignment = b.make_assignment(
        client=client_profile, start_date=START, weeks=4, prompts=prompts
    )
    for week in (1, 2, 3, 4):
        b.make_reflection(assignment, client_profile, week, text="")
        assignment.reflections.filter(week=week).update(
            answers={p["key"]: long_text(seed=week) for p in prompts}
        )
    doc = pdf.build_document(b.make_summary(client=client_profile, since=START, until=UNTIL))

    assert sum(len(a.display) for a in text_answers(doc)) <= pdf.TEXT_BUDGET_CHARS


def test_a_20000_character_answer_renders_a_few_pages_and_says_it_was_shortened(
    client_profile,
):
    assignment = b.make_assignment(client=client_profile, start_date=START, weeks=1)
    b.make_reflection(assignment, client_profile, 1, text=long_text())
    summary = b.make_summary(client=client_profile, since=START, until=UNTIL)

    html = pdf.summary_html(summary)
    rendered = pdf.render_html(html)

    assert f"{MAX_ANSWER_LENGTH - pdf.ANSWER_CHARS:,}"[:3] in html
    assert "more characters" in html
    assert "homework timeline" in html
    assert rendered.page_count <= 4  # the whole answer alone takes about 8 pages
