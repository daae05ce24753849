"""The therapist's side, in the Wagtail admin: assign, change status, timeline, adherence.

Every lookup goes through homework.access or a `for_therapist` queryset; another
therapist's client, couple or assignment is a 404.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from clients import audit
from clients.access import safe_next_url
from clients.models import AuditEvent

from ..access import (
    active_assignments_for_therapist,
    get_assignment_for_therapist,
    get_recipient_for_therapist,
)
from ..charts import scale_chart_svg
from ..forms import AssignmentForm, PreferenceForm
from ..models import (
    Assignment,
    Practice,
    Reflection,
    TherapistPreference,
    WeekState,
    week_state,
)
from ..recipients import recipient_admin_url, recipient_assign_url, recipient_people


class HomeworkAdminMixin(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    """Admin page furniture: the page's own title as the last breadcrumb (and the h1).

    Each page names the permission it needs (`permission_required`, granted to the
    Therapists group and changed in Settings → Groups); without it, a 403.
    """

    raise_exception = True

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


# --- Assign ---------------------------------------------------------------------------------


class AssignView(HomeworkAdminMixin, FormView):
    """Assign a practice; `?practice=`, `?client=` and `?couple=` prefill the form."""

    permission_required = "homework.add_assignment"
    form_class = AssignmentForm
    template_name = "homework/admin/assign.html"
    page_title = "Assign a practice"
    header_icon = "tasks"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        params = self.request.GET
        practice_pk = params.get("practice", "")
        if practice_pk.isdigit():
            practice = Practice.objects.filter(pk=practice_pk).first()
            if practice is not None:
                initial["practice"] = practice
                if practice.default_weeks:
                    initial["weeks"] = practice.default_weeks
        for kind in ("couple", "client"):
            pk = params.get(kind, "")
            if pk.isdigit():
                # Only the therapist's own: someone else's is a 404, not a silent blank.
                recipient = get_recipient_for_therapist(self.request, kind, int(pk))
                initial["recipient"] = f"{kind}:{recipient.pk}"
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["media"] = context["form"].media
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = "Assign"
        return context

    def form_valid(self, form):
        assignment = form.save()
        first = assignment.week(1)
        messages.success(
            self.request,
            f"Assigned “{assignment.practice}” to {assignment.recipient}. Week 1 opens on "
            f"{first.starts_on:%A %-d %B}; they'll find it in their portal.",
        )
        return redirect(assignment.recipient_admin_url)


@require_POST
@permission_required("homework.change_assignment", raise_exception=True)
def change_status(request, pk):
    assignment = get_assignment_for_therapist(request, pk)
    action = request.POST.get("action", "")
    if action not in Assignment.TRANSITIONS:
        messages.error(request, "That change isn't possible.")
    elif assignment.change_status(action):
        messages.success(
            request, f"“{assignment.practice}” is now {assignment.get_status_display().lower()}."
        )
    else:
        messages.warning(
            request,
            f"“{assignment.practice}” is already {assignment.get_status_display().lower()}.",
        )
    return redirect(safe_next_url(request, assignment.recipient_timeline_url))


# --- Timeline -------------------------------------------------------------------------------


@dataclass
class PersonWeek:
    person: object
    state: str
    reflection: Reflection | None
    flagged_keys: list

    @property
    def state_label(self):
        return WeekState(self.state).label

    @property
    def answers(self):
        """(prompt, value, flagged) for a submitted reflection; drafts stay the client's."""
        if self.reflection is None or not self.reflection.is_submitted:
            return []
        return [
            (prompt, value, prompt["key"] in self.flagged_keys)
            for prompt, value in self.reflection.answered()
        ]


def build_timeline(assignments, people, reflections, now):
    """[{assignment, weeks: [(week, [PersonWeek])], charts: [svg]}], newest first."""
    index = {(r.assignment_id, r.client_id, r.week): r for r in reflections}
    blocks = []
    for assignment in assignments:
        writers = [p for p in people if p.pk in {w.pk for w in assignment.people}]
        weeks = []
        for week in assignment.all_weeks():
            cells = []
            for person in writers:
                reflection = index.get((assignment.pk, person.pk, week.number))
                if reflection is not None:
                    reflection.assignment = assignment  # no query per reflection
                cells.append(
                    PersonWeek(
                        person=person,
                        state=week_state(week, reflection, now),
                        reflection=reflection,
                        flagged_keys=reflection.flagged_keys()
                        if reflection is not None and reflection.is_submitted
                        else [],
                    )
                )
            weeks.append((week, cells))
        blocks.append(
            {
                "assignment": assignment,
                "weeks": list(reversed(weeks)),
                "charts": _charts(assignment, writers, index),
            }
        )
    return blocks


def _charts(assignment, writers, index):
    charts = []
    numbers = list(range(1, assignment.weeks + 1))
    for prompt in assignment.prompts:
        if prompt["kind"] != "scale":
            continue
        series = {}
        for person in writers:
            values = {}
            for n in numbers:
                reflection = index.get((assignment.pk, person.pk, n))
                if reflection is not None and reflection.is_submitted:
                    value = reflection.answers.get(prompt["key"])
                    if isinstance(value, int):
                        values[n] = value
            series[person.display_name] = values
        if any(series.values()):
            charts.append(scale_chart_svg(prompt["question"], numbers, series))
    return charts


class TimelineView(HomeworkAdminMixin, TemplateView):
    """Every week of every assignment for one client or couple, with what was submitted."""

    permission_required = "homework.view_reflection"
    template_name = "homework/admin/timeline.html"
    header_icon = "date"
    recipient_kind = "client"

    def get_page_title(self):
        return f"Homework: {self.recipient}"

    def dispatch(self, request, *args, **kwargs):
        self.recipient = get_recipient_for_therapist(request, self.recipient_kind, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        people = recipient_people(self.recipient)
        assignments = Assignment.label_repeats(
            list(
                Assignment.objects.for_recipient(self.recipient)
                .with_people()
                .order_by("-start_date", "-created_at")
            )
        )
        reflections = list(Reflection.objects.filter(assignment__in=assignments))
        seen = [r.pk for r in reflections if r.is_submitted and r.therapist_seen_at is None]
        if seen:
            Reflection.objects.filter(pk__in=seen).update(therapist_seen_at=now)
        if any(r.is_submitted for r in reflections):
            for person in people:
                audit.record(
                    self.request, AuditEvent.Action.VIEW, client=person, obj=self.recipient
                )
        context.update(
            recipient=self.recipient,
            people=people,
            blocks=build_timeline(assignments, people, reflections, now),
            assign_url=recipient_assign_url(self.recipient),
            back_url=recipient_admin_url(self.recipient),
            new_ids=set(seen),
        )
        return context


class CoupleTimelineView(TimelineView):
    recipient_kind = "couple"


# --- Adherence ------------------------------------------------------------------------------


@dataclass
class AdherenceRow:
    assignment: Assignment
    person: object
    this_week: object
    this_state: str | None
    last_state: str | None

    @property
    def this_label(self):
        return WeekState(self.this_state).label if self.this_state else "Not running this week"

    @property
    def last_label(self):
        return WeekState(self.last_state).label if self.last_state else ""


ADHERENCE_ORDER = {
    WeekState.MISSED: 0,
    WeekState.NOT_STARTED: 1,
    WeekState.DRAFT: 2,
    WeekState.SUBMITTED: 3,
    WeekState.UPCOMING: 4,
    None: 5,
}


class AdherenceView(HomeworkAdminMixin, TemplateView):
    """All the therapist's active assignments this week: who has reflected, who hasn't."""

    permission_required = "homework.view_reflection"
    template_name = "homework/admin/adherence.html"
    page_title = "Homework this week"
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        assignments = Assignment.label_repeats(list(active_assignments_for_therapist(self.request)))
        statuses = {
            (a, c, w): s
            for a, c, w, s in Reflection.objects.filter(assignment__in=assignments).values_list(
                "assignment_id", "client_id", "week", "status"
            )
        }

        def state(assignment, person, week):
            if week is None:
                return None
            status = statuses.get((assignment.pk, person.pk, week.number))
            stub = Reflection(status=status) if status else None
            return week_state(week, stub, now)

        rows = []
        for assignment in assignments:
            this_week = assignment.current_week(now)
            number = this_week.number if this_week else None
            last_week = assignment.week(number - 1) if number and number > 1 else None
            if (
                this_week is None
                and now.astimezone(assignment.zoneinfo).date() > assignment.ends_on
            ):
                last_week = assignment.week(assignment.weeks)
            for person in assignment.people:
                rows.append(
                    AdherenceRow(
                        assignment=assignment,
                        person=person,
                        this_week=this_week,
                        this_state=state(assignment, person, this_week),
                        last_state=state(assignment, person, last_week),
                    )
                )
        rows.sort(key=lambda r: (ADHERENCE_ORDER[r.this_state], r.person.full_name))
        counts = Counter(r.this_state for r in rows if r.this_state)
        context.update(
            rows=rows,
            counts=[(WeekState(s).label, counts[s]) for s in ADHERENCE_ORDER if s and counts[s]],
        )
        return context


# --- Notification preference ----------------------------------------------------------------


class NotificationsView(HomeworkAdminMixin, FormView):
    permission_required = "homework.view_reflection"  # e-mails about new reflections
    form_class = PreferenceForm
    template_name = "homework/admin/notifications.html"
    page_title = "E-mails about new reflections"
    header_icon = "mail"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": TherapistPreference.for_user(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = "Save"
        return context

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Saved. E-mails never include what clients wrote.")
        return redirect("homework_admin:notifications")
