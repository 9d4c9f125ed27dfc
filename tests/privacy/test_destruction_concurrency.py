"""Two managers at once, on real separate database connections (one per thread): a record is
destroyed once, and a hold placed while destruction runs never lets both succeed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from privacy import services
from privacy.models import LegalHold, RetentionReview, Tombstone
from referrals.models import Person
from tests.factories import UserFactory
from tests.lifecycle.test_concurrent_moves import race
from tests.privacy.conftest import NFA_ON
from tests.privacy.records import closed_nfa


@pytest.fixture
def review(settings, islington, screening_officer, senior_practitioner):
    settings.COUNCIL_PROFILE = "islington"
    closed_nfa(officer=screening_officer, senior=senior_practitioner, profile=islington, on=NFA_ON)
    services.retention_sweep(today=dt.date(2022, 1, 1))
    return RetentionReview.objects.get()


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_destroy_the_record_once(review, service_manager):
    other = UserFactory(username="servicemgr2", roles=[Role.SERVICE_MANAGER])
    results = race(
        lambda: services.record_destroy(review=review, reason="First", by=service_manager),
        lambda: services.record_destroy(review=review, reason="Second", by=other),
    )
    won = [r for r in results if isinstance(r, Tombstone)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "already been decided" in str(lost[0])
    assert Tombstone.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_hold_placed_while_destruction_runs_and_the_destruction_do_not_both_succeed(
    review, service_manager
):
    other = UserFactory(username="servicemgr2", roles=[Role.SERVICE_MANAGER])
    person = review.contact.people.get()
    results = race(
        lambda: services.record_destroy(review=review, reason="Retention ended", by=other),
        lambda: services.hold_place(
            person=person, reason="litigation", details="Claim", by=service_manager
        ),
    )
    destroyed, held = results
    assert isinstance(destroyed, Tombstone) != isinstance(held, LegalHold), results
    if isinstance(held, LegalHold):
        assert isinstance(destroyed, services.RecordHeld)
        assert Person.objects.get(pk=person.pk).destroyed_at is None
    else:
        assert isinstance(held, ValidationError)
        assert not LegalHold.objects.exists()
