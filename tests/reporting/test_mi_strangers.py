"""The MI figures read the period's rows by the span of its contacts' ids alone, leaving out by
id the span's strangers: contacts made among the period's that are not the period's (received
before or after it, or still drafts). The figures must be those counted by joining every row to
its contact."""

import pytest

import reporting.figures as figures
from early_help.models import EarlyHelpDecision
from referrals.models import Contact
from reporting.figures import conditions, sections_for
from reporting.figures.conditions import Span, with_strangers
from reporting.figures.contacts import contact_groups
from tests.factories import TeamFactory
from tests.reporting.mi_data import NOW, QUARTER, at, make_quarter
from thresholds.models import Deadline

pytestmark = pytest.mark.django_db


def _contact(reference: str, received_at, status: str, by) -> Contact:
    return Contact.objects.create(
        reference=reference, source="phone", received_at=received_at, status=status, created_by=by
    )


@pytest.fixture
def strangers(social_work_team):
    """The test quarter, then, made among its contacts (a contact of the quarter is made after
    them): a contact received in June and logged late, and a draft, each with a clock breached
    in August and an early help decision."""
    made = make_quarter(social_work_team, TeamFactory(name="Other team"))
    by = made["worker"]
    late = _contact("MI-LATE", at(2026, 6, 20, 9), "closed_nfa", by)
    draft = _contact("MI-DRAFT", at(2026, 8, 5, 9), "draft", by)
    for contact in (late, draft):
        Deadline.objects.create(
            kind="contact_record",
            contact=contact,
            started_at=at(2026, 8, 5, 9),
            due_at=at(2026, 8, 5, 13),
            warn_at=at(2026, 8, 5, 9),
            breached_at=at(2026, 8, 5, 13),
        )
        EarlyHelpDecision.objects.create(
            contact=contact, outcome="nfa", rationale="No", decided_by=by, decided_at=at(2026, 8, 6)
        )
    after = _contact("MI-AFTER", at(2026, 9, 1, 9), "closed_nfa", by)
    # The contacts made from the quarter's first to its last that are not the quarter's: these
    # two, and the quarter's own draft and its contact of October.
    return {
        c.pk
        for c in Contact.objects.filter(pk__gte=made["c1"].pk, pk__lt=after.pk)
        if c.status == "draft" or not at(2026, 7, 1) <= c.received_at < at(2026, 10, 1)
    }


def test_the_span_knows_the_contacts_made_among_the_periods_that_are_not_its(strangers):
    _groups, span = contact_groups(QUARTER)

    assert span.strangers is None
    assert len(strangers) == 4
    assert set(with_strangers(QUARTER, span).strangers) == strangers


def test_figures_read_by_id_leaving_strangers_out_are_those_joined_to_each_contact(
    strangers, camden, monkeypatch
):
    by_id = sections_for(QUARTER, camden, now=NOW, at_once=1)
    monkeypatch.setattr(figures, "with_strangers", lambda period, span: span)
    joined = sections_for(QUARTER, camden, now=NOW, at_once=1)
    # Read by id without leaving them out, the strangers' clocks and decisions would count.
    monkeypatch.setattr(
        figures, "with_strangers", lambda period, span: Span(span.first, span.last, ())
    )
    careless = sections_for(QUARTER, camden, now=NOW, at_once=1)

    assert by_id == joined
    assert careless != joined


def test_a_span_with_too_many_strangers_joins_the_contacts(strangers, monkeypatch):
    monkeypatch.setattr(conditions, "MOST_STRANGERS", 1)
    _groups, span = contact_groups(QUARTER)

    known = with_strangers(QUARTER, span)

    assert known.strangers is None
    assert "referrals_contact" in str(
        Deadline.objects.filter(known.within(QUARTER, "contact_id")).query
    )


def test_rows_are_read_by_id_alone_where_the_strangers_are_known():
    none = Span(10, 20, ())
    some = Span(10, 20, (12, 15))
    unknown = Span(10, 20)

    def sql(span: Span) -> str:
        return str(Deadline.objects.filter(span.within(QUARTER, "contact_id")).query)

    assert "referrals_contact" not in sql(none)
    assert "referrals_contact" not in sql(some)
    assert "NOT" in sql(some) and "12" in sql(some) and "15" in sql(some)
    assert "referrals_contact" in sql(unknown) and "received_at" in sql(unknown)
    # A wider span (the period and the year before) does not know its strangers.
    assert some.widened(1, 30).strangers is None


def test_an_empty_period_has_no_strangers(db):
    assert with_strangers(QUARTER, Span(0, -1)).strangers == ()
