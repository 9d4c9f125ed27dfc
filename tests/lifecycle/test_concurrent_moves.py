"""Two users at once, on real separate database connections (one per thread): no lost
update, no unhandled error, and the one who loses is told why."""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import AgencyKind, TeamKind
from accounts.roles import Role
from mash import enquiries
from mash.models import Enquiry, RequestStatus
from referrals import rating, services
from referrals.models import Contact, ContactStatus, Rating
from tests.factories import (
    PersonFactory,
    TeamFactory,
    UserFactory,
    agency_user,
    complete_contact,
    partner_requests,
)
from thresholds.models import ClockKind, Deadline

from .helpers import can_write


def race(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread (so its own connection and transaction), released
    together; returns each call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def awaiting_rating(officer, profile):
    contact = complete_contact(by=officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    return Contact.objects.get(pk=contact.pk)


def rate(contact, by, profile, **choice):
    return lambda: rating.contact_rate(
        contact=contact,
        by=by,
        profile=profile,
        level=3,
        rationale="Concurrent rating",
        **{"rag": "red", "cp_concerns": True, **choice},
    )


@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_one_routes_the_contact_and_the_other_is_told(
    havering, screening_officer, senior_practitioner
):
    other_senior = UserFactory(username="senior2", roles=[Role.SENIOR_PRACTITIONER])
    team = TeamFactory(name="Test CIN team", kind=TeamKind.SOCIAL_WORK)
    contact = awaiting_rating(screening_officer, havering)

    results = race(
        rate(contact, senior_practitioner, havering),
        rate(
            contact,
            other_senior,
            havering,
            rag="amber",
            cp_concerns=False,
            outcome="social_work_referral",
            team=team,
            assessment_type="cfa",
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert "not waiting for an initial rating" in errors[0].messages[0]
    contact.refresh_from_db()
    winner = Rating.objects.get(contact=contact)
    expected = (
        ContactStatus.WITH_MASH if winner.rag == "red" else ContactStatus.REFERRED_TO_SOCIAL_WORK
    )
    assert contact.status == expected and contact.rag == winner.rag
    assert Deadline.objects.filter(contact=contact, kind=ClockKind.CONTACT_RECORD).get().met_at


@pytest.mark.django_db(transaction=True)
def test_a_mash_decision_is_not_undone_by_a_follow_up_recorded_from_an_older_page(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    """The rating's written follow-up clock and the MASH decision change the same contact."""
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=havering)
    services.contact_screen(contact=contact, by=screening_officer, profile=havering, rationale="")
    rate(contact, senior_practitioner, havering, outcome="mash")()
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Checks done.",
        analysis="Risk at home.",
        recommended_level=4,
        recommended_action="Refer.",
    )
    team = TeamFactory(name="Test assessment team", kind=TeamKind.SOCIAL_WORK)
    page = Contact.objects.get(pk=contact.pk)  # what the screening officer's page loaded

    results = race(
        lambda: enquiries.enquiry_decide(
            enquiry=enquiry,
            by=mash_manager,
            version=enquiry.version,
            profile=havering,
            final_rag="red",
            final_rationale="Significant harm.",
            next_step="social_work_referral",
            team=team,
            assessment_type="cfa",
        ),
        lambda: services.contact_record_written_follow_up(
            contact=page, by=screening_officer, note="Letter arrived"
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK
    assert contact.assigned_team == team and contact.rag == "red"
    assert contact.written_follow_up_at is not None


@pytest.fixture
def mash_requests(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    return partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )


@pytest.mark.django_db(transaction=True)
def test_a_reassignment_and_a_partner_answer_at_once_both_hold(
    mash_requests, mash_manager, mash_social_worker
):
    request = mash_requests[AgencyKind.POLICE]
    police = agency_user(request.agency)
    draft = enquiries.answer_save_draft(
        request=request,
        by=police,
        information_held="Two call-outs.",
        analysis="Escalating risk.",
        share_with_receiving_service=True,
        share_with_family=False,
    )
    second = UserFactory(username="mashsw2", roles=[Role.MASH_SOCIAL_WORKER])
    enquiry = Enquiry.objects.get(pk=request.enquiry_id)

    results = race(
        lambda: enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=second),
        lambda: enquiries.answer_submit(answer=draft, by=police),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    request.refresh_from_db()
    enquiry.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert enquiry.worker == second
    assert not can_write(mash_social_worker, enquiry.contact)
    assert can_write(second, enquiry.contact)
    clock = Deadline.objects.get(kind=ClockKind.PARTNER_CHECK, subject_id=request.pk)
    assert clock.met_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_reassignment_racing_the_decision_loses_with_a_reason(
    havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    requests = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    enquiry = Enquiry.objects.get(pk=next(iter(requests.values())).enquiry_id)
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Checks done.",
        analysis="No risk found.",
        recommended_level=1,
        recommended_action="No further action.",
    )
    second = UserFactory(username="mashsw2", roles=[Role.MASH_SOCIAL_WORKER])

    results = race(
        lambda: enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=second),
        lambda: enquiries.enquiry_decide(
            enquiry=enquiry,
            by=mash_manager,
            version=enquiry.version,
            profile=havering,
            final_rag="green",
            final_rationale="Nothing held.",
            next_step="no_further_action",
        ),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    # Whichever commits first, the other finds the enquiry moved on and is told so.
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert errors[0].messages[0] in (enquiries.ALREADY_DECIDED, enquiries.STALE_ENQUIRY)
    contact = Contact.objects.get(pk=enquiry.contact_id)
    if contact.status == ContactStatus.CLOSED_NFA:
        assert not can_write(second, contact) and not can_write(mash_social_worker, contact)
    else:
        assert contact.status == ContactStatus.WITH_MASH
        assert can_write(second, contact) and not can_write(mash_social_worker, contact)
