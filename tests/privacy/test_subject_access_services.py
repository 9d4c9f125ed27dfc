"""Opening a request starts its clock and holds the person's records; closing lifts the hold."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from privacy import dates, subject_access
from privacy.models import HoldReason, LegalHold, SarStatus


def test_opening_a_request_places_a_subject_access_hold_and_starts_a_calendar_month_clock(
    sar, child, service_manager
):
    hold = LegalHold.objects.get(person=child)
    assert hold.reason == HoldReason.SUBJECT_ACCESS and hold.in_force
    assert sar.hold == hold
    assert sar.due_on == dates.due_date(sar.received_on)
    assert sar.status == SarStatus.OPEN
    assert sar.history.first().history_user == service_manager


def test_only_a_handler_may_open_a_request(case, child, mash_manager):
    with pytest.raises(PermissionDenied):
        subject_access.sar_open(
            person=child,
            requester_name="Alex",
            requester="subject",
            received_on=dt.date.today(),
            by=mash_manager,
        )
    assert not LegalHold.objects.exists()


def test_a_parent_or_representative_must_say_how_they_are_related(case, child, service_manager):
    with pytest.raises(ValidationError) as raised:
        subject_access.sar_open(
            person=child,
            requester_name="Sam Solicitor",
            requester="representative",
            received_on=dt.date.today(),
            by=service_manager,
        )
    assert "requester_relationship" in raised.value.message_dict


def test_refusing_a_request_lifts_its_hold_and_records_the_reason(sar, service_manager):
    subject_access.sar_refuse(
        request=sar, reason="Manifestly excessive: repeat", by=service_manager
    )
    sar.refresh_from_db()
    assert sar.status == SarStatus.REFUSED
    assert sar.refusal_reason.endswith("Manifestly excessive: repeat")
    sar.hold.refresh_from_db()
    assert not sar.hold.in_force and sar.hold.lifted_by == service_manager


def test_completing_needs_identity_verified_and_a_download_then_lifts_the_hold(
    sar, service_manager, media
):
    with pytest.raises(ValidationError):
        subject_access.sar_complete(request=sar, by=service_manager)
    subject_access.sar_verify_identity(request=sar, evidence="Passport seen", by=service_manager)
    sar.refresh_from_db()
    with pytest.raises(ValidationError):
        subject_access.sar_complete(request=sar, by=service_manager)
    disclosure = subject_access.disclosure_request(request=sar, by=service_manager)
    subject_access.disclosure_run(disclosure_id=disclosure.pk)
    subject_access.sar_complete(request=sar, by=service_manager)
    sar.refresh_from_db()
    assert sar.status == SarStatus.COMPLETED and sar.closed_by == service_manager
    assert not LegalHold.objects.get(pk=sar.hold_id).in_force
    with pytest.raises(ValidationError):
        subject_access.sar_refuse(request=sar, reason="Too late", by=service_manager)


def test_an_extension_of_up_to_two_months_moves_the_due_date(sar, service_manager):
    subject_access.sar_extend(
        request=sar, months=2, reason="Complex: many records", by=service_manager
    )
    sar.refresh_from_db()
    assert sar.status == SarStatus.EXTENDED
    assert sar.extended_due_on == dates.due_date(sar.received_on, 3)
    assert sar.current_due_on == sar.extended_due_on
    with pytest.raises(ValidationError):
        subject_access.sar_extend(request=sar, months=3, reason="More", by=service_manager)
    with pytest.raises(ValidationError):
        subject_access.sar_extend(request=sar, months=1, reason="Shorter", by=service_manager)


def test_redactions_are_set_exactly_and_each_needs_a_reason(sar, service_manager):
    with pytest.raises(ValidationError):
        subject_access.sar_set_redactions(
            request=sar, chosen={"referrer:1": ("Referrer", " ")}, by=service_manager
        )
    subject_access.sar_set_redactions(
        request=sar,
        chosen={"referrer:1": ("Referrer", "Third party"), "person:1:2": ("Adult", "Third party")},
        by=service_manager,
    )
    rows = subject_access.sar_set_redactions(
        request=sar, chosen={"referrer:1": ("Referrer", "Third party")}, by=service_manager
    )
    assert [r.item for r in rows] == ["referrer:1"]
    # The removed decision is kept in history.
    assert sar.redactions.model.history.filter(item="person:1:2", history_type="-").exists()
