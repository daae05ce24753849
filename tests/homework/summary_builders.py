"""Builders for session-summary tests and the benchmark: a practice, an assignment, reflections."""

import datetime
import uuid

from django.utils import timezone

from homework.models import Assignment, Practice, Reflection, SessionSummary

SAFETY_KEY = str(uuid.UUID(int=1))
WARMTH_KEY = str(uuid.UUID(int=2))
CALM_KEY = str(uuid.UUID(int=3))
TEXT_KEY = str(uuid.UUID(int=4))
PAUSED_KEY = str(uuid.UUID(int=5))
TALKED_KEY = str(uuid.UUID(int=6))

PROMPTS = [
    {
        "key": TEXT_KEY,
        "kind": "text",
        "question": "What happened when you noticed yourself getting flooded?",
        "help_text": "",
        "required": True,
        "scale_low_label": "",
        "scale_high_label": "",
        "flag_at_or_below": None,
    },
    {
        "key": SAFETY_KEY,
        "kind": "scale",
        "question": "How safe did you feel in hard conversations this week?",
        "help_text": "",
        "required": True,
        "scale_low_label": "Not at all",
        "scale_high_label": "Completely",
        "flag_at_or_below": 3,
    },
    {
        "key": WARMTH_KEY,
        "kind": "scale",
        "question": "How warm did the week feel between you?",
        "help_text": "",
        "required": True,
        "scale_low_label": "Cold",
        "scale_high_label": "Warm",
        "flag_at_or_below": None,
    },
    {
        "key": CALM_KEY,
        "kind": "scale",
        "question": "How calm were you after an argument?",
        "help_text": "",
        "required": False,
        "scale_low_label": "Not calm",
        "scale_high_label": "Very calm",
        "flag_at_or_below": 2,
    },
    {
        "key": PAUSED_KEY,
        "kind": "count",
        "question": "How many times did you pause before answering?",
        "help_text": "",
        "required": False,
        "scale_low_label": "",
        "scale_high_label": "",
        "flag_at_or_below": None,
    },
    {
        "key": TALKED_KEY,
        "kind": "yes_no",
        "question": "Did you talk about it afterwards?",
        "help_text": "",
        "required": False,
        "scale_low_label": "",
        "scale_high_label": "",
        "flag_at_or_below": None,
    },
]

SENTENCES = [
    "On Tuesday the dishes started it again, and I felt my chest go tight before I said anything.",
    "I tried the pause we practised and counted my breaths while standing by the window.",
    "It helped a little, though I still raised my voice when the subject of money came up.",
    "Later that evening we sat on the sofa and I explained what had been going on for me.",
    "I noticed that I soften when I am listened to, and harden when I feel corrected.",
    "We agreed to try again on Sunday, when neither of us is tired from work.",
    "I am not sure the practice works every time, but it gave me a moment to choose.",
    "The week ended better than it began, which has not been true for a while.",
]


def make_practice(title="The soft start-up"):
    return Practice.objects.create(
        title=title, instructions="<p>Begin hard conversations gently.</p>"
    )


def make_assignment(*, client=None, couple=None, start_date, weeks=4, practice=None, **extra):
    practice = practice or make_practice()
    owner = client or couple
    return Assignment.objects.create(
        practice=practice,
        therapist=owner.therapist,
        client=client,
        couple=couple,
        start_date=start_date,
        weeks=weeks,
        prompts=extra.pop("prompts", PROMPTS),
        **extra,
    )


def story(words, seed=0):
    """About `words` words of plain prose."""
    out, i = [], seed
    while sum(len(s.split()) for s in out) < words:
        out.append(SENTENCES[i % len(SENTENCES)])
        i += 1
    return " ".join(out)


def make_reflection(assignment, client, week, *, text=None, safety=6, warmth=7, calm=5, **kw):
    answers = {
        TEXT_KEY: text if text is not None else story(40, week),
        SAFETY_KEY: safety,
        WARMTH_KEY: warmth,
        CALM_KEY: calm,
        PAUSED_KEY: kw.pop("paused", 2),
        TALKED_KEY: kw.pop("talked", True),
    }
    closes = assignment.week(week).due_at
    return Reflection.objects.create(
        assignment=assignment,
        client=client,
        week=week,
        answers=answers,
        status=kw.pop("status", Reflection.Status.SUBMITTED),
        submitted_at=kw.pop("submitted_at", closes - datetime.timedelta(days=1)),
        **kw,
    )


def make_summary(*, client=None, couple=None, since, until, **extra):
    owner = client or couple
    extra.setdefault("queued_at", timezone.now())
    return SessionSummary.objects.create(
        therapist=owner.therapist, client=client, couple=couple, since=since, until=until, **extra
    )


def make_couple_story(couple, *, start_date, weeks, words=40):
    """A couple assignment with both partners' reflections for every week."""
    assignment = make_assignment(couple=couple, start_date=start_date, weeks=weeks)
    for n in range(1, weeks + 1):
        for i, person in enumerate(couple.partners):
            make_reflection(
                assignment,
                person,
                n,
                text=story(words, n + i * 3),
                safety=max(1, min(10, 3 + (n + i) % 6)),
                warmth=max(1, min(10, 5 + (n * (i + 1)) % 5)),
                calm=max(1, min(10, 2 + (n + 2 * i) % 7)),
            )
    return assignment
