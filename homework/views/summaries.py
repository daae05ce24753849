"""Session summaries in the Wagtail admin: ask for one, follow its state, download it.

Every lookup goes through `clients.access` or `homework.access`: someone else's client,
couple or summary is a 404. Responses about a summary are never cached.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin.ui.components import Component

from clients.audit import record
from clients.models import AuditEvent

from .. import tasks
from ..access import get_recipient_for_therapist, get_summary_for_therapist
from ..forms import SummaryRequestForm
from ..models import SessionSummary, SummaryLimitReached
from ..recipients import recipient_admin_url, recipient_kind

PANEL_LENGTH = 10  # the latest summaries shown on a page


def _no_store(response):
    patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
    return response


@require_http_methods(["GET", "POST"])
@permission_required("homework.add_sessionsummary", raise_exception=True)
def request_summary(request, kind, pk):
    recipient = get_recipient_for_therapist(request, kind, pk)
    back = recipient_admin_url(recipient)
    if request.method == "POST":
        form = SummaryRequestForm(request.POST, recipient=recipient)
        if form.is_valid():
            try:
                summary, created = SessionSummary.request(
                    therapist=request.user,
                    recipient=recipient,
                    since=form.cleaned_data["since"],
                    until=form.cleaned_data["until"],
                )
            except SummaryLimitReached as refusal:
                # Said beside the form, with the dates chosen kept, rather than in a banner
                # scrolled out of sight above the panel.
                form.add_error(None, refusal.message)
            else:
                if created:
                    for person in summary.people:
                        record(
                            request, AuditEvent.Action.SUMMARY_REQUESTED, client=person, obj=summary
                        )
                    tasks.enqueue_session_summary(summary.pk)
                    messages.success(
                        request,
                        "The summary is being prepared. This usually takes a few seconds; "
                        "the download link appears below when it is ready.",
                    )
                else:
                    messages.info(request, "A summary for these dates is already being prepared.")
                return redirect(f"{back}#session-summaries-section")
    else:
        form = SummaryRequestForm(recipient=recipient)
    summaries = SessionSummary.objects.for_recipient(recipient)
    return TemplateResponse(
        request,
        "homework/admin/summary_request.html",
        {
            "form": form,
            "recipient": recipient,
            "back_url": back,
            "summaries": [(s, status_payload(s)) for s in summaries[:PANEL_LENGTH]],
            "action_url": request.path,
            "header_title": "Session summary",
            "page_title": "Session summary",
            "page_subtitle": str(recipient),
            "header_icon": "doc-full",
        },
        status=400 if form.is_bound else 200,
    )


def status_payload(summary):
    ready = summary.status == SessionSummary.Status.READY
    return {
        "id": str(summary.uuid),
        "status": summary.status,
        "label": summary.get_status_display(),
        "in_progress": summary.is_in_progress,
        "failure_reason": summary.failure_reason,
        "download_url": reverse("homework_admin:summary_download", args=[summary.uuid])
        if ready
        else None,
        "page_count": summary.page_count,
        "size_bytes": summary.size_bytes,
    }


@require_GET
@permission_required("homework.view_sessionsummary", raise_exception=True)
def summary_status(request, uuid):
    summary = get_summary_for_therapist(request, uuid)
    return _no_store(JsonResponse(status_payload(summary)))


@require_GET
@permission_required("homework.view_sessionsummary", raise_exception=True)
def download_summary(request, uuid):
    summary = get_summary_for_therapist(request, uuid)
    if summary.status != SessionSummary.Status.READY or not summary.file:
        raise Http404("This summary is not ready, or its file was deleted.")
    try:
        handle = summary.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    for person in summary.people:
        record(request, AuditEvent.Action.DOWNLOAD, client=person, obj=summary)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=summary.download_filename,
        content_type="application/pdf",
    )
    return _no_store(response)


class SessionSummariesPanel(Component):
    """The "Session summaries" panel on a client's or couple's admin page."""

    template_name = "homework/admin/summaries_panel.html"
    order = 300

    def __init__(self, request, recipient):
        self.request, self.recipient = request, recipient

    def get_context_data(self, parent_context=None):
        recipient = self.recipient
        kind = recipient_kind(recipient)
        summaries = SessionSummary.objects.for_recipient(recipient)
        # A client seen with a partner: the couple's summary lives on the couple's page.
        their_couple = recipient.couple if kind == "client" else None
        return {
            "form": SummaryRequestForm(recipient=recipient),
            "action_url": reverse("homework_admin:summary_request", args=[kind, recipient.pk]),
            "summaries": [(s, status_payload(s)) for s in summaries[:PANEL_LENGTH]],
            "recipient": recipient,
            "their_couple": their_couple,
            "couple_url": recipient_admin_url(their_couple) if their_couple else None,
            "retention_days": settings.SUMMARY_RETENTION_DAYS,
        }

    def render_html(self, parent_context=None):
        # Rendered with the request, so that the form carries its CSRF token.
        return get_template(self.template_name).render(
            self.get_context_data(parent_context), self.request
        )
