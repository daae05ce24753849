"""The client portal: signing in and out, invitations, passwords, profile and own data."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_q.tasks import async_task
from wagtail import hooks

from ..access import choose_profile, client_required, get_profile_for_client, wants_json
from ..audit import record
from ..export import client_export
from ..forms import (
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
)
from ..lockout import reset_request_allowed, unlock
from ..middleware import idle_timeout_for, seconds_left
from ..models import AuditEvent, Client
from ..tokens import invitation_tokens, password_reset_tokens

# --- Signing in and out -------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "clients/portal/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@require_POST
def sign_out(request):
    """The browser is told to forget the site and the sign-in page says goodbye: see
    clients.middleware.ClearSiteDataMiddleware."""
    logout(request)
    return redirect("portal:login")


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def session_status(request):
    """The autosave's view of the session; JSON always, never a redirect.

    GET only reads (it is not activity); POST counts as activity (done by the middleware).
    """
    signed_in = request.client is not None
    return JsonResponse(
        {
            "authenticated": signed_in,
            "seconds_left": seconds_left(request) if signed_in else 0,
            "idle_timeout": idle_timeout_for(request.user),
        }
    )


@client_required
def signed_in(request):
    return render(request, "clients/portal/signed_in.html")


def csrf_failure(request, reason=""):
    """A stale or missing CSRF token: JSON for scripts, a kind page for forms.

    - Other apps may answer first through the `portal_csrf_failure` hook (homework keeps a
      reflection's answers and puts them back in its form); the first response wins.
    """
    for hook in hooks.get_hooks("portal_csrf_failure"):
        response = hook(request)
        if response is not None:
            return response
    if wants_json(request):
        return JsonResponse({"error": "csrf"}, status=403)
    return render(request, "403_csrf.html", status=403)


# --- Invitations and passwords ------------------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Opens a single-use link, asks for a password, then signs the client in.

    Only client accounts; an expired, used or altered link shows the same explanation.
    """

    template_name = "clients/portal/set_password.html"
    form_class = SetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("portal:dashboard")
    audit_action = AuditEvent.Action.PASSWORD_RESET
    purpose = "reset"

    def get_user(self, uidb64):
        """The link names the client by UUID (Django's usual slot for the user id)."""
        try:
            key = uuid.UUID(uidb64)
        except ValueError:
            return None
        client = Client.objects.filter(uuid=key, user__is_active=True).select_related("user")
        return client[0].user if client else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["purpose"] = self.purpose
        context["request_form"] = PasswordResetRequestForm()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        # The profile the link was sent for: the person lands on that therapist's homework.
        client = Client.objects.get(uuid=self.kwargs["uidb64"], user=self.user)
        choose_profile(self.request, client)
        record(self.request, self.audit_action, client=client, actor=self.user)
        unlock(self.user.email)
        messages.success(self.request, "Your password is saved and you're signed in.")
        return response


class InvitationView(SetPasswordView):
    token_generator = invitation_tokens
    audit_action = AuditEvent.Action.INVITATION_USED
    purpose = "invitation"


class PasswordResetConfirmView(SetPasswordView):
    token_generator = password_reset_tokens


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_reset(request):
    """The same answer, and the same work, whether or not the e-mail is known.

    - Throttled per address and e-mail.
    - One query and one task for every address (the task's argument is the client's id or
      None), so the time taken reveals nothing; the task sends or does nothing.
    """
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not reset_request_allowed(request, email):
            return render(request, "clients/portal/password_reset_throttled.html", status=429)
        # A profile the person came into first: a therapist who never invited them must
        # not see their reset on her trail.
        client_id = (
            Client.objects.filter(user__email__iexact=email, user__is_active=True)
            .order_by(F("accepted_at").asc(nulls_last=True), "created_at")
            .values_list("pk", flat=True)
            .first()
        )
        async_task("clients.tasks.send_password_reset_email", client_id)
        return redirect("portal:password_reset_sent")
    return render(request, "clients/portal/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(request, "clients/portal/password_reset_sent.html")


@method_decorator(client_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "clients/portal/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portal:dashboard")

    def form_valid(self, form):
        form.save()
        update_session_auth_hash(self.request, form.user)
        for profile in self.request.client_profiles:  # one sign-in, on each therapist's trail
            record(self.request, AuditEvent.Action.PASSWORD_CHANGED, client=profile)
        messages.success(self.request, "Your password is changed.")
        return redirect(self.success_url)


# --- The portal's own pages ---------------------------------------------------------------


def dashboard_panels(request):
    """Panels other apps add to the dashboard, in their `order` (hook `portal_dashboard_panels`:
    fn(request) -> a component or None)."""
    panels = []
    for fn in hooks.get_hooks("portal_dashboard_panels"):
        panel = fn(request)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: getattr(panel, "order", 0))


@client_required
def dashboard(request):
    return render(
        request,
        "clients/portal/dashboard.html",
        {"client": request.client, "panels": dashboard_panels(request)},
    )


@client_required
@require_http_methods(["GET", "POST"])
def therapists(request):
    """For a client of several therapists: whose homework the portal shows (this session)."""
    if request.method == "POST":
        profile = get_profile_for_client(request, request.POST.get("profile", ""))
        choose_profile(request, profile)
        name = profile.therapist.get_full_name() or profile.therapist.email
        message = _("You're now looking at your work with %(name)s.") % {"name": name}
        messages.success(request, message)
        return redirect("portal:dashboard")
    return render(request, "clients/portal/therapists.html", {"client": request.client})


@client_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.client)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("portal:profile")
    return render(request, "clients/portal/profile.html", {"form": form, "client": request.client})


@client_required
@require_http_methods(["GET", "POST"])
def your_data(request):
    """GET explains; POST downloads the JSON (a POST, so no link prefetch can trigger it)."""
    if request.method == "GET":
        return render(request, "clients/portal/data.html", {"client": request.client})
    others = [p for p in request.client_profiles if p.pk != request.client.pk]
    for profile in [request.client, *others]:
        record(request, AuditEvent.Action.EXPORT, client=profile, obj=profile)
    data = client_export(request.client, others)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response
