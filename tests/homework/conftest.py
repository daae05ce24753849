"""Homework fixtures: a practice with one prompt of each kind, assignments, a pinned week."""

import datetime

import pytest

from homework.models import Assignment
from practice_site.builders import make_assignment, make_practice


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
