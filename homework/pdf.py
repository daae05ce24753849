"""Session-prep PDFs: what goes in the document, and rendering it safely with WeasyPrint.

Rules:
- Client text only ever reaches the HTML through Django's auto-escaping: no `|safe`, no
  user CSS, presentational hints off. It prints as the text it is.
- WeasyPrint fetches through `SafeURLFetcher` only: our own allow-listed static files,
  read from disk. No file://, no http(s), no data:, no redirects, no attachments.
- The PDF's title and author, like the download's file name, carry no client name.
- The document is bounded, so a render always ends well inside the task timeout (see
  `bound_document`): what is cut is said in the document and is whole on the timeline.
"""

import contextlib
import datetime
import functools
import gc
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .charts import scale_chart_svg
from .models import Assignment, PracticePrompt, Reflection, SessionSummary

logger = logging.getLogger(__name__)

# The only scheme the document may fetch, and the only files it may fetch with it.
ASSET_SCHEME = "pdf-asset"
ALLOWED_ASSETS = {"homework/pdf/summary.css": "text/css"}

# The bounds of one document (measured: the worst case renders in seconds, not minutes).
ANSWER_CHARS = 4000  # of one text answer (a page and a bit)
TEXT_BUDGET_CHARS = 120_000  # of all text answers together (about 35 pages)
MAX_ANSWERS = 1500  # answers of every kind; older weeks beyond it are left out
MAX_FLAGGED = 60  # lines in the "flagged for your attention" list
MIN_EXCERPT_CHARS = 200  # fewer words than this out of context help no one: none are shown

__all__ = ["FatalURLFetchingError", "RenderedPdf", "SafeURLFetcher", "render_summary"]


def asset_url(path):
    return f"{ASSET_SCHEME}:{path}"


class FetchRefused(ValueError):
    """A URL outside the allow-list. The message never repeats the URL."""


@functools.cache
def _read_asset(path):
    found = finders.find(path)
    if not found:
        raise FetchRefused("An allowed asset is missing from the static files.")
    return Path(found).read_bytes()


class SafeURLFetcher(URLFetcher):
    """Serves the allow-listed static assets and refuses every other URL.

    - `strict` (the default): a refused URL stops the render with WeasyPrint's
      `FatalURLFetchingError`. Our template fetches nothing else, so a refusal means
      markup got in that should not have.
    - `refused` and `served` record what was asked for, for tests and logs.
    """

    def __init__(self, *, strict=True):
        super().__init__(
            timeout=1, allowed_protocols=[ASSET_SCHEME], allow_redirects=False,
            fail_on_errors=strict,
        )  # fmt: skip
        self.refused = []
        self.served = []

    def fetch(self, url, headers=None):
        scheme, _, path = url.partition(":")
        if scheme.lower() != ASSET_SCHEME or path not in ALLOWED_ASSETS:
            self.refused.append(url)
            logger.warning("Session summary: refused to fetch a %s: URL.", scheme[:20].lower())
            raise FetchRefused("Only the document's own style sheet may be loaded.")
        self.served.append(path)
        return URLFetcherResponse(
            url, _read_asset(path), headers={"Content-Type": ALLOWED_ASSETS[path]}
        )

    def open(self, *args, **kwargs):
        # urllib's machinery (redirect handlers, file and ftp openers) is never reached.
        raise FetchRefused("Only the document's own style sheet may be loaded.")


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()


@contextlib.contextmanager
def _collector_paused():
    """Run a render without Python's cyclic garbage collector, then sweep what it left.

    - A render allocates tens of thousands of boxes and styles that all live until the
      end: the collector would walk them, and the whole process, again and again for
      nothing (about 15% of a summary's time).
    - After the render, one young-generation pass frees any cycles it left, so the next
      piece of work does not pay for them; peak memory is unchanged (measured).
    - Re-entrant: only the call that paused the collector turns it back on.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            gc.collect(0)


def render_html(html, *, fetcher=None):
    """Lay out `html` and return the PDF. Raises FatalURLFetchingError on a refused fetch."""
    fetcher = fetcher if fetcher is not None else SafeURLFetcher()
    with _collector_paused():
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(
            presentational_hints=False
        )
        # Tagged: screen readers and reflowing tablet readers follow headings and tables.
        rendered = RenderedPdf(document.write_pdf(pdf_tags=True), len(document.pages))
        del document
    return rendered


# --- What the document says -------------------------------------------------------------------


@dataclass
class Answer:
    question: str
    kind: str
    value: object
    flagged: bool = False
    scale_low_label: str = ""
    scale_high_label: str = ""
    # A couple's answer rewritten after the partner could read it: the answer as first shared.
    first_shared: "Answer | None" = None
    # A text answer shortened to its first `shown_chars` characters (None: whole).
    shown_chars: int | None = None

    @property
    def is_blank(self):
        return self.value in (None, "", [])

    @property
    def display(self):
        if self.is_blank:
            return ""
        if self.kind == PracticePrompt.Kind.YES_NO:
            return "Yes" if self.value in (True, "yes", "true", 1) else "No"
        if self.kind == PracticePrompt.Kind.SCALE:
            return f"{self.value} of 10"
        text = str(self.value)
        if self.shown_chars is None or self.shown_chars >= len(text):
            return text
        return text[: self.shown_chars].rstrip()

    @property
    def more_chars(self):
        """Characters of the answer this document leaves out."""
        if self.is_blank or self.shown_chars is None:
            return 0
        return len(str(self.value)) - len(self.display)

    @property
    def more_chars_display(self):
        return f"{self.more_chars:,}"

    def shorten(self, limit):
        """Show at most `limit` characters, cut at a space when one is near the end."""
        text = str(self.value)
        if len(text) <= limit:
            return
        cut = text[:limit]
        space = cut.rfind(" ", limit - 80 if limit > 80 else 0)
        self.shown_chars = space if space > 0 else limit


@dataclass
class Entry:
    """One person's week: their submitted answers, or why there are none."""

    person: object
    state: str  # submitted, missed, open
    answers: list = field(default_factory=list)
    submitted_at: datetime.datetime | None = None

    @property
    def flagged(self):
        return [a for a in self.answers if a.flagged]


@dataclass
class WeekBlock:
    assignment: Assignment
    week: object
    entries: list

    @property
    def rows(self):
        """Per prompt, the answers of each person, so partners line up side by side."""
        submitted = [e for e in self.entries if e.state == "submitted"]
        if not submitted:
            return []
        count = len(submitted[0].answers)
        return [
            {
                "question": submitted[0].answers[i].question,
                "cells": [
                    (e, e.answers[i] if e.state == "submitted" else None) for e in self.entries
                ],
            }
            for i in range(count)
        ]


@dataclass
class PersonStat:
    person: object
    first: int | None
    last: int | None
    average: float | None
    count: int


@dataclass
class ScaleSummary:
    assignment: Assignment
    question: str
    stats: list
    chart: str
    flag_at_or_below: int | None


@dataclass
class PersonTally:
    person: object
    assigned: int = 0
    submitted: int = 0
    missed: int = 0
    open: int = 0


@dataclass
class SummaryDocument:
    summary: SessionSummary
    people: list
    assignments: list
    weeks: list
    scales: list
    tallies: list
    flagged: list
    generated_at: datetime.datetime
    weeks_left_out: int = 0  # the oldest, beyond MAX_ANSWERS
    shortened: int = 0  # text answers shown in part (or not at all)
    flagged_left_out: int = 0

    @property
    def practice_titles(self):
        return list(dict.fromkeys(a.practice.title for a in self.assignments))

    @property
    def is_couple(self):
        return len(self.people) > 1


def _weeks_in_range(assignment, since, until):
    return [w for w in assignment.all_weeks() if w.ends_on >= since and w.starts_on <= until]


def build_document(summary, *, now=None):
    """Everything the template needs, read in a fixed number of queries."""
    now = now or timezone.now()
    people = summary.people
    assignments = [
        a
        for a in Assignment.objects.for_recipient(summary.recipient)
        .filter(start_date__lte=summary.until)
        .select_related("practice")
        .order_by("start_date", "pk")
        if a.status != Assignment.Status.CANCELLED or a.reflections.exists()
    ]
    for assignment in assignments:
        # Saves a query per assignment: week arithmetic reads the client's time zone.
        assignment.recipient = summary.recipient

    weeks_by_assignment = {
        a.pk: _weeks_in_range(a, summary.since, summary.until) for a in assignments
    }
    assignments = Assignment.label_repeats([a for a in assignments if weeks_by_assignment[a.pk]])
    reflections = Reflection.objects.filter(
        assignment__in=assignments, status=Reflection.Status.SUBMITTED
    )
    by_key = {(r.assignment_id, r.week, r.client_id): r for r in reflections}

    tallies = {p.pk: PersonTally(p) for p in people}
    weeks, scales, flagged = [], [], []
    for assignment in assignments:
        week_list = weeks_by_assignment[assignment.pk]
        scale_values = {}  # prompt key -> person pk -> {week: value}
        for week in week_list:
            entries = []
            for person in people:
                tally = tallies[person.pk]
                tally.assigned += 1
                reflection = by_key.get((assignment.pk, week.number, person.pk))
                if reflection is None:
                    state = "missed" if week.is_closed(now) else "open"
                    setattr(tally, state, getattr(tally, state) + 1)
                    entries.append(Entry(person, state))
                    continue
                tally.submitted += 1
                reflection.assignment = assignment
                flagged_keys = set(reflection.flagged_keys())
                shared = reflection.revealed_answers if reflection.changed_since_reveal else {}
                answers = []
                for prompt in assignment.prompts:
                    value = reflection.answers.get(prompt["key"])
                    first = shared.get(prompt["key"], value) if shared else value
                    answer = Answer(
                        question=prompt["question"],
                        kind=prompt["kind"],
                        value=value,
                        flagged=prompt["key"] in flagged_keys,
                        scale_low_label=prompt.get("scale_low_label") or "",
                        scale_high_label=prompt.get("scale_high_label") or "",
                        first_shared=(
                            Answer(prompt["question"], prompt["kind"], first)
                            if first != value
                            else None
                        ),
                    )
                    answers.append(answer)
                    if answer.flagged:
                        flagged.append((week, person, answer))
                    if prompt["kind"] == PracticePrompt.Kind.SCALE and isinstance(value, int):
                        scale_values.setdefault(prompt["key"], {}).setdefault(person.pk, {})[
                            week.number
                        ] = value
                entries.append(Entry(person, "submitted", answers, reflection.submitted_at))
            weeks.append(WeekBlock(assignment, week, entries))

        numbers = [w.number for w in week_list]
        for prompt in assignment.prompts:
            if prompt["kind"] != PracticePrompt.Kind.SCALE:
                continue
            values = scale_values.get(prompt["key"], {})
            stats = []
            for person in people:
                series = [values.get(person.pk, {}).get(n) for n in numbers]
                series = [v for v in series if v is not None]
                stats.append(
                    PersonStat(
                        person,
                        first=series[0] if series else None,
                        last=series[-1] if series else None,
                        average=round(sum(series) / len(series), 1) if series else None,
                        count=len(series),
                    )
                )
            chart = scale_chart_svg(
                prompt["question"],
                numbers,
                {p.display_name: values.get(p.pk, {}) for p in people},
                width=560,
                height=147 if len(people) == 1 else 167,
                show_title=False,  # the template prints the question as the chart's heading
            )
            scales.append(
                ScaleSummary(
                    assignment, prompt["question"], stats, chart, prompt.get("flag_at_or_below")
                )
            )

    return bound_document(
        SummaryDocument(
            summary=summary,
            people=people,
            assignments=assignments,
            weeks=weeks,
            scales=scales,
            tallies=list(tallies.values()),
            flagged=flagged,
            generated_at=now,
        )
    )


def bound_document(doc):
    """Cut the document to a size that always renders in a few seconds.

    - Week blocks are kept newest first while their answers number at most `MAX_ANSWERS`;
      older ones are left out (the tallies, ratings and charts still cover every week).
    - Text answers, newest first, show at most `ANSWER_CHARS` characters each and
      `TEXT_BUDGET_CHARS` together; an answer past the budget shows none of its words.
      Each says how many characters it leaves out.
    - The flagged list keeps its last `MAX_FLAGGED` lines.
    """
    newest_first = sorted(doc.weeks, key=lambda block: block.week.ends_on, reverse=True)
    kept, answers = set(), 0
    for block in newest_first:
        answers += sum(len(entry.answers) or 1 for entry in block.entries)
        if answers > MAX_ANSWERS and kept:
            break
        kept.add(id(block))
    doc.weeks_left_out = len(doc.weeks) - len(kept)
    doc.weeks = [block for block in doc.weeks if id(block) in kept]

    budget = TEXT_BUDGET_CHARS
    for block in newest_first:
        if id(block) not in kept:
            continue
        for entry in block.entries:
            for answer in entry.answers:
                if answer.kind != PracticePrompt.Kind.TEXT or answer.is_blank:
                    continue
                limit = min(ANSWER_CHARS, budget)
                answer.shorten(limit if limit >= MIN_EXCERPT_CHARS else 0)
                budget -= len(answer.display)
                doc.shortened += bool(answer.more_chars)
                first = answer.first_shared  # a couple's answer as first shared
                if first is not None and not first.is_blank:
                    limit = min(ANSWER_CHARS, budget)
                    first.shorten(limit if limit >= MIN_EXCERPT_CHARS else 0)
                    budget -= len(first.display)
                    doc.shortened += bool(first.more_chars)

    doc.flagged_left_out = max(0, len(doc.flagged) - MAX_FLAGGED)
    doc.flagged = doc.flagged[doc.flagged_left_out :]
    return doc


def summary_html(summary, *, now=None):
    document = build_document(summary, now=now)
    return render_to_string(
        "homework/pdf/summary.html",
        {
            "doc": document,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "stylesheet_url": asset_url("homework/pdf/summary.css"),
        },
    )


def render_summary(summary, *, now=None, fetcher=None):
    """The summary's PDF. Raises FatalURLFetchingError (not an Exception) on a refused fetch."""
    return render_html(summary_html(summary, now=now), fetcher=fetcher)


# --- Storing the file ---------------------------------------------------------------------------


def store(summary, rendered):
    """Put the finished PDF in the private storage; return its name.

    On local disk it is written to a temporary file in the same folder and renamed into
    place, so a reader never sees half a file. Other storages receive the finished bytes
    in one call (an object store's upload is all or nothing).
    """
    storage = summary.file.storage
    name = f"summaries/{summary.uuid}.pdf"
    try:
        final = storage.path(name)
    except NotImplementedError:
        if storage.exists(name):
            storage.delete(name)
        return storage.save(name, ContentFile(rendered.content))
    folder = os.path.dirname(final)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".partial-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(rendered.content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return name
