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


class Pages:
    """A signed-in browser that checks accessibility on every page it is asked to."""

    def __init__(self, page, live_server, axe: Axe):
        self.page = page
        self.base = live_server.url
        self.axe = axe
        self.checked: list[str] = []

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        """Run axe on the current page: zero violations (WCAG 2.2 AA and best practice)."""
        results = self.axe.run(self.page)
        self.checked.append(self.page.url)
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
def pages(page, live_server, axe) -> Pages:
    page.set_default_timeout(15_000)
    return Pages(page, live_server, axe)
