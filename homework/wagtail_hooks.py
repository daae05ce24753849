from django.db.models import Q
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from clients.navigation import PortalLink

from .access import unseen_reflections_for_therapist
from .export import homework_export
from .models import Assignment, Practice, Reflection, SessionSummary
from .recipients import recipient_assign_url, recipient_timeline_url
from .views.portal import keep_answers_after_csrf_failure
from .views.summaries import SessionSummariesPanel
from .weeks import focus_weeks, index_reflections, week_rows


class PracticeEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        if not self.request.user.has_perm("homework.add_assignment"):
            return super().header_more_buttons
        return [
            *super().header_more_buttons,
            Button(
                "Assign to a client or couple",
                url=reverse("homework_admin:assign") + f"?practice={self.object.pk}",
                icon_name="user",
                priority=5,
            ),
        ]


class PracticeViewSet(SnippetViewSet):
    model = Practice
    edit_view_class = PracticeEditView
    icon = "tasks"
    menu_label = "Practices"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "source_article", "updated_at"]
    search_fields = ["title"]


register_snippet(PracticeViewSet)


# --- Homework: assigning, timelines, adherence, the dashboard panel ----------------------------


@hooks.register("portal_csrf_failure")
def keep_reflection_after_csrf_failure(request):
    return keep_answers_after_csrf_failure(request)


@hooks.register("register_admin_urls")
def register_homework_admin_urls():
    return [path("homework/", include("homework.admin_urls", namespace="homework_admin"))]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to those holding `permission`."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_adherence_menu_item():
    return PermissionMenuItem(
        "Homework this week",
        reverse("homework_admin:adherence"),
        icon_name="list-ul",
        order=205,
        permission="homework.view_reflection",
    )


@hooks.register("register_snippet_listing_buttons")
def practice_assign_button(snippet, user, next_url=None):
    if isinstance(snippet, Practice) and user.has_perm("homework.add_assignment"):
        yield ListingButton(
            "Assign",
            url=reverse("homework_admin:assign") + f"?practice={snippet.pk}",
            icon_name="user",
            attrs={"aria-label": f"Assign “{snippet.title}” to a client or couple"},
            priority=5,
        )


class NewReflectionsPanel(Component):
    """The admin dashboard: reflections submitted (or changed) since the therapist looked."""

    name = "homework_new_reflections"
    template_name = "homework/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        unseen = (
            unseen_reflections_for_therapist(request)
            .select_related("client", "assignment__practice", "assignment__couple")
            .order_by("-submitted_at")
        )
        return {"reflections": unseen[:15], "total": unseen.count(), "request": request}


@hooks.register("construct_homepage_panels")
def add_new_reflections_panel(request, panels):
    if request.user.has_perm("homework.view_reflection"):
        panels.append(NewReflectionsPanel())


class AssignmentsPanel(Component):
    """On a client's or couple's admin page: their homework, with the actions on it."""

    template_name = "homework/admin/assignments_panel.html"
    order = 100

    def __init__(self, client=None, couple=None):
        self.client, self.couple = client, couple
        self.recipient = couple or client

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        now = timezone.now()
        assignments = Assignment.label_repeats(
            list(
                Assignment.objects.for_recipient(self.recipient)
                .with_people()
                .order_by("-start_date")
            )
        )
        submitted = set(
            Reflection.objects.submitted()
            .filter(assignment__in=assignments)
            .values_list("assignment_id", "client_id", "week")
        )
        rows = []
        for assignment in assignments:
            current = assignment.current_week(now)
            people = assignment.people
            done = sum(
                (assignment.pk, p.pk, n) in submitted
                for p in people
                for n in range(1, assignment.weeks + 1)
            )
            rows.append(
                {
                    "assignment": assignment,
                    "current": current,
                    "done": done,
                    "expected": assignment.weeks * len(people),
                }
            )
        return {
            "rows": rows,
            "recipient": self.recipient,
            "is_couple": self.couple is not None,
            "assign_url": recipient_assign_url(self.recipient),
            "timeline_url": recipient_timeline_url(self.recipient),
            "next_url": request.get_full_path(),
            "csrf_token": get_token(request),
            "couple_of_client": self.client.couple if self.client else None,
            "can_assign": request.user.has_perm("homework.add_assignment"),
            "can_change": request.user.has_perm("homework.change_assignment"),
            "can_read": request.user.has_perm("homework.view_reflection"),
        }


@hooks.register("client_detail_panels")
def homework_client_panel(request, client=None, couple=None):
    if (client is None and couple is None) or not request.user.has_perm("homework.view_assignment"):
        return None
    return AssignmentsPanel(client=client, couple=couple)


@hooks.register("client_task_ids")
def homework_task_ids(client):
    """Ids of this client's homework that background tasks take, for their erasure."""
    couple = client.couple
    theirs = Q(client=client) | Q(couple=couple) if couple else Q(client=client)
    reflections = Reflection.objects.filter(
        Q(client=client) | Q(assignment__couple=couple) if couple else Q(client=client)
    )
    return {
        "homework.tasks.render_session_summary": set(
            SessionSummary.objects.filter(theirs).values_list("pk", flat=True)
        ),
        "homework.tasks.notify_therapist": set(reflections.values_list("pk", flat=True)),
    }


@hooks.register("insert_global_admin_css")
def homework_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("homework/admin.css"))


# --- The portal and the client's data: what homework adds to clients' pages --------------------


class PortalHomeworkPanel(Component):
    """On the portal's dashboard: the client's current homework, week by week; three queries."""

    template_name = "homework/portal/dashboard_panel.html"
    order = 100

    def __init__(self, client):
        self.client = client

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        client = self.client
        assignments = list(Assignment.objects.for_client(client).open().with_people())
        # Their own copy and their couple's look the same to them: told apart by practice alone.
        Assignment.label_repeats(assignments, key=lambda a: a.practice_id)
        reflections = index_reflections(
            Reflection.objects.filter(assignment__in=assignments, client=client)
        )
        homework = [
            (a, week_rows(a, client, reflections, now, weeks=focus_weeks(a, now)))
            for a in assignments
        ]
        return {"client": client, "homework": homework}


@hooks.register("portal_dashboard_panels")
def portal_homework_panel(request):
    return PortalHomeworkPanel(request.client)


@hooks.register("portal_navigation_items")
def portal_history_link(request):
    return PortalLink(_("Past reflections"), reverse("homework:history"), order=100)


@hooks.register("client_export_sections")
def homework_export_section(client):
    return homework_export(client)


# --- Session summaries --------------------------------------------------------------------------


@hooks.register("client_detail_panels")
def session_summaries_panel(request, client=None, couple=None):
    if client is None and couple is None:
        return None
    if not request.user.has_perm("homework.view_sessionsummary"):
        return None
    return SessionSummariesPanel(request, couple or client)


@hooks.register("insert_global_admin_css")
def summary_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("homework/admin/summaries.css"))
