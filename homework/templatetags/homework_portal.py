from django import template
from django.utils import timezone

from ..models import Assignment, Reflection
from ..weeks import focus_weeks, index_reflections, week_rows

register = template.Library()


@register.simple_tag
def homework_dashboard(client):
    """[(assignment, rows)] for the client's current homework; three queries in all."""
    now = timezone.now()
    assignments = list(Assignment.objects.for_client(client).open().with_people())
    # Their own copy and their couple's look the same to them: told apart by practice alone.
    Assignment.label_repeats(assignments, key=lambda a: a.practice_id)
    reflections = index_reflections(
        Reflection.objects.filter(assignment__in=assignments, client=client)
    )
    return [
        (a, week_rows(a, client, reflections, now, weeks=focus_weeks(a, now))) for a in assignments
    ]


STATE_BADGES = {
    "upcoming": "text-bg-light border",
    "not_started": "text-bg-light border",
    "draft": "text-bg-warning",
    "submitted": "text-bg-success",
    "missed": "text-bg-secondary",
}


@register.filter
def state_badge(state):
    return STATE_BADGES.get(state, "text-bg-light border")


@register.filter
def answer_display(value, prompt):
    """An answer as words: 7 of 10, Yes, 3 times; text as it is (escaped by the template)."""
    if value is None or value == "":
        return "No answer"
    kind = prompt["kind"]
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "scale":
        return f"{value} of 10"
    return value
