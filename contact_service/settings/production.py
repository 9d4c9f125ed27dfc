"""Production: refuses to start without its secrets; HTTPS hardening on by default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EMAIL_HOST, EMAIL_USE_SSL, EMAIL_USE_TLS, SILENCED_SYSTEM_CHECKS, env, oltp

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
# base.py falls back to the embedded filesystem broker for development. In production that
# would queue every email and clock task in a folder no worker in another container reads.
if not env("CELERY_BROKER_URL", default=""):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be set in production, e.g. redis://redis:6379/0: without it "
        "background work (emails, clock sweeps) would queue in a local folder no worker reads."
    )

DEBUG = False
# Every user signs in with a password and a code from their authenticator app.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
DATABASES = {"default": oltp(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if not SECURE_SSL_REDIRECT:
    # Said explicitly: the TLS proxy in front redirects http to https (or, as in
    # docker-compose.yml on localhost, nothing terminates TLS yet). `check --deploy` would
    # otherwise warn about a choice the operator has made; README "Running in production".
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W008"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# As cookiecutter-django does. Sending "preload" adds no domain to browsers' lists (only a
# submission for the apex domain does); set SECURE_HSTS_PRELOAD=false to leave it out.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Email in transit (README "Email in production"). Subjects between agencies carry NHS and
# case numbers, so mail goes to the relay over TLS, with the relay's certificate verified
# (Django's SMTP backend uses ssl.create_default_context()). The console and file backends
# would write every message into the logs or onto disk, so production refuses them too.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Plain SMTP only to a relay on this very host (loopback), and only when said this loudly.
EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY = env.bool(
    "EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY", default=False
)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
if EMAIL_BACKEND in {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} writes every email (NHS and case numbers included) "
        f"to the log or to disk: use {SMTP_BACKEND} with a relay over TLS in production."
    )
if EMAIL_BACKEND == SMTP_BACKEND:
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured(
            "Set one of EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465), not both."
        )
    if not (EMAIL_USE_TLS or EMAIL_USE_SSL):
        if not EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY:
            raise ImproperlyConfigured(
                "Email would be sent unencrypted: set EMAIL_USE_TLS=true (STARTTLS, port 587) "
                "or EMAIL_USE_SSL=true (port 465). Only for a relay on this same host, "
                "EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY=true allows plain SMTP to it."
            )
        if EMAIL_HOST not in LOOPBACK_HOSTS:
            raise ImproperlyConfigured(
                f"EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY allows plain SMTP only to this host "
                f"({', '.join(sorted(LOOPBACK_HOSTS))}), not to EMAIL_HOST={EMAIL_HOST}."
            )
