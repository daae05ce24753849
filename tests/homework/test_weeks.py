"""Week arithmetic in the client's time zone, across daylight-saving changes."""

import datetime
import zoneinfo

import pytest

from homework.models import WeekState, week_state
from practice_site.builders import make_assignment

UTC = datetime.UTC


def at(tz, *args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


def test_first_week_runs_to_the_chosen_weekday_at_least_six_days_later(practice, client_profile):
    # Starts Thursday 5 March 2026; weeks end on Sunday: the first Sunday 6+ days on is 15th.
    assignment = make_assignment(
        practice, start_date=datetime.date(2026, 3, 5), client=client_profile
    )
    first, second = assignment.week(1), assignment.week(2)
    assert (first.starts_on, first.ends_on) == (
        datetime.date(2026, 3, 5),
        datetime.date(2026, 3, 15),
    )
    assert (second.starts_on, second.ends_on) == (
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 22),
    )


def test_week_opens_at_local_midnight_and_closes_after_the_grace_period(assignment):
    week = assignment.week(2)  # 9-15 March 2026, London (GMT then)
    assert week.opens_at == at("Europe/London", 2026, 3, 9, 0, 0)
    assert week.closes_at == at("Europe/London", 2026, 3, 18, 0, 0)
    assert not week.is_open(week.opens_at - datetime.timedelta(seconds=1))
    assert week.is_open(week.opens_at)
    assert week.is_open(week.closes_at - datetime.timedelta(seconds=1))
    assert week.is_closed(week.closes_at)


def test_a_week_across_the_spring_change_closes_at_local_midnight(practice, client_profile):
    # UK clocks go forward on 29 March 2026: the week ending that Sunday is an hour shorter.
    assignment = make_assignment(
        practice, start_date=datetime.date(2026, 3, 23), client=client_profile
    )
    week = assignment.week(1)
    assert week.ends_on == datetime.date(2026, 3, 29)
    assert week.closes_at == at("Europe/London", 2026, 4, 1, 0, 0)
    assert week.closes_at.astimezone(UTC) == datetime.datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    # Same-zone subtraction in Python is wall-clock time; compare real elapsed time in UTC.
    elapsed = week.closes_at.astimezone(UTC) - week.opens_at.astimezone(UTC)
    assert elapsed == datetime.timedelta(days=9, hours=-1)


def test_the_same_instant_falls_in_different_weeks_by_time_zone(practice, client_profile, couple):
    london = make_assignment(practice, client=client_profile)  # Europe/London
    new_york = make_assignment(practice, couple=couple)  # America/New_York
    sunday_late_new_york = datetime.datetime(2026, 3, 16, 3, 30, tzinfo=UTC)  # 23:30 Sun in NY
    assert london.current_week(sunday_late_new_york).number == 3
    assert new_york.current_week(sunday_late_new_york).number == 2


def test_autumn_change_in_new_york_keeps_weeks_whole(practice, couple):
    # US clocks go back on 1 November 2026.
    assignment = make_assignment(practice, start_date=datetime.date(2026, 10, 26), couple=couple)
    week = assignment.week(1)
    assert week.ends_on == datetime.date(2026, 11, 1)
    elapsed = week.closes_at.astimezone(UTC) - week.opens_at.astimezone(UTC)
    assert elapsed == datetime.timedelta(days=9, hours=1)
    assert assignment.week_on(datetime.date(2026, 11, 2)).number == 2


def test_open_weeks_include_last_week_during_its_grace_period(assignment):
    monday_of_week_3 = at("Europe/London", 2026, 3, 16, 9, 0)
    assert [w.number for w in assignment.open_weeks(monday_of_week_3)] == [2, 3]
    thursday = at("Europe/London", 2026, 3, 19, 9, 0)
    assert [w.number for w in assignment.open_weeks(thursday)] == [3]


@pytest.mark.parametrize(
    ("moment", "status", "expected"),
    [
        ((2026, 3, 1, 12), None, WeekState.UPCOMING),
        ((2026, 3, 11, 12), None, WeekState.NOT_STARTED),
        ((2026, 3, 11, 12), "draft", WeekState.DRAFT),
        ((2026, 3, 20, 12), "draft", WeekState.MISSED),
        ((2026, 3, 20, 12), None, WeekState.MISSED),
        ((2026, 3, 20, 12), "submitted", WeekState.SUBMITTED),
    ],
)
def test_week_state(assignment, moment, status, expected):
    from homework.models import Reflection

    reflection = Reflection(status=status) if status else None
    now = at("Europe/London", *moment)
    assert week_state(assignment.week(2), reflection, now) == expected
