"""POST /csp-report: browsers' violation reports are logged, bounded, and junk never 500s."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import csp_reports

pytestmark = pytest.mark.django_db

REPORT = {
    "csp-report": {
        "document-uri": "https://contact.example.gov.uk/people/?search=Maya+Hassan#top",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /csp-report",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://contact.example.gov.uk/people/?search=Maya+Hassan",
        "status-code": 200,
        "script-sample": "window.__pwned=1",
    }
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser():
    """As a browser posts a report: no session, no CSRF token (and CSRF enforced)."""
    return Client(enforce_csrf_checks=True)


def _post(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(reverse("csp_report"), data, content_type=content_type)


def test_a_report_is_logged_without_a_session_or_csrf_token(browser, caplog):
    with caplog.at_level(logging.WARNING, logger="csp"):
        response = _post(browser, REPORT)
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "csp"]
    message = record.getMessage()
    assert "effective-directive='script-src-elem'" in message
    assert "blocked-uri='inline'" in message
    assert "script-sample='window.__pwned=1'" in message
    # A page's address can carry a search for a child: only its path is logged.
    assert "document-uri='https://contact.example.gov.uk/people/'" in message
    assert "Maya" not in message
    assert "original-policy" not in message


def test_a_reporting_api_batch_is_logged_too(browser, caplog):
    batch = [
        {
            "type": "csp-violation",
            "url": "https://contact.example.gov.uk/work/",
            "body": {
                "documentURL": "https://contact.example.gov.uk/work/?q=1",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "enforce",
            },
        },
        {"type": "deprecation", "body": {}},
    ]
    with caplog.at_level(logging.WARNING, logger="csp"):
        response = _post(browser, batch, content_type="application/reports+json")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "csp"]
    assert "effective-directive='style-src-attr'" in record.getMessage()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[]",
        b"{}",
        b'{"csp-report": "a string"}',
        b'{"csp-report": {}}',
        b"null",
        b"123",
        b'[{"type": "csp-violation", "body": "nope"}]',
    ],
)
def test_junk_is_refused_without_an_error(browser, body):
    response = _post(browser, body)
    assert response.status_code == 400


def test_a_line_break_in_a_field_cannot_forge_a_log_line(browser, caplog):
    report = {"csp-report": {**REPORT["csp-report"], "script-sample": "x\nERROR forged line"}}
    with caplog.at_level(logging.WARNING, logger="csp"):
        _post(browser, report)
    [record] = [r for r in caplog.records if r.name == "csp"]
    assert "\n" not in record.getMessage()
    assert "x\\nERROR forged line" in record.getMessage()


def test_long_fields_are_cut_short(browser, caplog):
    report = {"csp-report": {**REPORT["csp-report"], "script-sample": "a" * 5000}}
    with caplog.at_level(logging.WARNING, logger="csp"):
        _post(browser, report)
    [record] = [r for r in caplog.records if r.name == "csp"]
    assert "a" * 200 in record.getMessage() and "a" * 201 not in record.getMessage()


def test_a_report_over_the_size_limit_is_refused_unread(browser, settings):
    body = json.dumps({"csp-report": {**REPORT["csp-report"], "script-sample": "a" * 20000}})
    assert len(body) > settings.CSP_REPORT_MAX_BYTES
    response = _post(browser, body)
    assert response.status_code == 413
    assert not response.wsgi_request.environ["wsgi.input"].read_started


def test_only_so_many_reports_a_minute_are_logged(browser, settings, caplog, monkeypatch):
    settings.CSP_REPORTS_PER_MINUTE = 3
    monkeypatch.setattr(csp_reports.time, "time", lambda: 1_800_000_000.0)  # One minute.
    with caplog.at_level(logging.WARNING, logger="csp"):
        statuses = {_post(browser, REPORT).status_code for _ in range(10)}
    assert statuses == {204}
    assert len([r for r in caplog.records if r.name == "csp"]) == 3


def test_only_post_is_accepted(browser):
    assert browser.get(reverse("csp_report")).status_code == 405
