"""Request-wide rules: session lifetimes, who may enter the admin, two-step sign-in,
caching of private pages, what a sign-out clears and the browser policies
(Permissions-Policy, Content-Security-Policy)."""

import base64
import hashlib
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
PORTAL_PREFIX = "/portal/"
LAST_ACTIVITY = "clients:last_activity"
SIGNED_IN_AT = "clients:signed_in_at"
# The idle clock is written at most this often, to spare a session save on every request.
ACTIVITY_RESOLUTION = 5
SIGNED_OUT_PARAM = "signed_out"
SIGNED_OUT_ASKED = "1"
SIGNED_OUT_IDLE = "idle"


def _now():
    return int(timezone.now().timestamp())


def is_client(user):
    from .access import profiles_of

    return bool(profiles_of(user))


def idle_timeout_for(user):
    """Everyone signed in who is not a client works in the admin: the shorter timeout."""
    if user.is_authenticated and not is_client(user):
        return settings.THERAPIST_IDLE_TIMEOUT
    return settings.CLIENT_IDLE_TIMEOUT


def seconds_left(request):
    """Seconds before this session is ended for inactivity (or its absolute lifetime)."""
    if not request.user.is_authenticated:
        return 0
    now = _now()
    last = request.session.get(LAST_ACTIVITY, now)
    started = request.session.get(SIGNED_IN_AT, now)
    idle_left = idle_timeout_for(request.user) - (now - last)
    absolute_left = settings.SESSION_MAX_AGE_ABSOLUTE - (now - started)
    return max(0, min(idle_left, absolute_left))


def mark_signed_in(request):
    """Start both clocks; called when someone signs in."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


def touch(request):
    """Count this request as activity."""
    now = _now()
    if SIGNED_IN_AT not in request.session:  # a session from before these clocks existed
        request.session[SIGNED_IN_AT] = now
    if now - request.session.get(LAST_ACTIVITY, 0) >= ACTIVITY_RESOLUTION:
        request.session[LAST_ACTIVITY] = now


class PermissionsPolicyMiddleware:
    """Every response denies the browser features in settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = settings.PERMISSIONS_POLICY
        self.header = ", ".join(f"{name}=({' '.join(allow)})" for name, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def signed_out_notice(request, reason):
    """The kind word on the sign-in page after a sign-out, by the reason in its address."""
    if reason == SIGNED_OUT_IDLE:
        admin = request.path.startswith(ADMIN_PREFIX)
        timeout = settings.THERAPIST_IDLE_TIMEOUT if admin else settings.CLIENT_IDLE_TIMEOUT
        return _(
            "For your privacy you were signed out after %(minutes)s minutes without "
            "activity. Please sign in again."
        ) % {"minutes": timeout // 60}
    return _("You're signed out. See you next time.")


def _with_param(url, name, value):
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)], safe="/")))


class ClearSiteDataMiddleware:
    """A request that ends a session asks the browser to forget the site: its cache, its
    cookies and its storage (the portal's sign-out, the admin's, and an idle sign-out).

    - Placed before SessionTimeoutMiddleware, so it sees who was signed in when the request
      came.
    - The browser then drops the messages' cookie too: the reason for the sign-out travels in
      the redirect's address instead (`?signed_out=idle`), and becomes a message again when the
      sign-in page is asked for. Only fixed words are shown, never text from the address.
    """

    header = '"cache", "cookies", "storage"'

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_signed_in = request.user.is_authenticated
        reason = request.GET.get(SIGNED_OUT_PARAM)
        if not was_signed_in and reason in (SIGNED_OUT_IDLE, SIGNED_OUT_ASKED):
            messages.info(request, signed_out_notice(request, reason))
        response = self.get_response(request)
        if was_signed_in and not request.user.is_authenticated:
            response.headers["Clear-Site-Data"] = self.header
            if response.has_header("Location"):
                idle = getattr(request, "session_expired", False)
                reason = SIGNED_OUT_IDLE if idle else SIGNED_OUT_ASKED
                response["Location"] = _with_param(response["Location"], SIGNED_OUT_PARAM, reason)
                for _message in messages.get_messages(request):
                    pass  # consumed: a cookie the browser is told to clear would lose them
        return response


class SessionTimeoutMiddleware:
    """Ends a session after its idle timeout or its absolute lifetime, server-side.

    - Every authenticated request counts as activity, except background polls that must
      not keep a forgotten tab signed in forever: the portal's GET /portal/session/ and
      the admin's editing-session pings.
    """

    background_prefixes = (ADMIN_PREFIX + "editing-sessions/",)

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def poll_path(self):
        return reverse("portal:session")

    def is_background(self, request):
        if request.method == "GET" and request.path == self.poll_path:
            return True
        return request.path.startswith(self.background_prefixes)

    def __call__(self, request):
        if request.user.is_authenticated:
            if seconds_left(request) <= 0:
                # ClearSiteDataMiddleware tells the person why, on the sign-in page.
                logout(request)
                request.session_expired = True
            elif not self.is_background(request):
                touch(request)
        return self.get_response(request)


class AskerMiddleware:
    """Who is asking, resolved once per request (see `clients.access.resolve_asker`):
    `request.client` and `request.client_profiles`, for every view and template to read.

    - After SessionTimeoutMiddleware, so a session it ends has no client.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .access import resolve_asker

        resolve_asker(request)
        return self.get_response(request)


class ClientsStayOutOfAdminMiddleware:
    """A client's session never reaches the Wagtail admin, not even its sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX) and request.client is not None:
            return redirect("portal:dashboard")
        return self.get_response(request)


class TherapistTwoFactorMiddleware:
    """Sends a therapist without a confirmed code to set-up or verification first.

    - Applies when THERAPIST_2FA_REQUIRED is on, and always to someone who has set up a device.
    - The admin's own assets that carry no data stay open: the icon sprite and the script
      translations. Wagtail fetches the sprite on every admin page, the two-step pages too;
      redirected, it would get the two-step page itself, insert it as a hidden second copy of
      the form and keep it (the set-up secret with it) in localStorage.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self):
        return {
            reverse("clients_2fa:setup"),
            reverse("clients_2fa:verify"),
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_sprite"),
            reverse("wagtailadmin_javascript_catalog"),
        }

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(ADMIN_PREFIX)
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in self.open_paths
        ):
            from .twofactor import has_device

            device = has_device(user)
            if device or settings.THERAPIST_2FA_REQUIRED:
                target = "clients_2fa:verify" if device else "clients_2fa:setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing from the portal or the admin is kept by browsers or shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith((PORTAL_PREFIX, ADMIN_PREFIX)):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


# Wagtail's admin starts some widgets with an inline script it writes itself, outside any
# template that could carry a nonce: a chooser (`new PageChooser("id_x", {...});`), a date
# picker (`initDateChooser("id_x", {...});`) or an inline panel. Each is allowed by its hash
# when it is exactly such a call with JSON arguments, so no injected script ever is.
INLINE_SCRIPT = re.compile(r"<script>([^<]*)</script>")
WIDGET_INIT = re.compile(
    r"\s*(?:new (?:Page|Snippet|Image|Document|Task)Chooser|init(?:Date|Time|DateTime)Chooser)"
    r'\("[\w-]+", (?P<options>\{.*\})\);\s*',
    re.DOTALL,
)
PANEL_INIT = re.compile(
    r"\s*\(function\(\) \{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)"
    r'\(JSON\.parse\((?P<options>"[^"\\]*(?:\\.[^"\\]*)*")\)\);\s*\}\)\(\);\s*',
    re.DOTALL,
)
# Draftail, Wagtail's rich-text editor, draws its placeholders with <style> elements it makes
# at run time, with no nonce: inline style is allowed in the admin's editing views only.
EDITOR_VIEWS = {"add", "edit", "revisions_revert"}


def _is_json_object(text):
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _is_widget_init(script):
    if match := WIDGET_INIT.fullmatch(script):
        return _is_json_object(match["options"])
    if match := PANEL_INIT.fullmatch(script):
        try:
            return _is_json_object(json.loads(match["options"]))
        except ValueError:
            return False
    return False


def _hash_source(script):
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def allowed_inline_script_hashes(html):
    """CSP hash sources for the page's inline scripts that are Wagtail's widget initialisers."""
    return sorted({_hash_source(s) for s in INLINE_SCRIPT.findall(html) if _is_widget_init(s)})


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, with the admin's own policy (settings.ADMIN_CONTENT_SECURITY_POLICY).

    - No inline script anywhere but Wagtail's widget initialisers, each by its hash.
    - Inline style in the admin's editing views only, for Draftail (see EDITOR_VIEWS).
    - The admin may also frame itself (Wagtail's preview panel); nothing else may be framed.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(ADMIN_PREFIX):
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
            parts.update = {**(parts.update or {}), **self.admin_allowances(request, response)}
        return parts

    def admin_allowances(self, request, response):
        allow = {}
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in EDITOR_VIEWS:
            allow["style-src"] = ["'unsafe-inline'"]
        html = not response.streaming and response.get("Content-Type", "").startswith("text/html")
        if html and (hashes := allowed_inline_script_hashes(response.text)):
            allow["script-src"] = hashes
        return allow
