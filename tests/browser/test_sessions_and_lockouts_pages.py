"""axe on the session and lockout pages; a manager unlocks a colleague in the browser."""

import pytest
from playwright.sync_api import expect

from accounts.lockout import account_failure_record
from accounts.models import LockoutRelease

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_locked_out_colleague_is_unlocked_by_their_manager(
    pages, team_manager, social_worker, settings
):
    page = pages.page
    # The lockout page: the same for everyone, naming no account.
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        account_failure_record(username="socialworker")
    pages.goto("/accounts/login/")
    page.get_by_label("Username").fill("socialworker")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many attempts to sign in")).to_be_visible()
    pages.check()

    pages.sign_in("teammgr")
    pages.goto("/accounts/sessions/")
    expect(page.get_by_text("This session")).to_be_visible()
    pages.goto("/accounts/lockouts/")
    page.get_by_role("link", name="Unlock socialworker").click()
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are unlocking it")
    pages.check()
    page.get_by_label("Why are you unlocking it?").fill("She rang me from her desk just now.")
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You unlocked the account socialworker"
    )
    pages.check()
    assert LockoutRelease.objects.get().released_by == team_manager
