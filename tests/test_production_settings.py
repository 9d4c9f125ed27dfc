"""Production settings: `check --deploy` is clean with the compose file's defaults, and email
never leaves over an unencrypted connection."""

import ast

import pytest

from tests.settings_helpers import compose_environment, load_production_settings, run_python

STRONG_KEY = "k3Y-for-the-deploy-check-only_8fQ2mZr7Tx1vN4pL0sWc9yHd6jBg5aEu3oKi"


def test_check_deploy_is_clean_with_the_compose_files_defaults():
    env = compose_environment(SECRET_KEY=STRONG_KEY)
    assert env["DJANGO_SETTINGS_MODULE"] == "contact_service.settings.production"
    assert env["SECURE_SSL_REDIRECT"] == "false"  # Compose has no TLS proxy of its own.
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy_that_django_redirects_for():
    env = compose_environment(SECRET_KEY=STRONG_KEY, SECURE_SSL_REDIRECT="true")
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_default_is_smtp_with_starttls_not_the_console():
    env = compose_environment(SECRET_KEY=STRONG_KEY)
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (env["EMAIL_USE_TLS"], env["EMAIL_PORT"]) == ("true", "587")


EMAIL = ["EMAIL_BACKEND", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_PORT", "EMAIL_HOST"]
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _email_settings(**env: str | None) -> list:
    result = load_production_settings(EMAIL, **env)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def _refusal(**env: str | None) -> str:
    result = load_production_settings(EMAIL, **env)
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_production_sends_over_starttls_by_default():
    assert _email_settings() == [SMTP, True, False, 587, "localhost"]


def test_production_can_use_tls_from_the_first_byte_on_465():
    assert _email_settings(EMAIL_USE_SSL="true") == [SMTP, False, True, 465, "localhost"]


def test_production_refuses_plain_smtp():
    message = _refusal(EMAIL_USE_TLS="false", EMAIL_HOST="relay.council.example")
    assert "ImproperlyConfigured: Email would be sent unencrypted" in message


def test_production_refuses_tls_and_ssl_together():
    assert "not both" in _refusal(EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")


@pytest.mark.parametrize("backend", ["console", "filebased"])
def test_production_refuses_backends_that_write_emails_to_the_log_or_disk(backend):
    message = _refusal(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
    assert "NHS and case numbers" in message


def test_plain_smtp_is_allowed_only_to_a_relay_on_this_host_and_only_when_said_loudly():
    plain = {"EMAIL_USE_TLS": "false", "EMAIL_PORT": "25"}
    loud = {**plain, "EMAIL_ALLOW_PLAINTEXT_TO_LOCAL_RELAY": "true"}
    assert _email_settings(**loud, EMAIL_HOST="127.0.0.1") == [SMTP, False, False, 25, "127.0.0.1"]
    assert "not to EMAIL_HOST=relay.council.example" in _refusal(
        **loud, EMAIL_HOST="relay.council.example"
    )
    assert "Email would be sent unencrypted" in _refusal(**plain, EMAIL_HOST="127.0.0.1")
