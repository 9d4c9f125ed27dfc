"""Warnings on a person: proposed by staff, agreed by another manager, reviewed and ended,
with history; shown on the person, their contacts, the queues and (as agreed) to partners."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals import services as referral_services
from referrals.person_warnings import selectors, services
from referrals.person_warnings.models import PersonWarning, WarningStatus
from referrals.selectors import queue_new
from tests.factories import PersonFactory, complete_contact


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _proposed(person, by, kind="staff_safety", summary="Two workers visit together."):
    return services.warning_propose(
        person=person,
        by=by,
        kind=kind,
        reason="Father threatened a social worker with a knife in March.",
        partner_summary=summary,
        review_on=_in(90),
    )


def test_a_proposed_warning_shows_nowhere_until_a_manager_agrees_it(
    screening_officer, mash_manager
):
    person = PersonFactory()
    warning = _proposed(person, screening_officer)
    assert warning.status == WarningStatus.PROPOSED
    assert selectors.agreed_for([person.pk]) == []

    services.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Visit in pairs.", review_on=_in(60)
    )

    warning.refresh_from_db()
    assert selectors.agreed_for([person.pk]) == [warning]
    assert warning.agreed_by == mash_manager and warning.partner_summary == "Visit in pairs."
    reasons = list(
        warning.history.order_by("history_id").values_list("history_change_reason", "history_user")
    )
    assert reasons == [
        ("Warning proposed: Staff safety", screening_officer.pk),
        ("Warning agreed by a manager", mash_manager.pk),
    ]


def test_staff_cannot_agree_and_a_manager_cannot_agree_their_own_proposal(
    screening_officer, mash_manager
):
    person = PersonFactory()
    with pytest.raises(PermissionDenied):
        services.warning_agree(
            warning=_proposed(person, screening_officer),
            by=screening_officer,
            partner_summary="x",
            review_on=_in(30),
        )
    own = _proposed(person, mash_manager)
    with pytest.raises(PermissionDenied):
        services.warning_agree(warning=own, by=mash_manager, partner_summary="x", review_on=_in(30))


def test_a_staff_safety_warning_cannot_be_agreed_without_words_for_partners(
    screening_officer, mash_manager
):
    warning = _proposed(PersonFactory(), screening_officer, summary="")
    with pytest.raises(ValidationError) as err:
        services.warning_agree(
            warning=warning, by=mash_manager, partner_summary=" ", review_on=_in(30)
        )
    assert "partner_summary" in err.value.error_dict


def test_review_date_must_be_in_the_future_and_within_a_year(screening_officer):
    for day in (timezone.localdate(), _in(400)):
        with pytest.raises(ValidationError):
            services.warning_propose(
                person=PersonFactory(),
                by=screening_officer,
                kind="other",
                reason="r",
                review_on=day,
            )


def test_partners_see_staff_safety_warnings_and_others_only_with_agreed_words(
    screening_officer, mash_manager
):
    person = PersonFactory()
    safety = _proposed(person, screening_officer)
    other = _proposed(person, screening_officer, kind="risk_to_others", summary="")
    for w in (safety, other):
        services.warning_agree(
            warning=w, by=mash_manager, partner_summary=w.partner_summary, review_on=_in(30)
        )
    assert [w.pk for w in selectors.for_partners(selectors.agreed_for([person.pk]))] == [safety.pk]


def test_an_ended_warning_stops_showing_and_keeps_its_reason(screening_officer, mash_manager):
    person = PersonFactory()
    warning = _proposed(person, screening_officer)
    services.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Pairs", review_on=_in(30)
    )
    with pytest.raises(ValidationError):
        services.warning_end(warning=warning, by=mash_manager, reason="  ")
    services.warning_end(warning=warning, by=mash_manager, reason="Father moved abroad")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ENDED and warning.end_reason == "Father moved abroad"
    assert selectors.agreed_for([person.pk]) == []


def test_the_sweep_marks_a_warning_past_its_review_date_once_and_tells_the_manager(
    screening_officer, mash_manager
):
    warning = _proposed(PersonFactory(), screening_officer)
    services.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Pairs", review_on=_in(5)
    )
    later = timezone.now() + dt.timedelta(days=7)

    assert services.warnings_review_sweep(now=timezone.now()) == 0
    assert services.warnings_review_sweep(now=later) == 1
    assert services.warnings_review_sweep(now=later) == 0
    warning.refresh_from_db()
    assert warning.is_due_for_review
    notice = mash_manager.notifications.get()
    assert warning.reference in notice.title and warning.person.last_name not in notice.title
    assert selectors.for_managers(mash_manager)["due"] == [warning]

    services.warning_review(warning=warning, by=mash_manager, review_on=_in(60), note="Still risky")
    warning.refresh_from_db()
    assert not warning.is_due_for_review and warning.review_on == _in(60)


def test_queue_rows_carry_the_warning_marker_without_a_query_per_row(
    django_assert_max_num_queries, screening_officer, mash_manager, camden
):
    flagged = PersonFactory()
    warning = _proposed(flagged, screening_officer)
    services.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Pairs", review_on=_in(30)
    )
    for child in [flagged, *[PersonFactory() for _ in range(4)]]:
        contact = complete_contact(by=screening_officer, children=[child])
        referral_services.contact_submit(contact=contact, by=screening_officer, profile=camden)

    with django_assert_max_num_queries(4):
        rows = list(queue_new(screening_officer))
    assert sum(1 for c in rows if c.has_warning) == 1


def test_warning_is_shown_on_the_contact_page_and_proposed_through_the_pages(
    client, screening_officer, mash_manager, camden
):
    person = PersonFactory()
    contact = complete_contact(by=screening_officer, children=[person])
    referral_services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    url = reverse("referrals:person_warning_new", args=[person.pk])
    bad = client.post(url, {"kind": "staff_safety", "reason": "", "review_on_0": "99"})
    assert bad.status_code == 200 and "Enter the reason for the warning" in bad.content.decode()
    response = client.post(
        url,
        {
            "kind": "staff_safety",
            "reason": "Threatened staff",
            "partner_summary": "Visit in pairs",
            "review_on_0": str(_in(30).day),
            "review_on_1": str(_in(30).month),
            "review_on_2": str(_in(30).year),
        },
    )
    assert response.status_code == 302
    warning = PersonWarning.objects.get(person=person)
    contact_url = reverse("referrals:contact_detail", args=[contact.pk])
    assert "Threatened staff" not in client.get(contact_url).content.decode()

    client.force_login(mash_manager)
    agree = reverse("referrals:person_warning_agree", args=[warning.pk])
    assert (
        client.post(
            agree,
            {
                "partner_summary": "Visit in pairs",
                "review_on_0": str(_in(30).day),
                "review_on_1": str(_in(30).month),
                "review_on_2": str(_in(30).year),
            },
        ).status_code
        == 302
    )
    page = client.get(contact_url).content.decode()
    assert "govuk-warning-text" in page and "Threatened staff" in page


def test_the_review_sweep_is_on_the_one_beat_schedule_and_calls_the_service(
    settings, screening_officer, mash_manager
):
    from referrals.tasks import sweep_warning_reviews

    entry = settings.CELERY_BEAT_SCHEDULE["warning-reviews"]
    assert entry["task"] == "referrals.tasks.sweep_warning_reviews"
    warning = _proposed(PersonFactory(), screening_officer)
    services.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Pairs", review_on=_in(1)
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        sweep_warning_reviews()
    warning.refresh_from_db()
    assert warning.is_due_for_review


def test_a_managers_list_holds_proposals_on_people_they_may_read_and_not_destroyed(
    screening_officer, team_manager, mash_manager
):
    from guardian.shortcuts import assign_perm

    from referrals.models import Person

    readable, other, destroyed = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (readable, destroyed):
        assign_perm("referrals.view_person", team_manager, person)
    proposals = {p: _proposed(p, screening_officer) for p in (readable, other, destroyed)}
    Person.objects.filter(pk=destroyed.pk).update(destroyed_at=timezone.now())

    assert selectors.for_managers(team_manager)["proposed"] == [proposals[readable]]
    # Role-wide readers see every living person's proposals (not their own).
    assert set(selectors.for_managers(mash_manager)["proposed"]) == {
        proposals[readable],
        proposals[other],
    }
