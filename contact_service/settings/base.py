"""Settings shared by every environment. Environment-specific modules override these."""

from pathlib import Path

import environ
from csp.constants import NONE, REPORT_SAMPLE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-never-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "csp",
    # Two-factor sign-in: authenticator-app (TOTP) devices and one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "thresholds",
    "referrals",
    "mash",
    "early_help",
    "privacy",
    "returns",
    "reporting",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below) on every response.
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy everywhere; Cache-Control: no-store on anything personal.
    "core.middleware.SecurityHeadersMiddleware",
    # Refuses an oversized body from its Content-Length, before CSRF or a view reads it.
    "core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A read-only request asks guardian about each record once per user (accounts.permissions).
    "accounts.permissions.ObjectPermissionCacheMiddleware",
    # Gives request.user.is_verified(): whether this session has passed a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    # Ends sessions idle too long or past their absolute lifetime (accounts.sessions).
    "accounts.sessions.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Writes what each request read of children's records to the access log (ADR 0009).
    "accounts.reads.AccessLogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in user who still owes a two-factor code reaches only the two-factor pages
    # and sign-out (accounts.two_factor).
    "accounts.two_factor.TwoFactorMiddleware",
    # Axes must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "contact_service.urls"
WSGI_APPLICATION = "contact_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thresholds.context_processors.service",
                "workspace.context_processors.navigation",
                "accounts.context_processors.session_timeout",
            ],
            "builtins": ["core.templatetags.govuk", "thresholds.templatetags.clocks"],
        },
    }
]


def oltp(db: dict) -> dict:
    """PostgreSQL without JIT compilation for the pages' connections: JIT compiled a queue's
    or a dashboard's plan for 80-900 ms whenever its cost estimate passed jit_above_cost,
    several times the query's own run time (benchmarks/README.md, grants section). The MI
    figures and the sweeps already turn it off for their transactions.

    Django's PostgreSQL backend is used through core.postgresql, which reads timestamps with
    psycopg's C loader (Django's own parses them in Python, 18 times slower)."""
    if db.get("ENGINE") == "django.db.backends.postgresql":
        db["ENGINE"] = "core.postgresql"
    if "postgresql" in db.get("ENGINE", ""):
        options = db.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return db


DATABASES = {"default": oltp(env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a worker keeps its database connection between requests (0: a new one each request,
# as suits `make run`; production keeps them a minute, see production.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The per-account limit axes cannot express beside its per-address one (accounts.lockout).
    "accounts.lockout.AccountLockoutBackend",
    # Django's and guardian's backends, except that being a superuser opens no case record;
    # an administrator reads case records only through a break glass (ADR 0009).
    "accounts.permissions.CaseDataModelBackend",
    "accounts.permissions.CaseDataObjectPermissionBackend",
    "accounts.permissions.BreakGlassBackend",
]
# Permissions on these apps' (and models') records are case data: not granted by is_superuser.
# guardian looks for its own backend by name; ours is a subclass of it.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
CASE_DATA_APPS = ["referrals", "mash", "early_help"]
CASE_DATA_MODELS = ["thresholds.deadline"]
# How long an administrator's break glass lasts.
BREAK_GLASS_MINUTES = env.int("BREAK_GLASS_MINUTES", default=60)
# Every row of these models a request loads is written to the access log (accounts.reads).
ACCESS_LOGGED_MODELS = ["referrals.Person", "referrals.Contact"]
# Passwords: at least 12 characters, Django's checks, and an offline check against breached
# and common passwords and the service's own words (accounts.passwords, README "Passwords").
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "accounts.passwords.ServiceWordsValidator"},
]
# Seconds a password reset link works for.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# Two-factor sign-in (accounts.two_factor, README "Sign-in and two-factor"). When True every
# user must set up an authenticator app at their first sign-in; when False (the demo) a user
# may set one up and is then asked for codes. production.py turns it on.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
# Wrong codes a session may enter before the code step locks (sign in again to retry; each
# device also makes the user wait longer after every wrong code: django-otp's throttling).
TWO_FACTOR_MAX_WRONG_CODES = env.int("TWO_FACTOR_MAX_WRONG_CODES", default=5)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Contact Service")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Guardian: anonymous users never get object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The client's address (accounts.client_ip): X-Forwarded-For is believed only when the request
# comes from one of these proxies (IPs or CIDRs, comma-separated); empty: REMOTE_ADDR alone.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Sign-in lockouts (README "Sessions and lockouts"; accounts.lockout). Two separate limits:
# - per address (django-axes): this many failures from one address, whatever the usernames,
#   lock the address until LOCKOUT_IP_MINUTES after its last failure (stops password spraying);
# - per account (accounts.AccountLockout): this many failures for one username within
#   LOCKOUT_ACCOUNT_WINDOW_MINUTES, from any address, lock that username for
#   LOCKOUT_ACCOUNT_MINUTES. Kept short because anyone can trigger it against a colleague;
#   a manager can unlock sooner (/accounts/lockouts/).
LOCKOUT_IP_FAILURES = env.int("LOCKOUT_IP_FAILURES", default=20)
LOCKOUT_IP_MINUTES = env.int("LOCKOUT_IP_MINUTES", default=15)
LOCKOUT_ACCOUNT_FAILURES = env.int("LOCKOUT_ACCOUNT_FAILURES", default=10)
LOCKOUT_ACCOUNT_WINDOW_MINUTES = env.int("LOCKOUT_ACCOUNT_WINDOW_MINUTES", default=15)
LOCKOUT_ACCOUNT_MINUTES = env.int("LOCKOUT_ACCOUNT_MINUTES", default=10)
AXES_FAILURE_LIMIT = LOCKOUT_IP_FAILURES
AXES_COOLOFF_TIME = LOCKOUT_IP_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# A success from an address does not wipe its failures (or one valid account would let a
# sprayer reset the count), and failures while locked do not extend the lock.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# Sessions (README "Sessions and lockouts"; accounts.sessions). Database sessions, with the
# key's hash on each row so one can be ended from another (accounts.StoredSession).
SESSION_ENGINE = "accounts.session_store"
# Ended after this long without a request the user made (background polling does not count).
SESSION_IDLE_MINUTES = env.float("SESSION_IDLE_MINUTES", default=30)
# Ended this long after signing in, whatever the activity.
SESSION_ABSOLUTE_HOURS = env.float("SESSION_ABSOLUTE_HOURS", default=10)
# The "you are about to be signed out" warning shows this long before the idle timeout.
SESSION_WARNING_MINUTES = env.float("SESSION_WARNING_MINUTES", default=5)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_HOURS * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Exports (reporting.Export files) are written here, under exports/; in production point it at
# a volume shared by the web and worker containers (docker-compose.yml: media). Never served
# as static files: a download goes through reporting's view, which checks who asked.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# How long a finished export's file is kept before the beat task deletes it.
EXPORT_KEEP_HOURS = env.float("EXPORT_KEEP_HOURS", default=24.0)
# The export task records its progress every this many rows.
EXPORT_PROGRESS_EVERY = 500
# Subject access downloads (privacy.Disclosure, under MEDIA_ROOT/subject-access/) are themselves
# personal data: the beat task deletes each file this many hours after it was made.
SUBJECT_ACCESS_KEEP_HOURS = env.float("SUBJECT_ACCESS_KEEP_HOURS", default=EXPORT_KEEP_HOURS)
# The dashboard marks an open subject access request "due soon" this many days before its date.
SUBJECT_ACCESS_DUE_SOON_DAYS = env.int("SUBJECT_ACCESS_DUE_SOON_DAYS", default=7)
# The MI figures of a period run on this many database connections at once, as of one snapshot
# (reporting.figures.lanes): the request's and one short-lived thread each for the others. The
# database server's cores are the useful most; 1 runs them one after another.
MI_CONNECTIONS = env.int("MI_CONNECTIONS", default=2)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Change reasons carry rationales (screening notes, closure reasons): no length cap.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Django's form renderer with its input, textarea and select templates written in Python
# (the same output, over a third less time per form: see core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FastDjangoTemplates"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"


# Security headers (README "Security headers"). Django's own, stated here so every
# environment sends them, not only production: the page must not be framed, must not leak
# its address (which can name a search) to other sites, and must not share a browsing
# context group with a window another site opened.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Strict CSP: scripts, styles, images and fonts only from this origin; no inline script,
# style or event handler anywhere (static/js/*.js, static/css/app.css instead). Violations
# are reported to accounts.csp_reports (POST /csp-report), which logs them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'report-sample': a report quotes the start of what was blocked (nothing is allowed).
        "script-src": [SELF, REPORT_SAMPLE],
        "style-src": [SELF, REPORT_SAMPLE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
        "report-uri": ["/csp-report"],
    }
}
# Violation reports logged per minute (per process; the rest are counted, not logged), and
# the biggest report read.
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=60)
CSP_REPORT_MAX_BYTES = 16 * 1024

# Uploads and form posts (README "Uploads"). A request whose Content-Length is over
# MAX_REQUEST_BYTES is refused with a 413 page before anything reads it
# (core.middleware.RequestSizeLimitMiddleware). Below that, form fields over
# DATA_UPLOAD_MAX_MEMORY_SIZE are refused (400) and files over FILE_UPLOAD_MAX_MEMORY_SIZE
# are streamed to a temporary file rather than held in memory.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = 10

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="contact-service@localhost")
# Seconds to wait for the mail server: a worker holds the outbox row while it talks.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Production refuses SMTP without TLS (production.py, README "Email in production").
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
# STARTTLS (port 587), or TLS from the first byte (EMAIL_USE_SSL, port 465): one or the other.
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_PORT = env.int("EMAIL_PORT", default=465 if EMAIL_USE_SSL else 587)
# The relay's certificate is verified (name and chain) against the system's CAs, or the
# bundle the SSL_CERT_FILE environment variable names (a council's own CA).

# /healthz: anyone sees only up, degraded or down; a signed-in administrator, or a monitor
# sending "Authorization: Bearer <HEALTHZ_TOKEN>", sees which check failed. Empty: no token.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")
SERVICE_NAME = "Children and Families Contact Service"
# Where the service is reached, for links in emails (mail clients need absolute addresses).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The council whose rules, timescales and teams the service runs under (see thresholds).
COUNCIL_PROFILE = env("COUNCIL_PROFILE", default="camden")

# Celery. The broker defaults to an embedded filesystem transport (no server);
# set CELERY_BROKER_URL=redis://... for Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The worker takes one message a poll: at kombu's default of a second, `make run`'s
        # demo left ~1,100 emails queued ahead of beat's heartbeat and the first deadline
        # sweep, which then ran some 20 minutes after start (/healthz "degraded" till then).
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The one place the beat schedule is defined.
DEADLINE_SWEEP_SECONDS = env.float("DEADLINE_SWEEP_SECONDS", default=60.0)
# How often the retention sweep runs (daily by default).
RETENTION_SWEEP_SECONDS = env.float("RETENTION_SWEEP_SECONDS", default=86400.0)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "accounts.tasks.beat_heartbeat", "schedule": 60.0},
    # Enforces every deadline: idempotent, and catches up after downtime.
    "deadline-sweep": {
        "task": "thresholds.tasks.sweep_deadlines",
        "schedule": DEADLINE_SWEEP_SECONDS,
    },
    # Re-queues outbox emails whose send task was lost (broker restart, worker crash).
    "outbox-resend": {"task": "accounts.tasks.resend_due_emails", "schedule": 60.0},
    # Ends idle and expired sessions on the server (accounts.sessions.sessions_clear_expired).
    "sessions-clear": {"task": "accounts.tasks.clear_expired_sessions", "schedule": 900.0},
    # Deletes export files past EXPORT_KEEP_HOURS.
    "exports-expire": {"task": "reporting.tasks.delete_expired_exports", "schedule": 900.0},
    # Deletes subject access downloads past SUBJECT_ACCESS_KEEP_HOURS.
    "subject-access-expire": {
        "task": "privacy.tasks.delete_expired_disclosures",
        "schedule": 900.0,
    },
    # Reports last week's unusual access once (idempotent per week): run hourly, so the report
    # is made early on Monday and still made after downtime.
    "unusual-access-weekly": {"task": "privacy.tasks.weekly_unusual_access", "schedule": 3600.0},
    # Puts records past their council's retention period on the review queue (privacy);
    # idempotent, so the interval only sets how soon a newly due record appears.
    "retention-sweep": {
        "task": "privacy.tasks.sweep_retention",
        "schedule": RETENTION_SWEEP_SECONDS,
    },
    # Warnings on a person past their review date show as due for review to their manager
    # (referrals.person_warnings); idempotent, hourly is soon enough for a date.
    "warning-reviews": {"task": "referrals.tasks.sweep_warning_reviews", "schedule": 3600.0},
}

# The DfE CIN census validator runs in its own venv (it pins pandas<2, numpy<2): made by
# scripts/ensure-cin-validator.sh, which `make install` runs.
CIN_VALIDATOR_PYTHON = env(
    "CIN_VALIDATOR_PYTHON", default=str(VAR_DIR / "cin-validator-venv" / "bin" / "python")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
