"""Figures from the clocks: timeliness by kind, team and worker; the MASH and partner checks."""

import datetime as dt

from django.db import connections
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from accounts.models import PartnerAgency, Team, User
from mash.models import (
    MASH_RECORD_AGENCIES,
    ConsentGround,
    ConsentOutcome,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
)
from thresholds.models import ClockKind, CouncilProfile, Deadline

from ..stats import EpochSeconds, PercentileCont, duration_percentiles, supports_percentiles
from ..tables import Column, Period, Section, Table
from .build import _counted, _hours, _link, _percent
from .conditions import (
    NONE,
    ON_TIME,
    Span,
    breached,
    standing_consent,
)

# --- Timeliness -------------------------------------------------------------------------


def clocks_in(period: Period, span: Span) -> QuerySet:
    """Clocks on the period's contacts, read through the (contact, kind) index within the span of
    their ids. (The start of a clock has no end to bound it by: read by start, a past period's
    figures would read every clock started since, most of them on later contacts.)"""
    return Deadline.objects.filter(span.within(period, "contact_id"))


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


# The grouping sets of the timeliness figures: one pass over the period's clocks. Each clock's
# conditions and duration are worked out once, in the inner SELECT, not once per grouping set
# (the aggregate reads every row three times, once per set): a third off a year's figures. A
# condition that is NULL (a clock not met has no `m > d`) is not counted, as in a WHERE. The
# duration is cast to double precision there, the type PERCENTILE_CONT sorts (it would cast
# EXTRACT's numeric itself), so the percentiles are the same numbers.
_SETS = {"kind": "kind", "team": "team_id", "responsible": "responsible_id"}
_SETS_SQL = """
SELECT GROUPING(g_kind) AS off_kind, GROUPING(g_team) AS off_team,
       GROUPING(g_responsible) AS off_responsible, g_kind, g_team, g_responsible,
       COUNT(*) AS started,
       COUNT(*) FILTER (WHERE is_met) AS met,
       COUNT(*) FILTER (WHERE is_on_time) AS on_time,
       COUNT(*) FILTER (WHERE is_breach) AS breaches,
       COUNT(*) FILTER (WHERE is_met_late) AS met_late,
       COUNT(*) FILTER (WHERE is_overdue) AS overdue,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY taken) AS median_s,
       PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY taken) AS p90_s
FROM (
    SELECT g_kind, g_team, g_responsible,
           m IS NOT NULL AS is_met,
           m IS NOT NULL AND m <= d AND b IS NULL AS is_on_time,
           b IS NOT NULL OR m > d OR (m IS NULL AND c IS NULL AND d < %s) AS is_breach,
           m > d AS is_met_late,
           m IS NULL AND c IS NULL AND d < %s AS is_overdue,
           EXTRACT(EPOCH FROM (m - s))::double precision AS taken
    FROM ({base}) clocks
) flagged
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


def timeliness_section(
    period: Period, profile: CouncilProfile, now: dt.datetime, span: Span
) -> Section:
    clocks = clocks_in(period, span)
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


def mash_tables(period: Period, span: Span) -> list[Table]:
    """The MASH section's tables but the partner checks (`partner_table`, counted apart)."""
    # One pass over the period's enquiries for every MASH figure: grouped by the consent
    # decision that stands on each (the groups are few), with the summary's counts in each. A
    # contact has at most one enquiry, so these count the contacts the click-through lists.
    enquiries = Enquiry.objects.filter(span.within(period, "contact_id"))
    standing = list(
        standing_consent(enquiries)
        .order_by()
        .values("consent", "consent_ground")
        .annotate(
            n=Count("pk"),
            records=Count("pk", filter=Q(agencies__gte=MASH_RECORD_AGENCIES)),
            decided=Count("pk", filter=Q(status=EnquiryStatus.DECIDED)),
        )
    )
    counted = {
        "enquiries": sum(g["n"] for g in standing),
        "records": sum(g["records"] for g in standing),
        "decided": sum(g["decided"] for g in standing),
    }
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
    return [summary, consent, ground_table]


def partner_table(period: Period, now: dt.datetime, span: Span) -> Table:
    """Partner checks by agency: asked, answered, late, and how long answers took (the
    partner-check clock runs from the request to the agency's answer)."""
    # Every partner-check clock's subject is a PartnerRequest (mash.enquiries starts them),
    # so the kind alone picks them, through the (contact, kind) index.
    checks = (
        clocks_in(period, span)
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
