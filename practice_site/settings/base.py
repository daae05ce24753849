"""Settings shared by every environment.

Values come from the environment through django-environ. Defaults are chosen so that
`make run` works with no configuration at all: a SQLite file, the database as task broker,
a local-memory cache and e-mail printed to the console.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "practice_site"

env = environ.Env()

# Used only when SECRET_KEY is unset; production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def refuse_unsafe_production(secret_key, allowed_hosts):
    """Stop start-up when DEBUG is off with development defaults still in place."""
    if secret_key == DEV_SECRET_KEY or len(secret_key) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key or too short. Set SECRET_KEY to a long random "
            "value, e.g. the output of: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. Set it to the host names the site answers to, "
            "e.g. ALLOWED_HOSTS=practice.example.org"
        )


INSTALLED_APPS = [
    "blog",
    "clients",
    "homework",
    "practice_site.demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_q",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "clients.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clients.middleware.ClearSiteDataMiddleware",
    "clients.middleware.SessionTimeoutMiddleware",
    "clients.middleware.AskerMiddleware",
    "clients.middleware.ClientsStayOutOfAdminMiddleware",
    "clients.middleware.TherapistTwoFactorMiddleware",
    "clients.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clients.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "practice_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "practice_site.wsgi.application"

# --- Database -------------------------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock
    # at the start of a transaction so two writers queue instead of failing mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=5000",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds a task may run before the worker kills it. `retry` must be longer, or a slow
# task would be handed to a second worker while the first still runs (checked at start-up).
TASK_TIMEOUT = env.int("TASK_TIMEOUT", default=120)

Q_CLUSTER = {
    "name": "practice_site",
    "workers": env.int("TASK_WORKERS", default=2),
    "timeout": TASK_TIMEOUT,
    "retry": env.int("TASK_RETRY", default=TASK_TIMEOUT * 2 + 30),
    "max_attempts": env.int("TASK_MAX_ATTEMPTS", default=3),
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "label": "Background tasks",
}
# Failed tasks keep their ids and error type this many days, then are pruned daily.
TASK_FAILURE_RETENTION_DAYS = env.int("TASK_FAILURE_RETENTION_DAYS", default=14)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Auth -----------------------------------------------------------------------------------

AUTH_USER_MODEL = "clients.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static_root")
STATICFILES_DIRS = [PROJECT_DIR / "static"]

MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Health documents (session summaries) live here, outside MEDIA_ROOT, never under a URL.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "private")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "homework.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Practice <practice@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds before a silent mail server counts as down (Django waits for ever without it).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Mail refused for a temporary reason is sent again, this many times in all, waiting
# MAIL_RETRY_MINUTES times the attempt number between tries.
MAIL_RETRY_ATTEMPTS = env.int("MAIL_RETRY_ATTEMPTS", default=4)
MAIL_RETRY_DELAY = timedelta(minutes=env.int("MAIL_RETRY_MINUTES", default=10))

# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Practice")
# Absolute links in e-mails and the admin are built from this.
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# No outside requests for avatars: the site may run where there is no network.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# The admin's password reset serves therapists only (clients reset theirs in the portal).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "clients.forms.AdminPasswordResetForm"  # noqa: S105 (a class)
# The sign-in e-mail is changed in its own account panel, which asks for the password.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

# --- Forms ----------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The admin alone allows same-origin frames (Wagtail's preview panel): see
# clients.middleware.ContentSecurityPolicyMiddleware.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the draft autosave reads it to send the X-CSRFToken header

# Behind a reverse proxy: how many proxies append to X-Forwarded-For. 0 means the site is
# reached directly and the header is ignored (so a forged header changes nothing).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# A forged or missing CSRF token: JSON for the autosave, a kind page for form posts.
CSRF_FAILURE_VIEW = "clients.views.portal.csrf_failure"

# Content-Security-Policy (django-csp 4). No inline script or style attributes anywhere on
# the public site and the portal; `connect-src 'self'` lets the draft autosave fetch.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # Video embeds in articles (Wagtail embeds from YouTube and Vimeo).
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The admin's policy (clients.middleware.ContentSecurityPolicyMiddleware, /admin/ only): the
# site's, plus what Wagtail's editors need. The middleware adds the hashes of Wagtail's own
# widget scripts, and inline style in the editing views (Draftail); see
# docs/security.md (In the browser).
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    # Embed thumbnails in the editor come from the video sites.
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "frame-ancestors": ["'self'"],
}

# Browser features no page of the site uses, denied to it and to every frame it embeds
# (clients.middleware.PermissionsPolicyMiddleware). Left at the browser's default on purpose:
# fullscreen, autoplay, encrypted-media and picture-in-picture (the article's video players)
# and clipboard-write (the admin's copy buttons; same-origin by default).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

# Brute-force protection (django-axes). Counted per account *and* address together, so one
# person's typos never lock out the rest of a practice behind the same proxy; the lock ends
# by itself after the cool-off.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "clients.lockout.client_ip_for_axes"
AXES_USERNAME_CALLABLE = "clients.lockout.username_for_axes"
AXES_LOCKOUT_CALLABLE = "clients.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Our own audit trail records sign-ins; axes keeps only the counters it needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Axes keeps a failed attempt's POST data: mask every password field, prefixed ones too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "sign_in_email-password"]

# Password-reset requests allowed per address and e-mail within PASSWORD_RESET_WINDOW.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=5)
PASSWORD_RESET_WINDOW = timedelta(hours=1)

# Sessions: an idle timeout (shorter for therapists) and an absolute lifetime.
CLIENT_IDLE_TIMEOUT = env.int("CLIENT_IDLE_TIMEOUT", default=30 * 60)
THERAPIST_IDLE_TIMEOUT = env.int("THERAPIST_IDLE_TIMEOUT", default=15 * 60)
SESSION_MAX_AGE_ABSOLUTE = env.int("SESSION_MAX_AGE_ABSOLUTE", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_AGE_ABSOLUTE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-step sign-in (TOTP, django-otp) for therapists. Off by default in development, on in
# production settings; a therapist who has set up a device is always asked for a code.
THERAPIST_2FA_REQUIRED = env.bool("THERAPIST_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("SITE_NAME", default="Practice")

# --- Clients and the portal ------------------------------------------------------------------

# Days an invitation link stays valid, and hours a password-reset link does.
CLIENT_INVITATION_DAYS = env.int("CLIENT_INVITATION_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", default=2) * 60 * 60

# --- Homework -------------------------------------------------------------------------------

# Hours after a week's last day during which its reflection may still be written or edited.
HOMEWORK_GRACE_HOURS = env.int("HOMEWORK_GRACE_HOURS", default=48)
# Reminders go out from this local hour (0-23, the client's time zone), this many days
# before a week's last day, to clients who have not submitted that week yet.
HOMEWORK_REMINDER_HOUR = env.int("HOMEWORK_REMINDER_HOUR", default=18)
HOMEWORK_REMINDER_DAYS_BEFORE_DUE = env.int("HOMEWORK_REMINDER_DAYS_BEFORE_DUE", default=1)
# The therapist's daily digest of new reflections goes out from this hour (TIME_ZONE).
HOMEWORK_DIGEST_HOUR = env.int("HOMEWORK_DIGEST_HOUR", default=7)
for _name in ("HOMEWORK_REMINDER_HOUR", "HOMEWORK_DIGEST_HOUR"):
    if not 0 <= vars()[_name] <= 23:
        raise ImproperlyConfigured(f"{_name} must be an hour from 0 to 23, e.g. 18.")
if not 0 <= HOMEWORK_REMINDER_DAYS_BEFORE_DUE <= 6:
    raise ImproperlyConfigured("HOMEWORK_REMINDER_DAYS_BEFORE_DUE must be from 0 to 6, e.g. 1.")
# Hours a reflection posted signed out (or with a stale form) is kept, encrypted, for its
# writer to find in the form after signing in again. The same as the longest session.
KEPT_ANSWERS_HOURS = env.int("KEPT_ANSWERS_HOURS", default=12)
# The largest reflection a client may post: 10 prompts (homework.models.MAX_PROMPTS) x
# 20,000 characters (MAX_ANSWER_LENGTH) x 4 bytes (UTF-8) = 800,000 bytes, x 3 as the form
# percent-encodes every non-ASCII byte (%XX) = 2,400,000 bytes; plus 200,000 for the rest
# of the form and margin. Beyond it the client gets a kind page (homework.views.portal).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_600_000

# --- Session summaries ----------------------------------------------------------------------

# Days a session-prep PDF is kept before a daily task deletes its file.
SUMMARY_RETENTION_DAYS = env.int("SUMMARY_RETENTION_DAYS", default=30)
# Minutes between runs of the sweeper that re-queues summaries stuck in the queue.
SUMMARY_SWEEP_MINUTES = env.int("SUMMARY_SWEEP_MINUTES", default=5)
# The longest range a therapist may ask for, in days.
SUMMARY_MAX_RANGE_DAYS = env.int("SUMMARY_MAX_RANGE_DAYS", default=400)
# Per therapist: summaries queued or rendering at once, and new requests in any hour.
SUMMARY_MAX_PENDING = env.int("SUMMARY_MAX_PENDING", default=3)
SUMMARY_REQUESTS_PER_HOUR = env.int("SUMMARY_REQUESTS_PER_HOUR", default=20)
for _name in ("SUMMARY_MAX_PENDING", "SUMMARY_REQUESTS_PER_HOUR"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more, e.g. 3.")

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django_q": {"level": "INFO"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # Wagtail runs its search-index updates as tasks and logs each one at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}
