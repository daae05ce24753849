from .base import *  # noqa: F403
from .base import env, refuse_unsafe_production

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

if not DEBUG:
    refuse_unsafe_production(SECRET_KEY, ALLOWED_HOSTS)  # noqa: F405
