"""The therapist's side, in the Wagtail admin: clients, couples, their audit trail and
two-step sign-in. Every queryset here is the signed-in therapist's own (the owner sees all)."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views

from ..access import (
    audit_events_for_therapist,
    get_client_for_therapist,
    get_couple_for_therapist,
)
from ..audit import record
from ..emails import send_invitation, send_password_reset
from ..forms import DeleteClientForm, TokenForm
from ..lockout import locked_until, unlock
from ..models import AuditEvent
from ..twofactor import confirmed_devices, has_device, pending_device, qr_code_svg

logger = logging.getLogger(__name__)


# --- Owner filtering for Wagtail's generic views ------------------------------------------


class OwnedIndexMixin:
    def get_base_queryset(self):
        return self.model.objects.for_therapist(self.request.user)


class OwnedObjectMixin:
    """History and usage look their object up among the therapist's own only.

    Only the lookup: in these views `get_queryset` is the listing (log lines, references).
    """

    def get_base_object_queryset(self):
        return self.model.objects.for_therapist(self.request.user)


class OwnedSingleObjectMixin(OwnedObjectMixin):
    """Edit and delete find their object through Django's `get_queryset`."""

    def get_queryset(self):
        return self.get_base_object_queryset()


class ClientIndexView(OwnedIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")

    def get_edit_url(self, instance):
        return reverse("clients:detail", args=[instance.pk])


class CoupleIndexView(OwnedIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partner_a", "partner_b")

    def get_edit_url(self, instance):
        return reverse("couples:detail", args=[instance.pk])


class ClientCreateView(generic.CreateView):
    def save_instance(self):
        client = super().save_instance()
        invite(self.request, client)
        return client

    def get_success_message(self, instance):
        return f"{instance.full_name} is added."

    def get_success_url(self):
        return reverse("clients:detail", args=[self.object.pk])


class ClientEditView(OwnedSingleObjectMixin, generic.EditView):
    def get_success_url(self):
        return reverse("clients:detail", args=[self.object.pk])


class CoupleCreateView(generic.CreateView):
    def get_success_url(self):
        return reverse("couples:detail", args=[self.object.pk])


class CoupleEditView(OwnedSingleObjectMixin, generic.EditView):
    def get_success_url(self):
        return reverse("couples:detail", args=[self.object.pk])


class OwnedDeleteView(OwnedSingleObjectMixin, generic.DeleteView):
    pass


class OwnedHistoryView(OwnedObjectMixin, generic.HistoryView):
    pass


class OwnedUsageView(OwnedObjectMixin, generic.UsageView):
    pass


class AuditIndexView(OwnedIndexMixin, generic.IndexView):
    """Read-only: no add, edit or delete links, whatever the user's permissions."""

    def get_base_queryset(self):
        return audit_events_for_therapist(self.request)

    def get_edit_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_add_url(self):
        return None


# --- Chooser: only the therapist's own clients ---------------------------------------------


class ClientChooseView(chooser_views.ChooseView):
    def get_object_list(self):
        return self.model_class.objects.for_therapist(self.request.user).active()


class ClientChooseResultsView(chooser_views.ChooseResultsView):
    def get_object_list(self):
        return self.model_class.objects.for_therapist(self.request.user).active()


class ClientChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return self.model_class.objects.for_therapist(self.request.user).get(pk=pk)


class ClientChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return self.model_class.objects.for_therapist(self.request.user).filter(pk__in=pks)


# --- The client and couple pages ----------------------------------------------------------


def detail_panels(request, *, client=None, couple=None):
    """Panels other apps add to these pages, in their `order` (hook `client_detail_panels`)."""
    panels = []
    for fn in hooks.get_hooks("client_detail_panels"):
        panel = fn(request, client=client, couple=couple)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: getattr(panel, "order", 0))


def client_detail(request, pk):
    client = get_client_for_therapist(request, pk)
    couple = client.couple
    return TemplateResponse(
        request,
        "clients/admin/client_detail.html",
        {
            "client": client,
            "couple": couple,
            "page_title": client.full_name,
            "header_icon": "user",
            "locked_until": locked_until(client.email),
            "panels": detail_panels(request, client=client),
            "recent_events": audit_events_for_therapist(request).filter(client=client)[:8],
        },
    )


def couple_detail(request, pk):
    couple = get_couple_for_therapist(request, pk)
    return TemplateResponse(
        request,
        "clients/admin/couple_detail.html",
        {
            "couple": couple,
            "page_title": str(couple),
            "header_icon": "group",
            "panels": detail_panels(request, couple=couple),
        },
    )


def invite(request, client):
    """Send the invitation, or a new-password link to someone who already has one.

    A mail failure is reported, never hidden, never a 500.
    """
    accepted = client.user.has_usable_password()
    try:
        send_password_reset(client) if accepted else send_invitation(client)
    except Exception as error:
        # The type only: a mail error's text names the recipient, a client of a therapist.
        logger.error("Sign-in e-mail failed for client %s: %s", client.pk, type(error).__name__)
        messages.error(
            request,
            f"The e-mail to {client.email} could not be sent. Check the e-mail settings, "
            "then use the button on this page to send it again.",
        )
        return False
    record(request, AuditEvent.Action.INVITATION_SENT, client=client)
    if accepted:
        messages.success(
            request, f"A link to choose a new password is on its way to {client.email}."
        )
    else:
        messages.success(request, f"An invitation is on its way to {client.email}.")
    return True


@require_POST
def resend_invitation(request, pk):
    client = get_client_for_therapist(request, pk)
    invite(request, client)
    return redirect("clients:detail", pk=client.pk)


@require_POST
def unlock_sign_in(request, pk):
    client = get_client_for_therapist(request, pk)
    unlock(client.email)
    record(request, AuditEvent.Action.LOCKOUT_CLEARED, client=client)
    messages.success(request, f"{client.display_name} can sign in again straight away.")
    return redirect("clients:detail", pk=client.pk)


@require_POST
def toggle_archived(request, pk):
    client = get_client_for_therapist(request, pk)
    client.archived = not client.archived
    client.save(update_fields=["archived", "updated_at"])
    state = "archived" if client.archived else "back among your active clients"
    messages.success(request, f"{client.full_name} is {state}.")
    return redirect("clients:detail", pk=client.pk)


def delete_client(request, pk):
    """Deletes the client's account and everything of theirs after a typed confirmation.

    Leaves one audit event naming only the client's id, never their name or content.
    """
    client = get_client_for_therapist(request, pk)
    if not request.user.has_perm("clients.delete_client"):
        raise PermissionDenied
    form = DeleteClientForm(request.POST or None, expected=client.full_name)
    if request.method == "POST" and form.is_valid():
        name = client.full_name
        with transaction.atomic():
            record(request, AuditEvent.Action.CLIENT_DELETED, client=client)
            client.erase()
        messages.success(
            request, _("%(name)s and everything of theirs is deleted.") % {"name": name}
        )
        return redirect("clients:index")
    return TemplateResponse(
        request,
        "clients/admin/client_delete.html",
        {
            "client": client,
            "couple": client.couple,
            "form": form,
            "page_title": f"Delete {client.full_name}",
            "header_icon": "bin",
        },
    )


# --- Two-step sign-in -------------------------------------------------------------------


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def two_factor_setup(request):
    """Shows a QR code for a new authenticator app and confirms it with a first code."""
    if has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('clients_2fa:verify')}?next={_next_url(request)}")
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            confirmed_devices_before = confirmed_devices(request.user)
            device.confirmed = True
            device.save()
            for old in confirmed_devices_before:
                old.delete()
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on. Keep your phone handy.")
            return redirect(_next_url(request))
        form.add_error(
            "code", "That code didn't match. Check the time on your phone and try again."
        )
    return TemplateResponse(
        request,
        "clients/admin/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_code_svg(device),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "next": _next_url(request),
            "page_title": "Set up two-step sign-in",
            "header_icon": "key",
        },
    )


def two_factor_verify(request):
    """Asks for the current code after signing in to the admin."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    devices = confirmed_devices(request.user)
    if not devices:
        return redirect(f"{reverse('clients_2fa:setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error(
            "code", "That code didn't match. Codes change every 30 seconds; try the newest one."
        )
    return TemplateResponse(
        request,
        "clients/admin/two_factor_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "page_title": "Enter your code",
            "header_icon": "key",
        },
    )
