from .base import *  # noqa: F403
from .base import env, refuse_unsafe_production

DEBUG = env.bool("DEBUG", default=False)
refuse_unsafe_production(SECRET_KEY, ALLOWED_HOSTS)  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# HTTPS everywhere. SECURE_SSL_REDIRECT can be turned off when the proxy already redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Therapists confirm each sign-in with a code from an authenticator app.
THERAPIST_2FA_REQUIRED = env.bool("THERAPIST_2FA_REQUIRED", default=True)
