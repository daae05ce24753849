"""What the portal and the admin show about one person's weeks, built in bulk.

Each function takes the reflections already fetched, so a page makes the same few
queries however many weeks and reflections there are.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from .models import Reflection, WeekState, week_state


@dataclass
class WeekRow:
    week: object
    state: str
    reflection: Reflection | None = None
    partner_reflection: Reflection | None = None
    partner_visible: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def state_label(self):
        return WeekState(self.state).label

    @property
    def is_writable(self):
        return self.state in (WeekState.NOT_STARTED, WeekState.DRAFT) or (
            self.state == WeekState.SUBMITTED and self.extra.get("open")
        )


def index_reflections(reflections):
    """{(assignment_id, client_id, week): reflection}"""
    return {(r.assignment_id, r.client_id, r.week): r for r in reflections}


def week_rows(assignment, client, reflections, now=None, weeks=None):
    """One row per week for `client`; `reflections` is an index from index_reflections."""
    now = now or timezone.now()
    partner = assignment.partner_of(client)
    rows = []
    for week in weeks if weeks is not None else assignment.all_weeks():
        mine = reflections.get((assignment.pk, client.pk, week.number))
        theirs = reflections.get((assignment.pk, partner.pk, week.number)) if partner else None
        rows.append(
            WeekRow(
                week=week,
                state=week_state(week, mine, now),
                reflection=mine,
                partner_reflection=theirs,
                partner_visible=assignment.partner_may_read(mine, theirs),
                extra={"open": week.is_open(now)},
            )
        )
    return rows


def focus_weeks(assignment, now=None):
    """The weeks a dashboard shows: the open ones, this week first, else the next to open."""
    now = now or timezone.now()
    weeks = assignment.all_weeks()
    open_weeks = [w for w in weeks if w.is_open(now)]
    if open_weeks:
        return open_weeks[::-1]
    upcoming = [w for w in weeks if w.is_upcoming(now)]
    return upcoming[:1]


def readers_sentence(assignment, client, week_number):
    """Plain words, above the form, about who will read what this client writes."""
    therapist = assignment.therapist
    name = therapist.first_name or therapist.get_full_name() or "your therapist"
    if assignment.couple_id is None:
        return f"Only {name} (your therapist) reads this."
    partner = assignment.partner_of(client).display_name
    if assignment.partner_visibility == assignment.PartnerVisibility.MUTUAL:
        return (
            f"{name} (your therapist) reads this. {partner} will be able to read it once "
            f"you've both submitted week {week_number}, and you'll be able to read theirs."
        )
    return f"Only {name} (your therapist) reads this. {partner} won't see it."


def closing_phrase(week):
    """Until when a week takes answers, in its own time zone, as a person would say it."""
    closes = week.closes_at
    if closes.time() == datetime.time(0, 0):
        return "the end of " + date_format(closes.date() - datetime.timedelta(days=1), "l j F")
    return date_format(closes, "l j F, H:i")
