"""Two MASH managers resolve the same disagreement "decision changed" at once, on separate
database connections: the decision is reopened once, and the other manager is told why."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from mash.models import Disagreement, DisagreementStatus, EnquiryStatus, PreviousDecision
from referrals.models import ContactStatus, Referral
from tests.factories import UserFactory
from tests.lifecycle.test_concurrent_moves import race
from tests.mash.reopening import change
from thresholds.models import ClockKind, Deadline


@pytest.mark.django_db(transaction=True)
def test_two_managers_changing_the_decision_at_once_reopen_it_once(
    disagreed, havering, mash_manager, social_work_team
):
    other_manager = UserFactory(username="mashmgr2", roles=[Role.MASH_MANAGER])
    enquiry, disagreement, police_user = disagreed("social_work_referral", social_work_team)

    results = race(
        lambda: change(
            Disagreement.objects.get(pk=disagreement.pk), manager=mash_manager, profile=havering
        ),
        lambda: change(
            Disagreement.objects.get(pk=disagreement.pk), manager=other_manager, profile=havering
        ),
    )

    won = [r for r in results if isinstance(r, Disagreement)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], ValidationError)
    assert lost[0].messages == ["This disagreement has already been resolved."]
    assert PreviousDecision.objects.count() == 1
    assert Referral.objects.filter(withdrawn_at__isnull=False).count() == 1
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementStatus.RESOLVED
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANALYSED
    enquiry.contact.refresh_from_db()
    assert enquiry.contact.status == ContactStatus.WITH_MASH
    assert (
        Deadline.objects.open().filter(contact=enquiry.contact, kind=ClockKind.RED_CHECKS).count()
        == 1
    )
