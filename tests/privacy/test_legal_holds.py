"""Legal holds: placed and lifted through services by the service manager only, with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from privacy import services
from privacy.models import HoldReason, LegalHold
from tests.factories import PersonFactory


@pytest.fixture
def child(db, screening_officer):
    return PersonFactory(by=screening_officer)


def test_a_service_manager_places_a_hold_with_its_reason_in_history(service_manager, child):
    hold = services.hold_place(
        person=child, reason=HoldReason.LITIGATION, details="Claim 123", by=service_manager
    )
    assert hold.in_force and hold.placed_by == service_manager
    row = hold.history.get()
    assert row.history_user == service_manager
    assert "Litigation" in row.history_change_reason


def test_lifting_a_hold_keeps_it_with_who_lifted_it_and_why(service_manager, child):
    hold = services.hold_place(
        person=child, reason=HoldReason.INQUIRY, details="Review", by=service_manager
    )
    lifted = services.hold_lift(hold=hold, reason="Inquiry closed", by=service_manager)
    assert not lifted.in_force
    assert lifted.lifted_by == service_manager and lifted.lift_reason == "Inquiry closed"
    assert LegalHold.objects.filter(pk=hold.pk).exists()
    assert hold.history.count() == 2
    with pytest.raises(ValidationError):
        services.hold_lift(hold=hold, reason="Again", by=service_manager)


def test_only_holders_of_the_permission_place_or_lift_holds(screening_officer, child):
    with pytest.raises(PermissionDenied):
        services.hold_place(
            person=child, reason=HoldReason.OTHER, details="x", by=screening_officer
        )


def test_a_hold_needs_a_reason_and_details(service_manager, child):
    with pytest.raises(ValidationError):
        services.hold_place(person=child, reason="nonsense", details="x", by=service_manager)
    with pytest.raises(ValidationError):
        services.hold_place(person=child, reason=HoldReason.OTHER, details="  ", by=service_manager)
