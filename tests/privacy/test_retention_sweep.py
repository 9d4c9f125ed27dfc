"""The retention sweep: the rules per council, exactly the records past retention, idempotent."""

import datetime as dt

import pytest

from privacy import services
from privacy.models import (
    RecordKind,
    RetentionEvent,
    RetentionReview,
    RetentionRule,
    ReviewStatus,
)
from privacy.retention import add_years, event_and_due, subtract_years
from tests.factories import PersonFactory, complete_contact
from tests.privacy.conftest import NFA_ON
from tests.privacy.records import at, closed_cin, closed_nfa

SIX_YEARS_ON = dt.date(2021, 3, 10)


@pytest.mark.parametrize("council", ["camden", "havering", "islington"])
def test_every_council_has_a_rule_for_each_kind_of_record(request, council):
    profile = request.getfixturevalue(council)
    rules = {r.kind: r for r in RetentionRule.objects.filter(profile=profile)}
    assert set(rules) == set(RecordKind.values)
    assert rules[RecordKind.CIN_CP].years == 25
    assert rules[RecordKind.CIN_CP].counted_from == RetentionEvent.EIGHTEENTH_OR_CLOSURE
    assert rules[RecordKind.EARLY_HELP].years == 5
    assert rules[RecordKind.EARLY_HELP].counted_from == RetentionEvent.CLOSURE
    assert rules[RecordKind.NFA_ADVICE].years == 6
    assert "council's choice" in rules[RecordKind.NFA_ADVICE].source


def test_a_leap_day_counts_to_the_first_of_march_and_back():
    assert add_years(dt.date(2008, 2, 29), 18) == dt.date(2026, 3, 1)
    assert subtract_years(dt.date(2026, 2, 28), 18) == dt.date(2008, 2, 28)
    assert add_years(dt.date(2008, 2, 29), 4) == dt.date(2012, 2, 29)


def test_child_protection_is_counted_from_the_eighteenth_birthday_or_closure_whichever_is_later():
    rule = RetentionEvent.EIGHTEENTH_OR_CLOSURE
    born, closed = dt.date(2010, 5, 1), dt.date(2012, 1, 1)
    event, due = event_and_due(
        rule, 25, received_on=closed, closed_on=closed, youngest_born_on=born
    )
    assert (event, due) == (dt.date(2028, 5, 1), dt.date(2053, 5, 1))
    # Closed after the child turned 18: the closure counts.
    late = dt.date(2030, 6, 1)
    assert event_and_due(rule, 25, received_on=late, closed_on=late, youngest_born_on=born) == (
        late,
        dt.date(2055, 6, 1),
    )


def test_a_closed_contact_joins_the_queue_the_day_its_period_ends_and_not_before(old_nfa):
    assert services.retention_sweep(today=SIX_YEARS_ON - dt.timedelta(days=1)) == 0
    assert services.retention_sweep(today=SIX_YEARS_ON) == 1
    review = RetentionReview.objects.get()
    assert review.contact == old_nfa
    assert review.kind == RecordKind.NFA_ADVICE
    assert (review.event_on, review.due_since) == (NFA_ON, SIX_YEARS_ON)
    assert review.status == ReviewStatus.PENDING
    assert review.history.get().history_change_reason


def test_running_the_sweep_again_adds_nothing(old_nfa):
    services.retention_sweep(today=SIX_YEARS_ON)
    assert services.retention_sweep(today=SIX_YEARS_ON) == 0
    assert services.retention_sweep(today=SIX_YEARS_ON + dt.timedelta(days=400)) == 0
    assert RetentionReview.objects.count() == 1


def test_the_sweep_uses_the_councils_own_period(old_nfa, in_islington):
    rule = RetentionRule.objects.get(profile=in_islington, kind=RecordKind.NFA_ADVICE)
    rule.years = 7
    rule.save()
    assert services.retention_sweep(today=SIX_YEARS_ON) == 0
    assert services.retention_sweep(today=dt.date(2022, 3, 10)) == 1


def test_a_contact_still_open_is_never_past_retention(
    in_islington, screening_officer, senior_practitioner
):
    complete_contact(
        by=screening_officer, children=[PersonFactory(by=screening_officer)], received_at=at(NFA_ON)
    )
    assert services.retention_sweep(today=dt.date(2090, 1, 1)) == 0


def test_a_kept_record_comes_back_on_its_review_again_date(old_nfa, service_manager):
    services.retention_sweep(today=SIX_YEARS_ON)
    review = RetentionReview.objects.get()
    again = dt.date.today() + dt.timedelta(days=30)
    services.review_keep(
        review=review, reason="Complaint expected", review_again_on=again, by=service_manager
    )
    assert services.retention_sweep(today=again - dt.timedelta(days=1)) == 0
    assert services.retention_sweep(today=again) == 1
    assert RetentionReview.objects.filter(status=ReviewStatus.PENDING).count() == 1


def test_a_record_with_a_hold_joins_the_queue_as_held(old_nfa, service_manager):
    services.hold_place(
        person=old_nfa.people.get(), reason="litigation", details="Claim", by=service_manager
    )
    services.retention_sweep(today=SIX_YEARS_ON)
    assert RetentionReview.objects.get().status == ReviewStatus.HELD


def test_a_cin_record_is_due_25_years_after_the_childs_eighteenth_birthday(
    camden, screening_officer, senior_practitioner, social_work_team, social_worker
):
    closed_cin(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        team=social_work_team,
        worker=social_worker,
        on=dt.date(2001, 4, 2),
        closed=dt.date(2001, 9, 3),
        born=dt.date(1990, 6, 15),
    )
    # 18th birthday 15 June 2008 is later than the closure: due 15 June 2033.
    assert services.retention_sweep(today=dt.date(2033, 6, 14)) == 0
    assert services.retention_sweep(today=dt.date(2033, 6, 15)) == 1
    review = RetentionReview.objects.get()
    assert review.kind == RecordKind.CIN_CP
    assert review.event_on == dt.date(2008, 6, 15)


def test_the_sweep_is_a_fixed_number_of_queries_however_many_records(
    in_islington, screening_officer, senior_practitioner, django_assert_max_num_queries
):
    for day in (NFA_ON, NFA_ON + dt.timedelta(days=1), NFA_ON + dt.timedelta(days=2)):
        closed_nfa(
            officer=screening_officer, senior=senior_practitioner, profile=in_islington, on=day
        )
    with django_assert_max_num_queries(12):
        assert services.retention_sweep(today=dt.date(2030, 1, 1)) == 3
