"""Two-factor sign-in in a browser: set up an app at first sign-in, sign in with a code, backup
codes, a manager's reset, the password pages; axe on every page."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import SecurityEvent, SecurityEventKind
from tests.two_factor_helpers import enrol, next_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_sets_up_two_factor_then_signs_in_with_a_code(pages, settings, screening_officer):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code may be followed at once by the right one
    page = pages.page

    pages.sign_in("screener")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    # What a person types into their app by hand.
    secret = page.locator("#secret").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(secret))
    page.get_by_label("Code", exact=True).fill(f"{app.token():06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    pages.check()
    assert page.get_by_role("list", name="Backup codes").get_by_role("listitem").count() == 10
    page.get_by_role("link", name="I have saved my backup codes").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    device = TOTPDevice.objects.get(user=screening_officer, confirmed=True)

    page.get_by_role("button", name="Sign out").click()
    pages.sign_in("screener")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your two-factor code")
    page.get_by_label("Code", exact=True).fill(
        "000000" if next_code(device) != "000000" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    pages.check()
    page.get_by_label("Code", exact=True).fill(next_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(pages.base + "/contacts/new/")
    pages.check()

    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account security")
    pages.check()
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    pages.goto("/accounts/password/")
    assert SecurityEvent.objects.filter(
        user=screening_officer, kind=SecurityEventKind.BACKUP_CODES_REGENERATED
    ).exists()


def test_a_team_manager_resets_a_lost_device(pages, settings, team_manager, social_worker):
    settings.TWO_FACTOR_REQUIRED = True
    manager_app, _ = enrol(team_manager)
    enrol(social_worker)
    page = pages.page

    pages.sign_in_with_code("teammgr", manager_app)
    pages.goto("/accounts/security/")
    page.get_by_role("link", name="Reset a lost device for someone in your team").click()
    pages.check()
    page.get_by_role("link", name=f"Reset two-factor sign-in for {social_worker}").click()
    pages.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
    pages.check()
    page.get_by_label("Why are you resetting their two-factor sign-in?").fill(
        "Phone lost; asked me in person this morning"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure")
    pages.check()
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("reset for")
    pages.check()
    assert not TOTPDevice.objects.filter(user=social_worker).exists()


def test_the_password_reset_pages(pages, db):
    page = pages.page
    pages.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    pages.check()
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    pages.check()
    pages.goto("/accounts/password/reset/MA/set-password/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
