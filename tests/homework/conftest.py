"""Builders for homework tests: a practice with one prompt of each kind, assignments."""

import datetime

import pytest

from homework.models import Assignment, Practice, PracticePrompt, Reflection


def make_practice(title="Pausing when it heats up", **extra):
    practice = Practice.objects.create(
        title=title, instructions="<p>Pause and ask each other.</p>", **extra
    )
    specs = [
        {"kind": "count", "question": "How many times did you pause?"},
        {
            "kind": "scale",
            "question": "How safe did you feel?",
            "scale_low_label": "not at all",
            "scale_high_label": "completely",
            "flag_at_or_below": 3,
        },
        {"kind": "yes_no", "question": "Did you try it together?", "required": False},
        {"kind": "text", "question": "What helped?", "max_length": 200},
    ]
    for order, spec in enumerate(specs):
        PracticePrompt.objects.create(practice=practice, sort_order=order, **spec)
    return practice


def make_assignment(practice, start=datetime.date(2026, 3, 2), weeks=4, **recipient):
    """Starts on a Monday; weeks end on Sunday (so week 1 is 2-8 March 2026)."""
    return Assignment.objects.create(
        practice=practice,
        start_date=start,
        weeks=weeks,
        week_ends_on=Assignment.Weekday.SUNDAY,
        **recipient,
    )


def answers_for(assignment, count=2, scale=6, yes=True, text="Taking a walk."):
    keys = [p["key"] for p in assignment.prompts]
    return {keys[0]: count, keys[1]: scale, keys[2]: yes, keys[3]: text}


def post_data(assignment, *, count="2", scale="6", yes="yes", text="Taking a walk.", **extra):
    from homework.forms import field_name

    names = [field_name(p) for p in assignment.prompts]
    data = {
        names[0]: count,
        names[1]: scale,
        names[2]: yes,
        names[3]: text,
        "version": "0",
        "fingerprint": assignment.prompts_fingerprint,
    }
    data.update(extra)
    return data


def submit(assignment, client, week, **kwargs):
    return Reflection.objects.save_answers(
        assignment=assignment,
        client=client,
        week=week,
        answers=answers_for(assignment, **kwargs),
        version=0,
        submit=True,
    ).reflection


def link_source_article(practice, title="When a talk heats up", slug="heats-up"):
    """Publish an article under a blog index and make it the practice's source."""
    from blog.models import ArticlePage, BlogIndexPage, HomePage

    index = HomePage.objects.get(depth=2).add_child(
        instance=BlogIndexPage(title="Articles", slug="blog")
    )
    article = index.add_child(
        instance=ArticlePage(title=title, slug=slug, date=datetime.date(2026, 3, 1))
    )
    practice.source_article = article
    practice.save()
    return article


@pytest.fixture
def practice(db):
    return make_practice()


@pytest.fixture
def assignment(practice, client_profile):
    return make_assignment(practice, client=client_profile)


@pytest.fixture
def couple_assignment(practice, couple):
    return make_assignment(
        practice, couple=couple, partner_visibility=Assignment.PartnerVisibility.MUTUAL
    )


# A Wednesday in week 2 (9-15 March 2026), midday in London.
IN_WEEK_2 = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def in_week_2():
    import time_machine

    with time_machine.travel(IN_WEEK_2, tick=False) as traveller:
        yield traveller
