"""One MERLIN report at a time: each routing rule of DOMAIN §9."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AgencyKind, Notification, PartnerAgency
from accounts.roles import Role
from referrals import selectors, services
from referrals.merlin import services as merlin
from referrals.merlin.models import MerlinRoute
from referrals.models import ContactSource, ContactStatus, Person
from tests.factories import PersonFactory, UserFactory, open_involvement

from .merlin_helpers import report, subject

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_merlin_about_an_open_case_goes_to_the_allocated_worker_and_tells_sp_and_manager(
    camden, partner_user, social_worker, social_work_team, senior_practitioner, team_manager
):
    child = PersonFactory(first_name="Orla", last_name="Opencase")
    open_involvement(child, team=social_work_team, worker=social_worker)
    people_before = Person.objects.count()

    r = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(subjects=[subject("Orla", "Opencase", dob=child.date_of_birth)]),
    )

    contact = r.contact
    assert contact.source == ContactSource.POLICE_MERLIN
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.assigned_to == social_worker
    assert r.route == MerlinRoute.ALLOCATED_WORKER
    assert Person.objects.count() == people_before, "the child was matched, not duplicated"
    assert r.subjects.get().matched_existing
    assert social_worker.has_perm("referrals.view_contact", contact)
    for user in (social_worker, senior_practitioner, team_manager):
        assert any(r.reference in t for t in titles(user)), user
        assert not any("Orla" in t for t in titles(user))


def test_merlin_about_an_unknown_child_waits_for_screening_then_goes_for_rating(
    camden, partner_user, screening_officer
):
    r = merlin.merlin_submit(by=partner_user, profile=camden, data=report())

    assert r.route == MerlinRoute.SCREENING
    assert r.contact.status == ContactStatus.SUBMITTED
    assert r.contact in selectors.queue_new(screening_officer)
    route = services.contact_screen(
        contact=r.contact, by=screening_officer, profile=camden, rationale="Not known"
    )
    assert route.status == ContactStatus.AWAITING_RATING


def switch_off(profile, kind):
    """A council that has no such service set up (or has switched it off in the admin)."""
    PartnerAgency.objects.filter(profile=profile, kind=kind).update(is_active=False)


def test_adults_only_merlin_is_passed_to_adult_services_and_closed_at_the_front_door(
    camden, partner_user, screening_officer
):
    switch_off(camden, AgencyKind.ADULT_SOCIAL_CARE)
    r = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(category="adults_only", subjects=[subject("Al", "Adult", child=False)]),
    )

    assert r.route == MerlinRoute.ADULT_SERVICES
    assert r.contact.status == ContactStatus.INFORMATION_ONLY
    assert "adult services" in r.contact.signposting
    # With no adult social care agency set up, the screening officer is told to pass it on.
    copy = r.copies.get()
    assert copy.agency is None and "by hand" in copy.note
    assert any("adult services" in t for t in titles(screening_officer))


def test_adults_only_merlin_goes_to_the_council_s_adult_social_care(camden, partner_user):
    asc = PartnerAgency.objects.get(kind=AgencyKind.ADULT_SOCIAL_CARE, profile=camden)
    r = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(category="adults_only", subjects=[subject("Al", "Adult", child=False)]),
    )
    assert r.copies.get().agency == asc


def test_youth_asb_without_safeguarding_concerns_goes_to_the_youth_service(camden, partner_user):
    r = merlin.merlin_submit(by=partner_user, profile=camden, data=report(category="youth_crime"))

    assert r.route == MerlinRoute.YOUTH_SERVICE
    assert r.contact.status == ContactStatus.INFORMATION_ONLY
    assert r.copies.get().agency.kind == AgencyKind.YOUTH


def test_youth_crime_with_safeguarding_concerns_is_screened_as_usual(camden, partner_user):
    r = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(category="youth_crime", safeguarding_concerns=True),
    )
    assert r.route == MerlinRoute.SCREENING
    assert not r.copies.exists()


def test_domestic_abuse_merlin_always_copies_the_domestic_abuse_service(camden, partner_user):
    safety_net = PartnerAgency.objects.get(kind=AgencyKind.DOMESTIC_ABUSE, profile=camden)
    da_worker = UserFactory(roles=[Role.PARTNER_AGENCY_USER], agency=safety_net)

    with_children = merlin.merlin_submit(
        by=partner_user, profile=camden, data=report("DA-1", category="domestic_abuse")
    )
    no_children = merlin.merlin_submit(
        by=partner_user,
        profile=camden,
        data=report(
            "DA-2", category="domestic_abuse", subjects=[subject("Pat", "Partner", child=False)]
        ),
    )

    assert with_children.route == MerlinRoute.SCREENING
    assert no_children.route == MerlinRoute.DOMESTIC_ABUSE_ONLY
    assert no_children.contact.status == ContactStatus.INFORMATION_ONLY
    for r in (with_children, no_children):
        assert r.copies.get().agency == safety_net
    assert len(titles(da_worker)) == 2
    assert not any("Kim" in t for t in titles(da_worker))


def test_domestic_abuse_merlin_in_a_council_without_a_da_service_says_so(islington, partner_user):
    switch_off(islington, AgencyKind.DOMESTIC_ABUSE)
    r = merlin.merlin_submit(
        by=partner_user, profile=islington, data=report(category="domestic_abuse")
    )
    copy = r.copies.get()
    assert copy.agency is None
    assert "no domestic abuse service set up" in copy.note


def test_havering_youth_merlin_without_a_youth_service_is_passed_on_by_hand(havering, partner_user):
    switch_off(havering, AgencyKind.YOUTH)
    r = merlin.merlin_submit(by=partner_user, profile=havering, data=report(category="youth_crime"))
    assert r.route == MerlinRoute.YOUTH_SERVICE
    assert "by hand" in r.copies.get().note


def test_red_then_amber_merlins_top_the_new_contacts_queue(
    camden, partner_user, screening_officer, django_assert_max_num_queries
):
    merlin.merlin_submit(by=partner_user, profile=camden, data=report("G", rag="green"))
    merlin.merlin_submit(by=partner_user, profile=camden, data=report("A", rag="amber"))
    merlin.merlin_submit(by=partner_user, profile=camden, data=report("R", rag="red"))

    with django_assert_max_num_queries(6):
        rows = list(selectors.queue_new(screening_officer))
    by_ref = {r.reference: r.contact_id for r in partner_user.merlin_reports.all()}
    assert [c.pk for c in rows] == [by_ref["R"], by_ref["A"], by_ref["G"]]


def test_only_police_may_submit_and_the_decision_maker_must_sign_off(
    camden, partner_user, health_user, screening_officer
):
    for user in (health_user, screening_officer):
        with pytest.raises(PermissionDenied):
            merlin.merlin_submit(by=user, profile=camden, data=report())
    with pytest.raises(ValidationError) as exc:
        merlin.merlin_submit(by=partner_user, profile=camden, data=report(signed_off=False))
    assert "signed_off" in exc.value.message_dict


def test_duplicate_merlin_reference_is_refused(camden, partner_user):
    merlin.merlin_submit(by=partner_user, profile=camden, data=report("MER-9"))
    with pytest.raises(ValidationError) as exc:
        merlin.merlin_submit(by=partner_user, profile=camden, data=report("mer-9"))
    assert "already been submitted" in str(exc.value)


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_every_council_has_somewhere_to_send_each_kind_of_merlin_copy(code, request):
    profile = request.getfixturevalue(code)
    for kind in (AgencyKind.ADULT_SOCIAL_CARE, AgencyKind.YOUTH, AgencyKind.DOMESTIC_ABUSE):
        assert merlin._agency(profile, kind) is not None, (code, kind)
