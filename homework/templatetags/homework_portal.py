from django import template

register = template.Library()


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
