"""Builders for tests and the benchmark: plain functions, one picture of the data each.

- People: `make_therapist` and `make_client` build them as the admin and an accepted
  invitation do (no staff flag; a therapist is in the Therapists group).
- Homework: `make_practice` (one prompt of each kind), `make_assignment` (from Monday
  2 March 2026, weeks ending on Sunday), answers as stored (`answers_for`), as posted
  (`post_data`) and submitted (`submit`).
- Summaries: six prompts with fixed keys (`PROMPTS`), `make_reflection` with a few lines of
  prose, `make_summary`, and a couple's whole story (`make_couple_story`).

Call them only once Django is set up (`django.setup()` or pytest-django).
"""

import datetime
import uuid

from django.utils import timezone as django_timezone

from blog.models import ArticlePage, BlogIndexPage, HomePage
from clients.groups import ensure_therapists_group
from clients.models import Client, User
from homework.forms import field_name
from homework.models import Assignment, Practice, PracticePrompt, Reflection, SessionSummary

PASSWORD = "a-long-test-password-42"  # noqa: S105 (the test personas' password)
FIRST_MONDAY = datetime.date(2026, 3, 2)


# --- People ------------------------------------------------------------------------------------


def make_therapist(email, **extra):
    """A therapist as Settings → Users makes one: no staff flag, in the Therapists group."""
    user = User.objects.create_user(
        email=email,
        password=PASSWORD,
        first_name=extra.pop("first_name", "Maya"),
        last_name=extra.pop("last_name", "Okafor"),
        **extra,
    )
    user.groups.add(ensure_therapists_group())
    return user


def make_client(therapist, email, full_name="Jordan Lee", timezone="Europe/London", **extra):
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        email=email, password=PASSWORD, first_name=first, last_name=last
    )
    extra.setdefault("accepted_at", django_timezone.now())  # they chose a password
    return Client.objects.create(
        user=user, therapist=therapist, full_name=full_name, timezone=timezone, **extra
    )


# --- Practices and assignments -----------------------------------------------------------------

PROMPT_SPECS = [
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


def make_practice(
    title="Pausing when it heats up",
    *,
    prompts=PROMPT_SPECS,
    instructions="<p>Pause and ask each other.</p>",
    **extra,
):
    practice = Practice.objects.create(title=title, instructions=instructions, **extra)
    for order, spec in enumerate(prompts):
        PracticePrompt.objects.create(practice=practice, sort_order=order, **spec)
    return practice


def make_assignment(practice=None, *, start_date=FIRST_MONDAY, weeks=4, **fields):
    """An assignment whose weeks end on Sunday (from 2 March 2026: week 1 is 2-8 March).

    - `client=`, `couple=` or `recipient=` says for whom; other fields as the model has them.
    - Without a practice: one of its own, and the six summary `PROMPTS` as its copied prompts.
    """
    if practice is None:
        practice = make_practice(
            "The soft start-up", prompts=(), instructions="<p>Begin hard conversations gently.</p>"
        )
        fields.setdefault("prompts", PROMPTS)
    fields.setdefault("week_ends_on", Assignment.Weekday.SUNDAY)
    return Assignment.objects.create(
        practice=practice, start_date=start_date, weeks=weeks, **fields
    )


def answers_for(assignment, count=2, scale=6, yes=True, text="Taking a walk."):
    """Answers as stored, for an assignment of `make_practice`'s prompts."""
    keys = [p["key"] for p in assignment.prompts]
    return {keys[0]: count, keys[1]: scale, keys[2]: yes, keys[3]: text}


def post_data(assignment, *, count="2", scale="6", yes="yes", text="Taking a walk.", **extra):
    """The same answers as the portal's form posts them."""
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
    index = HomePage.objects.get(depth=2).add_child(
        instance=BlogIndexPage(title="Articles", slug="blog")
    )
    article = index.add_child(
        instance=ArticlePage(title=title, slug=slug, date=datetime.date(2026, 3, 1))
    )
    practice.source_article = article
    practice.save()
    return article


# --- Reflections and session summaries ---------------------------------------------------------

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
    extra.setdefault("queued_at", django_timezone.now())
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
