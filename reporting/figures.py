"""The management information figures for a period (issue 10): every one a `Table`.

Every figure counts the contacts *received in the period* (drafts never count) and what
became of them: their clocks, MASH enquiries, early help decisions, MERLINs and referrals, so
the numbers of one period always add up to the same contacts. The one exception is workload,
which is what each team holds now. All counting is done by the database (GROUP BY, filtered
COUNTs, percentiles: reporting.stats); Python only shapes the few aggregated rows.

A figure row whose contacts can be listed carries a link to the click-through page
(`reporting:contacts`), and `DRILLS` holds, per figure key, how to label a row and filter the
contacts behind it, the same conditions the figure counted with.
"""

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection, connections, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import PartnerAgency, Team, User
from core.enums import Rag
from early_help.models import CaseStatus, EarlyHelpDecision, FamilyWorkCase, PanelCase
from early_help.models import Outcome as EarlyHelpOutcome
from mash.models import (
    MASH_RECORD_AGENCIES,
    AnswerStatus,
    ConsentDecision,
    ConsentGround,
    ConsentOutcome,
    Enquiry,
    EnquiryStatus,
    PartnerAnswer,
    PartnerRequest,
)
from referrals.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    ContactRole,
    ContactSource,
    ContactStatus,
    MerlinReport,
    Referral,
    ReferralSource,
)
from thresholds.models import ClockKind, CouncilProfile, Deadline

from .stats import EpochSeconds, PercentileCont, duration_percentiles, supports_percentiles
from .tables import Column, Period, Section, Table

# "Within 12 months" (repeat contacts, re-referrals), counted in days as Annex A does.
REPEAT_WINDOW = dt.timedelta(days=365)
# Where the front door's part of the work is still to do: workload counts these.
OPEN_CONTACT_STATUSES = [
    ContactStatus.SUBMITTED,
    ContactStatus.PASSED_TO_ALLOCATED_WORKER,
    ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
    ContactStatus.AWAITING_RATING,
    ContactStatus.WITH_MASH,
    ContactStatus.DAILY_DISCUSSION,
    ContactStatus.WITH_EARLY_HELP,
]
NONE = "none"  # the click-through row for "not recorded" / "no team"


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) instants: local midnight to the midnight after its last day."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min), zone)
    end = timezone.make_aware(
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min), zone
    )
    return start, end


def contacts_in(period: Period) -> QuerySet:
    """The contacts received in the period (every figure's population)."""
    start, end = bounds(period)
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        status=ContactStatus.DRAFT
    )


def _received_in(period: Period, prefix: str) -> Q:
    start, end = bounds(period)
    return Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end}) & ~Q(
        **{f"{prefix}status": ContactStatus.DRAFT}
    )


# --- Conditions shared by a figure and its click-through --------------------------------


def breached(now: dt.datetime) -> Q:
    """A clock that went past its due time: marked by the sweep, met late, or still running
    and overdue now."""
    return (
        Q(breached_at__isnull=False)
        | Q(met_at__gt=F("due_at"))
        | Q(met_at__isnull=True, closed_at__isnull=True, due_at__lt=now)
    )


ON_TIME = Q(met_at__isnull=False, met_at__lte=F("due_at"), breached_at__isnull=True)


def _has_clock(kind: str, now: dt.datetime, **extra) -> Q:
    return Q(
        Exists(
            Deadline.objects.filter(contact=OuterRef("pk"), kind=kind, **extra).filter(
                breached(now)
            )
        )
    )


def _breached_clock(now: dt.datetime, **where) -> Q:
    return Q(Exists(Deadline.objects.filter(contact=OuterRef("pk"), **where).filter(breached(now))))


# One index probe per contact of the period. Uncorrelated IN lists (hashed once) measured
# slower at 500,000 contacts: each parallel worker hashes every referral ever made.
REFERRED = Q(Exists(Referral.objects.filter(contact=OuterRef("pk"))))
WITH_ENQUIRY = Q(Exists(Enquiry.objects.filter(contact=OuterRef("pk"))))
EARLY_HELP_DECIDED = Q(Exists(EarlyHelpDecision.objects.filter(contact=OuterRef("pk"))))
INFORMATION_AND_ADVICE = Q(status=ContactStatus.INFORMATION_AND_ADVICE)
NFA = Q(status=ContactStatus.CLOSED_NFA)
INFORMATION_ONLY = Q(status=ContactStatus.INFORMATION_ONLY)


def repeat_contact() -> Q:
    """A child on the contact had another contact in the 12 months before it."""
    earlier = ContactPerson.objects.filter(
        person=OuterRef("person"),
        role=ContactRole.CHILD,
        contact__received_at__lt=OuterRef(OuterRef("received_at")),
        contact__received_at__gte=OuterRef(OuterRef("received_at")) - REPEAT_WINDOW,
    ).exclude(contact__status=ContactStatus.DRAFT)
    return Q(
        Exists(
            ContactPerson.objects.filter(contact=OuterRef("pk"), role=ContactRole.CHILD).filter(
                Exists(earlier)
            )
        )
    )


def _earlier_episode() -> Exists:
    """An episode of the same child referred in the 12 months before this one (CIN)."""
    return Exists(
        CinEpisode.objects.filter(
            person=OuterRef("person"),
            referral_date__lt=OuterRef("referral_date"),
            referral_date__gte=OuterRef("referral_date") - REPEAT_WINDOW,
        )
    )


def re_referral() -> Q:
    """A child on the contact was referred again within 12 months of an earlier referral."""
    return Q(
        Exists(
            CinEpisode.objects.filter(referral__contact=OuterRef("pk")).filter(_earlier_episode())
        )
    )


def _answered_agencies() -> Coalesce:
    """How many agencies submitted information on the contact's enquiry (one request each)."""
    answered = (
        PartnerRequest.objects.filter(enquiry__contact=OuterRef("pk"))
        .filter(
            Exists(
                PartnerAnswer.objects.filter(request=OuterRef("pk"), status=AnswerStatus.SUBMITTED)
            )
        )
        .order_by()
        .values("enquiry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(answered, output_field=IntegerField()), Value(0))


def _latest_consent(field: str) -> Subquery:
    return Subquery(
        ConsentDecision.objects.filter(enquiry__contact=OuterRef("pk"))
        .order_by("-recorded_at", "-pk")
        .values(field)[:1]
    )


def with_consent(contacts: QuerySet) -> QuerySet:
    return contacts.filter(WITH_ENQUIRY).annotate(
        consent=Coalesce(_latest_consent("outcome"), Value("")),
        consent_ground=Coalesce(_latest_consent("ground"), Value("")),
    )


# --- Building tables --------------------------------------------------------------------


def _link(figure: str, row: object, period: Period) -> str:
    query = {
        "figure": figure,
        "row": "" if row is None else str(row),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }
    return f"{reverse('reporting:contacts')}?{urlencode(query)}"


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _counted(
    *,
    key: str,
    title: str,
    caption: str,
    label: str,
    counts: dict,
    labels: dict,
    period: Period,
    total: int | None = None,
    drill: bool = True,
    keep_zero: bool = True,
) -> Table:
    """A one-count-per-category figure: every category in `labels` order (zero rows kept
    unless `keep_zero` is False), then any value found that `labels` does not name."""
    order = list(labels) + [k for k in counts if k not in labels]
    rows, links = [], {}
    total = sum(counts.values()) if total is None else total
    for code in order:
        n = counts.get(code, 0)
        if not n and not keep_zero:
            continue
        if drill and n:
            links[len(rows)] = _link(key, code if code not in ("", None) else NONE, period)
        rows.append(
            {
                "label": labels.get(code, str(code)),
                "code": code or "",
                "count": n,
                "percent": _percent(n, total),
            }
        )
    return Table(
        key=key,
        title=title,
        caption=caption,
        columns=(
            Column("label", label),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of total", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )


def _grouped(queryset: QuerySet, field: str) -> dict:
    return {
        row[field]: row["n"]
        for row in queryset.order_by().values(field).annotate(n=Count("pk", distinct=False))
    }


# --- Contacts ---------------------------------------------------------------------------


def contacts_section(period: Period, profile: CouncilProfile) -> Section:
    contacts = contacts_in(period)
    # One pass over the period's contacts for all three breakdowns: the groups are few.
    groups = list(
        contacts.order_by().values("source", "referral_source", "status").annotate(n=Count("pk"))
    )
    total = sum(g["n"] for g in groups)

    def summed(field: str) -> dict:
        out: dict = {}
        for g in groups:
            out[g[field]] = out.get(g[field], 0) + g["n"]
        return out

    by_source = _counted(
        key="contacts_by_source",
        title="Contacts by how they arrived",
        caption=f"Contacts received {period}, by the way they came in",
        label="Came in by",
        counts=summed("source"),
        labels=dict(ContactSource.choices),
        period=period,
        total=total,
    )
    referral_sources = {**dict(ReferralSource.choices), "": "Not recorded"}
    by_referral_source = _counted(
        key="contacts_by_referral_source",
        title="Contacts by referral source (CIN census code)",
        caption=f"Contacts received {period}, by who made them (CIN census referral source)",
        label="Referral source",
        counts=summed("referral_source"),
        labels={
            code: (f"{code}: {label}" if code else label)
            for code, label in referral_sources.items()
        },
        period=period,
        total=total,
        keep_zero=False,
    )
    by_outcome = _counted(
        key="contacts_by_outcome",
        title="Contacts by where they are now",
        caption=f"Contacts received {period}, by their status today",
        label="Status",
        counts=summed("status"),
        labels={k: v for k, v in ContactStatus.choices if k != ContactStatus.DRAFT},
        period=period,
        total=total,
        keep_zero=False,
    )
    steps = conversion_steps()
    counted = contacts.aggregate(
        **{code: Count("pk", filter=condition) for code, (_, condition) in steps.items()}
    )
    rows, links = [], {}
    for code, (label, _) in steps.items():
        if counted[code]:
            links[len(rows)] = _link("conversion", code, period)
        rows.append(
            {"label": label, "count": counted[code], "percent": _percent(counted[code], total)}
        )
    conversion = Table(
        key="conversion",
        title="What contacts became",
        caption=f"Contacts received {period} that went on to each step (a contact can take more than one)",
        columns=(
            Column("label", "Step"),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of contacts", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )
    return Section("contacts", "Contacts", [by_source, by_referral_source, by_outcome, conversion])


def conversion_steps() -> dict[str, tuple[str, Q]]:
    return {
        "all": ("All contacts", Q()),
        "referral": ("Referred to a social work team", REFERRED),
        "mash": ("MASH enquiry", WITH_ENQUIRY),
        "early_help": ("Early help referral decision", EARLY_HELP_DECIDED),
        "information_and_advice": ("Provision of information and advice", INFORMATION_AND_ADVICE),
        "nfa": ("Closed: no further action", NFA),
        "information_only": ("Closed: information only", INFORMATION_ONLY),
    }


# --- Timeliness -------------------------------------------------------------------------


def clocks_in(period: Period) -> QuerySet:
    """Clocks on the period's contacts. A contact's clocks start when or after it is received,
    so `started_at >= start` holds for all of them; saying so lets an index on the start serve."""
    start, _ = bounds(period)
    return Deadline.objects.filter(_received_in(period, "contact__"), started_at__gte=start)


def _clock_stats(deadlines: QuerySet, group: str, now: dt.datetime) -> dict:
    """Per value of `group`: clocks started, met, on time, breaches, still running, and the
    median and 90th percentile of the time taken by the met ones (hours). One query on
    PostgreSQL (the percentiles skip the NULL durations of clocks not met)."""
    in_sql = supports_percentiles(deadlines)
    percentiles = {}
    if in_sql:
        seconds = EpochSeconds(F("met_at") - F("started_at"))
        percentiles = {
            "median_s": PercentileCont(seconds, 0.5),
            "p90_s": PercentileCont(seconds, 0.9),
        }
    counted = (
        deadlines.order_by()
        .values(group)
        .annotate(
            started=Count("pk"),
            met=Count("pk", filter=Q(met_at__isnull=False)),
            on_time=Count("pk", filter=ON_TIME),
            breaches=Count("pk", filter=breached(now)),
            met_late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
            overdue=Count(
                "pk", filter=Q(met_at__isnull=True, closed_at__isnull=True, due_at__lt=now)
            ),
            **percentiles,
        )
    )
    stats = {row[group]: dict(row) for row in counted}
    if not in_sql:
        taken = duration_percentiles(
            deadlines, group, "started_at", "met_at", {"median_s": 0.5, "p90_s": 0.9}
        )
        for key, row in stats.items():
            row.update(taken.get(key, {"median_s": None, "p90_s": None}))
    for row in stats.values():
        row["median"] = _hours(row["median_s"])
        row["p90"] = _hours(row["p90_s"])
        row["percent_on_time"] = _percent(row["on_time"], row["on_time"] + row["breaches"])
    return stats


TIMELINESS_COLUMNS = (
    Column("started", "Clocks started", numeric=True),
    Column("on_time", "Met on time", numeric=True),
    Column("breaches", "Breaches", numeric=True),
    Column("percent_on_time", "% on time", numeric=True),
    Column("median", "Median hours taken", numeric=True),
    Column("p90", "90th percentile hours", numeric=True),
)
TIMELINESS_NOTE = (
    "% on time is of the clocks whose outcome is known (met on time, or breached); clocks "
    "still running within time or closed as no longer needed are in neither. Hours taken "
    "are from start to met, in clock hours."
)


def _timeliness_rows(stats: dict, order: list, labels: dict) -> list[dict]:
    rows = []
    for key in order:
        row = stats.get(key, {})
        rows.append(
            {
                "label": labels.get(key, str(key)),
                "code": key,
                **{
                    c.key: row.get(
                        c.key, 0 if c.key in ("started", "on_time", "breaches") else None
                    )
                    for c in TIMELINESS_COLUMNS
                },
            }
        )
    return rows


# The grouping sets of the timeliness figures: one pass over the period's clocks.
_SETS = {"kind": "kind", "team": "team_id", "responsible": "responsible_id"}
_SETS_SQL = """
SELECT GROUPING(g_kind) AS off_kind, GROUPING(g_team) AS off_team,
       GROUPING(g_responsible) AS off_responsible, g_kind, g_team, g_responsible,
       COUNT(*) AS started,
       COUNT(*) FILTER (WHERE m IS NOT NULL) AS met,
       COUNT(*) FILTER (WHERE m IS NOT NULL AND m <= d AND b IS NULL) AS on_time,
       COUNT(*) FILTER (WHERE b IS NOT NULL OR m > d OR (m IS NULL AND c IS NULL AND d < %s))
           AS breaches,
       COUNT(*) FILTER (WHERE m > d) AS met_late,
       COUNT(*) FILTER (WHERE m IS NULL AND c IS NULL AND d < %s) AS overdue,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (m - s))) AS median_s,
       PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (m - s))) AS p90_s
FROM ({base}) clocks
GROUP BY GROUPING SETS ((g_kind), (g_team), (g_responsible))
"""


def _clock_stats_sets(deadlines: QuerySet, now: dt.datetime) -> dict[str, dict]:
    """`_clock_stats` by kind, team and worker. On PostgreSQL one query with GROUPING SETS
    (the same conditions as ON_TIME and `breached`, written in SQL: the tests compare the two
    paths); elsewhere three grouped queries."""
    if not supports_percentiles(deadlines):
        return {name: _clock_stats(deadlines, name, now) for name in _SETS}
    base = deadlines.order_by().values(
        **{f"g_{name}": F(column) for name, column in _SETS.items()},
        s=F("started_at"),
        d=F("due_at"),
        m=F("met_at"),
        b=F("breached_at"),
        c=F("closed_at"),
    )
    base_sql, params = base.query.sql_with_params()
    out: dict[str, dict] = {name: {} for name in _SETS}
    with connections[deadlines.db].cursor() as cursor:
        cursor.execute(_SETS_SQL.format(base=base_sql), [now, now, *params])
        names = [col[0] for col in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            name = next(n for n in _SETS if row[f"off_{n}"] == 0)
            row["median"], row["p90"] = _hours(row["median_s"]), _hours(row["p90_s"])
            row["percent_on_time"] = _percent(row["on_time"], row["on_time"] + row["breaches"])
            out[name][row[f"g_{name}"]] = row
    return out


def timeliness_section(period: Period, profile: CouncilProfile, now: dt.datetime) -> Section:
    clocks = clocks_in(period)
    stats = _clock_stats_sets(clocks, now)
    by_kind = stats["kind"]
    profile_kinds = set(profile.timescales.values_list("kind", flat=True))
    kinds = [k for k in ClockKind.values if k in profile_kinds or k in by_kind]
    kind_rows = _timeliness_rows(by_kind, kinds, dict(ClockKind.choices))
    kind_table = Table(
        key="timeliness_by_kind",
        title="Timeliness by clock",
        caption=f"Clocks on contacts received {period}. {TIMELINESS_NOTE} Each clock links to the contacts whose clock of that kind breached.",
        columns=(Column("label", "Clock"), *TIMELINESS_COLUMNS),
        rows=kind_rows,
        label_key="label",
        value_key="percent_on_time",
        links={
            i: _link("breaches_by_kind", r["code"], period)
            for i, r in enumerate(kind_rows)
            if r["breaches"]
        },
    )

    by_team = stats["team"]
    names = dict(Team.objects.filter(pk__in=[k for k in by_team if k]).values_list("pk", "name"))
    team_order = sorted(by_team, key=lambda k: (k is None, names.get(k, "")))
    team_rows = _timeliness_rows(by_team, team_order, {**names, None: "No team (a role answers)"})
    team_table = Table(
        key="timeliness_by_team",
        title="Timeliness by team",
        caption=f"Every clock on contacts received {period}, by the team that answers for it. Each team links to the contacts whose clock it breached.",
        columns=(Column("label", "Team"), *TIMELINESS_COLUMNS),
        rows=team_rows,
        label_key="label",
        value_key="percent_on_time",
        links={
            i: _link("breaches_by_team", r["code"] if r["code"] is not None else NONE, period)
            for i, r in enumerate(team_rows)
            if r["breaches"]
        },
    )

    by_worker = stats["responsible"]
    workers = {
        u.pk: (u.get_full_name() or u.username)
        for u in User.objects.filter(pk__in=[k for k in by_worker if k]).only(
            "first_name", "last_name", "username"
        )
    }
    worker_order = sorted(by_worker, key=lambda k: (k is None, workers.get(k, "")))
    worker_rows = _timeliness_rows(by_worker, worker_order, {**workers, None: "No named worker"})
    worker_table = Table(
        key="timeliness_by_worker",
        title="Timeliness by worker",
        caption=f"Every clock on contacts received {period}, by the worker responsible for it.",
        columns=(Column("label", "Worker"), *TIMELINESS_COLUMNS),
        rows=worker_rows,
        label_key="label",
        value_key="percent_on_time",
        personal=True,
    )
    return Section("timeliness", "Timeliness", [kind_table, team_table, worker_table])


# --- MASH -------------------------------------------------------------------------------


def mash_section(period: Period, now: dt.datetime) -> Section:
    contacts = contacts_in(period)
    enquiries = contacts.filter(WITH_ENQUIRY).annotate(agencies=_answered_agencies())
    counted = enquiries.aggregate(
        enquiries=Count("pk"),
        records=Count("pk", filter=Q(agencies__gte=MASH_RECORD_AGENCIES)),
        decided=Count("pk", filter=Q(enquiry__status=EnquiryStatus.DECIDED)),
    )
    labels = {
        "enquiries": "MASH enquiries",
        "records": f"MASH records ({MASH_RECORD_AGENCIES} or more agencies gave information)",
        "decided": "Decided by the MASH manager",
    }
    rows, links = [], {}
    for code, label in labels.items():
        if counted[code]:
            links[len(rows)] = _link("mash", code, period)
        rows.append(
            {
                "label": label,
                "count": counted[code],
                "percent": _percent(counted[code], counted["enquiries"]),
            }
        )
    summary = Table(
        key="mash",
        title="MASH enquiries and records",
        caption=f"MASH enquiries into contacts received {period}",
        columns=(
            Column("label", "Measure"),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of enquiries", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )

    # The consent decision that stands on each enquiry, grouped once for both figures.
    standing = list(
        with_consent(contacts)
        .order_by()
        .values("consent", "consent_ground")
        .annotate(n=Count("pk"))
    )
    by_outcome: dict = {}
    for group in standing:
        by_outcome[group["consent"]] = by_outcome.get(group["consent"], 0) + group["n"]
    consent = _counted(
        key="consent",
        title="Consent outcomes",
        caption=f"The consent decision that stands on each MASH enquiry into contacts received {period}",
        label="Consent",
        counts=by_outcome,
        labels={**dict(ConsentOutcome.choices), "": "Not recorded yet"},
        period=period,
    )
    by_ground: dict = {}
    for group in standing:
        if group["consent"] in (ConsentOutcome.NOT_SOUGHT, ConsentOutcome.OVERRIDDEN):
            row = by_ground.setdefault(group["consent_ground"], {"not_sought": 0, "overridden": 0})
            row[group["consent"]] += group["n"]
    ground_rows, ground_links = [], {}
    for code, label in [*ConsentGround.choices, ("", "No ground recorded")]:
        row = by_ground.get(code)
        if row is None and code == "":
            continue
        not_sought = row["not_sought"] if row else 0
        overridden = row["overridden"] if row else 0
        if not_sought + overridden:
            ground_links[len(ground_rows)] = _link("consent_ground", code or NONE, period)
        ground_rows.append(
            {
                "label": label,
                "not_sought": not_sought,
                "overridden": overridden,
                "total": not_sought + overridden,
            }
        )
    ground_table = Table(
        key="consent_ground",
        title="Consent not sought or overridden, by ground",
        caption=f"MASH enquiries into contacts received {period} where consent was not sought or a refusal was overridden",
        columns=(
            Column("label", "Ground"),
            Column("not_sought", "Not sought", numeric=True),
            Column("overridden", "Refusal overridden", numeric=True),
            Column("total", "Total", numeric=True),
        ),
        rows=ground_rows,
        label_key="label",
        value_key="total",
        links=ground_links,
    )
    return Section("mash", "MASH", [summary, consent, ground_table, partner_table(period, now)])


def partner_table(period: Period, now: dt.datetime) -> Table:
    """Partner checks by agency: asked, answered, late, and how long answers took (the
    partner-check clock runs from the request to the agency's answer)."""
    # Every partner-check clock's subject is a PartnerRequest (mash.enquiries starts them),
    # so the kind alone picks them, through the (kind, started_at) index.
    checks = (
        clocks_in(period)
        .filter(kind=ClockKind.PARTNER_CHECK)
        .annotate(
            agency=Subquery(
                PartnerRequest.objects.filter(pk=OuterRef("subject_id"))
                .order_by()
                .values("agency_id")[:1]
            )
        )
    )
    stats = _clock_stats(checks, "agency", now)
    names = dict(
        PartnerAgency.objects.filter(pk__in=[k for k in stats if k]).values_list("pk", "name")
    )
    order = sorted(stats, key=lambda k: names.get(k, ""))
    rows, links = [], {}
    for key in order:
        row = stats[key]
        if key is not None:
            links[len(rows)] = _link("partner", key, period)
        rows.append(
            {
                "label": names.get(key, "Unknown agency"),
                "code": key,
                "requests": row["started"],
                "answered": row["met"],
                "met_late": row["met_late"],
                "overdue": row["overdue"],
                "median": row["median"],
                "p90": row["p90"],
            }
        )
    return Table(
        key="partner",
        title="Partner checks by agency",
        caption=f"Requests for checks on contacts received {period}: how many each agency answered, how many late, and how long answers took (hours)",
        columns=(
            Column("label", "Agency"),
            Column("requests", "Requests", numeric=True),
            Column("answered", "Answered", numeric=True),
            Column("met_late", "Answered late", numeric=True),
            Column("overdue", "Overdue, not answered", numeric=True),
            Column("median", "Median hours to answer", numeric=True),
            Column("p90", "90th percentile hours", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="median",
        links=links,
    )


# --- Repeats, police, early help, workload ----------------------------------------------


def repeats_section(period: Period) -> Section:
    contacts = contacts_in(period)
    counted = contacts.aggregate(
        all=Count("pk"),
        repeat=Count("pk", filter=repeat_contact()),
        re_referral=Count("pk", filter=re_referral()),
    )
    episodes = CinEpisode.objects.filter(_received_in(period, "referral__contact__"))
    children = episodes.aggregate(
        referred=Count("pk"), again=Count("pk", filter=Q(_earlier_episode()))
    )
    rows = [
        {
            "label": "Contacts received",
            "count": counted["all"],
            "percent": _percent(counted["all"], counted["all"]),
        },
        {
            "label": "Repeat contacts: a child on it had another contact in the 12 months before",
            "count": counted["repeat"],
            "percent": _percent(counted["repeat"], counted["all"]),
        },
        {
            "label": "Re-referrals: a child on it was referred within 12 months of an earlier referral",
            "count": counted["re_referral"],
            "percent": _percent(counted["re_referral"], counted["all"]),
        },
    ]
    links = {}
    for i, code in enumerate(("all", "repeat", "re_referral")):
        if rows[i]["count"]:
            links[i] = _link("repeats", code, period)
    contacts_table = Table(
        key="repeats",
        title="Repeat contacts and re-referrals",
        caption=f"Contacts received {period} about children already seen in the 12 months before",
        columns=(
            Column("label", "Contacts"),
            Column("count", "Contacts", numeric=True),
            Column("percent", "% of contacts", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="count",
        links=links,
    )
    child_rows = [
        {
            "label": "Children referred to social care (CIN referrals)",
            "count": children["referred"],
            "percent": _percent(children["referred"], children["referred"]),
        },
        {
            "label": "Of whom referred again within 12 months of an earlier referral",
            "count": children["again"],
            "percent": _percent(children["again"], children["referred"]),
        },
    ]
    children_table = Table(
        key="re_referral_children",
        title="Re-referrals of children (CIN census count)",
        caption=f"Children referred to social care from contacts received {period}, and how many had been referred in the 12 months before",
        columns=(
            Column("label", "Children"),
            Column("count", "Children", numeric=True),
            Column("percent", "% of children referred", numeric=True),
        ),
        rows=child_rows,
        label_key="label",
        value_key="count",
    )
    return Section("repeats", "Repeat contacts and re-referrals", [contacts_table, children_table])


def police_section(period: Period) -> Section:
    merlins = MerlinReport.objects.filter(_received_in(period, "contact__"))
    table = _counted(
        key="merlin",
        title="Police MERLIN reports by police RAG rating",
        caption=f"MERLIN reports whose contacts were received {period}, by the rating the police gave",
        label="Police RAG rating",
        counts=_grouped(merlins, "police_rag"),
        labels=dict(Rag.choices),
        period=period,
    )
    return Section("police", "Police MERLIN reports", [table])


def early_help_section(period: Period) -> Section:
    decisions = EarlyHelpDecision.objects.filter(_received_in(period, "contact__"))
    decided = _counted(
        key="early_help",
        title="Early help referral decisions by outcome",
        caption=f"Early help referral decisions on contacts received {period}",
        label="Decision",
        counts=_grouped(decisions, "outcome"),
        labels=dict(EarlyHelpOutcome.choices),
        period=period,
        keep_zero=False,
    )
    panel_cases = PanelCase.objects.filter(_received_in(period, "contact__"))
    panel = _counted(
        key="panel",
        title="Early Help Panel decisions",
        caption=f"Cases from contacts received {period} put to the Early Help Panel, by the panel's decision",
        label="Panel decision",
        counts=_grouped(panel_cases, "decision"),
        labels={**dict(EarlyHelpOutcome.choices), "": "Awaiting the panel's decision"},
        period=period,
        keep_zero=False,
    )
    return Section("early_help", "Early help", [decided, panel])


def workload_section(period: Period) -> Section:
    """What each team holds now (whatever the period): open contacts, enquiries, family work."""
    contacts = _grouped(Contact.objects.filter(status__in=OPEN_CONTACT_STATUSES), "assigned_team")
    enquiries = _grouped(Enquiry.objects.exclude(status=EnquiryStatus.DECIDED), "worker__team")
    cases = _grouped(FamilyWorkCase.objects.filter(status=CaseStatus.OPEN), "team")
    keys = set(contacts) | set(enquiries) | set(cases)
    names = dict(Team.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    rows, links = [], {}
    for key in sorted(keys, key=lambda k: (k is None, names.get(k, ""))):
        row = {
            "label": names.get(key, "No team"),
            "contacts": contacts.get(key, 0),
            "enquiries": enquiries.get(key, 0),
            "cases": cases.get(key, 0),
        }
        row["total"] = row["contacts"] + row["enquiries"] + row["cases"]
        if row["contacts"]:
            links[len(rows)] = _link("workload", key if key is not None else NONE, period)
        rows.append(row)
    table = Table(
        key="workload",
        title="Workload per team now",
        caption="Open work each team holds today, whatever the period: contacts still with the front door or passed to the team, open MASH enquiries (by the worker's team) and open family work cases. Each team links to its open contacts.",
        columns=(
            Column("label", "Team"),
            Column("contacts", "Open contacts", numeric=True),
            Column("enquiries", "Open MASH enquiries", numeric=True),
            Column("cases", "Open family work cases", numeric=True),
            Column("total", "Total", numeric=True),
        ),
        rows=rows,
        label_key="label",
        value_key="total",
        links=links,
    )
    return Section("workload", "Workload", [table])


def sections_for(
    period: Period, profile: CouncilProfile, *, now: dt.datetime | None = None
) -> list[Section]:
    """Every management information figure for contacts received in `period`, under `profile`
    (which clocks it runs)."""
    now = now or timezone.now()
    with transaction.atomic(using=Contact.objects.db), _reporting_settings():
        return _sections(period, profile, now)


@contextmanager
def _reporting_settings():
    """PostgreSQL settings for this transaction's aggregates: sorts of a year's clocks fit in
    memory (work_mem), and no JIT compilation, which costs more than these queries take
    (benchmarks/mi_benchmark.py measured a third of a second of it on one query)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
    yield


def _sections(period: Period, profile: CouncilProfile, now: dt.datetime) -> list[Section]:
    return [
        contacts_section(period, profile),
        timeliness_section(period, profile, now),
        mash_section(period, now),
        repeats_section(period),
        police_section(period),
        early_help_section(period),
        workload_section(period),
    ]


# --- Click-through: the contacts behind a figure row -------------------------------------


@dataclass(frozen=True)
class Drill:
    """How a figure's rows map to contacts: a row's label (None for a row that does not
    exist) and the contacts behind it."""

    title: str
    label: Callable[[str], str | None]
    contacts: Callable[[QuerySet, str, dt.datetime], QuerySet]
    in_period: bool = True


def _choice(choices, *, none: str | None = None) -> Callable[[str], str | None]:
    labels = dict(choices)

    def label(row: str) -> str | None:
        if row == NONE and none is not None:
            return none
        return labels.get(row)

    return label


def _by_field(field: str) -> Callable[[QuerySet, str, dt.datetime], QuerySet]:
    def contacts(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
        return qs.filter(**{field: "" if row == NONE else row})

    return contacts


def _pk_label(model, none: str | None) -> Callable[[str], str | None]:
    def label(row: str) -> str | None:
        if row == NONE:
            return none
        if not row.isdigit() or len(row) > 18:
            return None
        found = model.objects.filter(pk=int(row)).values_list("name", flat=True).first()
        return found

    return label


def _steps(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    return qs.filter(conversion_steps()[row][1])


def _mash(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    enquiries = qs.filter(WITH_ENQUIRY)
    if row == "records":
        return enquiries.annotate(agencies=_answered_agencies()).filter(
            agencies__gte=MASH_RECORD_AGENCIES
        )
    if row == "decided":
        return enquiries.filter(enquiry__status=EnquiryStatus.DECIDED)
    return enquiries


def _consent(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    return with_consent(qs).filter(consent="" if row == NONE else row)


def _consent_ground(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    return with_consent(qs).filter(
        consent__in=[ConsentOutcome.NOT_SOUGHT, ConsentOutcome.OVERRIDDEN],
        consent_ground="" if row == NONE else row,
    )


def _partner(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    return qs.filter(
        Exists(PartnerRequest.objects.filter(enquiry__contact=OuterRef("pk"), agency_id=int(row)))
    )


def _repeats(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    return qs.filter({"all": Q(), "repeat": repeat_contact(), "re_referral": re_referral()}[row])


def _related(model) -> Callable[[QuerySet, str, dt.datetime], QuerySet]:
    """Contacts with a `model` row (which has `contact` and the figure's field) matching."""

    def build(field: str):
        def contacts(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
            value = "" if row == NONE else row
            return qs.filter(Exists(model.objects.filter(contact=OuterRef("pk"), **{field: value})))

        return contacts

    return build


def _workload(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    open_contacts = Contact.objects.filter(status__in=OPEN_CONTACT_STATUSES)
    if row == NONE:
        return open_contacts.filter(assigned_team__isnull=True)
    return open_contacts.filter(assigned_team_id=int(row))


def _breaches_by_team(qs: QuerySet, row: str, now: dt.datetime) -> QuerySet:
    team = {"team__isnull": True} if row == NONE else {"team_id": int(row)}
    return qs.filter(_breached_clock(now, **team))


DRILLS: dict[str, Drill] = {
    "contacts_by_source": Drill(
        "Contacts by how they arrived", _choice(ContactSource.choices), _by_field("source")
    ),
    "contacts_by_referral_source": Drill(
        "Contacts by referral source",
        _choice(ReferralSource.choices, none="Not recorded"),
        _by_field("referral_source"),
    ),
    "contacts_by_outcome": Drill(
        "Contacts by where they are now",
        _choice([c for c in ContactStatus.choices if c[0] != ContactStatus.DRAFT]),
        _by_field("status"),
    ),
    "conversion": Drill(
        "What contacts became",
        lambda row: conversion_steps()[row][0] if row in conversion_steps() else None,
        _steps,
    ),
    "breaches_by_kind": Drill(
        "Breached clocks",
        _choice(ClockKind.choices),
        lambda qs, row, now: qs.filter(_has_clock(row, now)),
    ),
    "breaches_by_team": Drill(
        "Breached clocks by team", _pk_label(Team, "No team (a role answers)"), _breaches_by_team
    ),
    "mash": Drill(
        "MASH enquiries and records",
        _choice(
            [("enquiries", "MASH enquiries"), ("records", "MASH records"), ("decided", "Decided")]
        ),
        _mash,
    ),
    "consent": Drill(
        "Consent outcomes", _choice(ConsentOutcome.choices, none="Not recorded yet"), _consent
    ),
    "consent_ground": Drill(
        "Consent not sought or overridden",
        _choice(ConsentGround.choices, none="No ground recorded"),
        _consent_ground,
    ),
    "partner": Drill("Partner checks by agency", _pk_label(PartnerAgency, None), _partner),
    "repeats": Drill(
        "Repeat contacts and re-referrals",
        _choice(
            [
                ("all", "Contacts received"),
                ("repeat", "Repeat contacts"),
                ("re_referral", "Re-referrals within 12 months"),
            ]
        ),
        _repeats,
    ),
    "merlin": Drill(
        "Police MERLIN reports by police RAG rating",
        _choice(Rag.choices),
        _related(MerlinReport)("police_rag"),
    ),
    "early_help": Drill(
        "Early help referral decisions",
        _choice(EarlyHelpOutcome.choices),
        _related(EarlyHelpDecision)("outcome"),
    ),
    "panel": Drill(
        "Early Help Panel decisions",
        _choice(EarlyHelpOutcome.choices, none="Awaiting the panel's decision"),
        _related(PanelCase)("decision"),
    ),
    "workload": Drill(
        "Open contacts per team now", _pk_label(Team, "No team"), _workload, in_period=False
    ),
}


def contacts_behind(
    figure: str, row: str, period: Period, *, now: dt.datetime | None = None
) -> tuple[str, str, QuerySet] | None:
    """(figure title, row label, the contacts behind the row), or None for a figure or row
    that does not exist."""
    drill = DRILLS.get(figure)
    if drill is None:
        return None
    label = drill.label(row)
    if label is None:
        return None
    now = now or timezone.now()
    return drill.title, label, drill.contacts(contacts_in(period), row, now)
