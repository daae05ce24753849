from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-that-is-long-enough-for-hmac-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"

MEDIA_ROOT = BASE_DIR / "test-results" / "media"  # noqa: F405
PRIVATE_ROOT = BASE_DIR / "test-results" / "private"  # noqa: F405
THERAPIST_2FA_REQUIRED = False
