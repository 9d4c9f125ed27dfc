"""Every response carries the security headers; anything personal is never cached."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample'; "
    "img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; report-uri /csp-report"
)


def _policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def assert_security_headers(response) -> None:
    """The headers every response of the service carries, whoever asked."""
    assert _policy(response) == {
        name: value for name, value in (d.split(" ", 1) for d in CSP.split("; "))
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def assert_not_stored(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private"} <= cache_control
    assert response["Pragma"] == "no-cache"


def test_a_signed_in_page_has_every_header_and_is_never_stored(client, screening_officer):
    client.force_login(screening_officer)
    response = client.get(reverse("work_tray"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_stored(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_sign_in_page_has_every_header(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_redirect_to_sign_in_has_every_header(client):
    response = client.get(reverse("work_tray"))
    assert response.status_code == 302
    assert_security_headers(response)


def test_an_error_page_for_a_signed_in_user_is_never_stored(client, screening_officer):
    client.force_login(screening_officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)
    assert_not_stored(response)


def test_a_download_is_never_stored(client, team_manager):
    client.force_login(team_manager)
    day = dt.date.today()
    response = client.post(
        reverse("returns:annex_a"), {"as_of_0": day.day, "as_of_1": day.month, "as_of_2": day.year}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_security_headers(response)
    assert_not_stored(response)


def test_a_static_file_is_cacheable_even_for_a_signed_in_user(settings, screening_officer):
    # Whitenoise serving from the finders, as it serves the collected files in production.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # A new handler, so whitenoise reads the settings above.
    client.force_login(screening_officer)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b".app-user-bar" in b"".join(response.streaming_content)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_healthz_is_never_stored_and_has_every_header(client):
    response = client.get(reverse("healthz"))
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_the_favicon_is_a_static_file_not_a_data_url(client):
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/static/images/favicon.svg"' in html
    assert "data:" not in html


def test_htmx_is_configured_for_the_csp(client):
    html = client.get(reverse("login")).content.decode()
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html
