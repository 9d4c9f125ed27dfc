"""The early help duty manager steps a green contact up to the MASH: with a reason, on the red
or amber clock, its grants moving from early help to the MASH, in history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from early_help import services
from early_help.models import EarlyHelpDecision, Outcome
from mash import selectors as mash_selectors
from referrals.access import may_contact
from referrals.models import ContactStatus
from tests.factories import green_contact
from thresholds.models import ClockKind

REASON = "16 years old, told to leave home this afternoon: nowhere to stay tonight."


@pytest.fixture
def green(camden, screening_officer, senior_practitioner):
    return green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)


def test_stepping_up_moves_the_contact_to_the_mash_on_the_red_clock(
    green, camden, early_help_manager
):
    assert may_contact(early_help_manager, "view_contact", green)
    decision = services.early_help_step_up_to_mash(
        contact=green, by=early_help_manager, profile=camden, rag="red", reason=REASON
    )
    green.refresh_from_db()
    assert green.status == ContactStatus.WITH_MASH
    assert green.rag == "red"
    assert decision.outcome == Outcome.STEP_UP_TO_MASH
    assert decision.rationale == REASON
    red = green.deadlines.get(kind=ClockKind.RED_CHECKS)
    assert red.is_open
    for kind in (ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION):
        assert green.deadlines.get(kind=kind).met_at is not None
    latest = green.history.first()
    assert latest.history_user == early_help_manager
    assert REASON in latest.history_change_reason


def test_early_help_loses_the_contact_and_the_mash_gets_it(
    green, camden, early_help_manager, mash_manager
):
    services.early_help_step_up_to_mash(
        contact=green, by=early_help_manager, profile=camden, rag="amber", reason=REASON
    )
    green.refresh_from_db()
    assert not may_contact(early_help_manager, "view_contact", green)
    assert green.pk in [c.pk for c in mash_selectors.mash_queue(mash_manager)]
    assert green.deadlines.get(kind=ClockKind.AMBER_CHECKS).is_open


def test_a_step_up_needs_a_reason_and_red_or_amber(green, camden, early_help_manager):
    with pytest.raises(ValidationError) as exc:
        services.early_help_step_up_to_mash(
            contact=green, by=early_help_manager, profile=camden, rag="green", reason=" "
        )
    assert {"rag", "reason"} <= set(exc.value.message_dict)
    green.refresh_from_db()
    assert green.status == ContactStatus.WITH_EARLY_HELP
    assert not EarlyHelpDecision.objects.exists()


def test_only_the_duty_manager_steps_up(green, camden, screening_officer):
    with pytest.raises(PermissionDenied):
        services.early_help_step_up_to_mash(
            contact=green, by=screening_officer, profile=camden, rag="red", reason=REASON
        )


def test_a_contact_already_decided_cannot_be_stepped_up(green, camden, early_help_manager):
    services.early_help_step_up_to_mash(
        contact=green, by=early_help_manager, profile=camden, rag="red", reason=REASON
    )
    with pytest.raises(ValidationError):
        services.early_help_step_up_to_mash(
            contact=green, by=early_help_manager, profile=camden, rag="red", reason=REASON
        )


def test_the_step_up_page_posts_and_errors_show_in_the_summary(
    client, green, early_help_manager, settings
):
    settings.COUNCIL_PROFILE = "camden"
    client.force_login(early_help_manager)
    url = reverse("early_help:step_up_to_mash", args=[green.pk])
    assert (
        "Step this contact up to the MASH"
        in client.get(reverse("early_help:decide", args=[green.pk])).text
    )
    bad = client.post(url, {"rag": "purple", "reason": ""})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.text
    ok = client.post(url, {"rag": "red", "reason": REASON})
    assert ok.status_code == 302
    green.refresh_from_db()
    assert green.status == ContactStatus.WITH_MASH
