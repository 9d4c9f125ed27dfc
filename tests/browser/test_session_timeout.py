"""The timeout warning: a half-typed contact survives it; ignored, the session ends."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONCERNS = "What are the concerns, or what is being asked for?"
TYPED = "Amara arrived at school with a bruise on her cheek and said her dad hit her. She"


def _start_a_contact(pages):
    page = pages.page
    pages.sign_in("screener")
    page.get_by_role("link", name="Log a contact").click()
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Start logging").click()
    page.get_by_role("link", name="The concerns").click()
    concerns = page.get_by_label(CONCERNS)
    concerns.fill(TYPED)
    return concerns


def test_staying_signed_in_keeps_what_was_typed(pages, screening_officer, settings):
    # The warning shows 15 seconds after the page loads, 30 seconds before the end.
    settings.SESSION_IDLE_MINUTES = 0.75
    settings.SESSION_WARNING_MINUTES = 0.5
    page = pages.page
    concerns = _start_a_contact(pages)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(dialog).to_contain_text("For your security, we will sign you out in")
    expect(page.get_by_role("heading", name="You’re about to be signed out")).to_be_focused()
    pages.check()  # axe, with the dialog open

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(concerns).to_have_value(TYPED)
    expect(concerns).to_be_focused()
    concerns.press("End")
    concerns.type(" has not been seen by a doctor.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    contact = Contact.objects.get()
    assert contact.concerns == TYPED + " has not been seen by a doctor."


def test_an_ignored_warning_ends_the_session(pages, screening_officer, settings):
    settings.SESSION_IDLE_MINUTES = 0.4
    settings.SESSION_WARNING_MINUTES = 0.2
    page = pages.page
    _start_a_contact(pages)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(
        page.get_by_text("You were signed out after 0.4 minutes without activity")
    ).to_be_visible(timeout=30_000)
    assert "/accounts/login/" in page.url and "signed_out=idle" in page.url
    assert "next=%2Fcontacts%2F" in page.url  # back to the contact after signing in
    pages.check()
    # The server ended the session: going back to the contact needs signing in again.
    page.goto(pages.base + "/")
    assert "/accounts/login/" in page.url
