"""Demo practice, assignments and reflections for seed_demo. Safe to run twice."""

import datetime

from .models import Assignment, Practice, PracticePrompt, Reflection

EMOTIONAL_SAFETY = "Pausing when it heats up"

INSTRUCTIONS = (
    "<p>When a conversation between you starts to heat up (voices rising, faster words, "
    "that tight feeling in your chest), either of you can call a pause.</p>"
    "<ol><li>Say a phrase you have agreed on beforehand, such as “Can we pause?”</li>"
    "<li>Each of you asks the other: “Do you feel safe with me right now?” and listens to "
    "the answer without arguing with it.</li>"
    "<li>Take at least twenty minutes apart doing something calming, then come back and "
    "pick the conversation up, or agree on a time to.</li></ol>"
    "<p>A pause is not a way to win or to end the topic. It is a way to keep talking "
    "without hurting each other.</p>"
)

PROMPTS = [
    {
        "kind": PracticePrompt.Kind.COUNT,
        "question": "How many times did you pause this week?",
        "help_text": "Count the pauses either of you called.",
    },
    {
        "kind": PracticePrompt.Kind.SCALE,
        "question": "How safe did you feel in hard conversations this week?",
        "scale_low_label": "not safe at all",
        "scale_high_label": "completely safe",
        "flag_at_or_below": 3,
    },
    {
        "kind": PracticePrompt.Kind.TEXT,
        "question": "What helped?",
        "help_text": "A moment, a word, anything that made a pause work a little better.",
    },
    {
        "kind": PracticePrompt.Kind.TEXT,
        "question": "What would you like to bring to our next session?",
        "required": False,
    },
]


def seed_practices():
    """Returns the demo practices by short name; the blog embeds them in articles."""
    practice, created = Practice.objects.get_or_create(
        title=EMOTIONAL_SAFETY, defaults={"instructions": INSTRUCTIONS, "default_weeks": 4}
    )
    if created or not practice.prompts.exists():
        for order, spec in enumerate(PROMPTS):
            PracticePrompt.objects.create(practice=practice, sort_order=order, **spec)
    return {"emotional_safety": practice}


# (count, safety, what helped, to bring) per week; the couple's partners, then Jordan.
ALEX_WEEKS = [
    (1, 4, "Sam noticed my voice going up before I did, and said the phrase gently.", ""),
    (
        3,
        6,
        "Going for a walk on my own. I came back calmer than I expected.",
        "Why it is so hard for me to be the one who calls the pause.",
    ),
]
SAM_WEEKS = [
    (
        0,
        3,
        "Honestly not much yet. I wanted to pause and didn't know how to start.",
        "I freeze when Alex gets loud and then I say nothing for hours.",
    ),
    (2, 5, "Asking the question out loud. Hearing 'yes, I do' helped more than I thought.", ""),
]
JORDAN_WEEKS = [
    (2, 5, "Stepping outside for a few minutes before answering my sister.", ""),
    (
        1,
        2,
        "Nothing really. The argument on Sunday went too fast to stop.",
        "The Sunday argument, and why pausing felt impossible.",
    ),
    (3, 6, "Writing down what I wanted to say first. It slowed me down.", ""),
]


def _answers(assignment, count, safety, helped, bring):
    keys = [p["key"] for p in assignment.prompts]
    answers = {keys[0]: count, keys[1]: safety, keys[2]: helped}
    if bring:
        answers[keys[3]] = bring
    return answers


def _assignment(practice, start, weeks_back, partner_visibility=None, **recipient):
    existing = Assignment.objects.filter(practice=practice, **recipient).first()
    if existing is not None:
        return existing
    return Assignment.objects.create(
        practice=practice,
        start_date=start - datetime.timedelta(weeks=weeks_back),
        weeks=weeks_back + 2,
        week_ends_on=(start - datetime.timedelta(days=1)).weekday(),
        note="Let's try this for a few weeks and talk about how it went.",
        partner_visibility=partner_visibility or Assignment.PartnerVisibility.THERAPIST_ONLY,
        **recipient,
    )


def _reflections(assignment, client, weeks):
    for number, (count, safety, helped, bring) in enumerate(weeks, start=1):
        week = assignment.week(number)
        submitted_at = datetime.datetime.combine(
            week.ends_on, datetime.time(20, 30), tzinfo=assignment.zoneinfo
        )
        answers = _answers(assignment, count, safety, helped, bring)
        reflection, created = Reflection.objects.get_or_create(
            assignment=assignment,
            client=client,
            week=number,
            defaults={
                "answers": answers,
                "status": Reflection.Status.SUBMITTED,
                "submitted_at": submitted_at,
                "therapist_notified_at": submitted_at,
            },
        )
        if created:
            reflection.flagged = reflection.compute_flagged()
            reflection.save(update_fields=["flagged"])


def seed(people, practices, blog):
    """Assignments for the couple and for Jordan, a few weeks in, this week still open."""
    practice = practices["emotional_safety"]
    article = (blog or {}).get("practice_article")
    if article is not None and practice.source_article_id != article.pk:
        practice.source_article = article
        practice.save(update_fields=["source_article"])

    # Dates in each client's own time zone, so "this week" is open wherever they are.
    couple_today = people["couple"].partner_a.local_now().date()
    couple_assignment = _assignment(
        practice,
        couple_today,
        len(ALEX_WEEKS),
        couple=people["couple"],
        partner_visibility=Assignment.PartnerVisibility.MUTUAL,
    )
    _reflections(couple_assignment, people["couple"].partner_a, ALEX_WEEKS)
    _reflections(couple_assignment, people["couple"].partner_b, SAM_WEEKS)
    # Both partners submitted these weeks, so each may read the other's, as in the portal.
    for number in range(1, min(len(ALEX_WEEKS), len(SAM_WEEKS)) + 1):
        ends_on = couple_assignment.week(number).ends_on
        submitted_at = datetime.datetime.combine(
            ends_on, datetime.time(20, 30), tzinfo=couple_assignment.zoneinfo
        )
        Reflection.objects.reveal(couple_assignment, number, now=submitted_at)

    jordan_today = people["jordan"].local_now().date()
    jordan_assignment = _assignment(
        practice, jordan_today, len(JORDAN_WEEKS), client=people["jordan"]
    )
    _reflections(jordan_assignment, people["jordan"], JORDAN_WEEKS)
    return {"couple": couple_assignment, "jordan": jordan_assignment}
