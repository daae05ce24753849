import base64
import datetime
import json
import logging
import uuid
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from clients.models import TherapistOwnedQuerySet

from .recipients import ForOneRecipient, RecipientQuerySet

# A practice asks at most this many questions: it sizes DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_PROMPTS = 10

logger = logging.getLogger(__name__)


class Practice(index.Indexed, ClusterableModel):
    """A reusable exercise from an article, with the prompts a client reflects on."""

    title = models.CharField(max_length=200)
    instructions = RichTextField(features=["bold", "italic", "ol", "ul", "link"])
    source_article = models.ForeignKey(
        "blog.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        help_text="The article this practice comes from; clients get a link to reread it.",
    )
    default_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Suggested number of weeks when assigning it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("instructions"),
        FieldPanel("source_article"),
        FieldPanel("default_weeks"),
        MultiFieldPanel(
            [InlinePanel("prompts", min_num=1, max_num=MAX_PROMPTS, label="Prompt")],
            heading="Reflection prompts",
        ),
    ]

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


# Free-text answers: the default limit per prompt, and the most a therapist may allow.
DEFAULT_ANSWER_LENGTH = 5000
MAX_ANSWER_LENGTH = 20000


class PracticePrompt(Orderable):
    """One question a client answers each week."""

    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        SCALE = "scale", "Scale from 1 to 10"
        YES_NO = "yes_no", "Yes or no"
        COUNT = "count", "A count"

    practice = ParentalKey(Practice, on_delete=models.CASCADE, related_name="prompts")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    question = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=True)
    scale_low_label = models.CharField(
        max_length=60, blank=True, help_text="Scale only: what 1 means."
    )
    scale_high_label = models.CharField(
        max_length=60, blank=True, help_text="Scale only: what 10 means."
    )
    flag_at_or_below = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Scale only: flag an answer at or below this number for your attention.",
    )
    max_length = models.PositiveIntegerField(
        "longest answer (characters)",
        default=DEFAULT_ANSWER_LENGTH,
        validators=[MinValueValidator(20), MaxValueValidator(MAX_ANSWER_LENGTH)],
        help_text="Free text only. About 250 characters make a short paragraph.",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("question"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("scale_low_label"),
        FieldPanel("scale_high_label"),
        FieldPanel("flag_at_or_below"),
        FieldPanel("max_length"),
    ]

    def __str__(self):
        return self.question

    def snapshot(self):
        """The prompt as a plain dict, copied into an assignment when it is made."""
        return {
            "key": str(self.key),
            "kind": self.kind,
            "question": self.question,
            "help_text": self.help_text,
            "required": self.required,
            "scale_low_label": self.scale_low_label,
            "scale_high_label": self.scale_high_label,
            "flag_at_or_below": self.flag_at_or_below,
            "max_length": self.max_length,
        }


@dataclass(frozen=True)
class Week:
    """One numbered week of an assignment, in the client's time zone.

    - `starts_on`..`ends_on` are local calendar dates, both included.
    - It opens at local midnight on `starts_on` and closes `HOMEWORK_GRACE_HOURS` after
      local midnight at the end of `ends_on`.
    """

    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    opens_at: datetime.datetime
    closes_at: datetime.datetime

    @property
    def due_at(self):
        """The end of the week's last day (before the grace period)."""
        return self.closes_at - datetime.timedelta(hours=settings.HOMEWORK_GRACE_HOURS)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at

    def is_upcoming(self, now=None):
        return (now or timezone.now()) < self.opens_at


def _local_midnight(day, tz):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


class WeekState(models.TextChoices):
    """What one client's week looks like, for the portal, the timeline and adherence."""

    UPCOMING = "upcoming", "Not open yet"
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MISSED = "missed", "Missed"


def week_state(week, reflection, now=None):
    """Submitted wins; otherwise the clock decides (a closed week without one is missed)."""
    now = now or timezone.now()
    if reflection is not None and reflection.status == Reflection.Status.SUBMITTED:
        return WeekState.SUBMITTED
    if week.is_upcoming(now):
        return WeekState.UPCOMING
    if week.is_closed(now):
        return WeekState.MISSED
    return WeekState.DRAFT if reflection is not None else WeekState.NOT_STARTED


class AssignmentQuerySet(RecipientQuerySet):
    def active(self):
        return self.filter(status=Assignment.Status.ACTIVE)

    def open(self):
        """Active or paused: still on the client's page."""
        return self.filter(status__in=[Assignment.Status.ACTIVE, Assignment.Status.PAUSED])

    def overlapping(self, assignment):
        """Open assignments that would duplicate `assignment` (which may be unsaved).

        - The same practice, active or paused.
        - The same people: the same client or couple, a couple one of whose partners is the
          client, or either partner of the couple alone. Each of them would otherwise see
          two identical cards.
        - Weeks that meet: each starts on or before the day the other ends.
        """
        people = [person.pk for person in assignment.people]
        candidates = (
            self.open()
            .filter(practice_id=assignment.practice_id, start_date__lte=assignment.ends_on)
            .for_any_of(people)
            .select_related("client", "couple__partner_a")
        )
        if assignment.pk is not None:
            candidates = candidates.exclude(pk=assignment.pk)
        # Where a week ends depends on the weekday; that arithmetic lives in Python.
        return self.filter(pk__in=[a.pk for a in candidates if a.ends_on >= assignment.start_date])

    def with_people(self):
        return super().with_people().select_related("practice", "practice__source_article")


class Assignment(ForOneRecipient):
    """A practice given to one client or one couple, weekly, for a number of weeks.

    - `prompts` is a copy of the practice's prompts when assigned; later edits to the
      practice never change what old answers meant.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    class PartnerVisibility(models.TextChoices):
        THERAPIST_ONLY = "therapist_only", "Only the therapist reads each partner's reflection"
        MUTUAL = "mutual", "Partners read each other's once both have submitted that week"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(default=4)
    week_ends_on = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.SUNDAY)
    note = models.TextField(blank=True, max_length=2000, help_text="Shown to the client.")
    partner_visibility = models.CharField(
        max_length=20, choices=PartnerVisibility.choices, default=PartnerVisibility.THERAPIST_ONLY
    )
    prompts = models.JSONField(default=list, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    # action -> (statuses it applies to, status it leads to)
    TRANSITIONS = {
        "pause": ((Status.ACTIVE,), Status.PAUSED),
        # Also from finished or cancelled, so that a mistaken click is never final.
        "resume": ((Status.PAUSED, Status.FINISHED, Status.CANCELLED), Status.ACTIVE),
        "finish": ((Status.ACTIVE, Status.PAUSED), Status.FINISHED),
        "cancel": ((Status.ACTIVE, Status.PAUSED), Status.CANCELLED),
    }

    class Meta(ForOneRecipient.Meta):
        ordering = ["-start_date", "-created_at"]
        default_related_name = "assignments"
        constraints = [
            *ForOneRecipient.Meta.constraints,
            models.CheckConstraint(condition=models.Q(weeks__gte=1), name="assignment_weeks_min"),
        ]

    def __str__(self):
        return f"{self.practice} for {self.recipient}"

    def save(self, *args, **kwargs):
        """On creation the prompts are copied from the practice, once and for good."""
        if self._state.adding and not self.prompts:
            self.prompts = [prompt.snapshot() for prompt in self.practice.prompts.all()]
        super().save(*args, **kwargs)

    @property
    def span_label(self):
        """ "from 2 March 2026 for 4 weeks": how two copies of one practice differ."""
        return _("from %(start)s for %(weeks)s weeks") % {
            "start": date_format(self.start_date, "j F Y"),
            "weeks": self.weeks,
        }

    @classmethod
    def label_repeats(cls, assignments, key=None):
        """Set `repeat_label` on each assignment; return the list.

        - Empty for an assignment whose practice is given to those people only once in
          the list (`key`: practice and recipient by default).
        - Otherwise its dates; and where the dates are the same too, "1 of 2", "2 of 2"
          in the order the copies were made.
        """
        key = key or (lambda a: (a.practice_id, a.recipient_key))
        groups = {}
        for assignment in assignments:
            groups.setdefault(key(assignment), []).append(assignment)
        for group in groups.values():
            group.sort(key=lambda a: (a.created_at, a.pk))
            spans = [a.span_label for a in group]
            for number, (assignment, span) in enumerate(zip(group, spans, strict=True), 1):
                if len(group) == 1:
                    assignment.repeat_label = ""
                elif spans.count(span) > 1:
                    assignment.repeat_label = _("%(span)s, %(number)s of %(count)s") % {
                        "span": span,
                        "number": number,
                        "count": len(group),
                    }
                else:
                    assignment.repeat_label = span
        return assignments

    @property
    def is_writable(self):
        """Clients write only while the assignment is active (paused stops writing too)."""
        return self.status == self.Status.ACTIVE

    @property
    def prompts_fingerprint(self):
        """Changes whenever the prompt list does; a form posted for another list is caught."""
        return ",".join(prompt["key"][:8] for prompt in self.prompts)

    def allowed_actions(self):
        return [a for a, (sources, _) in self.TRANSITIONS.items() if self.status in sources]

    def change_status(self, action):
        """Apply pause/resume/finish/cancel; False if it no longer applies (a second click)."""
        sources, target = self.TRANSITIONS[action]
        changed = Assignment.objects.filter(pk=self.pk, status__in=sources).update(
            status=target, updated_at=timezone.now()
        )
        if changed:
            self.status = target
        return bool(changed)

    def partner_of(self, client):
        return self.couple.partner_of(client) if self.couple_id else None

    def partner_may_read(self, reflection, partner_reflection):
        """Mutual reveal: a partner's reflection shows only once both have submitted."""
        return (
            self.partner_visibility == self.PartnerVisibility.MUTUAL
            and reflection is not None
            and partner_reflection is not None
            and reflection.status == Reflection.Status.SUBMITTED
            and partner_reflection.status == Reflection.Status.SUBMITTED
        )

    # --- Weeks ---------------------------------------------------------------------------

    @property
    def first_week_ends_on(self):
        """The first `week_ends_on` weekday at least six days after the start.

        So the first week is never shorter than seven days.
        """
        earliest = self.start_date + datetime.timedelta(days=6)
        return earliest + datetime.timedelta(days=(self.week_ends_on - earliest.weekday()) % 7)

    def week(self, number):
        if not 1 <= number <= self.weeks:
            raise ValueError(f"Week {number} is outside 1..{self.weeks}.")
        tz = self.zoneinfo
        ends_on = self.first_week_ends_on + datetime.timedelta(weeks=number - 1)
        starts_on = self.start_date if number == 1 else ends_on - datetime.timedelta(days=6)
        grace = datetime.timedelta(hours=settings.HOMEWORK_GRACE_HOURS)
        return Week(
            number=number,
            starts_on=starts_on,
            ends_on=ends_on,
            opens_at=_local_midnight(starts_on, tz),
            closes_at=_local_midnight(ends_on + datetime.timedelta(days=1), tz) + grace,
        )

    def all_weeks(self):
        return [self.week(n) for n in range(1, self.weeks + 1)]

    @property
    def ends_on(self):
        return self.week(self.weeks).ends_on

    def week_on(self, day):
        """The week containing the local date `day`, or None outside the assignment."""
        if day < self.start_date or day > self.ends_on:
            return None
        if day <= self.first_week_ends_on:
            return self.week(1)
        return self.week(
            1 + (day - self.first_week_ends_on - datetime.timedelta(days=1)).days // 7 + 1
        )

    def current_week(self, now=None):
        """The week whose dates hold today in the client's time zone, or None."""
        now = now or timezone.now()
        return self.week_on(now.astimezone(self.zoneinfo).date())

    def open_weeks(self, now=None):
        """Weeks that accept a reflection now (this week, and last week in its grace period)."""
        now = now or timezone.now()
        return [w for w in self.all_weeks() if w.is_open(now)]


class ReflectionQuerySet(TherapistOwnedQuerySet):
    owner_paths = ("assignment__client__therapist", "assignment__couple__therapist")

    def submitted(self):
        return self.filter(status=Reflection.Status.SUBMITTED)

    def unseen(self):
        """Submitted reflections the therapist has not opened since they arrived or changed."""
        return self.submitted().filter(therapist_seen_at__isnull=True)

    def save_answers(self, *, assignment, client, week, answers, version, submit, now=None):
        """Save one client's answers for a week; the only way reflections are written.

        - A save naming an older `version` than the stored one is a conflict and changes
          nothing, unless it carries exactly the stored answers (a retry after a lost
          response, a double click, a resubmit after the back button): that is a success.
        - Submitting is a one-way step from draft; `first_submission` is True exactly once,
          so the therapist is notified once.
        - Editing a submitted reflection keeps it submitted and shows it to the therapist
          as new again.
        """
        now = now or timezone.now()
        self.reveal(assignment, week, now)  # what the partner could read, before any edit
        flagged = Reflection(assignment=assignment, answers=answers).compute_flagged()
        status = Reflection.Status.SUBMITTED if submit else Reflection.Status.DRAFT
        try:
            with transaction.atomic():
                reflection = self.create(
                    assignment=assignment,
                    client=client,
                    week=week,
                    answers=answers,
                    status=status,
                    flagged=flagged,
                    submitted_at=now if submit else None,
                )
            if submit:
                self.reveal(assignment, week, now)
            return SaveOutcome(reflection, SaveOutcome.SAVED, first_submission=submit)
        except IntegrityError:
            pass  # it exists already (or another request just made it)

        reflection = self.get(assignment=assignment, client=client, week=week)
        outcome = SaveOutcome.UNCHANGED
        if reflection.answers != answers:
            updated = self.filter(pk=reflection.pk, version=version).update(
                answers=answers,
                flagged=flagged,
                version=models.F("version") + 1,
                updated_at=now,
                therapist_seen_at=None,
            )
            if not updated:
                reflection.refresh_from_db()
                return SaveOutcome(reflection, SaveOutcome.CONFLICT)
            outcome = SaveOutcome.SAVED
        first_submission = False
        if submit:
            first_submission = bool(
                self.filter(pk=reflection.pk, status=Reflection.Status.DRAFT).update(
                    status=Reflection.Status.SUBMITTED, submitted_at=now, updated_at=now
                )
            )
            if first_submission:
                self.reveal(assignment, week, now)
        reflection.refresh_from_db()
        return SaveOutcome(reflection, outcome, first_submission=first_submission)

    def reveal(self, assignment, week, now=None):
        """Keep what each partner could first read of the other, once both have submitted.

        - Only for a couple's mutual assignment; set once, so a later edit shows as a change.
        """
        if assignment.partner_visibility != Assignment.PartnerVisibility.MUTUAL:
            return
        if assignment.couple_id is None:
            return
        this_week = self.filter(assignment=assignment, week=week).submitted()
        if this_week.count() < 2:
            return
        this_week.filter(revealed_at__isnull=True).update(
            revealed_answers=models.F("answers"), revealed_at=now or timezone.now()
        )


@dataclass
class SaveOutcome:
    SAVED = "saved"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"

    reflection: "Reflection"
    result: str
    first_submission: bool = False

    @property
    def is_conflict(self):
        return self.result == self.CONFLICT


class Reflection(models.Model):
    """One client's answers for one week of one assignment; a draft until submitted.

    - The therapist reads submitted reflections only; a draft is the client's own.
    - `answers` maps a prompt key to a string, an int or a bool; unanswered keys are absent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reflections")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="reflections"
    )
    week = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bumped on every save; a save that names an older version is refused (two tabs).
    version = models.PositiveIntegerField(default=1)
    flagged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the therapist last opened it (None: new, or changed since); when told by e-mail.
    therapist_seen_at = models.DateTimeField(null=True, blank=True)
    therapist_notified_at = models.DateTimeField(null=True, blank=True)
    # A couple's mutual reveal: the answers as the partner could first read them, and when.
    revealed_answers = models.JSONField(null=True, blank=True, editable=False)
    revealed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["assignment", "week", "client"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "client", "week"], name="one_reflection_per_week"
            )
        ]

    def __str__(self):
        return f"Week {self.week} of {self.assignment}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    @property
    def changed_since_reveal(self):
        """Rewritten after the partner could read it: readers see both versions."""
        return self.revealed_at is not None and self.revealed_answers != self.answers

    def revealed_answered(self):
        """(prompt, answer) pairs as the partner could first read them."""
        revealed = self.revealed_answers or {}
        return [(prompt, revealed.get(prompt["key"])) for prompt in self.assignment.prompts]

    def compute_flagged(self):
        return bool(self.flagged_keys())

    def answered(self):
        """(prompt, answer) pairs in the assignment's prompt order, for reading."""
        return [(prompt, self.answers.get(prompt["key"])) for prompt in self.assignment.prompts]

    def flagged_keys(self):
        """Keys of scale prompts answered at or below the prompt's flag threshold."""
        keys = []
        for prompt in self.assignment.prompts:
            threshold = prompt.get("flag_at_or_below")
            value = self.answers.get(prompt["key"])
            is_scale = prompt["kind"] == "scale" and isinstance(value, int)
            if is_scale and threshold is not None and value <= threshold:
                keys.append(prompt["key"])
        return keys


# --- Answers kept when a post could not be saved (signed out, stale CSRF token) ---------------

KEPT_SALT = "homework.kept-answers"
# How long after a form was opened its post may still be kept: a page is left open overnight
# or over a weekend, long after its session (and KEPT_ANSWERS_HOURS) ended.
KEPT_FORM_DAYS = 7


def _kept_fernet():
    """A key per secret, derived from SECRET_KEY (and its fallbacks, so rotation reads old rows)."""
    keys = [
        Fernet(
            base64.urlsafe_b64encode(
                salted_hmac(KEPT_SALT, "fernet", secret=secret, algorithm="sha256").digest()
            )
        )
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]
    return MultiFernet(keys)


def kept_fields(data):
    """The posted values worth keeping: the answers and the page's version and fingerprint."""
    return {
        name: value
        for name, value in data.items()
        if name.startswith("q_") or name in ("version", "fingerprint")
    }


class KeptAnswersQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def keep(self, *, client, assignment, week, data, now=None):
        """Keep one post's answers for `KEPT_ANSWERS_HOURS`; a newer post replaces an older."""
        now = now or timezone.now()
        self.expired(now).delete()  # pruned as new ones come, and hourly (homework.tasks)
        sealed = _kept_fernet().encrypt(json.dumps(kept_fields(data)).encode()).decode()
        kept, _ = self.update_or_create(
            client=client,
            assignment=assignment,
            week=week,
            defaults={
                "sealed": sealed,
                "expires_at": now + datetime.timedelta(hours=settings.KEPT_ANSWERS_HOURS),
            },
        )
        return kept

    def keep_posted(self, data, *, assignment_uuid, week, profiles=None, now=None):
        """Keep a post for the client its signed token names; None if the token does not fit.

        - The token comes from the form (see `KeptAnswers.token_for`); it names the client,
          the assignment and the week, and lasts `KEPT_FORM_DAYS`.
        - `profiles`: the signed-in person's client profiles (one per therapist), one of
          which must be the one the token names.
        """
        from clients.models import Client

        try:
            client_uuid, token_assignment, token_week = signing.loads(
                data.get("keep", ""),
                salt=KEPT_SALT,
                max_age=datetime.timedelta(days=KEPT_FORM_DAYS),
            )
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if token_assignment != str(assignment_uuid) or token_week != week:
            return None
        if profiles is not None:
            owner = next((p for p in profiles if str(p.uuid) == client_uuid), None)
            if owner is None:
                return None
        else:
            owner = Client.objects.filter(uuid=client_uuid, user__is_active=True).first()
        assignment = (
            Assignment.objects.for_client(owner).filter(uuid=assignment_uuid).first()
            if owner
            else None
        )
        if assignment is None or not 1 <= week <= assignment.weeks:
            return None
        return self.keep(client=owner, assignment=assignment, week=week, data=data, now=now)

    def take(self, *, client, assignment, week, now=None):
        """The kept answers (a dict of form values) for this client's week, removed; or None."""
        kept = self.live(now).filter(client=client, assignment=assignment, week=week).first()
        if kept is None or not self.filter(pk=kept.pk).delete()[0]:
            return None
        return kept.data


class KeptAnswers(models.Model):
    """Answers posted when they could not be saved, kept a few hours for their writer only.

    - Made when a plain post arrives signed out or with a stale CSRF token; put back in the
      form when that client opens the week again, then deleted. Never a saved reflection.
    - Encrypted at rest (Fernet, a key derived from SECRET_KEY); expired rows are pruned.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()
    sealed = models.TextField()
    created_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    objects = KeptAnswersQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "kept answers"
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "client", "week"], name="one_kept_answers_per_week"
            )
        ]

    def __str__(self):
        return f"Answers kept for week {self.week}"

    @property
    def data(self):
        try:
            return json.loads(_kept_fernet().decrypt(self.sealed.encode()))
        except InvalidToken:  # the secret key changed past its fallbacks
            return {}

    @staticmethod
    def token_for(client, assignment, week):
        """Rendered in the form, so a post that arrives signed out can still be kept."""
        return signing.dumps([str(client.uuid), str(assignment.uuid), week], salt=KEPT_SALT)

    @staticmethod
    def writer_named_by(token):
        """The uuid (text) of the client whose page carried `token`, or None if unreadable."""
        try:
            return str(signing.loads(token, salt=KEPT_SALT)[0])
        except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError):
            return None


class ReminderLog(models.Model):
    """One row per reminder sent; the unique constraint makes a second send impossible."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "client", "week"], name="one_reminder_per_week"
            )
        ]

    def __str__(self):
        return f"Reminder for week {self.week}"


class TherapistPreference(models.Model):
    """How a therapist hears about new reflections (never with their content)."""

    class Notify(models.TextChoices):
        DIGEST = "digest", "One e-mail a day when there are new reflections"
        IMMEDIATE = "immediate", "An e-mail as each reflection arrives"
        NEVER = "never", "No e-mails: I look in the admin"

    therapist = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="homework_preference"
    )
    notify = models.CharField(
        "tell me about new reflections",
        max_length=10,
        choices=Notify.choices,
        default=Notify.DIGEST,
    )
    # The local date of the last digest; claimed with a conditional update (one a day).
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"Homework e-mails for {self.therapist}"

    @classmethod
    def for_user(cls, user):
        return cls.objects.get_or_create(therapist=user)[0]


def private_storage():
    """Session summaries never go to the public media storage."""
    return storages["private"]


def summary_upload_to(instance, filename):
    return f"summaries/{instance.uuid}.pdf"


class SessionSummaryQuerySet(RecipientQuerySet):
    def in_progress(self):
        return self.filter(status__in=[self.model.Status.QUEUED, self.model.Status.RENDERING])

    def requested_by(self, user):
        """Asked for by this user (the limits are per therapist, the owner included)."""
        return self.filter(therapist=user)

    def requested_since(self, when):
        return self.filter(requested_at__gte=when)


class SummaryLimitReached(Exception):
    """A new summary is refused for now; `message` says why, kindly, for the therapist."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SessionSummary(ForOneRecipient):
    """A session-prep PDF for one client or couple over a date range, rendered in the background.

    - `since`..`until` are dates, both included; `therapist` is who asked for it.
    - queued -> rendering -> ready or failed; a ready file is deleted after
      `SUMMARY_RETENTION_DAYS` and the row becomes expired (kept, so the list stays honest).
    - The file lives in the private storage, which has no URL: only the download view,
      which checks ownership and writes an audit event, ever reads it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Deleted after the retention period"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    since = models.DateField()
    until = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(
        storage=private_storage,
        upload_to=summary_upload_to,
        blank=True,
    )
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the queue; the sweeper re-queues what waits too long.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SessionSummaryQuerySet.as_manager()

    class Meta(ForOneRecipient.Meta):
        ordering = ["-requested_at"]
        verbose_name_plural = "session summaries"
        default_related_name = "session_summaries"
        constraints = [
            *ForOneRecipient.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(until__gte=models.F("since")), name="summary_range_ordered"
            ),
        ]

    def __str__(self):
        return f"Session summary {self.since} to {self.until}"

    @property
    def is_in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def download_filename(self):
        """No name in it: a file name shows in download lists and shared folders."""
        return f"session-prep-{self.until.isoformat()}.pdf"

    @classmethod
    def default_range(cls, recipient, *, today=None):
        """(since, until) to offer: from the day after the previous summary, or the last four weeks.

        - A previous summary that already reaches today offers its own range again.
        - Failed summaries do not count: nothing was read.
        """
        today = today or timezone.localdate()
        previous = (
            cls.objects.for_recipient(recipient)
            .exclude(status=cls.Status.FAILED)
            .order_by("-until", "-requested_at")
            .values_list("since", "until")
            .first()
        )
        if previous is None:
            return today - datetime.timedelta(weeks=4), today
        since, until = previous
        if until < today:
            return until + datetime.timedelta(days=1), today
        return min(since, today), today

    @classmethod
    def request(cls, *, therapist, recipient, since, until):
        """Return (summary, created): the one already queued or rendering for this range, if any.

        - A new one is refused with `SummaryLimitReached` while the therapist has
          `SUMMARY_MAX_PENDING` summaries queued or rendering, or has asked for
          `SUMMARY_REQUESTS_PER_HOUR` in the last hour: renders are heavy, and a burst of
          them would hold every worker.
        - The caller enqueues the render of a new one (see `homework.tasks`).
        """
        with transaction.atomic():
            # Two clicks at once queue one render: the recipient's row is the lock; the
            # therapist's row is the lock for the limits, taken second, always.
            type(recipient).objects.select_for_update().filter(pk=recipient.pk).first()
            get_user_model().objects.select_for_update().filter(pk=therapist.pk).first()
            existing = (
                cls.objects.for_recipient(recipient)
                .in_progress()
                .filter(since=since, until=until)
                .first()
            )
            if existing is not None:
                return existing, False
            cls._check_limits(therapist)
            summary = cls.objects.create(
                therapist=therapist,
                recipient=recipient,
                since=since,
                until=until,
                queued_at=timezone.now(),
            )
        return summary, True

    @classmethod
    def _check_limits(cls, therapist):
        mine = cls.objects.requested_by(therapist)
        pending = settings.SUMMARY_MAX_PENDING
        if mine.in_progress().count() >= pending:
            raise SummaryLimitReached(
                ngettext(
                    "A summary is still being prepared. Please wait until it is ready, then "
                    "ask again: nothing you asked for is lost.",
                    "%(count)s summaries are still being prepared. Please wait until one of "
                    "them is ready, then ask again: nothing you asked for is lost.",
                    pending,
                )
                % {"count": pending}
            )
        hourly = settings.SUMMARY_REQUESTS_PER_HOUR
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        if mine.requested_since(hour_ago).count() >= hourly:
            raise SummaryLimitReached(
                ngettext(
                    "You have asked for %(count)s summary in the last hour, which is as many "
                    "as the site makes in an hour. Please ask again a little later.",
                    "You have asked for %(count)s summaries in the last hour, which is as many "
                    "as the site makes in an hour. Please ask again a little later.",
                    hourly,
                )
                % {"count": hourly}
            )


@receiver(post_delete, sender=SessionSummary)
def delete_summary_file(sender, instance, **kwargs):
    """A deleted summary (or a deleted client's, by cascade) takes its PDF with it.

    - Through the "private" storage by name, so the file goes wherever that storage keeps
      it (another machine's disk is reached only through a shared storage).
    - Also the name a render still running would write: the row read for this delete may
      predate the file. A render that ends after the delete removes its own file.
    """
    names = {instance.file.name, summary_upload_to(instance, "")} - {""}
    transaction.on_commit(lambda: delete_private_files(names))


def delete_private_files(names):
    """After the rows are gone: a storage that fails leaves the file, said in the log (its
    name is the summary's id only), never an error page for a deletion already made."""
    storage = storages["private"]
    for name in names:
        try:
            storage.delete(name)  # a missing file is no error
        except Exception as error:
            logger.error(
                "Private file %s could not be deleted (%s); delete it by hand.",
                name,
                type(error).__name__,
            )
