"""A small hand-made quarter (July to September 2026) whose every figure is known exactly.

Rows are made directly, not through the services: the figures read what the services leave
behind, and here each row is placed at a known time so the expected numbers can be worked out
by hand (see the comments). The contacts are granted to the team that holds them, as the
services do, so the click-through can be checked against object permissions.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from guardian.shortcuts import assign_perm

from accounts.models import AgencyKind
from early_help.models import EarlyHelpDecision, EarlyHelpPanel, PanelCase
from mash.models import ConsentDecision, Enquiry, PartnerAnswer, PartnerRequest
from referrals.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    MerlinReport,
    Referral,
)
from reporting.tables import Period
from tests.factories import AgencyFactory, PersonFactory, UserFactory
from thresholds.models import Deadline

LONDON = ZoneInfo("Europe/London")
QUARTER = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "Test quarter")
NOW = dt.datetime(2026, 10, 15, 12, 0, tzinfo=LONDON)
SERIAL = itertools.count(1)  # unique references when a test makes the quarter twice


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


def make_quarter(team, other_team) -> dict:
    by = UserFactory()
    worker = UserFactory(first_name="Wendy", last_name="Worker", team=team)
    child1, child2, child3 = PersonFactory(), PersonFactory(), PersonFactory()
    serial = SERIAL
    batch = next(SERIAL)

    def contact(received_at, *, children, source="phone", referral_source="2A", status, **more):
        made = Contact.objects.create(
            reference=f"MI{next(serial):04d}",
            source=source,
            referral_source=referral_source,
            received_at=received_at,
            status=status,
            created_by=by,
            **more,
        )
        for child in children:
            ContactPerson.objects.create(contact=made, person=child, role="child")
        return made

    def referral(made, child, on: dt.date):
        ref = Referral.objects.create(
            contact=made,
            team=team,
            assessment_type="cfa",
            reason="Needs assessment",
            created_by=by,
            created_at=made.received_at,
        )
        CinEpisode.objects.create(referral=ref, person=child, referral_date=on)

    def clock(kind, made, started, hours_due, met=None, **more):
        return Deadline.objects.create(
            kind=kind,
            contact=made,
            started_at=started,
            due_at=started + dt.timedelta(hours=hours_due),
            met_at=met,
            warn_at=started,
            **more,
        )

    # Before the quarter: child1 referred in December 2025 (so c1 is a re-referral and a
    # repeat), child3 contacted in October 2025 (so c4 is a repeat).
    older = contact(at(2025, 12, 1, 9), children=[child1], status="referred_to_social_work")
    referral(older, child1, dt.date(2025, 12, 1))
    contact(at(2025, 10, 1, 9), children=[child3], status="information_only")

    # c1: phone, 2A, referred to the team; contact record met in 2 hours (on time).
    c1 = contact(
        at(2026, 7, 10, 10), children=[child1], status="referred_to_social_work", assigned_team=team
    )
    referral(c1, child1, dt.date(2026, 7, 10))
    clock(
        "contact_record",
        c1,
        at(2026, 7, 10, 10),
        24,
        at(2026, 7, 10, 12),
        team=team,
        responsible=worker,
    )

    # c2: police MERLIN (red), with the MASH: three agencies answered (a MASH record), in 1, 3
    # and 6 hours against 4 (one late); consent overridden; the red checks clock is overdue.
    c2 = contact(
        at(2026, 8, 1, 9),
        children=[child2],
        source="police_merlin",
        referral_source="6",
        status="with_mash",
    )
    MerlinReport.objects.create(
        reference=f"MERLIN-{batch}",
        police_rag="red",
        incident_at=at(2026, 7, 31, 22),
        category="domestic_abuse",
        summary="Incident",
        decision_maker_name="DS Example",
        decision_maker_rank="DS",
        signed_off_at=at(2026, 8, 1, 7),
        submitted_by=by,
        submitted_at=at(2026, 8, 1, 8),
        contact=c2,
        route="screening",
    )
    enquiry = Enquiry.objects.create(contact=c2, opened_by=by, opened_at=at(2026, 8, 1, 9))
    ConsentDecision.objects.create(
        enquiry=enquiry,
        outcome="sought_refused",
        recorded_by=by,
        recorded_at=at(2026, 8, 1, 9, 5),
    )
    ConsentDecision.objects.create(  # the later decision is the one that stands
        enquiry=enquiry,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Immediate danger",
        recorded_by=by,
        recorded_at=at(2026, 8, 1, 9, 10),
    )
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import PartnerAgency

    suffix = f" {batch}" if PartnerAgency.objects.filter(name="Agency health").exists() else ""
    request_type = ContentType.objects.get_for_model(PartnerRequest)
    agencies = [
        AgencyFactory(name=f"Agency health{suffix}", kind=AgencyKind.HEALTH),
        AgencyFactory(name=f"Agency police{suffix}", kind=AgencyKind.POLICE),
        AgencyFactory(name=f"Agency school{suffix}", kind=AgencyKind.EDUCATION),
    ]
    for agency, hours in zip(agencies, (1, 3, 6), strict=True):
        request = PartnerRequest.objects.create(
            enquiry=enquiry,
            agency=agency,
            question="Checks",
            requested_by=by,
            requested_at=at(2026, 8, 1, 9),
            status="answered",
        )
        answered = at(2026, 8, 1, 9) + dt.timedelta(hours=hours)
        PartnerAnswer.objects.create(
            request=request, version=1, status="submitted", author=by, submitted_at=answered
        )
        clock(
            "partner_check",
            c2,
            at(2026, 8, 1, 9),
            4,
            answered,
            subject_type=request_type,
            subject_id=request.pk,
        )
    clock("red_checks", c2, at(2026, 8, 1, 9), 4)

    # c3: e-CAF about child1 again (a repeat), early help decided no further action.
    c3 = contact(at(2026, 9, 5, 14), children=[child1], source="ecaf", status="closed_nfa")
    EarlyHelpDecision.objects.create(
        contact=c3, outcome="nfa", rationale="No", decided_by=by, decided_at=at(2026, 9, 6, 9)
    )
    # c4: late on the last evening of the quarter (BST), no referral source; child3 again.
    c4 = contact(
        at(2026, 9, 30, 23, 30),
        children=[child3],
        referral_source="",
        status="information_and_advice",
    )
    # c5: a relative about child2 again, with early help, sent to the panel (undecided).
    c5 = contact(
        at(2026, 8, 15, 11), children=[child2], referral_source="1A", status="with_early_help"
    )
    EarlyHelpDecision.objects.create(
        contact=c5, outcome="panel", rationale="Panel", decided_by=by, decided_at=at(2026, 8, 16, 9)
    )
    PanelCase.objects.create(
        panel=EarlyHelpPanel.objects.get_or_create(date=dt.date(2026, 8, 20))[0],
        contact=c5,
        source="decision",
        reason="Complex",
    )
    # Not counted: a draft in the quarter, and a contact a minute after it ended.
    contact(at(2026, 8, 2, 9), children=[child2], status="draft")
    contact(at(2026, 10, 1, 0, 1), children=[child2], status="closed_nfa")

    # Who may open what: the team holds c1 (and c3); the other team holds c4.
    for made, holder in ((c1, team), (c3, team), (c4, other_team)):
        assign_perm("referrals.view_contact", holder.group, made)
    return {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c4": c4,
        "c5": c5,
        "worker": worker,
        "agencies": agencies,
    }
