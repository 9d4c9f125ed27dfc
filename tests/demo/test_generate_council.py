"""The scale generator (`generate_council`, demo.scale): a tiny council, read back through the
service's own selectors, access helpers and matching, must look like the services made it."""

import datetime as dt
import random
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from guardian.shortcuts import get_groups_with_perms, get_users_with_perms

from accounts.models import User
from accounts.roles import Role
from demo.scale.replay import Due
from demo.scale.staff import social_worker_username, username
from early_help.models import EarlyHelpDecision
from early_help.selectors import decision_queue
from mash.access import partner_inbox_requests
from mash.models import Enquiry, PartnerRequest
from referrals import lifecycle, matching, search
from referrals.access import may_contact
from referrals.models import (
    CinEpisode,
    Contact,
    ContactRole,
    ContactStatus,
    NumberSequence,
    Person,
    PersonSearchKey,
    Referral,
)
from referrals.oversight import team_workers, worker_tray
from referrals.selectors import involvements_for, queue_for_team, queue_new
from referrals.services import person_create
from thresholds import clock
from thresholds.models import Deadline
from thresholds.services import compute_due

TINY = [
    "--people",
    "300",
    "--contacts",
    "700",
    "--enquiries",
    "140",
    "--open-clocks",
    "80",
    "--staff-scale",
    "0.05",
    "--password",
    "scale-test-pass",
    "--not-live",
    "--seed",
    "7",
]


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_council", *TINY, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def council(camden):
    generate()
    return camden


def user(role: Role, number: int = 1) -> User:
    return User.objects.get(username=username(role, number))


def test_generated_screening_officer_sees_every_new_contact_in_the_new_contacts_queue(council):
    officer = user(Role.SCREENING_OFFICER)
    assert officer.check_password("scale-test-pass")
    new = set(Contact.objects.filter(status=ContactStatus.SUBMITTED).values_list("pk", flat=True))
    assert new
    assert {c.pk for c in queue_new(officer)} == new


def test_generated_early_help_manager_sees_the_contacts_awaiting_a_decision(council):
    manager = user(Role.EARLY_HELP_DUTY_MANAGER)
    waiting = Contact.objects.filter(status=ContactStatus.WITH_EARLY_HELP)
    assert waiting.exists()
    assert not EarlyHelpDecision.objects.filter(contact__in=waiting).exists()
    assert {c.pk for c in decision_queue(manager)} == set(waiting.values_list("pk", flat=True))
    # Closed early help work stays readable to the duty managers (ADR 0008), never writable.
    closed = Contact.objects.filter(early_help_decision__isnull=False).first()
    assert may_contact(manager, "view_contact", closed)
    assert not may_contact(manager, "change_contact", closed)


def test_generated_partner_sees_its_agencys_requests_and_no_others(council):
    partner = user(Role.PARTNER_AGENCY_USER)
    mine = set(PartnerRequest.objects.filter(agency=partner.agency).values_list("pk", flat=True))
    assert mine
    assert {r.pk for r in partner_inbox_requests(partner)} == mine


def test_an_open_mash_contact_holds_exactly_the_grants_the_services_give(council):
    contact = (
        Contact.objects.filter(status=ContactStatus.WITH_MASH).select_related("enquiry").first()
    )
    worker = contact.assigned_to
    assert contact.enquiry.worker == worker
    expected = lifecycle.holders_for(ContactStatus.WITH_MASH, team=None, workers=[worker])
    assert expected == {worker: lifecycle.Access.WRITE}
    users = get_users_with_perms(contact, attach_perms=True, with_group_users=False)
    assert {u: set(p) for u, p in users.items()} == {worker: {"view_contact", "change_contact"}}
    assert not get_groups_with_perms(contact)
    assert worker.has_perm("mash.change_enquiry", contact.enquiry)
    for link in contact.contact_people.select_related("person"):
        assert worker.has_perm("referrals.view_person", link.person)


def test_work_that_moved_on_keeps_no_grant_for_its_previous_holder(council):
    referred = (
        Contact.objects.filter(status=ContactStatus.REFERRED_TO_SOCIAL_WORK, enquiry__isnull=False)
        .select_related("enquiry__worker", "assigned_team")
        .first()
    )
    worker = referred.enquiry.worker
    assert not worker.has_perm("referrals.view_contact", referred)
    assert not worker.has_perm("mash.change_enquiry", referred.enquiry)
    groups = get_groups_with_perms(referred, attach_perms=True)
    assert groups == {referred.assigned_team.group: ["view_contact"]}
    closed = Contact.objects.filter(status=ContactStatus.CLOSED_NFA, enquiry__isnull=False).first()
    kept = closed.enquiry.worker
    assert kept.has_perm("referrals.view_contact", closed)
    assert not kept.has_perm("referrals.change_contact", closed)


def test_generated_people_are_found_by_matching_and_search(council):
    rng = random.Random(3)
    people = list(Person.objects.filter(date_of_birth__isnull=False).select_related("address"))
    for person in rng.sample(people, 5):
        terms = matching.SearchTerms(
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
        )
        assert person.pk in [c.person.pk for c in matching.find_candidates(terms)]
        stored = set(PersonSearchKey.objects.filter(person=person).values_list("kind", "value"))
        assert stored == search.person_search_keys(person)
        assert re.fullmatch(r"P\d{7}", person.case_number)


def test_references_are_unique_in_the_models_format_and_the_services_carry_on_after_them(council):
    references = list(Contact.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == Contact.objects.count()
    assert all(re.fullmatch(r"C\d{7}", r) for r in references)
    assert NumberSequence.objects.get(name="contact").last_value == max(
        int(r[1:]) for r in references
    )
    assert Enquiry.objects.count() >= 100


def test_clocks_are_due_when_the_profile_says(council):
    for deadline in Deadline.objects.order_by("?")[:40]:
        assert deadline.due_at == compute_due(
            council, deadline.kind, deadline.started_at, deadline.rag
        ), deadline.kind
    assert Deadline.objects.open().filter(breached_at__isnull=False).exists()


def test_working_day_memo_gives_the_clock_modules_answer(camden):
    due = Due(camden)
    rng = random.Random(5)
    start = dt.datetime(2024, 3, 20, tzinfo=dt.UTC)
    for _ in range(300):
        at = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        got = due("contact_record", at, "")
        amount, unit = due.scales[("contact_record", "")]
        assert got == clock.due_at(at, amount, unit, due.closures)


def test_refuses_a_database_holding_people_it_did_not_make(camden, screening_officer):
    person_create(by=screening_officer, reason="A real child", first_name="Ada", last_name="Real")
    with pytest.raises(CommandError, match="did not make"):
        generate()
    assert not Contact.objects.exists()


def test_refuses_with_debug_off_unless_told_the_database_is_not_live(camden, settings):
    settings.DEBUG = False
    args = [a for a in TINY if a != "--not-live"]
    with pytest.raises(CommandError, match="--not-live"):
        call_command("generate_council", *args, stdout=StringIO())


def test_a_second_run_adds_to_its_own_council(council):
    before = Contact.objects.count()
    generate("--seed", "8")
    assert Contact.objects.count() == before * 2


def test_mash_work_happens_in_order_before_its_decision_and_before_now(council):
    decided = Enquiry.objects.filter(status="decided")
    assert decided.exists()
    assert not PartnerRequest.objects.filter(
        enquiry__in=decided, requested_at__gt=F("enquiry__decided_at")
    ).exists()
    assert not PartnerRequest.objects.filter(
        enquiry__in=decided, answers__submitted_at__gt=F("enquiry__decided_at")
    ).exists()
    assert not PartnerRequest.objects.filter(enquiry__in=decided, status="open").exists()
    assert not Enquiry.objects.filter(opened_at__lt=F("contact__received_at")).exists()
    now = timezone.now()
    assert not Contact.objects.filter(screened_at__gt=now).exists()
    assert not Deadline.objects.filter(met_at__gt=now).exists()


def test_refuses_to_add_to_its_council_once_a_service_has_added_a_person(
    council, screening_officer
):
    person_create(by=screening_officer, reason="A real child", first_name="Ada", last_name="Real")
    before = Contact.objects.count()
    with pytest.raises(CommandError, match="did not make"):
        generate("--seed", "9")
    assert Contact.objects.count() == before


def test_open_clocks_are_marked_as_the_sweep_left_them_unless_asked_to_leave_some(camden):
    generate()
    overdue = Deadline.objects.open().filter(due_at__lte=timezone.now())
    assert overdue.exists()
    assert not overdue.filter(breached_at__isnull=True).exists()
    generate("--seed", "11", "--unswept-hours", "72")
    assert overdue.filter(breached_at__isnull=True).exists()


def _involvements_on(contact: Contact, day: dt.date) -> list:
    """The children's social care involvements opened by `day`, as the selectors read them."""
    children = contact.contact_people.filter(role=ContactRole.CHILD).values_list(
        "person_id", flat=True
    )
    return [
        inv
        for invs in involvements_for(list(children)).values()
        for inv in invs
        if inv.opened_on <= day
    ]


def test_a_contact_about_a_child_open_to_social_care_is_in_the_allocated_workers_tray(council):
    passed = list(
        Contact.objects.filter(status=ContactStatus.PASSED_TO_ALLOCATED_WORKER).select_related(
            "assigned_to", "assigned_team"
        )
    )
    assert passed
    for contact in passed:
        day = contact.received_at.date()
        current = [
            i for i in _involvements_on(contact, day) if i.closed_on is None or i.closed_on > day
        ]
        assert current, contact.reference
        assert contact.assigned_to in {i.allocated_worker for i in current}
        # A contact about two children open to different teams goes to the team that opened
        # its case last (as screening routes it: referrals.selectors).
        latest = max(i.opened_on for i in current)
        assert contact.assigned_team in {i.team for i in current if i.opened_on == latest}
        assert may_contact(contact.assigned_to, "change_contact", contact)
        for link in contact.contact_people.select_related("person"):
            assert contact.assigned_to.has_perm("referrals.view_person", link.person)
    contact = passed[-1]
    worker = contact.assigned_to
    assert worker.username.startswith(social_worker_username(0)[:-1])
    manager = User.objects.filter(
        team=contact.assigned_team, groups__name=Role.TEAM_MANAGER.value
    ).first()
    assert worker in team_workers(manager)
    tray = set(worker_tray(manager, worker).values_list("pk", flat=True))
    assert tray == set(Contact.objects.filter(assigned_to=worker).values_list("pk", flat=True))
    assert contact.pk in tray
    assert contact.pk in {c.pk for c in queue_for_team(manager)}


def test_a_referred_child_is_open_to_the_team_with_an_allocated_worker_until_the_episode_ends(
    council,
):
    checked = 0
    for referral in Referral.objects.select_related("team").order_by("pk")[:20]:
        episodes = {e.person_id: e for e in CinEpisode.objects.filter(referral=referral)}
        by_person = involvements_for(list(episodes))
        for person_id, episode in episodes.items():
            (inv,) = [i for i in by_person[person_id] if i.opened_on == episode.referral_date]
            assert inv.team == referral.team
            assert inv.allocated_worker.team == referral.team
            assert inv.allocated_worker.has_perm("referrals.view_person", inv.person)
            assert inv.closed_on == episode.closed_on
            assert inv.history.earliest().closed_on is None  # opened, then closed
            checked += 1
    assert checked


def test_a_contact_about_a_child_whose_case_closed_recently_goes_to_the_previous_team(havering):
    call_command("generate_council", *TINY, "--profile", "havering", stdout=StringIO())
    assigned = list(Contact.objects.filter(status=ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM))
    assert assigned
    for contact in assigned:
        day = contact.received_at.date()
        involvements = _involvements_on(contact, day)
        assert all(i.closed_on and i.closed_on <= day for i in involvements)
        latest = max(involvements, key=lambda i: i.closed_on)
        assert day - latest.closed_on <= dt.timedelta(days=31 * havering.recently_closed_months)
        assert contact.assigned_team == latest.team
        assert contact.assigned_to is None
        manager = User.objects.filter(
            team=contact.assigned_team, groups__name=Role.TEAM_MANAGER.value
        ).first()
        assert contact.pk in {c.pk for c in queue_for_team(manager)}


def test_the_clocks_tally_counts_the_generated_clocks(council):
    """Its clocks are copied in, not started by the service: the tally must still count them
    (the clocks' triggers fire for COPY as for INSERT), so the dashboards read from it agree."""
    from thresholds import selectors, tally

    now = timezone.now()
    for part in (
        tally.every_clock_on_a_contact(),
        tally.team_clocks(
            Deadline.objects.open().exclude(team=None).values_list("team_id", flat=True).first()
        ),
    ):
        clocks = selectors.open_deadlines_for(part, now=now)
        tallied = tally.grouped(tally.tally_of(part), now=now)
        assert tallied, part
        assert selectors.deadline_counts(tallied, now=now) == selectors.deadline_counts(
            clocks, now=now
        )


def _tables_with_rows() -> set[str]:
    """The council's tables holding rows (not the generator's own temporary ones)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        found = set()
        for table in tables:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                found.add(table)
    return found


def test_every_table_the_generator_fills_has_its_statistics(camden):
    """A council in service has been analysed by autovacuum; one just generated must have been
    too, or its plans are not the service's (the people's grants, written by SQL after the
    loader's tables, once had none: a person's page read every group grant of the permission)."""
    before = _tables_with_rows()
    generate()
    filled = _tables_with_rows() - before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"
        )
        analysed = {row[0] for row in cursor.fetchall()}

    assert {"referrals_persongroupobjectpermission", "referrals_personuserobjectpermission"} <= (
        filled
    )
    assert filled - analysed == set()
