"""The demo shows issue 12's screening work under every council profile: an urgent contact
with its receipt clock, a MERLIN waiting with its police RAG, a correction, a step-up from
early help to the MASH, and management oversight recorded and still needed."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from early_help.models import EarlyHelpDecision, Outcome
from referrals import oversight, selectors
from referrals.merlin.models import MerlinReport
from referrals.models import Contact, ContactCorrection, ContactStatus, ManagementOversight
from thresholds.models import ClockKind


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_demo_shows_the_screening_work_under_every_profile(db, settings, code):
    settings.DEBUG = True
    settings.COUNCIL_PROFILE = code
    call_command("seed_demo", "--without-year", stdout=StringIO())
    screening = User.objects.get(username="screening")
    queue = list(selectors.queue_new(screening))
    assert queue[0].urgent and queue[0].urgent_reason
    assert queue[0].deadlines.get(kind=ClockKind.SCREENING).is_open
    waiting = MerlinReport.objects.filter(contact__status=ContactStatus.SUBMITTED)
    assert waiting.filter(subjects__background_checks__gt="").exists()
    assert ContactCorrection.objects.exists()
    step_up = EarlyHelpDecision.objects.get(outcome=Outcome.STEP_UP_TO_MASH)
    assert step_up.contact.status == ContactStatus.WITH_MASH
    assert step_up.contact.deadlines.get(kind=ClockKind.RED_CHECKS).is_open
    manager = User.objects.get(username="teammanager")
    assert ManagementOversight.objects.filter(recorded_by=manager).exists()
    still = oversight.with_oversight_needed(
        Contact.objects.filter(assigned_to__team_id=manager.team_id)
    ).filter(oversight_needed=True)
    assert still.exists()
