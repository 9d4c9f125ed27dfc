"""The MASH's pages: opening and assigning an enquiry, consent and requesting checks (DOMAIN §6-§7)."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from mash import enquiries
from mash.models import ConsentOutcome, Enquiry, PartnerRequest
from tests.factories import UserFactory, contact_with_mash
from thresholds.models import ClockKind, Deadline


@pytest.fixture(autouse=True)
def runs_as_havering(settings):
    settings.COUNCIL_PROFILE = "havering"


@pytest.fixture
def contact(havering, screening_officer, senior_practitioner):
    return contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering
    )


@pytest.fixture
def enquiry(contact, havering, mash_manager, mash_social_worker):
    return enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )


def url(name, obj):
    return reverse(f"mash:{name}", args=[obj.pk])


def test_manager_opens_an_enquiry_from_the_contact_page_and_assigns_a_worker(
    client, contact, mash_manager, mash_social_worker
):
    client.force_login(mash_manager)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "Open a MASH enquiry" in page
    response = client.post(
        reverse("mash:enquiry_open", args=[contact.pk]), {"worker": mash_social_worker.pk}
    )
    enquiry = Enquiry.objects.get(contact=contact)
    assert response.url == url("enquiry", enquiry)
    assert enquiry.worker == mash_social_worker
    assert mash_social_worker.has_perm("mash.change_enquiry", enquiry)
    page = client.get(response.url).content.decode()
    assert "MASH enquiry opened" in page
    assert "Contact record" in page


def test_opening_a_second_enquiry_on_a_contact_goes_to_the_first(client, enquiry, mash_manager):
    client.force_login(mash_manager)
    response = client.post(reverse("mash:enquiry_open", args=[enquiry.contact.pk]), {})
    assert response.url == url("enquiry", enquiry)
    assert Enquiry.objects.count() == 1


def test_a_worker_who_tries_to_override_consent_is_told_only_a_manager_may(
    client, enquiry, mash_social_worker
):
    enquiries.enquiry_record_consent(
        enquiry=enquiry, by=mash_social_worker, outcome="sought_refused"
    )
    client.force_login(mash_social_worker)
    response = client.post(
        url("enquiry_consent", enquiry),
        {"outcome": "overridden", "ground": "immediate_danger", "rationale": "Baby bruised"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Only a MASH manager may decide not to seek or to override consent" in page
    assert "Baby bruised" in page
    assert enquiry.consent_decisions.count() == 1  # the refusal only


def test_an_override_without_ground_or_rationale_says_so_next_to_each_field(
    client, enquiry, mash_manager
):
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    client.force_login(mash_manager)
    response = client.post(url("enquiry_consent", enquiry), {"outcome": "overridden"})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Select the ground for not seeking or overriding consent" in page
    assert "Enter the rationale for not seeking or overriding consent" in page
    assert enquiry.consent_decisions.count() == 1  # the refusal only


def test_a_worker_records_consent_given_and_the_page_shows_it(client, enquiry, mash_social_worker):
    client.force_login(mash_social_worker)
    response = client.post(url("enquiry_consent", enquiry), {"outcome": "sought_given"})
    assert response.status_code == 302
    assert enquiry.latest_consent.outcome == ConsentOutcome.SOUGHT_GIVEN
    page = client.get(response.url).content.decode()
    assert "Consent recorded: Sought and given" in page


def test_checks_cannot_be_asked_before_consent_is_recorded(client, enquiry, mash_social_worker):
    client.force_login(mash_social_worker)
    page = client.get(url("enquiry", enquiry)).content.decode()
    assert "Ask partner agencies for checks" not in page
    response = client.post(
        url("enquiry_checks", enquiry), {"agencies": [], "question": "Anything?"}
    )
    assert "Select at least one agency" in response.content.decode()


def test_the_checks_form_preselects_havering_s_five_always_asked_agencies(
    client, enquiry, mash_manager, mash_social_worker
):
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    client.force_login(mash_social_worker)
    response = client.get(url("enquiry_checks", enquiry))
    form = response.context["form"]
    preselected = {a.name for a in form.initial["agencies"]}
    assert preselected == {
        "Havering MASH police",
        "Havering MASH health",
        "Havering MASH education",
        "Havering domestic abuse service",
        "Havering probation",
    }
    page = response.content.decode()
    assert page.count("checked") >= 5
    assert "Havering housing" in page


def test_requesting_checks_starts_a_clock_for_each_agency_asked(
    client, enquiry, havering, mash_manager, mash_social_worker
):
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    agencies = enquiries.default_agencies(havering)[:2]
    client.force_login(mash_social_worker)
    response = client.post(
        url("enquiry_checks", enquiry),
        {"agencies": [a.pk for a in agencies], "question": "What do you hold?"},
    )
    assert response.status_code == 302
    requests = PartnerRequest.objects.filter(enquiry=enquiry)
    assert {r.agency for r in requests} == set(agencies)
    assert (
        Deadline.objects.filter(kind=ClockKind.PARTNER_CHECK, contact=enquiry.contact).count() == 2
    )
    page = client.get(url("enquiry", enquiry)).content.decode()
    assert "0 of 2 agencies answered" in page
    # Agencies already asked are not offered again.
    again = client.get(url("enquiry_checks", enquiry)).content.decode()
    assert f'value="{agencies[0].pk}"' not in again
    assert "Already asked" in again


def test_a_mash_worker_not_assigned_may_read_the_enquiry_but_not_act_on_it(client, enquiry):
    other = UserFactory(roles=[Role.MASH_SOCIAL_WORKER])
    client.force_login(other)
    assert client.get(url("enquiry", enquiry)).status_code == 200
    assert client.get(url("enquiry_consent", enquiry)).status_code == 403
    assert (
        client.post(url("enquiry_consent", enquiry), {"outcome": "sought_given"}).status_code == 403
    )


def test_reading_an_enquiry_is_written_to_the_access_log(client, enquiry, mash_social_worker):
    client.force_login(mash_social_worker)
    client.get(url("enquiry", enquiry))
    entry = AccessLog.objects.filter(user=mash_social_worker).latest("pk")
    assert entry.object_id == enquiry.contact.pk
    assert "MASH enquiry read" in entry.description


def test_manager_reassigns_the_enquiry_and_the_old_worker_loses_it(
    client, enquiry, mash_manager, mash_social_worker
):
    other = UserFactory(roles=[Role.MASH_SOCIAL_WORKER])
    client.force_login(mash_manager)
    response = client.post(url("enquiry_assign", enquiry), {"worker": other.pk})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.worker == other
    assert not mash_social_worker.has_perm("mash.change_enquiry", enquiry)


def test_assigning_someone_who_is_not_a_mash_worker_is_refused(client, enquiry, mash_manager):
    outsider = UserFactory(roles=[Role.SCREENING_OFFICER])
    client.force_login(mash_manager)
    response = client.post(url("enquiry_assign", enquiry), {"worker": outsider.pk})
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 8])
def test_mash_queue_issues_the_same_number_of_queries_whatever_its_length(
    client,
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    rows,
    django_assert_max_num_queries,
):
    for i in range(rows):
        c = contact_with_mash(
            officer=screening_officer, senior=senior_practitioner, profile=havering
        )
        if i % 2:
            enquiries.enquiry_open(
                contact=c, by=mash_manager, profile=havering, worker=mash_social_worker
            )
    client.force_login(mash_manager)
    # The page's enquiries and their workers are two queries after the page is cut. Finding
    # the page is the walk of the clocks (BEGIN, SET LOCAL, the walk, COMMIT: referrals.urgency)
    # and, when the page is not full of contacts with a clock, those without one.
    with django_assert_max_num_queries(18):
        response = client.get(reverse("mash:queue"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == rows


def test_mash_queue_filters_to_the_worker_s_own_enquiries(
    client, enquiry, havering, screening_officer, senior_practitioner, mash_social_worker
):
    contact_with_mash(officer=screening_officer, senior=senior_practitioner, profile=havering)
    client.force_login(mash_social_worker)
    everything = client.get(reverse("mash:queue"))
    mine = client.get(reverse("mash:queue") + "?show=mine")
    unopened = client.get(reverse("mash:queue") + "?show=unopened")
    assert everything.context["page"].paginator.count == 2
    assert [c.pk for c in mine.context["page"]] == [enquiry.contact.pk]
    assert enquiry.contact.pk not in [c.pk for c in unopened.context["page"]]
