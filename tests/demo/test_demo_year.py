"""The demo year (demo/year.py): a back-dated history that gives the management information,
the CIN census and Ofsted's Annex A lists something to say, made through the services."""

import datetime as dt
from collections import defaultdict
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from demo.year import QUIET_DAYS, collection_year_start
from early_help.family_work import family_work_record_assessment_completed
from early_help.models import EarlyHelpDecision, FamilyWorkCase, PanelCase
from mash.models import ConsentDecision
from referrals.cin import episode_problems, upn_problem
from referrals.merlin.models import MerlinReport
from referrals.models import CinEpisode, Contact, ContactRole, ContactStatus, Person
from thresholds.models import ClockKind, Deadline


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """Seed once for the module, rolled back at the end (the year takes a minute or two)."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_contacts_arrive_in_every_month_since_the_collection_year_began(year, db):
    today = timezone.localdate()
    month = collection_year_start(today)
    while month <= today:
        received = Contact.objects.filter(
            received_at__year=month.year, received_at__month=month.month
        )
        # A month gone by holds weeks of work, and so does the month in progress once it is
        # past the live demo's last fortnight; until then (on the 1st, a day) it holds some.
        young = (month.year, month.month) == (today.year, today.month) and today.day <= QUIET_DAYS
        assert received.count() >= (1 if young else 10), month
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    # The six months before it are there too, for "the previous six months".
    before = Contact.objects.filter(received_at__date__lt=collection_year_start(today))
    assert before.count() >= 40


def test_sources_span_the_cin_referral_source_codes(year, db):
    codes = set(Contact.objects.values_list("referral_source", flat=True))
    assert {"1A", "1B", "1C", "2A", "2B", "3A", "3B", "3E", "4", "5A", "5C", "5D", "6"} <= codes
    assert {"7", "8", "9"} <= codes
    assert MerlinReport.objects.values("police_rag").distinct().count() >= 2


def test_every_episode_passes_the_census_checks_a_worker_can_break(year, db):
    today = timezone.localdate()
    episodes = list(CinEpisode.objects.select_related("person"))
    assert len(episodes) >= 100
    for episode in episodes:
        assert episode_problems(episode, today=today) == {}, episode
        assert episode.nfa or episode.primary_need
    assert {e.primary_need for e in episodes} >= {"N1", "N4", "N5"}
    assert sum(e.nfa for e in episodes) >= 10
    authorised = [e for e in episodes if e.assessment_authorised_on]
    assert len(authorised) >= 50
    assert {e.closure_reason for e in episodes} >= {"RC7", "RC8", "RC9"}
    assert any(e.assessment_started_on and not e.closed_on for e in episodes)  # still open
    this_year = [e for e in episodes if e.referral_date >= collection_year_start(today)]
    assert len(this_year) >= 60


def test_episodes_of_one_child_never_overlap_and_only_the_latest_is_open(year, db):
    by_child = defaultdict(list)
    for episode in CinEpisode.objects.order_by("referral_date", "pk"):
        by_child[episode.person_id].append(episode)
    for episodes in by_child.values():
        for earlier, later in zip(episodes, episodes[1:], strict=False):
            assert earlier.closed_on is not None and earlier.closed_on < later.referral_date
        open_ = [e for e in episodes if not e.closed_on and not e.nfa]
        assert len(open_) <= 1 and (not open_ or open_[0] == episodes[-1])


def test_every_referred_child_has_a_upn_or_the_reason_why(year, db):
    reference_date = dt.date(collection_year_start(timezone.localdate()).year + 1, 3, 31)
    children = Person.objects.filter(cin_episodes__isnull=False).distinct()
    assert children.exclude(upn="").count() >= 30
    for child in children.prefetch_related("cin_episodes"):
        episodes = list(child.cin_episodes.all())
        assert child.disabilities, child
        assert child.ethnicity and child.sex, child
        if child.upn:
            assert upn_problem(child.upn) == "" and not child.upn_unknown
            continue
        assert child.upn_unknown, child
        if child.upn_unknown == "UN7":
            assert all(e.nfa for e in episodes)
        elif child.date_of_birth and child.age_on(reference_date) >= 5:
            assert child.upn_unknown in ("UN2", "UN3", "UN4", "UN5", "UN6")
    codes = [c.disabilities for c in children]
    assert ["NONE"] in codes and any(len(c) >= 2 for c in codes)


def test_some_children_come_back_within_a_year(year, db):
    contacts = defaultdict(list)
    links = Contact.objects.filter(contact_people__role=ContactRole.CHILD).values_list(
        "contact_people__person", "received_at"
    )
    for person, received in links:
        contacts[person].append(received)
    repeats = [
        p
        for p, times in contacts.items()
        if len(times) >= 2 and max(times) - min(times) <= dt.timedelta(days=365)
    ]
    assert len(repeats) >= 3


def test_the_mash_records_consent_overrides_and_partners_answer_on_time_and_late(year, db):
    outcomes = set(ConsentDecision.objects.values_list("outcome", flat=True))
    assert {"sought_given", "not_sought", "overridden"} <= outcomes
    assert ConsentDecision.objects.exclude(ground="").values("ground").distinct().count() >= 2
    checks = Deadline.objects.filter(kind=ClockKind.PARTNER_CHECK, met_at__isnull=False)
    on_time = [d for d in checks if d.met_at <= d.due_at]
    late = [d for d in checks if d.met_at > d.due_at]
    assert len(on_time) >= 20 and len(late) >= 5
    assert Deadline.objects.filter(breached_at__isnull=False).count() >= 10


def test_early_help_decides_refers_to_the_panel_and_completes_assessments(year, db):
    outcomes = set(EarlyHelpDecision.objects.values_list("outcome", flat=True))
    assert {"iag", "brief_assessment", "panel"} <= outcomes
    assert PanelCase.objects.filter(decided_at__isnull=False, source="decision").count() >= 3
    completed = FamilyWorkCase.objects.filter(assessment_completed_on__isnull=False)
    assert completed.count() >= 10
    assert FamilyWorkCase.objects.filter(status="closed").count() >= 10
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert {ContactStatus.REFERRED_TO_SOCIAL_WORK, ContactStatus.CLOSED_NFA} <= statuses


def test_assessment_completion_cannot_precede_the_case_or_be_in_the_future(year, db):
    case = FamilyWorkCase.objects.filter(status="open").order_by("pk").first()
    worker = User.objects.get(username="familyworker")
    opened = timezone.localdate(case.opened_at)
    with pytest.raises(ValidationError):
        family_work_record_assessment_completed(
            case=case, by=worker, completed_on=opened - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        family_work_record_assessment_completed(
            case=case, by=worker, completed_on=timezone.localdate() + dt.timedelta(days=1)
        )
    family_work_record_assessment_completed(case=case, by=worker, completed_on=opened)
    case.refresh_from_db()
    assert case.assessment_completed_on == opened
    assert case.history.first().history_change_reason.startswith("Early help assessment")


def test_census_of_the_demo_year_passes_the_dfe_rules_with_no_errors(year, db, settings):
    """Issue 10's acceptance: the validator's own rules (its Python API, in its own venv) find
    no error in the census of the current collection year made from the demo."""
    from returns.cin_census import collection_year_of
    from returns.services import census_check
    from thresholds.models import CouncilProfile

    profile = CouncilProfile.objects.get(code=settings.COUNCIL_PROFILE)
    census_year = collection_year_of(timezone.localdate()).year
    checked = census_check(year=census_year, profile=profile)
    errors = [i for i in checked.validation.issues if i["rule_type"] == "ERROR"]
    assert checked.validation.rules_run > 100
    assert checked.validation.crashes == []
    assert errors == []
    assert checked.validation.error_count == 0
    assert len(checked.census.person_ids) >= 100


def test_annex_a_of_the_demo_has_contacts_early_help_and_referrals(year, db):
    from openpyxl import load_workbook

    from returns.annex_a import annex_a_lists, annex_a_workbook

    annex = annex_a_lists(as_of=timezone.localdate())
    book = load_workbook(BytesIO(annex_a_workbook(annex)))
    assert book.sheetnames == ["List 1", "List 2", "List 3"]
    for name, least in (("List 1", 100), ("List 2", 5), ("List 3", 30)):
        assert book[name].max_row - 1 >= least, name
