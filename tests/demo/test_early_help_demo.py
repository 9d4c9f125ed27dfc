"""The demo has early help rows under every council profile: a queue, family work with a team
around the family, a panel with a step-down decided, a held contact and a step-up."""

from io import StringIO

import pytest
from django.core.management import call_command

from early_help.models import (
    EarlyHelpDecision,
    EarlyHelpPanel,
    FamilyWorkCase,
    PanelCase,
    StepDown,
    StepUp,
    TafMember,
)
from early_help.selectors import consent_for, decision_queue
from referrals.models import ContactStatus
from thresholds.models import ClockKind, Deadline


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_demo_has_early_help_under_every_profile(db, settings, code):
    from accounts.models import User

    settings.DEBUG = True
    settings.COUNCIL_PROFILE = code
    call_command("seed_demo", "--without-year", stdout=StringIO())
    manager = User.objects.get(username="ehmanager")
    queue = list(decision_queue(manager))
    assert len(queue) >= 2
    assert False in consent_for(queue).values()  # one is held for consent
    assert set(EarlyHelpDecision.objects.values_list("outcome", flat=True)) >= {
        "brief_assessment",
        "iag",
        "panel",
    }
    assert FamilyWorkCase.objects.filter(status="open").count() >= 2
    assert TafMember.objects.filter(is_lead_professional=True).exclude(user__isnull=False).exists()
    decided = PanelCase.objects.filter(decided_at__isnull=False, source="step_down").get()
    assert decided.panel.attendees.exists()
    upcoming = PanelCase.objects.get(decided_at=None, source="decision")
    assert upcoming.panel != decided.panel and EarlyHelpPanel.objects.count() == 2
    assert StepDown.objects.count() == 1
    step_up = StepUp.objects.get()
    assert step_up.contact.status == ContactStatus.SUBMITTED
    assert Deadline.objects.filter(kind=ClockKind.FAMILY_WORK, met_at__isnull=True).count() >= 2
