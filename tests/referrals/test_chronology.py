"""A person's chronology: one timeline from every app, only what the viewer may open,
filterable by kind, a page at a time in a fixed number of queries, and the read logged."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from referrals import chronology
from tests.factories import PersonFactory, green_contact, partner_requests


@pytest.fixture
def rich_child(screening_officer, senior_practitioner, mash_manager, mash_social_worker, camden):
    """A child with a MASH enquiry (checks asked of partners) and a green contact with early help."""
    child = PersonFactory(first_name="Rowan", last_name="Chronicle")
    requests = partner_requests(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        children=[child],
    )
    green = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    mash_contact = next(iter(requests.values())).enquiry.contact
    return {"child": child, "mash_contact": mash_contact, "green": green}


def _kinds(entries):
    return {e.kind for e in entries}


def test_mash_worker_sees_the_mash_entries_and_both_contacts(rich_child, mash_social_worker):
    entries = chronology.chronology(user=mash_social_worker, person=rich_child["child"], limit=100)
    assert {"contacts", "ratings", "mash"} <= _kinds(entries)
    titles = " ".join(e.title for e in entries)
    assert rich_child["mash_contact"].reference in titles
    assert rich_child["green"].reference in titles
    assert any(e.title.startswith("Checks asked of") for e in entries)


def test_early_help_manager_never_sees_mash_content(rich_child, early_help_manager):
    entries = chronology.chronology(user=early_help_manager, person=rich_child["child"], limit=100)
    assert "mash" not in _kinds(entries)
    assert entries, "the green contact routed to early help is theirs to see"
    text = " ".join(e.title + e.detail + e.url for e in entries)
    assert rich_child["green"].reference in text
    assert rich_child["mash_contact"].reference not in text
    assert "/mash/" not in text


def test_page_filters_by_kind_without_javascript_and_ignores_junk(client, rich_child, mash_manager):
    client.force_login(mash_manager)
    url = reverse("referrals:person_chronology", args=[rich_child["child"].pk])
    page = client.get(url, {"kind": ["mash", "nonsense", "<script>"]}).content.decode()
    assert "MASH enquiry opened" in page
    assert "Initial rating" not in page
    assert 'value="mash" checked' in page
    everything = client.get(url).content.decode()
    assert "Initial rating" in everything and "MASH enquiry opened" in everything


def test_reading_the_chronology_is_logged(client, rich_child, mash_manager):
    client.force_login(mash_manager)
    child = rich_child["child"]
    client.get(reverse("referrals:person_chronology", args=[child.pk]))
    log = AccessLog.objects.filter(user=mash_manager, object_id=child.pk).latest("pk")
    assert log.description == f"Chronology of {child.case_number}"


def test_print_view_lists_the_entries_without_the_filter(client, rich_child, mash_manager):
    client.force_login(mash_manager)
    url = reverse("referrals:person_chronology", args=[rich_child["child"].pk])
    page = client.get(url, {"view": "print"}).content.decode()
    assert "Printed" in page and "chronology.css" in page
    assert 'name="kind"' not in page


def test_a_long_history_pages_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, screening_officer, mash_manager, camden
):
    from referrals import services
    from tests.factories import complete_contact

    child = PersonFactory()
    for _ in range(30):
        contact = complete_contact(by=screening_officer, children=[child])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(mash_manager)
    url = reverse("referrals:person_chronology", args=[child.pk])
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(30):
        first = client.get(url, {"kind": "contacts"}).content.decode()
    assert first.count("received: phone call") == 30
    for _ in range(30):
        contact = complete_contact(by=screening_officer, children=[child])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    with django_assert_max_num_queries(30):
        page = client.get(url, {"kind": "contacts"}).content.decode()
    assert page.count("received: phone call") == 50 and 'rel="next"' in page
    older = client.get(url, {"kind": "contacts", "page": "2"}).content.decode()
    assert older.count("received: phone call") == 10 and 'rel="prev"' in older
    assert client.get(url, {"page": "999999999999"}).status_code == 200


def test_early_help_decision_and_family_work_appear_for_early_help_staff(
    screening_officer, senior_practitioner, early_help_manager, family_worker, camden
):
    from tests.factories import family_work_case

    child = PersonFactory()
    contact = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    case = family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )

    titles = [
        e.title
        for e in chronology.chronology(user=early_help_manager, person=child, limit=100)
        if e.kind == "early_help"
    ]
    assert f"Family work case {case.reference} opened" in titles
    assert any(t.startswith(f"Early help decision on {contact.reference}") for t in titles)
    worker_sees = chronology.chronology(user=family_worker, person=child, limit=100)
    assert any(e.url == case.get_absolute_url() for e in worker_sees)


def test_each_move_of_a_contact_is_an_entry_without_the_reason_behind_it(
    rich_child, mash_social_worker, early_help_manager
):
    moves = [
        e
        for e in chronology.chronology(
            user=mash_social_worker, person=rich_child["child"], limit=100
        )
        if e.kind == "moves"
    ]
    mash_ref, green_ref = rich_child["mash_contact"].reference, rich_child["green"].reference
    titles = [e.title for e in moves]
    assert any(t.startswith(f"Contact {mash_ref} moved on: with the MASH manager") for t in titles)
    assert any(
        t.startswith(f"Contact {green_ref} moved on: with the early help duty manager")
        for t in titles
    )
    assert all(e.detail == "" for e in moves)
    theirs = chronology.chronology(
        user=early_help_manager, person=rich_child["child"], kinds=["moves"], limit=100
    )
    assert theirs and all(mash_ref not in e.title for e in theirs)


def test_a_panel_decision_is_an_early_help_entry(
    screening_officer, senior_practitioner, early_help_manager, camden
):
    from early_help import services as early_help
    from early_help.models import PanelCase

    child = PersonFactory()
    contact = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    early_help.early_help_decide(
        contact=contact,
        by=early_help_manager,
        profile=camden,
        outcome="panel",
        rationale="Which service fits the whole family?",
    )
    item = PanelCase.objects.get(contact=contact)
    early_help.panel_record_attendees(
        panel=item.panel, by=early_help_manager, attendees=[early_help_manager], other_attendees=""
    )
    early_help.panel_decide(
        item=item,
        by=early_help_manager,
        profile=camden,
        decision="targeted_service",
        rationale="Whole-family needs: a longer intervention.",
        service="Family Services",
    )
    entries = chronology.chronology(user=early_help_manager, person=child, limit=100)
    [panel] = [e for e in entries if e.title.startswith("Early Help Panel decision")]
    assert contact.reference in panel.title and panel.detail.startswith("Whole-family needs")


def test_sources_with_nothing_on_the_childs_contacts_are_not_read(
    client, screening_officer, mash_manager, camden
):
    """One query says which sources that can say so have anything on the child's contacts (or,
    for family work cases, on the child); a child with submitted contacts and nothing else is
    read from the contacts alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals import services
    from tests.factories import complete_contact

    child = PersonFactory()
    for _ in range(2):
        contact = complete_contact(by=screening_officer, children=[child])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(mash_manager)
    skipped = (
        "referrals_rating",
        "referrals_referral",
        "referrals_referrernotice",
        "referrals_merlinreport",
        "mash_informationshared",
        "mash_discussionitem",
        "early_help_earlyhelpdecision",
        "early_help_panelcase",
        "early_help_familyworkcase",
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("referrals:person_chronology", args=[child.pk]))
    assert page.content.decode().count("received: phone call") == 2
    read = {
        table
        for q in queries
        for table in skipped
        if f'FROM "{table}"' in q["sql"].split("EXISTS")[0]
    }
    assert read == set()
    asked = [q for q in queries if q["sql"].count("EXISTS") >= len(skipped)]
    assert len(asked) == 1


def test_a_source_with_entries_is_read_after_the_one_question(rich_child, mash_manager):
    """The gate never hides an entry: the rich child's ratings, referral, decisions and
    checks all appear (the other tests check each kind's content)."""
    entries = chronology.chronology(user=mash_manager, person=rich_child["child"], limit=100)
    assert {"ratings", "contacts", "moves", "mash"} <= _kinds(entries)


def test_each_entry_names_who_did_it_the_users_read_once_for_the_timeline(
    rich_child, mash_manager, screening_officer, senior_practitioner, mash_social_worker
):
    """Sources give the user's id and the timeline names them all in one query, instead of
    each source joining its users (and its contact, whose reference the scope already has)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mash.models import PartnerRequest

    staff = (screening_officer, senior_practitioner, mash_manager, mash_social_worker)
    with CaptureQueriesContext(connection) as queries:
        entries = chronology.chronology(user=mash_manager, person=rich_child["child"], limit=100)
    assert len(entries) > 10
    for entry in entries:
        assert entry.by in {str(u) for u in staff}, (entry.title, entry.by)
    contacts = [e for e in entries if e.kind == "contacts"]
    assert len(contacts) == 2 and {e.by for e in contacts} == {str(screening_officer)}
    asked = [e for e in entries if e.title.startswith("Checks asked of")]
    askers = {str(r.requested_by) for r in PartnerRequest.objects.select_related("requested_by")}
    assert asked and {e.by for e in asked} == askers
    # The contacts' references come with the scope's one read of the contacts.
    assert all(
        rich_child["mash_contact"].reference in e.title or rich_child["green"].reference in e.title
        for e in entries
        if e.kind in ("ratings", "mash", "moves")
    )
    users_read = [q["sql"] for q in queries if '"accounts_user"' in q["sql"]]
    # The names, and the enquiry's social worker (shown in its entry's detail); the person's
    # warnings are read without their users, named by id like every other entry.
    assert len(users_read) == 2, users_read
    assert sum('FROM "accounts_user"' in sql for sql in users_read) == 1


def test_a_warnings_entries_name_who_proposed_agreed_and_ended_it_without_joining_them(
    rich_child, screening_officer, mash_manager, service_manager
):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from referrals.person_warnings import services as warnings

    review_on = timezone.localdate() + dt.timedelta(days=60)
    warning = warnings.warning_propose(
        person=rich_child["child"],
        by=screening_officer,
        kind="staff_safety",
        reason="Father threatened a worker.",
        review_on=review_on,
    )
    warning = warnings.warning_agree(
        warning=warning, by=mash_manager, partner_summary="Visit in pairs.", review_on=review_on
    )
    warnings.warning_end(warning=warning, by=service_manager, reason="Father moved away.")

    with CaptureQueriesContext(connection) as queries:
        entries = chronology.chronology(
            user=mash_manager, person=rich_child["child"], kinds=["warnings"], limit=100
        )
    by_title = {e.title: e.by for e in entries}
    assert by_title == {
        "Staff safety warning proposed": str(screening_officer),
        "Staff safety warning agreed": str(mash_manager),
        "Staff safety warning ended": str(service_manager),
    }
    warning_reads = [q["sql"] for q in queries if '"referrals_personwarning"' in q["sql"]]
    assert len(warning_reads) == 1 and '"accounts_user"' not in warning_reads[0]


def test_previous_decisions_are_looked_for_only_on_an_enquiry_reopened(rich_child, mash_manager):
    """Whether an enquiry's decision was reopened comes with the enquiries (an EXISTS each):
    the rich child's was not, so no read of previous decisions of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        entries = chronology.chronology(
            user=mash_manager, person=rich_child["child"], kinds=["mash"], limit=100
        )
    assert any(e.title.startswith("MASH enquiry opened") for e in entries)
    own_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "mash_previousdecision"')]
    assert own_reads == []
