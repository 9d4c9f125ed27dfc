"""The Content-Security-Policy blocks script and style injected into a real page, and the
browser reports it to /csp-report, which logs it."""

import logging
import time

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_an_injected_inline_script_does_not_run_and_is_reported(pages, screening_officer, caplog):
    cache.clear()  # The report log's per-minute count starts afresh.
    caplog.set_level(logging.WARNING, logger="csp")
    pages.sign_in("screener")
    pages.goto("/work/")
    page = pages.page
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # What a stored cross-site scripting attack would put on the page.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__pwned = 1";
            document.body.appendChild(script);
        }"""
    )
    assert _wait_for(lambda: pages.csp_violations)
    assert page.evaluate("() => window.__pwned") is None
    event = next(v for v in pages.csp_violations if isinstance(v, dict))
    assert (event["page"], event["directive"], event["blocked"]) == (
        "/work/",
        "script-src-elem",
        "inline",
    )
    assert event["sample"] == "window.__pwned = 1"

    # The browser reported it to the service, which logged it (from the live server's thread).
    def reported() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "csp"]

    assert _wait_for(reported)
    assert "effective-directive='script-src-elem'" in reported()[0]
    assert "script-sample='window.__pwned = 1'" in reported()[0]
    pages.csp_violations.clear()


def test_an_injected_style_attribute_and_event_handler_are_blocked(pages, screening_officer):
    pages.sign_in("screener")
    page = pages.page
    heading = page.get_by_role("heading", level=1)
    colour = heading.evaluate("h => getComputedStyle(h).color")
    heading.evaluate("h => h.setAttribute('style', 'color: rgb(255, 0, 0)')")
    heading.evaluate("h => h.setAttribute('onclick', 'window.__clicked = 1')")
    heading.click()
    assert _wait_for(lambda: len(pages.csp_violations) >= 2)
    assert heading.evaluate("h => getComputedStyle(h).color") == colour
    assert page.evaluate("() => window.__clicked") is None
    directives = {v["directive"] for v in pages.csp_violations if isinstance(v, dict)}
    assert directives == {"style-src-attr", "script-src-attr"}
    pages.csp_violations.clear()
