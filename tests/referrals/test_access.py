"""Every URL x every persona -> the status the access rules require."""

import pytest
from django.urls import reverse

from accounts.services import notify
from mash import enquiries
from mash.services import discussion_add
from referrals import rating, services
from referrals.models import CinEpisode
from tests.access_helpers import check_row, expect, shared_records
from tests.factories import PersonFactory, complete_contact, contact_with_mash

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "health_user",
    "early_help_manager",
    "team_manager",
    "social_worker",
    "outsider",
]
FRONT_DOOR = {"screening_officer", "senior_practitioner"}
# Team managers are not readers of every contact any more (issue 9): they see only the contacts
# granted to their team's group, and none of these fixtures went to their team, so they are told
# 404 like any outsider (tests/referrals/test_team_manager_access.py covers their own team's).
READERS = FRONT_DOOR | {"mash_social_worker", "mash_manager"}
MANAGERS = {"mash_manager"}
MASH = {"mash_social_worker", "mash_manager"}


# (name, url builder, method, expectation)
TABLE = [
    ("home", lambda o: reverse("home"), "get", expect(set(PERSONAS), ok=302)),
    ("work tray", lambda o: reverse("work_tray"), "get", expect(set(PERSONAS))),
    ("new queue", lambda o: reverse("referrals:queue_new"), "get", expect(FRONT_DOOR)),
    (
        "in progress queue",
        lambda o: reverse("referrals:queue_in_progress"),
        "get",
        expect(FRONT_DOOR),
    ),
    (
        "awaiting rating queue",
        lambda o: reverse("referrals:queue_awaiting_rating"),
        "get",
        expect(READERS),
    ),
    ("team queue", lambda o: reverse("referrals:queue_team"), "get", expect({"team_manager"})),
    (
        "MASH queue",
        lambda o: reverse("referrals:queue_mash"),
        "get",
        # The old address: the MASH queue lives in the mash app.
        expect({"mash_social_worker", "mash_manager"}, ok=302),
    ),
    (
        "daily discussion",
        lambda o: reverse("mash:discussion", args=[o["discussion"].discussion.date.isoformat()]),
        "get",
        expect({"mash_manager", "senior_practitioner", "team_manager", "early_help_manager"}),
    ),
    (
        "today's daily discussion",
        lambda o: reverse("mash:discussion_today"),
        "get",
        expect(
            {"mash_manager", "senior_practitioner", "team_manager", "early_help_manager"}, ok=302
        ),
    ),
    (
        "daily discussion attendees",
        lambda o: reverse(
            "mash:discussion_attendees", args=[o["discussion"].discussion.date.isoformat()]
        ),
        "post",
        # An empty list of attendees is answered with the page and its error.
        expect({"mash_manager"}),
    ),
    (
        "mark a notice read",
        lambda o: reverse("notification_read", args=[o["notice"].pk]),
        "post",
        # Someone else's notice is not found: its existence is its owner's alone.
        expect({"mash_manager"}, otherwise=404, ok=302),
    ),
    (
        "minute a decision",
        lambda o: reverse("mash:discussion_decide", args=[o["discussion"].pk]),
        "get",
        expect({"mash_manager"}),
    ),
    (
        "early help queue (moved to early_help)",
        lambda o: reverse("referrals:queue_early_help"),
        "get",
        expect({"early_help_manager"}, ok=302),
    ),
    (
        "overdue dashboard",
        lambda o: reverse("dashboard"),
        "get",
        expect({"mash_manager", "team_manager", "early_help_manager"}),
    ),
    ("start contact", lambda o: reverse("referrals:contact_start"), "get", expect(FRONT_DOOR)),
    (
        "contact page",
        lambda o: reverse("referrals:contact_detail", args=[o["submitted"].pk]),
        "get",
        expect(READERS, otherwise=404),
    ),
    (
        "contact record to print",
        lambda o: reverse("referrals:contact_print", args=[o["submitted"].pk]),
        "get",
        expect(READERS, otherwise=404),
    ),
    (
        "contact and referral record to print",
        lambda o: reverse(
            "referrals:referral_print",
            args=[o["episode"].referral.contact_id, o["episode"].referral_id],
        ),
        "get",
        # Whoever may read the referred contact: the front door, the MASH and the receiving team.
        expect(READERS | {"team_manager", "social_worker"}, otherwise=404),
    ),
    (
        "task list",
        lambda o: reverse("referrals:contact_task_list", args=[o["draft"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "section",
        lambda o: reverse("referrals:contact_section", args=[o["draft"].pk, "referrer"]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "find person",
        lambda o: (
            reverse("referrals:contact_find_person", args=[o["draft"].pk])
            + "?role=child&search=1&last_name=Smith"
        ),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "link adult",
        lambda o: (
            reverse("referrals:contact_link_person", args=[o["draft"].pk, o["person"].pk])
            + "?role=adult"
        ),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "new person",
        lambda o: reverse("referrals:contact_new_person", args=[o["draft"].pk]) + "?role=child",
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "unlink person",
        lambda o: reverse("referrals:contact_unlink_person", args=[o["draft"].pk, o["link"].pk]),
        "post",
        expect(FRONT_DOOR, readers=READERS, otherwise=404, ok=302),
    ),
    (
        "check answers",
        lambda o: reverse("referrals:contact_check", args=[o["draft"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "screen",
        lambda o: reverse("referrals:contact_screen", args=[o["submitted"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "rate",
        lambda o: reverse("referrals:contact_rate", args=[o["awaiting"].pk]),
        "get",
        expect({"senior_practitioner"}, readers=READERS, otherwise=404),
    ),
    (
        "information and advice",
        lambda o: reverse("referrals:contact_information_and_advice", args=[o["submitted"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "referrer told",
        lambda o: reverse("referrals:contact_referrer_told", args=[o["submitted"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "written follow-up",
        lambda o: reverse("referrals:contact_written_follow_up", args=[o["submitted"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "partner inbox",
        lambda o: reverse("mash:partner_inbox"),
        "get",
        expect({"partner_user", "health_user"}),
    ),
    (
        "partner request",
        lambda o: reverse("mash:partner_request", args=[o["partner_request"].pk]),
        "get",
        expect({"partner_user"}, otherwise=404),
    ),
    ("mash queue", lambda o: reverse("mash:queue"), "get", expect(MASH)),
    (
        "open an enquiry",
        lambda o: reverse("mash:enquiry_open", args=[o["with_mash"].pk]),
        "get",
        expect({"mash_manager"}, readers=READERS, otherwise=404),
    ),
    (
        "enquiry",
        lambda o: reverse("mash:enquiry", args=[o["enquiry"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "enquiry assign",
        lambda o: reverse("mash:enquiry_assign", args=[o["enquiry"].pk]),
        "get",
        expect({"mash_manager"}, readers=MASH, otherwise=404),
    ),
    (
        "enquiry consent",
        lambda o: reverse("mash:enquiry_consent", args=[o["enquiry"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "enquiry checks",
        lambda o: reverse("mash:enquiry_checks", args=[o["enquiry"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "enquiry analysis",
        lambda o: reverse("mash:enquiry_analysis", args=[o["enquiry"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "enquiry decision",
        lambda o: reverse("mash:enquiry_decide", args=[o["enquiry"].pk]),
        "get",
        expect({"mash_manager"}, readers=MASH, otherwise=404),
    ),
    (
        "enquiry decision post",
        lambda o: reverse("mash:enquiry_decide", args=[o["enquiry"].pk]),
        "post",
        expect({"mash_manager"}, readers=MASH, otherwise=404),
    ),
    (
        "partner request post",
        lambda o: reverse("mash:partner_request", args=[o["partner_request"].pk]),
        "post",
        # An empty post saves an empty draft for the agency, then redirects.
        expect({"partner_user"}, otherwise=404, ok=302),
    ),
    (
        "send the outcome to the referrer",
        lambda o: reverse("referrals:contact_referrer_notice", args=[o["submitted"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "referrer letter posted",
        lambda o: reverse("referrals:contact_referrer_letter_posted", args=[o["submitted"].pk]),
        "post",
        expect(FRONT_DOOR, readers=READERS, otherwise=404, ok=302),
    ),
    (
        "information response",
        lambda o: reverse("referrals:information_response", args=[o["submitted"].pk]),
        "get",
        expect(READERS, otherwise=404),
    ),
    (
        "contact access log",
        lambda o: reverse("referrals:contact_access_log", args=[o["submitted"].pk]),
        "get",
        expect(MANAGERS, readers=READERS, otherwise=404),
    ),
    (
        "person search",
        lambda o: reverse("referrals:person_search") + "?search=1&last_name=Smith",
        "get",
        # Searching still lists who is known (a team manager checks before a strategy meeting,
        # the early help duty manager before a decision); opening a person needs a grant.
        expect(READERS | {"team_manager", "early_help_manager"}),
    ),
    (
        "person page",
        lambda o: reverse("referrals:person_detail", args=[o["person"].pk]),
        "get",
        expect(READERS, otherwise=404),
    ),
    (
        "person edit",
        lambda o: reverse("referrals:person_edit", args=[o["person"].pk]),
        "get",
        expect(FRONT_DOOR, readers=READERS, otherwise=404),
    ),
    (
        "census details of a referred child",
        lambda o: reverse(
            "referrals:contact_census_episode",
            args=[o["episode"].referral.contact_id, o["episode"].pk],
        ),
        "get",
        # The receiving team (its manager and social worker), the senior practitioner who
        # referred and the front door's change_contact holders; other readers see it read-only.
        expect(
            {"screening_officer", "senior_practitioner", "team_manager", "social_worker"},
            readers=READERS,
            otherwise=404,
        ),
    ),
    (
        "person access log",
        lambda o: reverse("referrals:person_access_log", args=[o["person"].pk]),
        "get",
        expect(MANAGERS, readers=READERS, otherwise=404),
    ),
    (
        "correct a submitted contact",
        lambda o: reverse("referrals:contact_correct", args=[o["submitted"].pk, "concerns"]),
        "get",
        expect({"senior_practitioner"}, readers=READERS, otherwise=404),
    ),
    (
        "record management oversight",
        lambda o: reverse("referrals:contact_oversight", args=[o["episode"].referral.contact_id]),
        "get",
        # The receiving team's manager; its social worker and the front door read it only.
        expect({"team_manager"}, readers=READERS | {"social_worker"}, otherwise=404),
    ),
    ("team workers", lambda o: reverse("referrals:team_workers"), "get", expect({"team_manager"})),
    (
        "a worker's tray for their manager",
        lambda o: reverse("referrals:worker_tray", args=[o["worker"].pk]),
        "get",
        expect({"team_manager"}),
    ),
]


def _partner_request(*, profile, officer, senior, manager, worker, agency):
    """A request for checks addressed to `agency`, made the way the MASH makes it."""
    contact = contact_with_mash(officer=officer, senior=senior, profile=profile)
    enquiry = enquiries.enquiry_open(contact=contact, by=manager, profile=profile, worker=worker)
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    (request,) = enquiries.enquiry_request_checks(
        enquiry=enquiry, by=worker, profile=profile, agencies=[agency], question="Checks please"
    )
    return request


def _referred_episode(*, officer, senior, team, profile, child) -> CinEpisode:
    """A child's census episode: the contact rated amber and referred to `team`."""
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
    return CinEpisode.objects.get(referral__contact=contact, person=child)


def make_records(
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    police,
    camden,
    social_work_team,
    social_worker,
):
    child = PersonFactory(last_name="Smith")
    adult = PersonFactory(last_name="Jones")
    submitted = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    draft = complete_contact(by=screening_officer, children=[child])
    link = draft.contact_people.get()
    awaiting = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=awaiting, by=screening_officer, profile=camden)
    services.contact_screen(contact=awaiting, by=screening_officer, profile=camden, rationale="")
    item = discussion_add(contact=submitted, reason="amber_green", by=screening_officer)
    partner_request = _partner_request(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        agency=police,
    )
    return {
        "partner_request": partner_request,
        "enquiry": partner_request.enquiry,
        "with_mash": contact_with_mash(
            officer=screening_officer, senior=senior_practitioner, profile=camden
        ),
        "submitted": submitted,
        "worker": social_worker,
        "draft": draft,
        "person": adult,
        "link": link,
        "awaiting": awaiting,
        "discussion": item,
        "notice": notify(user=mash_manager, title="Something for you", email=False),
        "episode": _referred_episode(
            officer=screening_officer,
            senior=senior_practitioner,
            team=social_work_team,
            profile=camden,
            child=PersonFactory(last_name="Smith"),
        ),
    }


# What the table's URLs point at, built once; tests/test_every_read_is_logged.py builds the same.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)


def test_healthz_needs_no_login_and_reports_database_and_broker(client, db, settings):
    settings.HEALTHZ_TOKEN = "monitoring"
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitoring")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
