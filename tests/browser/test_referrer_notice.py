"""Telling the referrer, in the browser: an email survives the mail server being down and is
sent once when it returns; a referrer with only a postal address gets a letter to post."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OutboundEmail
from accounts.services import email_resend_due
from referrals.models import ReferrerNotice
from tests.celery_helpers import real_worker, wait_for
from tests.factories import PROFESSIONAL_REFERRER, contact_with_referrer
from tests.smtp_helpers import free_port, smtp_server, use_smtp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referrer_notice_is_sent_once_and_retried_while_the_mail_server_is_down(
    pages, settings, camden, screening_officer, senior_practitioner, social_work_team
):
    port = free_port()
    use_smtp(settings, port)  # nothing listens yet: the mail server is down
    page = pages.page
    with real_worker():
        contact = contact_with_referrer(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            referrer=PROFESSIONAL_REFERRER,
            team=social_work_team,
        )
        email = ReferrerNotice.objects.get(contact=contact).email
        assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts == 1)

        pages.sign_in("screener")
        pages.goto(contact.get_absolute_url())
        notices = page.get_by_role("table", name="Notices to the referrer")
        expect(notices).to_contain_text("In the outbox")
        expect(notices).to_contain_text("1 attempt so far")

        referrer = [PROFESSIONAL_REFERRER["referrer_email"]]
        with smtp_server(port) as inbox:

            def told() -> int:  # the team's duty address is emailed the referral too
                return sum(1 for m in inbox.messages if m.rcpt_tos == referrer)

            email.refresh_from_db()
            email_resend_due(now=email.next_attempt_at)  # beat's sweep, once the retry is due
            assert wait_for(lambda: told() == 1)
            assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None)
            page.reload()
            expect(notices).to_contain_text("Sent")
            pages.check()
            expect(page.get_by_role("link", name="Send the outcome to the referrer")).to_have_count(
                0
            )
            pages.goto(f"/contacts/{contact.pk}/referrer-notice/")
            expect(page.get_by_text("already been told the latest outcome")).to_be_visible()
            email_resend_due(now=timezone.now())
            assert not wait_for(lambda: told() > 1, timeout=1.5)


def test_a_referrer_with_only_a_postal_address_gets_a_letter_to_post(
    pages, camden, screening_officer, senior_practitioner, social_work_team
):
    contact = contact_with_referrer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        referrer={
            **PROFESSIONAL_REFERRER,
            "referrer_email": "",
            "referrer_address": "Example Primary School\n1 School Lane\nLondon N1 1AA",
        },
        team=social_work_team,
    )
    page = pages.page
    pages.sign_in("screener")
    pages.goto(contact.get_absolute_url())
    page.get_by_role("link", name="Send the outcome to the referrer").click()
    expect(
        page.get_by_role("heading", name="Check the message before preparing the letter")
    ).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Test children in need team")
    pages.check()
    page.get_by_role("button", name="Prepare the letter to post").click()
    expect(page.locator(".app-letter")).to_contain_text("1 School Lane")
    pages.check()
    page.get_by_role("button", name="Record that the letter was posted").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("posted")
    expect(page.get_by_role("table", name="Notices to the referrer")).to_contain_text("Posted")
    pages.check()
