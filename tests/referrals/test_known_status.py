"""What the person page says the service knows: computed from involvements, referrals and
contacts each time it is read, never "Not known" for a child the front door has seen."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from referrals import rating, selectors, services
from referrals.models import CinEpisode, ContactStatus, KnownStatus, Service
from tests.factories import (
    PersonFactory,
    closed_involvement,
    complete_contact,
    contact_with_mash,
    open_involvement,
)


def _refer(*, officer, senior, profile, team, child):
    contact = complete_contact(by=officer, children=[child])
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Child in need",
        outcome="social_work_referral",
        team=team,
        assessment_type="cfa",
        primary_need="N4",
    )
    return contact


def test_child_with_three_contacts_two_at_the_mash_is_not_shown_as_not_known(
    client, screening_officer, senior_practitioner, camden
):
    child = PersonFactory()
    for _ in range(2):
        contact_with_mash(
            officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
        )
    third = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=third, by=screening_officer, profile=camden)

    client.force_login(senior_practitioner)
    page = client.get(reverse("referrals:person_detail", args=[child.pk])).content.decode()

    assert ">Not known<" not in page
    assert "Known from previous contacts" in page
    assert "3 contacts in the last 12 months (3 in all), 2 to the MASH" in page
    assert third.reference in page
    # Where each contact is, mid-sentence and with its acronym kept.
    assert ": with the MASH manager</li>" in page
    assert "the mash" not in page


def test_child_referred_to_a_team_is_open_to_social_care_there(
    screening_officer, senior_practitioner, camden, social_work_team
):
    child = PersonFactory()
    _refer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        child=child,
    )

    status = selectors.statuses_for([child])[child.pk]
    assert status.status == KnownStatus.OPEN_SOCIAL_CARE
    assert status.involvement.team == social_work_team
    assert status.involvement.opened_on == timezone.localdate()


def test_a_new_contact_about_a_referred_child_records_them_as_open(
    screening_officer, senior_practitioner, camden, social_work_team
):
    child = PersonFactory()
    _refer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        child=child,
    )
    again = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=again, by=screening_officer, profile=camden)

    assert again.contact_people.get().known_status == KnownStatus.OPEN_SOCIAL_CARE


def test_closed_referral_makes_the_child_previously_known(
    screening_officer, senior_practitioner, camden, social_work_team
):
    child = PersonFactory()
    _refer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        child=child,
    )
    episode = CinEpisode.objects.get(person=child)
    episode.closed_on = timezone.localdate()
    episode.closure_reason = "RC8"
    episode.save()

    assert selectors.statuses_for([child])[child.pk].status == KnownStatus.CLOSED_SOCIAL_CARE


def test_person_page_says_open_to_which_team_since_when_and_known_to_early_help(
    client, senior_practitioner, social_work_team
):
    child = PersonFactory()
    opened = timezone.localdate() - dt.timedelta(days=30)
    open_involvement(child, team=social_work_team, opened_on=opened)
    closed_involvement(
        child, service=Service.EARLY_HELP, closed_on=timezone.localdate() - dt.timedelta(days=60)
    )

    client.force_login(senior_practitioner)
    page = client.get(reverse("referrals:person_detail", args=[child.pk])).content.decode()

    assert f"Open to children&#x27;s social care ({social_work_team})" in page
    assert "Known to early help" in page
    assert "No contacts recorded" in page


def test_known_summary_takes_a_constant_number_of_queries(
    django_assert_max_num_queries, screening_officer, senior_practitioner, camden
):
    child = PersonFactory()
    for _ in range(3):
        contact_with_mash(
            officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
        )
    with django_assert_max_num_queries(6):
        known = selectors.known_summary(child, user=senior_practitioner, today=timezone.localdate())
    assert known.contacts_recent == 3 and known.rated_to_mash == 3


def test_a_new_contact_about_a_referred_child_goes_to_the_team_it_was_referred_to(
    screening_officer, senior_practitioner, camden, social_work_team
):
    child = PersonFactory()
    _refer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        child=child,
    )
    again = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=again, by=screening_officer, profile=camden)
    services.contact_screen(contact=again, by=screening_officer, profile=camden, rationale="")

    again.refresh_from_db()
    assert again.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert again.assigned_team == social_work_team


def test_the_teams_own_involvement_is_not_listed_twice_beside_the_referral(
    screening_officer, senior_practitioner, camden, social_work_team, social_worker
):
    child = PersonFactory()
    _refer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        child=child,
    )
    open_involvement(
        child, team=social_work_team, worker=social_worker, opened_on=timezone.localdate()
    )

    (only,) = selectors.involvements_for([child.pk])[child.pk]
    assert only.allocated_worker == social_worker


def test_a_child_with_earlier_contacts_shows_as_known_from_them_on_the_contact_page(
    client, screening_officer, camden
):
    from referrals import services
    from tests.factories import complete_contact

    child = PersonFactory()
    first = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=first, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Known from previous contacts" not in page  # the contact itself is not "previous"
    second = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=second, by=screening_officer, profile=camden)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Known from previous contacts" in page and "1 other contact," in page
