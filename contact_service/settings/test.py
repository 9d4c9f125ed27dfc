"""The test suite: a real PostgreSQL and a real Redis (see `make test`)."""

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": env.db(
        "TEST_DATABASE_URL",
        default="postgres://contact_service:contact_service@127.0.0.1:5432/contact_service",
    )
}
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
DEBUG = False
