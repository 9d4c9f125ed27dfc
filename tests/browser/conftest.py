"""Playwright on Debian's Chromium (never a downloaded browser), with axe on every page visited."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

# live_server runs the ORM in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Set SCREENSHOTS=var/screenshots to keep a full-page picture of every page checked.
SCREENSHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


# Runs before any script of every page: hands each Content-Security-Policy violation the
# page meets to the test (an init script and a binding are the browser's, not the page's, so
# the policy does not apply to them).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: document.location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


class Pages:
    """A signed-in browser that checks accessibility on every page it is asked to, and fails on
    any Content-Security-Policy violation (an event or a console message) on any page."""

    def __init__(self, page, live_server, axe: Axe):
        self.page = page
        self.base = live_server.url
        self.axe = axe
        self.checked: list[str] = []
        self.csp_violations: list[dict | str] = []
        page.expose_function("__cspViolation", self._violation)
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)

    def _violation(self, details: dict) -> None:
        self.csp_violations.append(details)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def assert_no_csp_violations(self) -> None:
        assert self.csp_violations == [], "\n".join(map(str, self.csp_violations))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        """Run axe on the current page: zero violations (WCAG 2.2 AA and best practice).

        A click on a link returns once the next page has started to load, not once it has
        loaded: axe run at that moment found no document (`document.documentElement` null). So
        the page is checked once it has loaded."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page)
        self.checked.append(self.page.url)
        self.assert_no_csp_violations()
        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = f"{len(self.checked):02d}-" + self.page.url.split("//", 1)[1].split("/", 1)[
                1
            ].replace("/", "_")
            self.page.screenshot(path=SCREENSHOTS / f"{name[:80]}.png", full_page=True)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"

    def sign_in(self, username: str, password: str = "correct-horse-battery") -> None:
        self.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.check()

    def sign_in_with_code(
        self, username: str, device, password: str = "correct-horse-battery"
    ) -> None:
        """Sign in as a user with an authenticator app (tests.two_factor_helpers.enrol)."""
        from tests.two_factor_helpers import next_code

        self.sign_in(username, password)
        self.page.get_by_label("Code", exact=True).fill(next_code(device))
        self.page.get_by_role("button", name="Continue").click()
        self.check()


@pytest.fixture
def pages(page, live_server, axe):
    page.set_default_timeout(15_000)
    pages = Pages(page, live_server, axe)
    yield pages
    # Pages a test visited without checking them count too.
    pages.assert_no_csp_violations()
