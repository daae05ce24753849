"""The therapist's side, in the Wagtail admin: clients, couples, their audit trail and
two-step sign-in. Every queryset here is the signed-in therapist's own (the owner sees all)."""

import logging
import secrets

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from wagtail import hooks
from wagtail.admin.views import account as account_views
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views

from ..access import (
    audit_events_for_therapist,
    get_client_for_therapist,
    get_couple_for_therapist,
    get_own_or_404,
    get_owned_by_therapist,
    owned_by_therapist,
    safe_next_url,
)
from ..audit import record
from ..emails import (
    send_account_notice,
    send_authenticator_changed,
    send_invitation,
    send_password_reset,
)
from ..forms import CurrentCredentialsForm, DeleteClientForm, ListingSearchForm, TokenForm
from ..lockout import locked_until, reset_request_allowed, unlock
from ..models import AuditEvent
from ..twofactor import (
    confirmed_devices,
    has_device,
    pending_device,
    qr_code_svg,
    verify_code,
)

logger = logging.getLogger(__name__)


# --- Owner filtering for Wagtail's generic views ------------------------------------------


class OwnedIndexMixin:
    """The therapist's own rows; no spreadsheet export (`?export=` shows the page).

    An export would copy who is in therapy out of the audited site into a file.
    """

    def get_base_queryset(self):
        return owned_by_therapist(self.request, self.model)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.is_export = False


# --- Searching a listing without putting names in URLs ------------------------------------

SEARCHES_SESSION_KEY = "listing_searches"
SEARCHES_KEPT = 10


class PostedSearchMixin:
    """A listing searched by POST, so the words searched for never appear in a URL.

    - The words go to `search_url_name` by POST, are kept in the session under a random
      token, and the listing is shown at `?search=<token>`: access logs, browser history
      and Referer headers see only the token.
    - Wagtail's own `?q=` search is switched off; a `q` in the URL is ignored.
    """

    is_searchable = False
    search_url_name = None
    results_template_name = "clients/admin/searchable_index_results.html"

    @cached_property
    def search_token(self):
        token = self.request.GET.get("search", "")
        return token if token in self.request.session.get(SEARCHES_SESSION_KEY, {}) else ""

    @cached_property
    def search_query(self):
        return self.request.session.get(SEARCHES_SESSION_KEY, {}).get(self.search_token, "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posted_search_form"] = ListingSearchForm(initial={"q": self.search_query})
        context["posted_search_url"] = reverse(self.search_url_name)
        context["is_searching"] = self.is_searching
        context["clear_search_url"] = self.index_url
        return context


def posted_search(request, index_url_name):
    """Keep the posted words in the session; send the browser to the listing by token."""
    form = ListingSearchForm(request.POST)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if not query:
        return redirect(index_url_name)
    searches = request.session.get(SEARCHES_SESSION_KEY, {})
    token = secrets.token_urlsafe(9)
    searches[token] = query
    # The newest few only: dicts keep insertion order.
    request.session[SEARCHES_SESSION_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return redirect(f"{reverse(index_url_name)}?search={token}")


@require_POST
def client_search(request):
    return posted_search(request, "clients:index")


class OwnedObjectMixin:
    """History and usage look their object up among the therapist's own only.

    - Only the lookup: in these views `get_queryset` is the listing (log lines, references).
    - Someone else's object is refused as every lookup is (`access.get_own_or_404`).
    """

    def get_base_object_queryset(self):
        return owned_by_therapist(self.request, self.model)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_own_or_404(self.request, self.get_base_object_queryset(), pk=pk)


class OwnedSingleObjectMixin(OwnedObjectMixin):
    """Edit and delete find their object through Django's `get_queryset`."""

    def get_queryset(self):
        return self.get_base_object_queryset()


class ClientIndexView(PostedSearchMixin, OwnedIndexMixin, generic.IndexView):
    search_url_name = "clients:search"

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
        return _("%(name)s has been added.") % {"name": instance.full_name}

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


def audit_client(event):
    """The client an event is about, as the trail shows it."""
    if event.client is not None:
        return event.client.full_name
    return _("A deleted client") if event.client_label else ""


def audit_item(event):
    """What the event was about, by kind and id: e.g. 'assignment 12'."""
    if not event.object_type:
        return ""
    try:
        kind = apps.get_model(event.object_type)._meta.verbose_name
    except (LookupError, ValueError):
        kind = event.object_type
    object_id = event.object_id
    if len(object_id) > 12:  # a uuid: its first part is enough to tell rows apart
        object_id = f"{object_id[:8]}…"
    return f"{kind} {object_id}".strip()


class AuditIndexView(OwnedIndexMixin, generic.IndexView):
    """Read-only: no add, edit or delete links, whatever the user's permissions."""

    page_title = gettext_lazy("Audit trail")  # the menu's words, so the page is the one asked for

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
        return owned_by_therapist(self.request, self.model_class).active()


class ClientChooseResultsView(chooser_views.ChooseResultsView):
    def get_object_list(self):
        return owned_by_therapist(self.request, self.model_class).active()


class ClientChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return get_owned_by_therapist(self.request, self.model_class, pk)


class ClientChosenMultipleView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return owned_by_therapist(self.request, self.model_class).filter(pk__in=pks)


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
    """Send the invitation, or a new-password link to someone who already came in through it.

    - From this profile only: whether the person has a password for another therapist
      changes the e-mail they get (see `send_invitation`), never what the therapist sees.
    - A mail failure is reported, never hidden, never a 500.
    """
    accepted = client.accepted_at is not None and client.has_own_password
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
        request.session.pop(SEARCHES_SESSION_KEY, None)  # they may name the client
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


# --- The therapist's own account -------------------------------------------------------------


class AdminPasswordResetView(account_views.PasswordResetView):
    """Wagtail's admin password reset, throttled per address and e-mail like the portal's.

    The form (WAGTAILADMIN_USER_PASSWORD_RESET_FORM) decides who gets a mail; every request
    counts, known e-mail or not, so neither the answer nor the throttle reveals an account.
    """

    # Wagtail's form, with a pointer for a client who came to the wrong door: this page never
    # mails them.
    template_name = "clients/admin/password_reset_form.html"

    def form_valid(self, form):
        if not reset_request_allowed(self.request, form.cleaned_data["email"]):
            return TemplateResponse(
                self.request, "clients/admin/password_reset_throttled.html", status=429
            )
        return super().form_valid(form)


class AdminPasswordResetConfirmView(account_views.PasswordResetConfirmView):
    """The admin's reset link works for therapists only: a client's (the portal's tokens come
    from the same generator) opens nothing here."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_therapist else None


# --- Two-step sign-in -------------------------------------------------------------------


def _next_url(request):
    return safe_next_url(request, reverse("wagtailadmin_home"))


# How long a confirmed password and code allow replacing the authenticator app.
REPLACE_WINDOW = 10 * 60
REPLACE_SESSION_KEY = "clients_2fa_replace_until"


def _may_replace_device(request):
    until = request.session.get(REPLACE_SESSION_KEY, 0)
    return timezone.now().timestamp() < until


def two_factor_setup(request):
    """Shows a QR code for a new authenticator app and confirms it with a first code.

    - First set-up (no app yet) asks nothing more: the sign-in has just happened.
    - Replacing an app first asks for the password and a code from the current app
      (`two_factor_confirm`); that permission lasts REPLACE_WINDOW and is used up once.
    - Every new app is audited and the account's address is told.
    """
    replacing = has_device(request.user)
    if replacing and not request.user.is_verified():
        return redirect(f"{reverse('clients_2fa:verify')}?next={_next_url(request)}")
    if replacing and not _may_replace_device(request):
        return redirect(f"{reverse('clients_2fa:confirm')}?next={_next_url(request)}")
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            confirmed_devices_before = confirmed_devices(request.user)
            with transaction.atomic():
                device.confirmed = True
                device.save()
                for old in confirmed_devices_before:
                    old.delete()
                record(request, AuditEvent.Action.AUTHENTICATOR_CHANGED, therapist=request.user)
            request.session.pop(REPLACE_SESSION_KEY, None)
            otp_login(request, device)
            if replacing:
                messages.success(
                    request,
                    _(
                        "Your new authenticator app is ready. "
                        "The old one no longer gives codes here."
                    ),
                )
            else:
                messages.success(request, _("Two-step sign-in is on. Keep your phone handy."))
            if not send_account_notice(send_authenticator_changed, request.user):
                messages.warning(
                    request,
                    _(
                        "We couldn't send the notice e-mail about your new app. Please check "
                        "the site's e-mail settings."
                    ),
                )
            return redirect(_next_url(request))
        form.add_error(
            "code", _("That code didn't match. Check the time on your phone and try again.")
        )
    return TemplateResponse(
        request,
        "clients/admin/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_code_svg(device),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
            "next": _next_url(request),
            "replacing": replacing,
            "page_title": _("Set up your new authenticator app")
            if replacing
            else _("Set up two-step sign-in"),
            "header_icon": "key",
        },
    )


@sensitive_post_parameters("password")
def two_factor_confirm(request):
    """Before a new authenticator app replaces the current one: the password and a code."""
    if not has_device(request.user):
        return redirect(f"{reverse('clients_2fa:setup')}?next={_next_url(request)}")
    form = CurrentCredentialsForm(
        request.POST if request.method == "POST" else None, user=request.user, request=request
    )
    if request.method == "POST" and form.is_valid():
        request.session[REPLACE_SESSION_KEY] = timezone.now().timestamp() + REPLACE_WINDOW
        return redirect(f"{reverse('clients_2fa:setup')}?next={_next_url(request)}")
    return TemplateResponse(
        request,
        "clients/admin/two_factor_confirm.html",
        {
            "form": form,
            "next": _next_url(request),
            "page_title": _("Replace your authenticator app"),
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
        device = verify_code(devices, form.cleaned_data["code"])
        if device is not None:
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
